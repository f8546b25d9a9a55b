//! Running a frame in compiled code the way `_PyEval_EvalFrameDefault` runs it: entry
//! (recursion check, `tstate->frame`, `f_executing`, `f_stacktop`), the exits machine code
//! returns with, and leaving. Machine code never unwinds; it returns an [`Exit`].
//!
//! Deoptimisation: when tracing or profiling starts while a compiled frame runs (a callee
//! called `sys.settrace`), machine code returns `DEOPT`; the driver leaves the frame as a
//! suspended generator would be and hands it to the fallback evaluator, which continues
//! after `f_lasti`. The evaluator would report a `call` event for a frame that stock CPython
//! never re-enters, so that one event is swallowed by one-shot shims.
//!
//! Generators and coroutines: a yield leaves with `YIELD` after machine code stored
//! `f_stacktop` (what `gen_send_ex` checks to tell a suspended frame from a finished one);
//! a later `send` enters the frame again at the offset after `f_lasti`, a resume point.

use crate::cpython::{EvalFrameFn, PyFrameObject, PyThreadState};
use pyo3_ffi::{PyErr_Occurred, PyErr_SetString, PyExc_SystemError, PyObject, Py_XDECREF};
use std::cell::Cell;
use std::os::raw::{c_char, c_int};

/// How machine code left the frame: `status` says what `value` is.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    pub status: u64,
    /// `RETURN`: the return value (owned). `ERROR`: the value-stack pointer at the error.
    pub value: usize,
}

/// Frames handed from machine code to the evaluator because tracing started.
pub static DEOPTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The values of [`Exit::status`].
pub mod status {
    pub const RETURN: u64 = 0;
    pub const ERROR: u64 = 1;
    /// Tracing started: `value` is the stack pointer; `f_lasti` is the last instruction done.
    pub const DEOPT: u64 = 2;
    /// As `ERROR`, for a bare `raise`: no new traceback entry (ceval skips `error:`). On
    /// 3.10, `status >> JUMP_TARGET_SHIFT`, when non-zero, is 1 + the index of a `RERAISE`
    /// that moved `f_lasti` (the unwinder records the instruction that raised).
    pub const RERAISE: u64 = 3;
    /// `END_FINALLY` returning to the instruction after a `CALL_FINALLY`: `value` is the
    /// stack pointer; the byte offset to continue at is `status >> JUMP_TARGET_SHIFT`.
    pub const JUMP: u64 = 4;
    pub const JUMP_TARGET_SHIFT: u32 = 8;
    /// A generator yields `value` (owned); `f_stacktop` and `f_lasti` are already set.
    pub const YIELD: u64 = 5;
    /// 3.7: a non-exception unwind (`return` with blocks left, `break`, `continue` through a
    /// `try`, an `END_FINALLY` resuming one): ceval's `why` code is `status >> WHY_SHIFT`;
    /// `value` is the stack pointer, with `retval` on top for `WHY_RETURN`/`WHY_CONTINUE`.
    #[cfg(py37)]
    pub const UNWIND: u64 = 6;
    #[cfg(py37)]
    pub const WHY_SHIFT: u32 = 8;
    /// The kind of exit (the low byte of `status`).
    pub const fn kind(status: u64) -> u64 {
        status & 0xff
    }
}

/// Signature of a compiled code object's entry: (frame, value-stack pointer, thread state,
/// native address to start at). Callee-saved registers hold the first three while it runs.
pub type EntryFn = unsafe extern "C" fn(*mut PyFrameObject, *mut *mut PyObject, *mut PyThreadState, usize) -> Exit;

extern "C" {
    #[cfg(any(py37, py38))]
    static _Py_CheckRecursionLimit: c_int;
    #[cfg(any(py37, py38))]
    fn _Py_CheckRecursiveCall(location: *const c_char) -> c_int;
    /// 3.9+: takes the thread state.
    #[cfg(any(py39, py310))]
    fn _Py_CheckRecursiveCall(tstate: *mut PyThreadState, location: *const c_char) -> c_int;
    fn PyTraceBack_Here(frame: *mut PyFrameObject) -> c_int;
    #[cfg(any(py37, py38))]
    fn _Py_CheckFunctionResult(callable: *mut PyObject, result: *mut PyObject, location: *const c_char) -> *mut PyObject;
    /// 3.9 added the thread state as first argument.
    #[cfg(any(py39, py310))]
    fn _Py_CheckFunctionResult(
        tstate: *mut PyThreadState,
        callable: *mut PyObject,
        result: *mut PyObject,
        location: *const c_char,
    ) -> *mut PyObject;
}

/// The evaluator's last step on every exit: `_Py_CheckFunctionResult` with the name ceval
/// passes on that version. It returns `result` unchanged when exactly one of a result and
/// an exception is there, which is tested here first.
#[inline]
unsafe fn check_function_result(tstate: *mut PyThreadState, result: *mut PyObject) -> *mut PyObject {
    // SAFETY: current thread state (caller).
    if result.is_null() != unsafe { (*tstate).curexc_type.is_null() } {
        return result;
    }
    // SAFETY: as the caller's.
    unsafe { report_inconsistent_result(tstate, result) }
}

/// `_Py_CheckFunctionResult` for a result that comes with an exception or a NULL without one.
#[cold]
#[inline(never)]
unsafe fn report_inconsistent_result(tstate: *mut PyThreadState, result: *mut PyObject) -> *mut PyObject {
    #[cfg(any(py37, py38))]
    // SAFETY: GIL held (caller); `result` is owned or NULL.
    unsafe {
        let _ = tstate;
        _Py_CheckFunctionResult(std::ptr::null_mut(), result, c"PyEval_EvalFrameEx".as_ptr())
    }
    #[cfg(any(py39, py310))]
    // SAFETY: GIL held, `tstate` current (caller); `result` is owned or NULL.
    unsafe {
        _Py_CheckFunctionResult(tstate, std::ptr::null_mut(), result, c"_PyEval_EvalFrameDefault".as_ptr())
    }
}

/// Calls the fallback evaluator with the version's PEP 523 signature.
#[inline]
unsafe fn call_fallback(fallback: EvalFrameFn, tstate: *mut PyThreadState, frame: *mut PyFrameObject, throwflag: c_int) -> *mut PyObject {
    #[cfg(any(py37, py38))]
    // SAFETY: an evaluator called as CPython calls it (caller's contract).
    unsafe {
        let _ = tstate;
        fallback(frame, throwflag)
    }
    #[cfg(any(py39, py310))]
    // SAFETY: an evaluator called as CPython calls it (caller's contract).
    unsafe {
        fallback(tstate, frame, throwflag)
    }
}

/// 3.9+: `_Py_EnterRecursiveCall(tstate, "")` as the evaluator inlines it (the exported
/// `Py_EnterRecursiveCall` would look the thread state up again): the limit is per
/// interpreter; false with RecursionError set when it is exceeded.
#[cfg(any(py39, py310))]
#[inline]
unsafe fn enter_recursive_call(tstate: *mut PyThreadState) -> bool {
    // SAFETY: current thread state and its interpreter, GIL held (caller); the limit's
    // offset is probed.
    unsafe {
        (*tstate).recursion_depth += 1;
        let limit = *(*tstate).interp.cast::<u8>().add(crate::cpython::layout::INTERP_RECURSION_LIMIT).cast::<c_int>();
        !((*tstate).recursion_depth > limit && _Py_CheckRecursiveCall(tstate, c"".as_ptr()) != 0)
    }
}

/// Whether a frame entered now would run at (or past) the recursion limit, where every
/// `Py_EnterRecursiveCall` made in it raises RecursionError: comparisons do one (" in
/// comparison"), which compiled code's fast paths for ints and floats skip. Such a frame
/// belongs in the evaluator.
///
/// # Safety
/// `tstate` is the current thread state; the GIL is held.
#[inline]
pub unsafe fn would_run_at_recursion_limit(tstate: *mut PyThreadState) -> bool {
    // SAFETY: current thread state and its interpreter (caller); the offset is probed.
    unsafe {
        #[cfg(any(py37, py38))]
        let limit = _Py_CheckRecursionLimit;
        #[cfg(any(py39, py310))]
        let limit = *(*tstate).interp.cast::<u8>().add(crate::cpython::layout::INTERP_RECURSION_LIMIT).cast::<c_int>();
        (*tstate).recursion_depth + 1 >= limit
    }
}

/// 3.9+: `_Py_LeaveRecursiveCall(tstate)`, a plain decrement.
#[cfg(any(py39, py310))]
#[inline]
pub(crate) unsafe fn leave_recursive_call(tstate: *mut PyThreadState) {
    // SAFETY: current thread state, GIL held (caller), after a successful enter.
    unsafe { (*tstate).recursion_depth -= 1 }
}

/// ceval's `Py_EnterRecursiveCall("")` (a macro on 3.7/3.8): false with RecursionError set
/// when the limit is exceeded (the check has then already undone the increment).
#[cfg(any(py37, py38))]
#[inline]
unsafe fn enter_recursive_call(tstate: *mut PyThreadState) -> bool {
    // SAFETY: current thread state, GIL held (caller).
    unsafe {
        (*tstate).recursion_depth += 1;
        !((*tstate).recursion_depth > _Py_CheckRecursionLimit && _Py_CheckRecursiveCall(c"".as_ptr()) != 0)
    }
}

/// ceval's `Py_LeaveRecursiveCall()`: clears `overflowed` once below the low-water mark.
#[cfg(any(py37, py38))]
#[inline]
pub(crate) unsafe fn leave_recursive_call(tstate: *mut PyThreadState) {
    // SAFETY: current thread state, GIL held (caller).
    unsafe {
        (*tstate).recursion_depth -= 1;
        // Clearing a flag that is already clear changes nothing: test it first.
        if (*tstate).overflowed != 0 {
            let limit = _Py_CheckRecursionLimit;
            let low_water = if limit > 200 { limit - 50 } else { 3 * (limit >> 2) };
            if (*tstate).recursion_depth < low_water {
                (*tstate).overflowed = 0;
            }
        }
    }
}

/// Runs a frame in machine code from `target`, the native address where it continues:
/// fresh (`f_lasti == -1`) or a suspended generator being resumed (at the offset after
/// `f_lasti`); returns what the evaluator would. `address_of` maps a bytecode offset to its
/// native address (handlers, `CALL_FINALLY` returns); `fallback` continues the frame if it
/// deoptimises.
///
/// # Safety
/// GIL held; `tstate` current; `frame` is a frame of the code `entry` was compiled from,
/// not thrown into, and `target` is where it continues; tracing off.
#[inline(always)] // into the hook and into calls from compiled code: one call level less
pub unsafe fn run_compiled_frame(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    entry: EntryFn,
    target: usize,
    address_of: impl Fn(usize) -> Option<usize>,
    fallback: EvalFrameFn,
) -> *mut PyObject {
    // SAFETY: see the function's contract; the order follows the 3.7/3.8 evaluator. The
    // common case (no pending eval-breaker work, the frame returns or yields) stays here;
    // everything else continues in `run_general`.
    unsafe {
        if !enter_recursive_call(tstate) {
            return std::ptr::null_mut();
        }
        (*tstate).frame = frame;
        let sp = take_value_stack(frame);
        if *crate::cpython::eval_breaker_addr((*tstate).interp) != 0 {
            return run_general(tstate, frame, entry, target, sp, None, &address_of, fallback);
        }
        let exit = entry(frame, sp, tstate, target);
        let result = match status::kind(exit.status) {
            status::RETURN => {
                mark_returned(frame);
                exit.value as *mut PyObject
            }
            status::YIELD => exit.value as *mut PyObject,
            _ => return run_general(tstate, frame, entry, target, sp, Some(exit), &address_of, fallback),
        };
        leave_frame(tstate, frame, result)
    }
}

/// 3.10: a returned frame is RETURNED with an empty stack (YIELD leaves it SUSPENDED;
/// machine code did that).
#[inline]
unsafe fn mark_returned(frame: *mut PyFrameObject) {
    #[cfg(py310)]
    // SAFETY: live executing frame (caller).
    unsafe {
        (*frame).f_stackdepth = 0;
        (*frame).f_state = crate::cpython::frame_state::RETURNED;
    }
    #[cfg(not(py310))]
    let _ = frame;
}

/// The evaluator's exit: recursion depth, `f_executing`, `tstate->frame`, result check.
#[inline]
unsafe fn leave_frame(tstate: *mut PyThreadState, frame: *mut PyFrameObject, result: *mut PyObject) -> *mut PyObject {
    // SAFETY: the frame entered in `run_compiled_frame` (caller).
    unsafe {
        leave_recursive_call(tstate);
        #[cfg(not(py310))]
        {
            (*frame).f_executing = 0;
        }
        (*tstate).frame = (*frame).f_back;
        check_function_result(tstate, result)
    }
}

/// The rest of [`run_compiled_frame`], out of line: the eval-breaker check before the first
/// instruction (when the breaker is set: `pending_exit` is `None`, nothing ran yet), and
/// every exit other than a return or a yield (`pending_exit`) — unwinding to handlers,
/// `CALL_FINALLY` returns, deoptimisation — until the frame leaves.
///
/// # Safety
/// As [`run_compiled_frame`], after its entry steps; `sp` is the stack pointer at entry.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)] // the driver's state, handed over in one piece
unsafe fn run_general(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    entry: EntryFn,
    mut target: usize,
    mut sp: *mut *mut PyObject,
    mut pending_exit: Option<Exit>,
    address_of: &dyn Fn(usize) -> Option<usize>,
    fallback: EvalFrameFn,
) -> *mut PyObject {
    // SAFETY: as the caller's.
    unsafe {
        if pending_exit.is_none() {
            let start = crate::opcode::resume_offset((*frame).f_lasti);
            if entry_breaker_applies(tstate, frame, start) {
                if crate::ops::handle_eval_breaker(tstate) != 0 {
                    pending_exit = Some(Exit { status: status::ERROR, value: sp as usize });
                } else if (*tstate).use_tracing() {
                    return continue_in_evaluator(tstate, frame, sp, fallback, 0);
                }
            }
        }
        let result = loop {
            let exit = pending_exit.take().unwrap_or_else(|| entry(frame, sp, tstate, target));
            sp = exit.value as *mut *mut PyObject;
            match status::kind(exit.status) {
                status::RETURN => {
                    mark_returned(frame);
                    break exit.value as *mut PyObject;
                }
                status::YIELD => break exit.value as *mut PyObject,
                status::DEOPT => return continue_in_evaluator(tstate, frame, sp, fallback, 0),
                // END_FINALLY returning to a CALL_FINALLY site (3.8; 3.9 has no such opcode).
                #[cfg(any(py37, py38))]
                status::JUMP => {
                    let offset = (exit.status >> status::JUMP_TARGET_SHIFT) as usize;
                    match address_of(offset) {
                        Some(address) => target = address,
                        None => {
                            PyErr_SetString(PyExc_SystemError, c"END_FINALLY returned to a bad offset".as_ptr());
                            break unwind_and_exit(tstate, frame, sp);
                        }
                    }
                }
                kind => {
                    if (*tstate).use_tracing() {
                        // A callee turned tracing on: the evaluator's own error path reports
                        // the exception event and unwinds (RERAISE skips both in ceval, so we
                        // unwind ourselves and only hand over a handler).
                        if kind == status::ERROR {
                            return continue_in_evaluator(tstate, frame, sp, fallback, 1);
                        }
                    } else if kind == status::ERROR {
                        record_error(frame);
                    }
                    #[cfg(py310)]
                    {
                        (*frame).f_state = crate::cpython::frame_state::UNWINDING;
                    }
                    let (unwound_sp, handler) = unwind_blocks(tstate, frame, sp, exit.status);
                    sp = unwound_sp;
                    #[cfg(py310)]
                    if matches!(handler, Unwound::Handler(_)) {
                        (*frame).f_state = crate::cpython::frame_state::EXECUTING;
                    }
                    match handler {
                        Unwound::Handler(handler) if (*tstate).use_tracing() => {
                            // Continue at the handler in the evaluator (it resumes after f_lasti).
                            (*frame).f_lasti = crate::opcode::lasti_before(handler);
                            return continue_in_evaluator(tstate, frame, sp, fallback, 0);
                        }
                        Unwound::Handler(handler) => match address_of(handler) {
                            Some(address) => {
                                target = address;
                                // ceval's loop top runs the breaker before a handler's (or
                                // 3.7 loop target's) first instruction, so `while 1: try:
                                // continue` stays interruptible.
                                if entry_breaker_applies(tstate, frame, handler) {
                                    if crate::ops::handle_eval_breaker(tstate) != 0 {
                                        pending_exit = Some(Exit { status: status::ERROR, value: sp as usize });
                                    } else if (*tstate).use_tracing() {
                                        (*frame).f_lasti = crate::opcode::lasti_before(handler);
                                        return continue_in_evaluator(tstate, frame, sp, fallback, 0);
                                    }
                                }
                            }
                            None => {
                                PyErr_SetString(PyExc_SystemError, c"unwound to a bad offset".as_ptr());
                                break unwind_and_exit(tstate, frame, sp);
                            }
                        },
                        // 3.7: `return` left the last block (its `finally`s ran).
                        #[cfg(py37)]
                        Unwound::Return(retval) => {
                            unwind_and_exit(tstate, frame, sp);
                            break retval;
                        }
                        Unwound::Exhausted => break unwind_and_exit(tstate, frame, sp),
                    }
                }
            }
        };
        leave_frame(tstate, frame, result)
    }
}

/// Frame entry: the value-stack pointer of a fresh or suspended frame, marking the frame as
/// executing (≤3.9: `f_stacktop` becomes NULL and `f_executing` 1; 3.10: `f_stackdepth`
/// becomes -1 and `f_state` EXECUTING).
#[inline]
unsafe fn take_value_stack(frame: *mut PyFrameObject) -> *mut *mut PyObject {
    // SAFETY: live frame (caller) whose saved stack top/depth is within its value stack.
    unsafe {
        #[cfg(not(py310))]
        {
            let sp = (*frame).f_stacktop;
            (*frame).f_stacktop = std::ptr::null_mut();
            (*frame).f_executing = 1;
            sp
        }
        #[cfg(py310)]
        {
            let sp = (*frame).f_valuestack.add((*frame).f_stackdepth.max(0) as usize);
            (*frame).f_stackdepth = -1;
            (*frame).f_state = crate::cpython::frame_state::EXECUTING;
            sp
        }
    }
}

/// The reverse of [`take_value_stack`] for a frame handed to the evaluator mid-way: the
/// stack top is saved as a suspended generator's is, and the frame is no longer executing.
#[inline]
unsafe fn save_value_stack(frame: *mut PyFrameObject, sp: *mut *mut PyObject) {
    // SAFETY: live frame (caller); `sp` within its value stack.
    unsafe {
        #[cfg(not(py310))]
        {
            (*frame).f_stacktop = sp;
            (*frame).f_executing = 0;
        }
        #[cfg(py310)]
        {
            (*frame).f_stackdepth = sp.offset_from((*frame).f_valuestack) as std::os::raw::c_int;
            (*frame).f_state = crate::cpython::frame_state::SUSPENDED;
        }
    }
}

/// Whether ceval's eval-breaker check runs before the instruction at `offset`: the word is
/// set and the opcode is not one ceval exempts (those that must not be separated from the
/// instruction before them: `SETUP_FINALLY`, `SETUP_WITH`, `BEFORE_ASYNC_WITH`, `YIELD_FROM`).
#[inline]
unsafe fn entry_breaker_applies(tstate: *mut PyThreadState, frame: *mut PyFrameObject, offset: usize) -> bool {
    use crate::opcode::op;
    // SAFETY: live thread state, frame and code (GIL held by the caller).
    unsafe {
        if *crate::cpython::eval_breaker_addr((*tstate).interp) == 0 {
            return false;
        }
        let opcode = crate::cpython::co_code_bytes((*frame).f_code).get(offset).copied().unwrap_or(0);
        !matches!(opcode, op::SETUP_FINALLY | op::SETUP_WITH | op::BEFORE_ASYNC_WITH | op::YIELD_FROM)
    }
}

/// The evaluator's `error:` label: make sure an exception is set and add the traceback
/// entry for this frame (at `f_lasti`).
unsafe fn record_error(frame: *mut PyFrameObject) {
    // SAFETY: live executing frame, GIL held.
    unsafe {
        if PyErr_Occurred().is_null() {
            PyErr_SetString(PyExc_SystemError, c"error return without exception set".as_ptr());
        }
        PyTraceBack_Here(frame);
    }
}

/// Where unwinding the block stack led.
enum Unwound {
    /// A handler (or 3.7 loop target) at this byte offset; its values are pushed.
    Handler(usize),
    /// 3.7: a `return` left every block; the frame returns this value (owned).
    #[cfg(py37)]
    Return(*mut PyObject),
    /// No block took it: the frame leaves with the exception set.
    Exhausted,
}

/// The evaluator's `exception_unwind:` loop (3.8–3.10 alike): pops blocks until a
/// `SETUP_FINALLY` block, whose handler gets the six exception values pushed (previous
/// handled exception, then the raised one, normalised) and becomes the thread's handled
/// exception. Returns the stack pointer and where to continue (the stack pointer is returned
/// in every case). 3.10's except-handler block records the raising instruction: f_lasti,
/// or the one a `RERAISE` restored, which its exit status carries; up to 3.9 it records -1.
#[cfg(not(py37))]
unsafe fn unwind_blocks(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    exit_status: u64,
) -> (*mut *mut PyObject, Unwound) {
    use crate::ops::{push_exception_for_handler, unwind_except_handler, EXCEPT_HANDLER};
    let raised_at = match exit_status >> status::JUMP_TARGET_SHIFT {
        // SAFETY: live frame (caller).
        0 => unsafe { (*frame).f_lasti },
        at => at as i32 - 1,
    };
    // SAFETY: the frame's blocks and value stack are as ceval would have them; the stack
    // slots above each block's level are owned or NULL.
    unsafe {
        while (*frame).f_iblock > 0 {
            (*frame).f_iblock -= 1;
            let block = (*frame).f_blockstack[(*frame).f_iblock as usize];
            if block.b_type == EXCEPT_HANDLER {
                sp = unwind_except_handler(tstate, frame, sp, block.b_level);
                continue;
            }
            let floor = (*frame).f_valuestack.add(block.b_level as usize);
            while sp > floor {
                sp = sp.sub(1);
                Py_XDECREF(*sp);
            }
            if block.b_type != crate::opcode::op::SETUP_FINALLY as i32 {
                continue;
            }
            let b_handler = if cfg!(py310) { raised_at } else { -1 };
            sp = push_exception_for_handler(tstate, frame, sp, b_handler);
            return (sp, Unwound::Handler(crate::opcode::handler_offset(block.b_handler)));
        }
        (sp, Unwound::Exhausted)
    }
}

/// 3.7: ceval's `fast_block_end:` loop, driven by the `why` code of the exit (`ERROR` and
/// `RERAISE` are `WHY_EXCEPTION`; `UNWIND` carries its own, with `retval` on the stack).
#[cfg(py37)]
unsafe fn unwind_blocks(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    exit_status: u64,
) -> (*mut *mut PyObject, Unwound) {
    use crate::ops::why;
    // SAFETY: an UNWIND exit leaves `retval` (owned) on top for RETURN/CONTINUE; the rest
    // of the stack and the blocks are as ceval would have them.
    unsafe {
        let code = if status::kind(exit_status) == status::UNWIND { (exit_status >> status::WHY_SHIFT) as i32 } else { why::EXCEPTION };
        let mut retval = std::ptr::null_mut();
        if code & (why::RETURN | why::CONTINUE) != 0 {
            sp = sp.sub(1);
            retval = *sp;
        }
        match crate::ops::unwind_why(tstate, frame, sp, code, retval) {
            (sp, crate::ops::WhyOutcome::Handler(offset)) => (sp, Unwound::Handler(offset)),
            (sp, crate::ops::WhyOutcome::Return(value)) => (sp, Unwound::Return(value)),
            (sp, crate::ops::WhyOutcome::Exhausted) => (sp, Unwound::Exhausted),
        }
    }
}

/// No handler: clear the value stack; the frame returns NULL with the exception set.
unsafe fn unwind_and_exit(_tstate: *mut PyThreadState, frame: *mut PyFrameObject, mut sp: *mut *mut PyObject) -> *mut PyObject {
    // SAFETY: slots below `sp` are owned or NULL.
    unsafe {
        while sp > (*frame).f_valuestack {
            sp = sp.sub(1);
            Py_XDECREF(*sp);
        }
        // 3.10: the frame raised, with an empty stack.
        #[cfg(py310)]
        {
            (*frame).f_stackdepth = 0;
            (*frame).f_state = crate::cpython::frame_state::RAISED;
        }
    }
    std::ptr::null_mut()
}

/// CPython's `Py_tracefunc`, typed with our frame mirror.
type TraceFn = unsafe extern "C" fn(*mut PyObject, *mut PyFrameObject, c_int, *mut PyObject) -> c_int;

thread_local! {
    /// The trace and profile functions a deopt swapped for the shims, and the frame whose
    /// re-entry `call` event they swallow.
    static SWAPPED: Cell<Swapped> = const { Cell::new(Swapped { trace: None, profile: None, frame: std::ptr::null_mut() }) };
}

#[derive(Clone, Copy)]
struct Swapped {
    trace: Option<TraceFn>,
    profile: Option<TraceFn>,
    frame: *mut PyFrameObject,
}

/// Leaves the frame as a suspended generator would be (`f_stacktop` = `sp`, `f_lasti` at
/// the last instruction done) and hands it to `fallback`, which continues after `f_lasti`
/// — or, with `throwflag` 1, runs its error path for the exception that is set. The `call`
/// trace/profile event that its re-entry would report is swallowed.
///
/// # Safety
/// GIL held; `frame` is running in [`run_compiled_frame`] with stack pointer `sp`.
unsafe fn continue_in_evaluator(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    sp: *mut *mut PyObject,
    fallback: EvalFrameFn,
    throwflag: c_int,
) -> *mut PyObject {
    // SAFETY: current thread state (caller); the trace slots hold Py_tracefunc or NULL.
    unsafe {
        DEOPTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        save_value_stack(frame, sp);
        leave_recursive_call(tstate);
        (*tstate).frame = (*frame).f_back;
        let slots = trace_slots(tstate);
        let swapped = Swapped { trace: *slots.0, profile: *slots.1, frame };
        SWAPPED.with(|s| s.set(swapped));
        if swapped.trace.is_some() {
            *slots.0 = Some(swallow_trace_call);
        }
        if swapped.profile.is_some() {
            *slots.1 = Some(swallow_profile_call);
        }
        let result = call_fallback(fallback, tstate, frame, throwflag);
        // The shims put the functions back when called; if the evaluator never called them
        // (it failed before), do it here.
        let slots = trace_slots(tstate);
        if slots.0.map(|f| f as usize) == Some(swallow_trace_call as *const () as usize) {
            *slots.0 = swapped.trace;
        }
        if slots.1.map(|f| f as usize) == Some(swallow_profile_call as *const () as usize) {
            *slots.1 = swapped.profile;
        }
        result
    }
}

/// `tstate->c_tracefunc` and `tstate->c_profilefunc` as typed slots.
unsafe fn trace_slots(tstate: *mut PyThreadState) -> (&'static mut Option<TraceFn>, &'static mut Option<TraceFn>) {
    // SAFETY: both fields hold a C function pointer or NULL, which is Option's layout.
    unsafe { (&mut *std::ptr::addr_of_mut!((*tstate).c_tracefunc).cast(), &mut *std::ptr::addr_of_mut!((*tstate).c_profilefunc).cast()) }
}

/// One-shot trace function: restores the real one, swallows the re-entry `call` event.
unsafe extern "C" fn swallow_trace_call(obj: *mut PyObject, frame: *mut PyFrameObject, what: c_int, arg: *mut PyObject) -> c_int {
    let swapped = SWAPPED.with(|s| s.get());
    // SAFETY: called by the evaluator with the GIL held on this thread.
    unsafe {
        *trace_slots(crate::cpython::PyThreadState_Get()).0 = swapped.trace;
        forward_unless_reentry(swapped.trace, swapped.frame, obj, frame, what, arg)
    }
}

/// One-shot profile function: as [`swallow_trace_call`] for `c_profilefunc`.
unsafe extern "C" fn swallow_profile_call(obj: *mut PyObject, frame: *mut PyFrameObject, what: c_int, arg: *mut PyObject) -> c_int {
    let swapped = SWAPPED.with(|s| s.get());
    // SAFETY: called by the evaluator with the GIL held on this thread.
    unsafe {
        *trace_slots(crate::cpython::PyThreadState_Get()).1 = swapped.profile;
        forward_unless_reentry(swapped.profile, swapped.frame, obj, frame, what, arg)
    }
}

unsafe fn forward_unless_reentry(
    real: Option<TraceFn>,
    reentered: *mut PyFrameObject,
    obj: *mut PyObject,
    frame: *mut PyFrameObject,
    what: c_int,
    arg: *mut PyObject,
) -> c_int {
    if what == pyo3_ffi::PyTrace_CALL && frame == reentered {
        return 0;
    }
    match real {
        // SAFETY: forwarding an event to the function the thread had installed.
        Some(real) => unsafe { real(obj, frame, what, arg) },
        None => 0,
    }
}
