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
        // equivalent of ceval's static handle_signals + make_pending_calls; only when their
        // flags are up, as ceval does (not on every GIL hand-off).
        if calls_or_signals_pending() && Py_MakePendingCalls() < 0 {
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
            unsignal_async_exc(tstate);
            PyErr_SetNone(exc);
            Py_DECREF(exc);
            return -1;
        }
        0
    }
}

/// A relaxed view of an `int` word of `_PyRuntime.ceval` (3.7/3.8).
#[cfg(any(py37, py38))]
fn runtime_flag(offset: usize) -> &'static AtomicI32 {
    // SAFETY: the offset is probed for an int field of the static `_PyRuntime`, which ceval
    // itself reads and writes with relaxed atomics.
    unsafe { &*(crate::cpython::runtime_int_field(offset) as *const AtomicI32) }
}

/// ceval's gate for its signal and pending-call steps: 3.7 signals through `calls_to_do`;
/// 3.8 has `signals_pending` too.
#[cfg(any(py37, py38))]
fn calls_or_signals_pending() -> bool {
    use crate::cpython::layout;
    #[cfg(py38)]
    if runtime_flag(layout::RUNTIME_SIGNALS_PENDING).load(Relaxed) != 0 {
        return true;
    }
    runtime_flag(layout::RUNTIME_PENDING_CALLS_TO_DO).load(Relaxed) != 0
}

/// 3.9+: the flags live per interpreter; `Py_MakePendingCalls` gates itself.
#[cfg(not(any(py37, py38)))]
fn calls_or_signals_pending() -> bool {
    true
}

/// ceval's `UNSIGNAL_ASYNC_EXC` (no exported function does it): clear the request and
/// recompute `eval_breaker` from the words it summarises, so the breaker does not stay set.
#[cfg(any(py37, py38))]
fn unsignal_async_exc(_: *mut PyThreadState) {
    use crate::cpython::layout;
    runtime_flag(layout::RUNTIME_PENDING_ASYNC_EXC).store(0, Relaxed);
    #[cfg(py37)]
    let signals = 0;
    #[cfg(py38)]
    let signals = runtime_flag(layout::RUNTIME_SIGNALS_PENDING).load(Relaxed);
    let any = signals
        | runtime_flag(layout::RUNTIME_GIL_DROP_REQUEST).load(Relaxed)
        | runtime_flag(layout::RUNTIME_PENDING_CALLS_TO_DO).load(Relaxed)
        | runtime_flag(layout::RUNTIME_PENDING_ASYNC_EXC).load(Relaxed);
    runtime_flag(layout::RUNTIME_EVAL_BREAKER).store((any != 0) as i32, Relaxed);
}

/// 3.9+: `UNSIGNAL_ASYNC_EXC(interp)`: clear the interpreter's request and recompute its
/// `eval_breaker`. ceval leaves out signals and pending calls that this thread may not
/// handle (not the main thread); counting them here can only keep the breaker set longer,
/// which makes the next check take the slow path and changes nothing else.
#[cfg(not(any(py37, py38)))]
fn unsignal_async_exc(tstate: *mut PyThreadState) {
    use crate::cpython::layout;
    // SAFETY: the current thread's interpreter is alive; the offsets are probed `int`
    // fields of it and of `_PyRuntime`, which ceval accesses with relaxed atomics.
    unsafe {
        let interp = (*tstate).interp.cast::<u8>();
        let word = |offset: usize| &*(interp.add(offset) as *const AtomicI32);
        let signals = &*(crate::cpython::runtime_int_field(layout::RUNTIME_SIGNALS_PENDING) as *const AtomicI32);
        word(layout::INTERP_PENDING_ASYNC_EXC).store(0, Relaxed);
        let any = word(layout::INTERP_GIL_DROP_REQUEST).load(Relaxed)
            | signals.load(Relaxed)
            | word(layout::INTERP_PENDING_CALLS_TO_DO).load(Relaxed)
            | word(layout::INTERP_PENDING_ASYNC_EXC).load(Relaxed);
        word(layout::INTERP_EVAL_BREAKER).store((any != 0) as i32, Relaxed);
    }
}
