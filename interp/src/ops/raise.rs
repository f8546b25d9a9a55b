//! `RAISE_VARARGS` (3.7–3.10's `do_raise`, with its exact messages).

use crate::cpython::{PyErrStackItem, PyThreadState};
use pyo3_ffi::*;

extern "C" {
    /// The innermost exc_info entry that holds an exception (what a bare `raise` re-raises).
    fn _PyErr_GetTopmostException(tstate: *mut PyThreadState) -> *mut PyErrStackItem;
}

/// `RAISE_VARARGS argc` with `exc` (argc ≥ 1) and `cause` (argc = 2) popped by the caller and
/// owned here. Always leaves an exception set; returns 1 for a bare re-raise (which skips the
/// traceback entry and the exception trace event), else 0.
///
/// # Safety
/// GIL held; `tstate` current; `exc`/`cause` owned or NULL.
pub unsafe extern "C" fn do_raise(tstate: *mut PyThreadState, exc: *mut PyObject, cause: *mut PyObject) -> i32 {
    // SAFETY: follows do_raise's reference discipline: every owned input is released once.
    unsafe {
        if exc.is_null() {
            let info = _PyErr_GetTopmostException(tstate);
            let (ty, value, tb) = ((*info).exc_type, (*info).exc_value, (*info).exc_traceback);
            if ty.is_null() || ty == Py_None() {
                PyErr_SetString(PyExc_RuntimeError, c"No active exception to reraise".as_ptr());
                return 0;
            }
            Py_XINCREF(ty);
            Py_XINCREF(value);
            Py_XINCREF(tb);
            PyErr_Restore(ty, value, tb);
            return 1;
        }
        let (ty, value);
        if PyExceptionClass_Check(exc) != 0 {
            ty = exc;
            value = PyObject_CallObject(exc, std::ptr::null_mut());
            if value.is_null() {
                return raise_error(ty, value, cause);
            }
            if PyExceptionInstance_Check(value) == 0 {
                PyErr_Format(
                    PyExc_TypeError,
                    c"calling %R should have returned an instance of BaseException, not %R".as_ptr(),
                    ty,
                    (*value).ob_type,
                );
                return raise_error(ty, value, cause);
            }
        } else if PyExceptionInstance_Check(exc) != 0 {
            value = exc;
            ty = (*exc).ob_type.cast();
            Py_INCREF(ty);
        } else {
            Py_DECREF(exc);
            PyErr_SetString(PyExc_TypeError, c"exceptions must derive from BaseException".as_ptr());
            return raise_error(std::ptr::null_mut(), std::ptr::null_mut(), cause);
        }
        if !cause.is_null() {
            let fixed_cause;
            if PyExceptionClass_Check(cause) != 0 {
                fixed_cause = PyObject_CallObject(cause, std::ptr::null_mut());
                if fixed_cause.is_null() {
                    return raise_error(ty, value, cause);
                }
                Py_DECREF(cause);
            } else if PyExceptionInstance_Check(cause) != 0 {
                fixed_cause = cause;
            } else if cause == Py_None() {
                Py_DECREF(cause);
                fixed_cause = std::ptr::null_mut();
            } else {
                PyErr_SetString(PyExc_TypeError, c"exception causes must derive from BaseException".as_ptr());
                return raise_error(ty, value, cause);
            }
            PyException_SetCause(value, fixed_cause);
        }
        PyErr_SetObject(ty, value);
        Py_DECREF(value);
        Py_DECREF(ty);
        0
    }
}

unsafe fn raise_error(ty: *mut PyObject, value: *mut PyObject, cause: *mut PyObject) -> i32 {
    // SAFETY: each is owned or NULL (do_raise).
    unsafe {
        Py_XDECREF(value);
        Py_XDECREF(ty);
        Py_XDECREF(cause);
    }
    0
}
