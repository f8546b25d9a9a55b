//! What the evaluator does when the eval-breaker word is set, through exported API only:
//! signals and pending calls, handing the GIL to a waiting thread, async exceptions.

use crate::cpython::{async_exc_slot, PyThreadState};
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
        // Signals, then pending calls, each only when its own flag is up, as ceval does.
        #[cfg(not(py37))]
        if signals_pending().load(Relaxed) != 0 && handle_signals(tstate) < 0 {
            return -1;
        }
        if pending_calls_to_do(tstate).load(Relaxed) != 0 && Py_MakePendingCalls() < 0 {
            return -1;
        }
        if ceval_word(tstate, CevalWord::GilDropRequest).load(Relaxed) != 0 {
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

/// ceval's static `handle_signals` (3.8+), through exported API: on the thread that handles
/// signals, lower `signals_pending`, recompute the breaker, then run the Python handlers of
/// the signals that arrived (raising again later if one raised).
///
/// Signals must not be handled through `Py_MakePendingCalls` when no pending call is due: it
/// runs `make_pending_calls` after the handlers, which recomputes `eval_breaker` once more.
/// A signal that lands in the few instructions of that recomputation (a handler that arms a
/// short timer makes this likely) leaves `signals_pending` and `is_tripped` set but the
/// breaker clear; nothing checks it again until some other event sets the breaker, so the
/// handler runs late or never (CPython's `test_signal` stress tests lose signals that way).
/// Here the last recomputation comes before `PyErr_CheckSignals`, as in ceval, so such a
/// signal is still seen.
///
/// # Safety
/// `tstate` is the current thread's state and holds the GIL.
#[cfg(not(py37))]
unsafe fn handle_signals(tstate: *mut PyThreadState) -> i32 {
    // SAFETY: GIL held (caller); both functions are exported for this use.
    unsafe {
        // 3.8: main thread of the main interpreter; 3.9+: `_Py_ThreadCanHandleSignals`.
        if _PyOS_IsMainThread() == 0 {
            return 0;
        }
        signals_pending().store(0, Relaxed);
        compute_eval_breaker(tstate);
        if pyo3_ffi::PyErr_CheckSignals() < 0 {
            signals_pending().store(1, Relaxed);
            compute_eval_breaker(tstate);
            return -1;
        }
        0
    }
}

extern "C" {
    /// Exported by signalmodule.c on 3.7–3.10: whether this thread handles signals.
    #[cfg(not(py37))]
    fn _PyOS_IsMainThread() -> std::os::raw::c_int;
}

/// A relaxed view of an `int` word of `_PyRuntime` at a probed offset.
fn runtime_flag(offset: usize) -> &'static AtomicI32 {
    // SAFETY: the offset is probed for an int field of the static `_PyRuntime`, which ceval
    // itself reads and writes with relaxed atomics.
    unsafe { &*(crate::cpython::runtime_int_field(offset) as *const AtomicI32) }
}

/// A relaxed view of an `int` word of `tstate`'s interpreter at a probed offset (3.9+).
#[cfg(not(any(py37, py38)))]
fn interp_flag(tstate: *mut PyThreadState, offset: usize) -> &'static AtomicI32 {
    // SAFETY: the current thread's interpreter outlives this call; the offset is a probed
    // `int` field of it, which ceval accesses with relaxed atomics.
    unsafe { &*((*tstate).interp.cast::<u8>().add(offset) as *const AtomicI32) }
}

/// `_PyRuntime.ceval.signals_pending` (3.8+; 3.7 signals through pending calls).
#[cfg(not(py37))]
fn signals_pending() -> &'static AtomicI32 {
    runtime_flag(crate::cpython::layout::RUNTIME_SIGNALS_PENDING)
}

/// The `int` words of ceval's state that live in `_PyRuntime.ceval` on 3.7/3.8 and in the
/// interpreter's `ceval` from 3.9 (`signals_pending` stays in `_PyRuntime`).
#[derive(Clone, Copy)]
enum CevalWord {
    EvalBreaker,
    GilDropRequest,
    PendingCallsToDo,
    PendingAsyncExc,
}

/// A relaxed view of ceval's `word` for `tstate`'s interpreter.
fn ceval_word(tstate: *mut PyThreadState, word: CevalWord) -> &'static AtomicI32 {
    use crate::cpython::layout;
    #[cfg(any(py37, py38))]
    {
        let _ = tstate;
        runtime_flag(match word {
            CevalWord::EvalBreaker => layout::RUNTIME_EVAL_BREAKER,
            CevalWord::GilDropRequest => layout::RUNTIME_GIL_DROP_REQUEST,
            CevalWord::PendingCallsToDo => layout::RUNTIME_PENDING_CALLS_TO_DO,
            CevalWord::PendingAsyncExc => layout::RUNTIME_PENDING_ASYNC_EXC,
        })
    }
    #[cfg(not(any(py37, py38)))]
    interp_flag(
        tstate,
        match word {
            CevalWord::EvalBreaker => layout::INTERP_EVAL_BREAKER,
            CevalWord::GilDropRequest => layout::INTERP_GIL_DROP_REQUEST,
            CevalWord::PendingCallsToDo => layout::INTERP_PENDING_CALLS_TO_DO,
            CevalWord::PendingAsyncExc => layout::INTERP_PENDING_ASYNC_EXC,
        },
    )
}

/// The pending-call flag ceval gates `make_pending_calls` on (3.7: signals come this way too).
fn pending_calls_to_do(tstate: *mut PyThreadState) -> &'static AtomicI32 {
    ceval_word(tstate, CevalWord::PendingCallsToDo)
}

/// ceval's `COMPUTE_EVAL_BREAKER`, for the thread that handles signals and pending calls
/// (the only one that calls it here, so ceval's "can this thread handle them" terms are true;
/// from another thread this can only keep the breaker set longer, which makes the next check
/// take the slow path and changes nothing else).
fn compute_eval_breaker(tstate: *mut PyThreadState) {
    #[cfg(py37)]
    let signals = 0;
    #[cfg(not(py37))]
    let signals = signals_pending().load(Relaxed);
    let any = signals
        | ceval_word(tstate, CevalWord::GilDropRequest).load(Relaxed)
        | ceval_word(tstate, CevalWord::PendingCallsToDo).load(Relaxed)
        | ceval_word(tstate, CevalWord::PendingAsyncExc).load(Relaxed);
    ceval_word(tstate, CevalWord::EvalBreaker).store((any != 0) as i32, Relaxed);
}

/// ceval's `UNSIGNAL_ASYNC_EXC` (no exported function does it): clear the request and
/// recompute `eval_breaker`, so the breaker does not stay set.
fn unsignal_async_exc(tstate: *mut PyThreadState) {
    ceval_word(tstate, CevalWord::PendingAsyncExc).store(0, Relaxed);
    compute_eval_breaker(tstate);
}
