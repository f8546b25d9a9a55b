//! 3.7's block machinery: ceval's `why` codes and the `fast_block_end:` unwinder that
//! `return`, `break`, `continue`, `END_FINALLY` and exceptions all go through, and the
//! opcodes whose 3.7 form differs from 3.8's: `POP_BLOCK` (pops values too), `END_FINALLY`
//! (None, a `why` int with `retval` below it, or an exception class), and
//! `WITH_CLEANUP_START/FINISH` (which meet the same three shapes and answer a suppressed
//! exception with `WHY_SILENCED`).
//!
//! Machine code never unwinds: `BREAK_LOOP`, `CONTINUE_LOOP`, `RETURN_VALUE` with blocks
//! left, and an `END_FINALLY` that resumes an unwind leave with `status::UNWIND` and the
//! `why` code; the driver calls [`unwind_why`] and re-enters at the offset it finds.

use super::blocks::{push_exception_for_handler, unwind_except_handler, StackAndCode, EXCEPT_HANDLER};
use crate::cpython::{PyFrameObject, PyThreadState, PyTryBlock};
use crate::opcode::op;
use pyo3_ffi::*;
use std::os::raw::c_int;

/// ceval's `enum why_code` (3.7).
pub mod why {
    pub const NOT: i32 = 0x0001;
    pub const EXCEPTION: i32 = 0x0002;
    pub const RETURN: i32 = 0x0008;
    pub const BREAK: i32 = 0x0010;
    pub const CONTINUE: i32 = 0x0020;
    pub const YIELD: i32 = 0x0040;
    pub const SILENCED: i32 = 0x0080;
}

extern "C" {
    fn PyFrame_BlockPop(frame: *mut PyFrameObject) -> *mut PyTryBlock;
    fn _PyObject_FastCallDict(
        callable: *mut PyObject,
        args: *const *mut PyObject,
        nargs: Py_ssize_t,
        kwargs: *mut PyObject,
    ) -> *mut PyObject;
}

/// Where [`unwind_why`] stopped.
pub enum WhyOutcome {
    /// Continue at this byte offset (a handler, a `break` target, a `continue` target).
    Handler(usize),
    /// `WHY_RETURN` left every block: return this value (owned).
    Return(*mut PyObject),
    /// No block stopped it: an exception (set) leaves the frame. (Also a `break` or
    /// `continue` with no loop, which compiled code never does; the frame then returns
    /// NULL without an exception, which the result check reports.)
    Exhausted,
}

/// Pops values (owned or NULL) down to `level`.
unsafe fn pop_to_level(frame: *mut PyFrameObject, mut sp: *mut *mut PyObject, level: c_int) -> *mut *mut PyObject {
    // SAFETY: the slots between the level and `sp` are owned or NULL (caller).
    unsafe {
        let floor = (*frame).f_valuestack.add(level as usize);
        while sp > floor {
            sp = sp.sub(1);
            Py_XDECREF(*sp);
        }
        sp
    }
}

/// ceval's `fast_block_end:` loop for `why` (not `WHY_NOT`). `retval` (owned) is the return
/// value for `WHY_RETURN` or the target int for `WHY_CONTINUE`, else NULL. For
/// `WHY_EXCEPTION` the exception is set (and its traceback entry made, unless re-raised).
///
/// # Safety
/// GIL held; `tstate` current; `frame` executing with stack pointer `sp`, its blocks and
/// slots as ceval would have them.
pub unsafe fn unwind_why(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    why: i32,
    retval: *mut PyObject,
) -> (*mut *mut PyObject, WhyOutcome) {
    let setup_loop = op::SETUP_LOOP as c_int;
    let setup_except = op::SETUP_EXCEPT as c_int;
    let setup_finally = op::SETUP_FINALLY as c_int;
    // SAFETY: as the contract.
    unsafe {
        while (*frame).f_iblock > 0 {
            let block = (*frame).f_blockstack[(*frame).f_iblock as usize - 1];
            if block.b_type == setup_loop && why == why::CONTINUE {
                // The loop's block stays; the target was carried as an int.
                let target = PyLong_AsLong(retval);
                Py_DECREF(retval);
                return (sp, WhyOutcome::Handler(target as usize));
            }
            (*frame).f_iblock -= 1;
            if block.b_type == EXCEPT_HANDLER {
                sp = unwind_except_handler(tstate, frame, sp, block.b_level);
                continue;
            }
            sp = pop_to_level(frame, sp, block.b_level);
            if block.b_type == setup_loop && why == why::BREAK {
                return (sp, WhyOutcome::Handler(block.b_handler as usize));
            }
            if why == why::EXCEPTION && (block.b_type == setup_except || block.b_type == setup_finally) {
                sp = push_exception_for_handler(tstate, frame, sp, -1);
                return (sp, WhyOutcome::Handler(block.b_handler as usize));
            }
            if block.b_type == setup_finally {
                // The `finally` body runs with the reason on top (and the return value or
                // continue target below it); its END_FINALLY resumes the unwind.
                if why & (why::RETURN | why::CONTINUE) != 0 {
                    *sp = retval;
                    sp = sp.add(1);
                }
                // Small ints are preallocated: this cannot fail.
                *sp = PyLong_FromLong(why as _);
                sp = sp.add(1);
                return (sp, WhyOutcome::Handler(block.b_handler as usize));
            }
        }
        if why == why::RETURN {
            (sp, WhyOutcome::Return(retval))
        } else {
            Py_XDECREF(retval);
            (sp, WhyOutcome::Exhausted)
        }
    }
}

/// `POP_BLOCK` (3.7): pops the innermost block and the values above its level.
///
/// # Safety
/// GIL held; live frame with a block; `sp` its stack pointer.
pub unsafe extern "C" fn pop_block(frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: as the contract; the slots above the block's level are owned or NULL.
    unsafe {
        let block = PyFrame_BlockPop(frame);
        pop_to_level(frame, sp, (*block).b_level)
    }
}

/// `END_FINALLY` (3.7): pops the status. None: code 0 (go on). An int: the `why` of the
/// unwind the `finally` body interrupted — `WHY_SILENCED` (a `with` swallowed the
/// exception) pops the except handler and goes on (code 0); any other is returned as the
/// code (positive) for the driver to resume unwinding, with `retval` left on top for
/// `WHY_RETURN`/`WHY_CONTINUE`. An exception class: the triple is restored, code -2 (unwind
/// without a new traceback entry). Anything else: SystemError, code -1.
///
/// # Safety
/// GIL held; `tstate` current; live frame; `sp[-1]` owned, with the slots below it as the
/// compiler laid them out for this status.
pub unsafe extern "C" fn end_finally(tstate: *mut PyThreadState, frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: as the contract.
    unsafe {
        let sp = sp.sub(1);
        let status = *sp;
        if PyLong_Check(status) != 0 {
            let code = PyLong_AsLong(status) as i32;
            Py_DECREF(status);
            if code == why::SILENCED {
                let block = PyFrame_BlockPop(frame);
                let sp = unwind_except_handler(tstate, frame, sp, (*block).b_level);
                return StackAndCode { sp, code: 0 };
            }
            return StackAndCode { sp, code: code as i64 };
        }
        if PyExceptionClass_Check(status) != 0 {
            let value = *sp.sub(1);
            let tb = *sp.sub(2);
            PyErr_Restore(status, value, tb);
            return StackAndCode { sp: sp.sub(2), code: -2 };
        }
        if status != Py_None() {
            PyErr_SetString(PyExc_SystemError, c"'finally' pops bad exception".as_ptr());
            Py_DECREF(status);
            return StackAndCode { sp, code: -1 };
        }
        Py_DECREF(status);
        StackAndCode { sp, code: 0 }
    }
}

/// `WITH_CLEANUP_START` (3.7): below the top is `exit`, under one of: None (normal exit), a
/// `why` int (with `retval` between them for RETURN/CONTINUE), or an exception's six
/// values. Calls `exit(exc, val, tb)` (None × 3 unless an exception), removing `exit` from
/// the stack as ceval does, and pushes `[exc-or-None, res]`. Code -1 on error.
///
/// # Safety
/// GIL held; live frame; the stack as the compiler leaves it before this opcode.
pub unsafe extern "C" fn with_cleanup_start(frame: *mut PyFrameObject, mut sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: the slots are as ceval's WITH_CLEANUP_START expects.
    unsafe {
        let none = Py_None();
        let (mut exc, mut val, mut tb) = (*sp.sub(1), none, none);
        let exit_func;
        if exc == none {
            sp = sp.sub(1);
            exit_func = *sp.sub(1);
            *sp.sub(1) = exc;
        } else if PyLong_Check(exc) != 0 {
            sp = sp.sub(1);
            let code = PyLong_AsLong(exc) as i32;
            if code == why::RETURN || code == why::CONTINUE {
                // [exit, retval, why] -> [retval, why]
                exit_func = *sp.sub(2);
                *sp.sub(2) = *sp.sub(1);
                *sp.sub(1) = exc;
            } else {
                exit_func = *sp.sub(1);
                *sp.sub(1) = exc;
            }
            exc = none;
        } else {
            val = *sp.sub(2);
            tb = *sp.sub(3);
            let (tp2, exc2, tb2) = (*sp.sub(4), *sp.sub(5), *sp.sub(6));
            exit_func = *sp.sub(7);
            *sp.sub(7) = tb2;
            *sp.sub(6) = exc2;
            *sp.sub(5) = tp2;
            *sp.sub(4) = std::ptr::null_mut();
            let block = (*frame).f_blockstack.as_mut_ptr().add((*frame).f_iblock as usize - 1);
            (*block).b_level -= 1;
        }
        let args = [exc, val, tb];
        let res = _PyObject_FastCallDict(exit_func, args.as_ptr(), 3, std::ptr::null_mut());
        Py_DECREF(exit_func);
        if res.is_null() {
            return StackAndCode { sp, code: -1 };
        }
        Py_INCREF(exc);
        *sp = exc;
        *sp.add(1) = res;
        StackAndCode { sp: sp.add(2), code: 0 }
    }
}

/// `WITH_CLEANUP_FINISH` (3.7): pops `res` and `exc`; if an exception is being handled and
/// `__exit__` returned true, pushes `WHY_SILENCED` for the following `END_FINALLY`.
///
/// # Safety
/// GIL held; the stack as WITH_CLEANUP_START left it.
pub unsafe extern "C" fn with_cleanup_finish(mut sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: the two slots are owned (left by WITH_CLEANUP_START).
    unsafe {
        let res = *sp.sub(1);
        let exc = *sp.sub(2);
        sp = sp.sub(2);
        let err = if exc != Py_None() { PyObject_IsTrue(res) } else { 0 };
        Py_DECREF(res);
        Py_DECREF(exc);
        if err < 0 {
            return StackAndCode { sp, code: -1 };
        }
        if err > 0 {
            // A small int: preallocated, cannot fail.
            *sp = PyLong_FromLong(why::SILENCED as _);
            sp = sp.add(1);
        }
        StackAndCode { sp, code: 0 }
    }
}
