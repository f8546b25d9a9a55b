//! Running a frame in compiled code the way `_PyEval_EvalFrameDefault` runs it: entry
//! (recursion check, `tstate->frame`, `f_executing`, `f_stacktop`), the exits machine code
//! returns with, and leaving. Machine code never unwinds; it returns an [`Exit`].
//!
//! Not yet handled (the compiler refuses such code objects): block-stack unwinding to a
//! handler, generators (yield/resume), deoptimisation into the stock evaluator.

use crate::cpython::{PyFrameObject, PyThreadState};
use pyo3_ffi::{PyErr_Occurred, PyErr_SetString, PyExc_SystemError, PyObject, Py_XDECREF};
use std::os::raw::{c_char, c_int};

/// How machine code left the frame: `status` says what `value` is.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    pub status: u64,
    /// `RETURN`: the return value (owned). `ERROR`: the value-stack pointer at the error.
    pub value: usize,
}

/// The values of [`Exit::status`].
pub mod status {
    pub const RETURN: u64 = 0;
    pub const ERROR: u64 = 1;
}

/// Signature of a compiled code object's entry: (frame, value-stack pointer, thread state,
/// native address to start at). Callee-saved registers hold the first three while it runs.
pub type EntryFn = unsafe extern "C" fn(*mut PyFrameObject, *mut *mut PyObject, *mut PyThreadState, usize) -> Exit;

extern "C" {
    static _Py_CheckRecursionLimit: c_int;
    fn _Py_CheckRecursiveCall(location: *const c_char) -> c_int;
    fn PyTraceBack_Here(frame: *mut PyFrameObject) -> c_int;
    fn _Py_CheckFunctionResult(callable: *mut PyObject, result: *mut PyObject, location: *const c_char) -> *mut PyObject;
}

/// ceval's `Py_EnterRecursiveCall("")` (a macro on 3.7/3.8): false with RecursionError set
/// when the limit is exceeded (the check has then already undone the increment).
unsafe fn enter_recursive_call(tstate: *mut PyThreadState) -> bool {
    // SAFETY: current thread state, GIL held (caller).
    unsafe {
        (*tstate).recursion_depth += 1;
        !((*tstate).recursion_depth > _Py_CheckRecursionLimit && _Py_CheckRecursiveCall(c"".as_ptr()) != 0)
    }
}

/// ceval's `Py_LeaveRecursiveCall()`: clears `overflowed` once below the low-water mark.
unsafe fn leave_recursive_call(tstate: *mut PyThreadState) {
    // SAFETY: current thread state, GIL held (caller).
    unsafe {
        let limit = _Py_CheckRecursionLimit;
        let low_water = if limit > 200 { limit - 50 } else { 3 * (limit >> 2) };
        (*tstate).recursion_depth -= 1;
        if (*tstate).recursion_depth < low_water {
            (*tstate).overflowed = 0;
        }
    }
}

/// Runs a fresh (not resumed, not thrown into) frame in machine code from its first
/// instruction; returns what the evaluator would.
///
/// # Safety
/// GIL held; `tstate` current; `frame` fresh (`f_lasti == -1`) for the code `entry` was
/// compiled from; `start` the native address of its first instruction; tracing off.
#[cfg(py38)]
pub unsafe fn run_compiled_frame(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    entry: EntryFn,
    start: usize,
) -> *mut PyObject {
    // SAFETY: see the function's contract; the order follows 3.8's evaluator.
    unsafe {
        if !enter_recursive_call(tstate) {
            return std::ptr::null_mut();
        }
        (*tstate).frame = frame;
        let sp = (*frame).f_stacktop;
        (*frame).f_stacktop = std::ptr::null_mut();
        (*frame).f_executing = 1;
        let exit = entry(frame, sp, tstate, start);
        let result = match exit.status {
            status::RETURN => exit.value as *mut PyObject,
            _ => {
                raise_error_exit(frame, exit.value as *mut *mut PyObject);
                std::ptr::null_mut()
            }
        };
        leave_recursive_call(tstate);
        (*frame).f_executing = 0;
        (*tstate).frame = (*frame).f_back;
        _Py_CheckFunctionResult(std::ptr::null_mut(), result, c"PyEval_EvalFrameEx".as_ptr())
    }
}

/// The evaluator's `error:` path for a frame without handlers: make sure an exception is set,
/// add the traceback entry (at `f_lasti`), and clear the value stack down from `sp`.
unsafe fn raise_error_exit(frame: *mut PyFrameObject, mut sp: *mut *mut PyObject) {
    // SAFETY: live executing frame; slots below `sp` hold owned references or NULL.
    unsafe {
        if PyErr_Occurred().is_null() {
            PyErr_SetString(PyExc_SystemError, c"error return without exception set".as_ptr());
        }
        PyTraceBack_Here(frame);
        while sp > (*frame).f_valuestack {
            sp = sp.sub(1);
            Py_XDECREF(*sp);
        }
    }
}
