//! Calls of plain classes: `C(args…)` with positional arguments, where `C`'s metaclass is
//! `type`, it inherits `object.__new__`, is not abstract, and its `__init__` is a Python
//! function. CPython gets there through `_PyObject_MakeTpCall` (an argument tuple),
//! `type_call`, `object_new` (`tp_alloc`) and `slot_tp_init` (`__init__` looked up on the
//! type and called with the instance prepended, through `_PyObject_Call_Prepend`); this
//! does the same steps in the same order without the tuple and the generic call chain:
//! the recursion check " while calling a Python object" around it all, the instance from
//! `tp_alloc`, `__init__` called by [`super::python_call`] (its frame started directly when
//! it is compiled), its result required to be None, then `_Py_CheckFunctionResult`'s check.
//! Any other call returns `None` untouched and takes CPython's path.
//!
//! One difference is not behaviour: the arguments are not also held by a tuple while
//! `__init__` runs (`sys.getrefcount` of an argument inside it is one lower than under
//! CPython's evaluator, as for every other call this JIT makes without a tuple).

use super::call::ARGUMENTS_OFFSET;
use crate::cpython::{current_tstate, layout};
use pyo3_ffi::{PyObject, PyTypeObject, Py_DECREF, Py_INCREF};
use std::os::raw::{c_int, c_ulong};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

type AllocFn = unsafe extern "C" fn(*mut PyTypeObject, isize) -> *mut PyObject;
type InitFn = unsafe extern "C" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> c_int;

extern "C" {
    static mut PyWrapperDescr_Type: PyTypeObject;
    fn _PyType_Lookup(ty: *mut PyTypeObject, name: *mut PyObject) -> *mut PyObject;
}

/// The address of typeobject.c's static `slot_tp_init` (the `tp_init` of every class whose
/// `__init__` is found in a class `__dict__`), or 0 before [`slot_tp_init`] has read it, or 1
/// when it cannot be read (the fast path is then never taken).
static SLOT_TP_INIT: AtomicUsize = AtomicUsize::new(0);

/// `slot_tp_init`'s address, read once from `object.__init__`: a slot wrapper whose
/// `wrapperbase` (typeobject.c's `slotdefs` entry for `__init__`) names it as the generic
/// function of the slot. `None` if `object.__init__` is not such a wrapper.
///
/// # Safety
/// GIL held.
unsafe fn slot_tp_init() -> Option<usize> {
    let known = SLOT_TP_INIT.load(Relaxed);
    if known > 1 {
        return Some(known);
    }
    if known == 1 {
        return None;
    }
    // SAFETY: GIL held; `object`'s dict is live and holds its slot wrappers for the life of
    // the interpreter; wrapper fields at probed offsets.
    let read = unsafe {
        let object = std::ptr::addr_of_mut!(pyo3_ffi::PyBaseObject_Type);
        let wrapper = pyo3_ffi::PyDict_GetItemString((*object).tp_dict, c"__init__".as_ptr());
        if wrapper.is_null() || (*wrapper).ob_type != std::ptr::addr_of_mut!(PyWrapperDescr_Type) {
            None
        } else {
            let base = *wrapper.cast::<u8>().add(layout::WRAPPER_DESCR_D_BASE).cast::<*const u8>();
            Some(*base.add(layout::WRAPPERBASE_FUNCTION).cast::<usize>()).filter(|&f| f > 1)
        }
    };
    SLOT_TP_INIT.store(read.unwrap_or(1), Relaxed);
    read
}

/// Reads the type slot at `offset` of `ty`.
///
/// # Safety
/// `ty` is a live type object; `offset` a probed offset of a pointer-sized slot.
#[inline(always)]
unsafe fn slot(ty: *mut PyTypeObject, offset: usize) -> usize {
    // SAFETY: as the contract.
    unsafe { *ty.cast::<u8>().add(offset).cast::<usize>() }
}

/// Calls `callable` with the `nargs` positional arguments at `args` when it is a plain class
/// (see the module doc); `None`, with nothing done, otherwise.
///
/// # Safety
/// GIL held; `callable` live; `args` holds `nargsf`'s count of live references; with
/// `ARGUMENTS_OFFSET`, `args[-1]` is writable.
#[inline]
pub(crate) unsafe fn call(callable: *mut PyObject, args: *const *mut PyObject, nargsf: usize) -> Option<*mut PyObject> {
    // SAFETY: type slots at probed offsets; `_PyType_Lookup` returns a borrowed reference
    // that the type's MRO holds.
    unsafe {
        if (*callable).ob_type != std::ptr::addr_of_mut!(pyo3_ffi::PyType_Type) || nargsf & ARGUMENTS_OFFSET == 0 {
            return None;
        }
        let ty = callable.cast::<PyTypeObject>();
        let object = std::ptr::addr_of_mut!(pyo3_ffi::PyBaseObject_Type);
        let flags = *ty.cast::<u8>().add(layout::TYPE_TP_FLAGS).cast::<c_ulong>();
        if slot(ty, layout::TYPE_TP_INIT) != slot_tp_init()?
            || slot(ty, layout::TYPE_TP_NEW) != slot(object, layout::TYPE_TP_NEW)
            || slot(ty, layout::TYPE_TP_ALLOC) == 0
            || flags & layout::TPFLAGS_IS_ABSTRACT as c_ulong != 0
        {
            return None;
        }
        // 3.9+ calls a type through its own `tp_vectorcall` when it has one.
        #[cfg(any(py39, py310))]
        if slot(ty, layout::TYPE_TP_VECTORCALL) != 0 {
            return None;
        }
        let init = _PyType_Lookup(ty, super::interned!(c"__init__"));
        if init.is_null() || (*init).ob_type != std::ptr::addr_of_mut!(pyo3_ffi::PyFunction_Type) {
            return None;
        }
        let tstate = current_tstate();
        super::c_call::enter_call(tstate)?;
        let result = construct(ty, init, args, nargsf & !ARGUMENTS_OFFSET);
        crate::frame::leave_recursive_call(tstate);
        Some(super::python_call::checked_result(tstate, callable, result))
    }
}

/// `type_call`'s work for a plain class once the call is known to be one: `object_new`'s
/// `tp_alloc`, then `slot_tp_init` with `init`, the Python function `__init__` found on the
/// type. Returns the new instance, or NULL with an exception set.
///
/// # Safety
/// As [`call`] with `ARGUMENTS_OFFSET`; `init` is `_PyType_Lookup(ty, "__init__")`.
#[inline]
unsafe fn construct(ty: *mut PyTypeObject, init: *mut PyObject, args: *const *mut PyObject, nargs: usize) -> *mut PyObject {
    // SAFETY: as the contract; `args[-1]` is the caller's scratch slot, restored after use.
    unsafe {
        let alloc = std::mem::transmute::<usize, AllocFn>(slot(ty, layout::TYPE_TP_ALLOC));
        let obj = alloc(ty, 0);
        if obj.is_null() {
            return obj;
        }
        // Allocating may have run finalizers (a collection) that changed the class: then
        // `type_call` runs whatever `tp_init` is now, with the argument tuple.
        if slot(ty, layout::TYPE_TP_INIT) != SLOT_TP_INIT.load(Relaxed) || _PyType_Lookup(ty, super::interned!(c"__init__")) != init {
            return init_with_tuple(ty, obj, args, nargs);
        }
        Py_INCREF(init);
        let scratch = args.cast_mut().sub(1);
        let saved = std::mem::replace(&mut *scratch, obj);
        let result = match super::python_call::call(init, scratch, nargs + 1) {
            Some(result) => result,
            None => super::call::vectorcall_generic(init, scratch, nargs + 1, std::ptr::null_mut()),
        };
        *scratch = saved;
        Py_DECREF(init);
        if result.is_null() {
            Py_DECREF(obj);
            return result;
        }
        if result != pyo3_ffi::Py_None() {
            init_returned_not_none(result);
            Py_DECREF(obj);
            return std::ptr::null_mut();
        }
        Py_DECREF(result);
        obj
    }
}

/// `slot_tp_init`'s TypeError for an `__init__` that returned `result` (released here).
///
/// # Safety
/// GIL held; `result` owned.
#[cold]
unsafe fn init_returned_not_none(result: *mut PyObject) {
    // SAFETY: as the contract; `tp_name` is a C string the type holds.
    unsafe {
        pyo3_ffi::PyErr_Format(
            pyo3_ffi::PyExc_TypeError,
            c"__init__() should return None, not '%.200s'".as_ptr(),
            (*(*result).ob_type).tp_name,
        );
        Py_DECREF(result);
    }
}

/// `type_call`'s step after `tp_new`, its own way: `ty`'s `tp_init` (if any) on `obj` with a
/// tuple of the arguments; `obj` is released if it fails. Here when the class changed under
/// `tp_alloc`; also for a str subclass that `str(x)` got from `__str__` (`super::c_call`).
///
/// # Safety
/// GIL held; `obj` an owned instance of `ty`; `args` holds `nargs` live references.
#[cold]
pub(super) unsafe fn init_with_tuple(ty: *mut PyTypeObject, obj: *mut PyObject, args: *const *mut PyObject, nargs: usize) -> *mut PyObject {
    // SAFETY: as the contract; a NULL `tp_init` is skipped as `type_call` skips it.
    unsafe {
        let Some(init) = std::mem::transmute::<usize, Option<InitFn>>(slot(ty, layout::TYPE_TP_INIT)) else {
            return obj;
        };
        let tuple = pyo3_ffi::PyTuple_New(nargs as isize);
        if tuple.is_null() {
            Py_DECREF(obj);
            return tuple;
        }
        for i in 0..nargs {
            let arg = *args.add(i);
            Py_INCREF(arg);
            pyo3_ffi::PyTuple_SET_ITEM(tuple, i as isize, arg);
        }
        let status = init(obj, tuple, std::ptr::null_mut());
        Py_DECREF(tuple);
        if status < 0 {
            Py_DECREF(obj);
            return std::ptr::null_mut();
        }
        obj
    }
}
