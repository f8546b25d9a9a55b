//! Calls: `CALL_FUNCTION` (ceval's `call_function` of 3.8 — vectorcall — or of 3.7 — the
//! "fast call" entry points — without the tracing path: compiled frames never run with
//! tracing on).

use crate::cpython::layout;
#[cfg(any(py39, py310))]
use crate::cpython::PyThreadState;
use pyo3_ffi::{PyObject, Py_DECREF};
#[cfg(not(py37))]
use std::os::raw::c_char;

#[cfg(not(py37))]
type VectorcallFn = unsafe extern "C" fn(*mut PyObject, *const *mut PyObject, usize, *mut PyObject) -> *mut PyObject;

/// `PY_VECTORCALL_ARGUMENTS_OFFSET`: the callee may use `args[-1]` as scratch space.
pub(crate) const ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);
/// 3.8's `_Py_TPFLAGS_HAVE_VECTORCALL`.
#[cfg(not(py37))]
const TPFLAGS_HAVE_VECTORCALL: std::os::raw::c_ulong = 1 << 11;

#[cfg(py38)]
extern "C" {
    fn _PyObject_MakeTpCall(callable: *mut PyObject, args: *const *mut PyObject, nargs: isize, kwnames: *mut PyObject) -> *mut PyObject;
    fn _Py_CheckFunctionResult(callable: *mut PyObject, result: *mut PyObject, location: *const c_char) -> *mut PyObject;
}

// 3.9 added the thread state as first argument of both.
#[cfg(any(py39, py310))]
extern "C" {
    #[link_name = "_PyObject_MakeTpCall"]
    fn make_tp_call(
        tstate: *mut PyThreadState,
        callable: *mut PyObject,
        args: *const *mut PyObject,
        nargs: isize,
        kwnames: *mut PyObject,
    ) -> *mut PyObject;
    #[link_name = "_Py_CheckFunctionResult"]
    fn check_function_result(
        tstate: *mut PyThreadState,
        callable: *mut PyObject,
        result: *mut PyObject,
        location: *const c_char,
    ) -> *mut PyObject;
}

/// 3.9+: `_PyObject_MakeTpCall` on the current thread.
#[cfg(any(py39, py310))]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyObject_MakeTpCall(callable: *mut PyObject, args: *const *mut PyObject, nargs: isize, kwnames: *mut PyObject) -> *mut PyObject {
    // SAFETY: GIL held by the current thread (caller), so it has a thread state.
    unsafe { make_tp_call(crate::cpython::current_tstate(), callable, args, nargs, kwnames) }
}

/// 3.9+: `_Py_CheckFunctionResult` on the current thread.
#[cfg(any(py39, py310))]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _Py_CheckFunctionResult(callable: *mut PyObject, result: *mut PyObject, location: *const c_char) -> *mut PyObject {
    // SAFETY: GIL held by the current thread (caller), so it has a thread state.
    unsafe { check_function_result(crate::cpython::current_tstate(), callable, result, location) }
}

/// 3.8's inline `_PyObject_Vectorcall`.
///
/// # Safety
/// GIL held; `callable` live; `args` has `nargsf`'s count of live references.
#[cfg(not(py37))]
#[inline(never)]
pub(super) unsafe fn vectorcall_generic(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject {
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

/// 3.7 has no vectorcall: ceval's `call_function` dispatches by type to the "fast call"
/// entry points — builtin functions, method descriptors, Python functions (a bound
/// method's `self` goes into the slot before the arguments, which `ARGUMENTS_OFFSET` in
/// `nargsf` allows; it is put back afterwards), and `_PyObject_FastCallKeywords` for the
/// rest. Those check the result themselves.
///
/// # Safety
/// GIL held; `callable` live; `args` has `nargsf`'s count of live references (`kwnames`
/// counted among them as in vectorcall); with `ARGUMENTS_OFFSET`, `args[-1]` is writable.
#[cfg(py37)]
#[inline(never)]
pub(super) unsafe fn vectorcall_generic(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject {
    use pyo3_ffi::*;
    extern "C" {
        fn _PyCFunction_FastCallKeywords(f: *mut PyObject, a: *const *mut PyObject, n: Py_ssize_t, k: *mut PyObject) -> *mut PyObject;
        fn _PyMethodDescr_FastCallKeywords(f: *mut PyObject, a: *const *mut PyObject, n: Py_ssize_t, k: *mut PyObject) -> *mut PyObject;
        fn _PyFunction_FastCallKeywords(f: *mut PyObject, a: *const *mut PyObject, n: Py_ssize_t, k: *mut PyObject) -> *mut PyObject;
        fn _PyObject_FastCallKeywords(f: *mut PyObject, a: *const *mut PyObject, n: Py_ssize_t, k: *mut PyObject) -> *mut PyObject;
        static mut PyMethod_Type: PyTypeObject;
    }
    // SAFETY: as the contract; the method's function and self are live while it is.
    unsafe {
        let nargs = (nargsf & !ARGUMENTS_OFFSET) as Py_ssize_t;
        let ty = Py_TYPE(callable);
        if PyCFunction_Check(callable) != 0 {
            return _PyCFunction_FastCallKeywords(callable, args, nargs, kwnames);
        }
        if ty == std::ptr::addr_of_mut!(PyMethodDescr_Type) {
            return _PyMethodDescr_FastCallKeywords(callable, args, nargs, kwnames);
        }
        if ty == std::ptr::addr_of_mut!(PyMethod_Type) && nargsf & ARGUMENTS_OFFSET != 0 {
            let method = callable.cast::<u8>();
            let func = *method.add(layout::METHOD_IM_FUNC).cast::<*mut PyObject>();
            let this = *method.add(layout::METHOD_IM_SELF).cast::<*mut PyObject>();
            if !this.is_null() {
                Py_INCREF(func);
                Py_INCREF(this);
                let slot = args.cast_mut().sub(1);
                let saved = *slot;
                *slot = this;
                let result = if PyFunction_Check(func) != 0 {
                    _PyFunction_FastCallKeywords(func, slot, nargs + 1, kwnames)
                } else {
                    _PyObject_FastCallKeywords(func, slot, nargs + 1, kwnames)
                };
                *slot = saved;
                Py_DECREF(this);
                Py_DECREF(func);
                return result;
            }
        }
        if PyFunction_Check(callable) != 0 {
            return _PyFunction_FastCallKeywords(callable, args, nargs, kwnames);
        }
        _PyObject_FastCallKeywords(callable, args, nargs, kwnames)
    }
}

/// Calls `callable` as vectorcall would: a plain Python function (or a bound method of one)
/// in place ([`call_python_function`]), a C function or method descriptor of a simple
/// convention straight ([`super::c_call`]), a plain class without the argument tuple
/// ([`super::class_call`]), anything else through [`vectorcall_generic`].
///
/// # Safety
/// GIL held; `callable` live; `args` has `nargsf`'s count of live references (`kwnames`
/// counted among them); with `ARGUMENTS_OFFSET`, `args[-1]` is writable.
#[inline(always)]
pub(crate) unsafe fn vectorcall(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: forwarded from the caller.
    unsafe {
        if let Some(result) = call_python_function(callable, args, nargsf, kwnames) {
            return result;
        }
        if kwnames.is_null() {
            if let Some(result) = super::c_call::call(callable, args, nargsf & !ARGUMENTS_OFFSET) {
                return result;
            }
            if let Some(result) = super::class_call::call(callable, args, nargsf) {
                return result;
            }
        }
        vectorcall_generic(callable, args, nargsf, kwnames)
    }
}

/// The fast case of calling a plain Python function ([`super::python_call`]): `callable`
/// itself, or the function of a bound method with its `self` put in `args[-1]` (as
/// `method_vectorcall` does, when `ARGUMENTS_OFFSET` allows). `None` when the call is not
/// that case; nothing was done then.
///
/// # Safety
/// As [`vectorcall`].
#[inline]
unsafe fn call_python_function(
    callable: *mut PyObject,
    args: *const *mut PyObject,
    nargsf: usize,
    kwnames: *mut PyObject,
) -> Option<*mut PyObject> {
    use pyo3_ffi::PyFunction_Type;
    extern "C" {
        static mut PyMethod_Type: pyo3_ffi::PyTypeObject;
    }
    // SAFETY: as the contract; a bound method holds its function and self while the caller
    // holds the method, and `args[-1]` is the caller's scratch slot under ARGUMENTS_OFFSET.
    unsafe {
        let nargs = nargsf & !ARGUMENTS_OFFSET;
        let ty = (*callable).ob_type;
        if ty == std::ptr::addr_of_mut!(PyFunction_Type) {
            return super::python_call::call_with_keywords(callable, args, nargs, kwnames);
        }
        if ty != std::ptr::addr_of_mut!(PyMethod_Type) || nargsf & ARGUMENTS_OFFSET == 0 {
            return None;
        }
        let method = callable.cast::<u8>();
        let func = *method.add(layout::METHOD_IM_FUNC).cast::<*mut PyObject>();
        if (*func).ob_type != std::ptr::addr_of_mut!(PyFunction_Type) {
            return None;
        }
        let this = *method.add(layout::METHOD_IM_SELF).cast::<*mut PyObject>();
        let slot = args.cast_mut().sub(1);
        let saved = std::mem::replace(&mut *slot, this);
        let result = super::python_call::call_with_keywords(func, slot, nargs + 1, kwnames);
        *slot = saved;
        result
    }
}

/// Calls `*callable_slot` with the `nargs` values after it (the last `len(kwnames)` of them
/// keyword values), consumes them all and stores the result (or NULL) in the callable's slot.
#[inline(always)] // into CALL_METHOD's two cases: one call level less per call
unsafe fn call_and_consume(callable_slot: *mut *mut PyObject, nargs: usize, kwnames: *mut PyObject) -> i32 {
    // SAFETY: the slots are owned (caller); the callable's slot may serve as args[-1].
    unsafe {
        let callable = *callable_slot;
        let args = callable_slot.add(1);
        let positional = if kwnames.is_null() { nargs } else { nargs - pyo3_ffi::PyTuple_GET_SIZE(kwnames) as usize };
        let result = vectorcall(callable, args, positional | ARGUMENTS_OFFSET, kwnames);
        Py_DECREF(callable);
        for i in 0..nargs {
            Py_DECREF(*args.add(i));
        }
        *callable_slot = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `CALL_FUNCTION_KW nargs`: as `CALL_FUNCTION` with a tuple of keyword names on top
/// (consumed too). Effect −(nargs + 1).
///
/// # Safety
/// GIL held; the `nargs + 2` slots below `sp` hold owned references.
pub unsafe extern "C" fn call_function_kw(sp: *mut *mut PyObject, nargs: u32) -> i32 {
    // SAFETY: as the contract; kwnames is released after the call as ceval does.
    unsafe {
        let kwnames = *sp.sub(1);
        let result = call_and_consume(sp.sub(nargs as usize + 2), nargs as usize, kwnames);
        Py_DECREF(kwnames);
        result
    }
}

/// `CALL_METHOD nargs` after `LOAD_METHOD`: `[meth, self, args…]` calls `meth(self, args…)`,
/// `[NULL, callable, args…]` calls `callable(args…)`; the result lands in the lowest slot.
/// Effect −(nargs + 1).
///
/// # Safety
/// GIL held; the `nargs + 2` slots below `sp` hold owned references (the lowest may be NULL).
pub unsafe extern "C" fn call_method(sp: *mut *mut PyObject, nargs: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let lowest = sp.sub(nargs as usize + 2);
        if (*lowest).is_null() {
            let status = call_and_consume(lowest.add(1), nargs as usize, std::ptr::null_mut());
            *lowest = *lowest.add(1);
            *lowest.add(1) = std::ptr::null_mut();
            status
        } else {
            call_and_consume(lowest, nargs as usize + 1, std::ptr::null_mut())
        }
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
