//! What the evaluator does when the eval-breaker word is set, through exported API only:
//! signals and pending calls, handing the GIL to a waiting thread, async exceptions.

use crate::cpython::{async_exc_slot, gil_drop_request_addr, PyThreadState};
use pyo3_ffi::{PyErr_SetNone, PyEval_RestoreThread, PyEval_SaveThread, Py_DECREF, Py_MakePendingCalls};
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};

/// Runs the eval-breaker work for `tstate`; returns -1 with an exception set when a signal
/// handler, a pending call or an async exception raised. Machine code calls it when the
/// breaker word is non-zero at a check point.
///
/// # Safety
/// `tstate` is the current thread's state and holds the GIL.
pub unsafe extern "C" fn handle_eval_breaker(tstate: *mut PyThreadState) -> i32 {
    // SAFETY: GIL held by this thread (caller); every address is probed for this version.
    unsafe {
        // Signals, then pending calls (both gated inside; main thread only) — the exported
        // equivalent of ceval's static handle_signals + make_pending_calls.
        if Py_MakePendingCalls() < 0 {
            return -1;
        }
        let drop_request = &*(gil_drop_request_addr((*tstate).interp) as *const AtomicI32);
        if drop_request.load(Relaxed) != 0 {
            // Give another thread a chance; RestoreThread resets the request.
            let saved = PyEval_SaveThread();
            PyEval_RestoreThread(saved);
        }
        let slot = async_exc_slot(tstate);
        let exc = *slot;
        if !exc.is_null() {
            *slot = std::ptr::null_mut();
            PyErr_SetNone(exc);
            Py_DECREF(exc);
            return -1;
        }
        0
    }
}
