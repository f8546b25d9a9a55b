//! The prefix of `PyThreadState` that the JIT reads, and 3.10's `CFrame`
//! (Include/pystate.h, Include/cpython/pystate.h).

use super::{check_offset, layout, PyFrameObject};
use pyo3_ffi::PyObject;
#[cfg(not(py310))]
use std::os::raw::c_char;
use std::os::raw::{c_int, c_void};

/// `_PyErr_StackItem` (the handled-exception stack).
#[repr(C)]
pub struct PyErrStackItem {
    pub exc_type: *mut PyObject,
    pub exc_value: *mut PyObject,
    pub exc_traceback: *mut PyObject,
    pub previous_item: *mut PyErrStackItem,
}

/// 3.10's per-C-frame tracing flag holder; `tstate->cframe->use_tracing` replaces
/// `tstate->use_tracing`.
#[cfg(py310)]
#[repr(C)]
pub struct CFrame {
    pub use_tracing: c_int,
    pub previous: *mut CFrame,
}

/// Opaque `PyInterpreterState`: only probed offsets are used on it (see `eval`).
#[repr(C)]
pub struct PyInterpreterState {
    _private: [u8; 0],
}

/// The leading fields of `PyThreadState`, up to `exc_info`. Fields after it are reached
/// through probed offsets (e.g. [`async_exc_slot`]); never allocate or copy this struct.
#[repr(C)]
pub struct PyThreadState {
    pub prev: *mut PyThreadState,
    pub next: *mut PyThreadState,
    pub interp: *mut PyInterpreterState,
    pub frame: *mut PyFrameObject,
    pub recursion_depth: c_int,
    #[cfg(not(py310))]
    pub overflowed: c_char,
    #[cfg(not(py310))]
    pub recursion_critical: c_char,
    /// 3.10 replaced `overflowed`/`recursion_critical` with this counter.
    #[cfg(py310)]
    pub recursion_headroom: c_int,
    pub stackcheck_counter: c_int,
    pub tracing: c_int,
    #[cfg(not(py310))]
    pub use_tracing: c_int,
    #[cfg(py310)]
    pub cframe: *mut CFrame,
    pub c_profilefunc: *mut c_void,
    pub c_tracefunc: *mut c_void,
    pub c_profileobj: *mut PyObject,
    pub c_traceobj: *mut PyObject,
    pub curexc_type: *mut PyObject,
    pub curexc_value: *mut PyObject,
    pub curexc_traceback: *mut PyObject,
    pub exc_state: PyErrStackItem,
    pub exc_info: *mut PyErrStackItem,
}

impl PyThreadState {
    /// Whether tracing or profiling is active for this thread (the evaluator's own test).
    #[inline]
    pub fn use_tracing(&self) -> bool {
        #[cfg(not(py310))]
        {
            self.use_tracing != 0
        }
        // SAFETY: on 3.10 `cframe` always points at a live CFrame (the thread's root one or
        // an evaluator's on the C stack) while the thread holds the GIL.
        #[cfg(py310)]
        unsafe {
            (*self.cframe).use_tracing != 0
        }
    }
}

/// Address of `tstate->async_exc` (an exception to raise asynchronously in this thread).
///
/// # Safety
/// `tstate` must point at a live `PyThreadState`.
pub unsafe fn async_exc_slot(tstate: *mut PyThreadState) -> *mut *mut PyObject {
    // SAFETY: the offset comes from the probe, inside the real struct the caller vouches for.
    unsafe { tstate.cast::<u8>().add(layout::TSTATE_ASYNC_EXC).cast() }
}

check_offset!(PyErrStackItem, previous_item, layout::ERR_STACK_ITEM_PREVIOUS);
const _: () = assert!(layout::SIZEOF_ERR_STACK_ITEM == std::mem::size_of::<PyErrStackItem>());
#[cfg(py310)]
check_offset!(CFrame, use_tracing, layout::CFRAME_USE_TRACING);
#[cfg(py310)]
check_offset!(CFrame, previous, layout::CFRAME_PREVIOUS);
#[cfg(py310)]
const _: () = assert!(layout::SIZEOF_CFRAME == std::mem::size_of::<CFrame>());
check_offset!(PyThreadState, prev, layout::TSTATE_PREV);
check_offset!(PyThreadState, next, layout::TSTATE_NEXT);
check_offset!(PyThreadState, interp, layout::TSTATE_INTERP);
check_offset!(PyThreadState, frame, layout::TSTATE_FRAME);
check_offset!(PyThreadState, recursion_depth, layout::TSTATE_RECURSION_DEPTH);
#[cfg(not(py310))]
check_offset!(PyThreadState, overflowed, layout::TSTATE_OVERFLOWED);
#[cfg(not(py310))]
check_offset!(PyThreadState, recursion_critical, layout::TSTATE_RECURSION_CRITICAL);
#[cfg(not(py310))]
check_offset!(PyThreadState, use_tracing, layout::TSTATE_USE_TRACING);
#[cfg(py310)]
check_offset!(PyThreadState, recursion_headroom, layout::TSTATE_RECURSION_HEADROOM);
#[cfg(py310)]
check_offset!(PyThreadState, cframe, layout::TSTATE_CFRAME);
check_offset!(PyThreadState, stackcheck_counter, layout::TSTATE_STACKCHECK_COUNTER);
check_offset!(PyThreadState, tracing, layout::TSTATE_TRACING);
check_offset!(PyThreadState, c_profilefunc, layout::TSTATE_C_PROFILEFUNC);
check_offset!(PyThreadState, c_tracefunc, layout::TSTATE_C_TRACEFUNC);
check_offset!(PyThreadState, c_profileobj, layout::TSTATE_C_PROFILEOBJ);
check_offset!(PyThreadState, c_traceobj, layout::TSTATE_C_TRACEOBJ);
check_offset!(PyThreadState, curexc_type, layout::TSTATE_CUREXC_TYPE);
check_offset!(PyThreadState, curexc_value, layout::TSTATE_CUREXC_VALUE);
check_offset!(PyThreadState, curexc_traceback, layout::TSTATE_CUREXC_TRACEBACK);
check_offset!(PyThreadState, exc_state, layout::TSTATE_EXC_STATE);
check_offset!(PyThreadState, exc_info, layout::TSTATE_EXC_INFO);
