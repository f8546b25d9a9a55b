//! The interpreter's frame-evaluation slot (PEP 523), the eval-breaker word, and the
//! exported symbols around them that pyo3-ffi lacks or types with its own opaque structs.

use super::{layout, PyCodeObject, PyFrameObject, PyInterpreterState, PyThreadState};
use pyo3_ffi::{freefunc, PyObject, Py_ssize_t};
use std::os::raw::{c_int, c_void};

/// The PEP 523 evaluator signature: `(frame, throwflag)` up to 3.8.
#[cfg(any(py37, py38))]
pub type EvalFrameFn = unsafe extern "C" fn(*mut PyFrameObject, c_int) -> *mut PyObject;
/// The PEP 523 evaluator signature: 3.9 added the thread state as first argument.
#[cfg(any(py39, py310))]
pub type EvalFrameFn = unsafe extern "C" fn(*mut PyThreadState, *mut PyFrameObject, c_int) -> *mut PyObject;

extern "C" {
    #[cfg(any(py37, py38))]
    pub fn _PyEval_EvalFrameDefault(frame: *mut PyFrameObject, throwflag: c_int) -> *mut PyObject;
    #[cfg(any(py39, py310))]
    pub fn _PyEval_EvalFrameDefault(tstate: *mut PyThreadState, frame: *mut PyFrameObject, throwflag: c_int) -> *mut PyObject;

    #[cfg(any(py39, py310))]
    fn _PyInterpreterState_GetEvalFrameFunc(interp: *mut PyInterpreterState) -> Option<EvalFrameFn>;
    #[cfg(any(py39, py310))]
    fn _PyInterpreterState_SetEvalFrameFunc(interp: *mut PyInterpreterState, f: Option<EvalFrameFn>);

    /// The process-wide runtime state: its `gilstate.tstate_current` (and on 3.7/3.8 its
    /// `ceval.eval_breaker`) offsets are probed.
    static mut _PyRuntime: u8;

    pub fn _PyEval_RequestCodeExtraIndex(free: freefunc) -> Py_ssize_t;
    pub fn _PyCode_GetExtra(code: *mut PyObject, index: Py_ssize_t, extra: *mut *mut c_void) -> c_int;
    pub fn _PyCode_SetExtra(code: *mut PyObject, index: Py_ssize_t, extra: *mut c_void) -> c_int;
    pub fn PyThreadState_Get() -> *mut PyThreadState;
    /// The main interpreter (exported since 3.7).
    pub fn PyInterpreterState_Main() -> *mut PyInterpreterState;
}

/// The evaluator currently installed in `interp`.
///
/// # Safety
/// `interp` must be a live interpreter state; the GIL must be held.
pub unsafe fn eval_frame_func(interp: *mut PyInterpreterState) -> Option<EvalFrameFn> {
    #[cfg(any(py37, py38))]
    // SAFETY: `eval_frame` sits at the probed offset of the live struct; GIL held.
    unsafe {
        *interp.cast::<u8>().add(layout::INTERP_EVAL_FRAME).cast::<Option<EvalFrameFn>>()
    }
    #[cfg(any(py39, py310))]
    // SAFETY: exported accessor; caller holds the GIL.
    unsafe {
        _PyInterpreterState_GetEvalFrameFunc(interp)
    }
}

/// Installs `f` as the evaluator of `interp`.
///
/// # Safety
/// `interp` must be a live interpreter state; the GIL must be held.
pub unsafe fn set_eval_frame_func(interp: *mut PyInterpreterState, f: Option<EvalFrameFn>) {
    #[cfg(any(py37, py38))]
    // SAFETY: `eval_frame` sits at the probed offset of the live struct; GIL held.
    unsafe {
        *interp.cast::<u8>().add(layout::INTERP_EVAL_FRAME).cast::<Option<EvalFrameFn>>() = f;
    }
    #[cfg(any(py39, py310))]
    // SAFETY: exported setter; caller holds the GIL.
    unsafe {
        _PyInterpreterState_SetEvalFrameFunc(interp, f)
    }
}

/// The current thread's state, as `_PyThreadState_GET()` reads it (no NULL check; use only
/// with the GIL held, when there is a current thread state).
#[inline]
pub fn current_tstate() -> *mut PyThreadState {
    // SAFETY: `_PyRuntime.gilstate.tstate_current` is an atomic pointer-sized word of
    // libpython's runtime state (offset probed); a relaxed load is what the macro does.
    unsafe {
        let slot = std::ptr::addr_of!(_PyRuntime).add(layout::RUNTIME_TSTATE_CURRENT);
        (*slot.cast::<std::sync::atomic::AtomicPtr<PyThreadState>>()).load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Address of the eval-breaker word that compiled code polls: process-wide in `_PyRuntime`
/// on 3.7/3.8, per interpreter (`interp->ceval.eval_breaker`) from 3.9.
///
/// # Safety
/// `interp` must be a live interpreter state.
pub unsafe fn eval_breaker_addr(interp: *mut PyInterpreterState) -> *const c_int {
    #[cfg(any(py37, py38))]
    {
        let _ = interp;
        // SAFETY: `_PyRuntime` is a static of libpython; the offset is probed.
        unsafe { std::ptr::addr_of!(_PyRuntime).add(layout::RUNTIME_EVAL_BREAKER).cast() }
    }
    #[cfg(any(py39, py310))]
    // SAFETY: the offset is probed within the live interpreter state.
    unsafe {
        interp.cast::<u8>().add(layout::INTERP_EVAL_BREAKER).cast()
    }
}

/// Address of an `int` field of `_PyRuntime` at a probed offset (3.7/3.8: the
/// `ceval.pending` words and `ceval.signals_pending` next to the eval breaker; 3.9+:
/// `ceval.signals_pending`).
///
/// # Safety
/// `offset` is a probed offset of an `int` field of `_PyRuntimeState`.
pub unsafe fn runtime_int_field(offset: usize) -> *mut c_int {
    // SAFETY: `_PyRuntime` is a static of libpython; the offset is probed (caller).
    unsafe { std::ptr::addr_of_mut!(_PyRuntime).add(offset).cast() }
}

/// Address of the "another thread wants the GIL" flag (next to the eval breaker).
///
/// # Safety
/// `interp` must be a live interpreter state.
pub unsafe fn gil_drop_request_addr(interp: *mut PyInterpreterState) -> *const c_int {
    #[cfg(any(py37, py38))]
    {
        let _ = interp;
        // SAFETY: `_PyRuntime` is a static of libpython; the offset is probed.
        unsafe { std::ptr::addr_of!(_PyRuntime).add(layout::RUNTIME_GIL_DROP_REQUEST).cast() }
    }
    #[cfg(any(py39, py310))]
    // SAFETY: the offset is probed within the live interpreter state.
    unsafe {
        interp.cast::<u8>().add(layout::INTERP_GIL_DROP_REQUEST).cast()
    }
}

/// The code object of `frame`, as a `PyObject`.
///
/// # Safety
/// `frame` must be a live frame.
pub unsafe fn frame_code(frame: *mut PyFrameObject) -> *mut PyCodeObject {
    // SAFETY: live frames always hold a strong reference to their code.
    unsafe { (*frame).f_code }
}
