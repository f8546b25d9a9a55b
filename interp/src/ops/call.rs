//! Calls: `CALL_FUNCTION` (3.8's `call_function` without the tracing path: compiled frames
//! never run with tracing on).

use crate::cpython::layout;
use pyo3_ffi::{PyObject, Py_DECREF};
use std::os::raw::c_char;

type VectorcallFn = unsafe extern "C" fn(*mut PyObject, *const *mut PyObject, usize, *mut PyObject) -> *mut PyObject;

/// `PY_VECTORCALL_ARGUMENTS_OFFSET`: the callee may use `args[-1]` as scratch space.
const ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);
/// 3.8's `_Py_TPFLAGS_HAVE_VECTORCALL`.
const TPFLAGS_HAVE_VECTORCALL: std::os::raw::c_ulong = 1 << 11;

extern "C" {
    fn _PyObject_MakeTpCall(callable: *mut PyObject, args: *const *mut PyObject, nargs: isize, kwnames: *mut PyObject) -> *mut PyObject;
    fn _Py_CheckFunctionResult(callable: *mut PyObject, result: *mut PyObject, location: *const c_char) -> *mut PyObject;
}

/// 3.8's inline `_PyObject_Vectorcall`.
///
/// # Safety
/// GIL held; `callable` live; `args` has `nargsf`'s count of live references.
unsafe fn vectorcall(callable: *mut PyObject, args: *const *mut PyObject, nargsf: usize, kwnames: *mut PyObject) -> *mut PyObject {
    // SAFETY: type fields at probed offsets; the vectorcall slot is read as the type declares.
    unsafe {
        let tp = (*callable).ob_type.cast::<u8>();
        let flags = *tp.add(layout::TYPE_TP_FLAGS).cast::<std::os::raw::c_ulong>();
        if flags & TPFLAGS_HAVE_VECTORCALL != 0 {
            let offset = *tp.add(layout::TYPE_TP_VECTORCALL_OFFSET).cast::<isize>();
            let func = *callable.cast::<u8>().offset(offset).cast::<Option<VectorcallFn>>();
            if let Some(func) = func {
                let result = func(callable, args, nargsf, kwnames);
                return _Py_CheckFunctionResult(callable, result, std::ptr::null());
            }
        }
        _PyObject_MakeTpCall(callable, args, (nargsf & !ARGUMENTS_OFFSET) as isize, kwnames)
    }
}

/// `CALL_FUNCTION nargs`: calls `sp[-nargs-1]` with the `nargs` values above it, consumes
/// them all and leaves the result (or NULL) in the callable's slot. Fixed effect −nargs.
///
/// # Safety
/// GIL held; the `nargs + 1` slots below `sp` hold owned references.
pub unsafe extern "C" fn call_function(sp: *mut *mut PyObject, nargs: u32) -> i32 {
    // SAFETY: the slots are owned (caller); args[-1] (the callable's slot) may be scratch.
    unsafe {
        let func_slot = sp.sub(nargs as usize + 1);
        let callable = *func_slot;
        let args = func_slot.add(1);
        let result = vectorcall(callable, args, nargs as usize | ARGUMENTS_OFFSET, std::ptr::null_mut());
        Py_DECREF(callable);
        for i in 0..nargs as usize {
            Py_DECREF(*args.add(i));
        }
        *func_slot = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}
