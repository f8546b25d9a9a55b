//! The block-stack opcodes: `SETUP_FINALLY` (and 3.7's other `SETUP_*`), `POP_EXCEPT`,
//! `SETUP_WITH`; 3.8's `END_FINALLY`, `POP_FINALLY`, `CALL_FINALLY`,
//! `WITH_CLEANUP_START/FINISH` (3.7's are in `blocks_py37`); 3.9's `RERAISE` and
//! `WITH_EXCEPT_START`; and the unwinder's `UNWIND_EXCEPT_HANDLER` and handler entry. The
//! frame's own `f_blockstack` is used, exactly as ceval uses it, so a deoptimised frame
//! continues in the evaluator with the right blocks.

use crate::cpython::{PyFrameObject, PyThreadState, PyTryBlock};
use pyo3_ffi::*;
use std::os::raw::c_int;

/// The block type of an active `except` handler (ceval's pseudo-opcode `EXCEPT_HANDLER`).
pub const EXCEPT_HANDLER: c_int = 257;

extern "C" {
    fn PyFrame_BlockSetup(frame: *mut PyFrameObject, kind: c_int, handler: c_int, level: c_int);
    fn PyFrame_BlockPop(frame: *mut PyFrameObject) -> *mut PyTryBlock;
    fn _PyObject_LookupSpecial(obj: *mut PyObject, id: *mut std::ffi::c_void) -> *mut PyObject;
}

/// A helper's new stack pointer and outcome, returned in two registers.
#[repr(C)]
pub struct StackAndCode {
    pub sp: *mut *mut PyObject,
    /// -1: error (exception set). Otherwise helper-specific.
    pub code: i64,
}

/// The value-stack depth at `sp`.
unsafe fn level(frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> c_int {
    // SAFETY: `sp` points into the frame's value stack (caller).
    unsafe { sp.offset_from((*frame).f_valuestack) as c_int }
}

/// `SETUP_FINALLY` (and 3.7's `SETUP_LOOP`/`SETUP_EXCEPT`, which push their own opcode as
/// the block type): pushes a block of type `kind` whose handler is the byte offset `handler`.
///
/// # Safety
/// GIL held; live frame; `sp` its current stack pointer.
pub unsafe extern "C" fn setup_block(frame: *mut PyFrameObject, sp: *mut *mut PyObject, handler: u32, kind: u32) {
    // SAFETY: as the contract.
    unsafe { PyFrame_BlockSetup(frame, kind as c_int, handler as c_int, level(frame, sp)) }
}

/// The unwinder found a handler for the pending exception (a 3.8 `SETUP_FINALLY`, or 3.7's
/// `SETUP_EXCEPT`/`SETUP_FINALLY`, whose block has just been popped): pushes an
/// `EXCEPT_HANDLER` block, then the thread's handled exception (traceback, value, type or
/// None) and the raised one, normalised (traceback or None, value, type), which becomes the
/// handled exception. The block's `b_handler` is `b_handler`: -1 up to 3.9, the raising
/// instruction on 3.10. Returns the new stack pointer.
///
/// # Safety
/// GIL held; `tstate` current with an exception set; room for six slots above `sp`.
pub unsafe fn push_exception_for_handler(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    b_handler: i32,
) -> *mut *mut PyObject {
    // SAFETY: as the contract; exc_info is the thread's current handled-exception entry.
    unsafe {
        PyFrame_BlockSetup(frame, EXCEPT_HANDLER, b_handler, level(frame, sp));
        let info = (*tstate).exc_info;
        let mut push = |v: *mut PyObject| {
            *sp = v;
            sp = sp.add(1);
        };
        push((*info).exc_traceback);
        push((*info).exc_value);
        if (*info).exc_type.is_null() {
            Py_INCREF(Py_None());
            push(Py_None());
        } else {
            push((*info).exc_type);
        }
        let (mut exc, mut val, mut tb) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
        PyErr_Fetch(&mut exc, &mut val, &mut tb);
        PyErr_NormalizeException(&mut exc, &mut val, &mut tb);
        PyException_SetTraceback(val, if tb.is_null() { Py_None() } else { tb });
        Py_INCREF(exc);
        (*info).exc_type = exc;
        Py_INCREF(val);
        (*info).exc_value = val;
        (*info).exc_traceback = tb;
        let tb = if tb.is_null() { Py_None() } else { tb };
        Py_INCREF(tb);
        push(tb);
        push(val);
        push(exc);
        sp
    }
}

/// ceval's `UNWIND_EXCEPT_HANDLER(b)`: pops down to the block's level + 3, then restores the
/// thread's handled exception from those three slots (type, value, traceback), releasing
/// the ones it replaces. Returns the new stack pointer.
///
/// # Safety
/// GIL held; `tstate` current; `b_level` is the handler block's level in this frame.
pub unsafe fn unwind_except_handler(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    b_level: c_int,
) -> *mut *mut PyObject {
    // SAFETY: the slots above the block's level are owned or NULL; exc_info is the thread's
    // current handled-exception entry.
    unsafe {
        let floor = (*frame).f_valuestack.add(b_level as usize + 3);
        while sp > floor {
            sp = sp.sub(1);
            Py_XDECREF(*sp);
        }
        restore_exc_info(tstate, sp)
    }
}

/// Pops exactly three slots (type, value, traceback) into the thread's handled exception,
/// releasing the ones it replaces (`POP_EXCEPT`; the end of `UNWIND_EXCEPT_HANDLER`).
///
/// # Safety
/// GIL held; `tstate` current; the three slots below `sp` are owned or NULL.
unsafe fn restore_exc_info(tstate: *mut PyThreadState, mut sp: *mut *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: as the contract; exc_info is the thread's current handled-exception entry.
    unsafe {
        let info = (*tstate).exc_info;
        let (old_type, old_value, old_tb) = ((*info).exc_type, (*info).exc_value, (*info).exc_traceback);
        (*info).exc_type = *sp.sub(1);
        (*info).exc_value = *sp.sub(2);
        (*info).exc_traceback = *sp.sub(3);
        sp = sp.sub(3);
        Py_XDECREF(old_type);
        Py_XDECREF(old_value);
        Py_XDECREF(old_tb);
        sp
    }
}

/// Pops the innermost block, which must be an except handler.
pub(crate) unsafe fn pop_except_handler(frame: *mut PyFrameObject) -> Option<c_int> {
    // SAFETY: live frame with at least one block (the compiler guarantees it).
    unsafe {
        let block = PyFrame_BlockPop(frame);
        if (*block).b_type != EXCEPT_HANDLER {
            PyErr_SetString(PyExc_SystemError, c"popped block is not an except handler".as_ptr());
            return None;
        }
        Some((*block).b_level)
    }
}

/// `POP_EXCEPT`: leaves an `except` block, restoring the previous handled exception.
///
/// # Safety
/// GIL held; `tstate` current; live frame; `sp` its stack pointer.
pub unsafe extern "C" fn pop_except(tstate: *mut PyThreadState, frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: as the contract.
    unsafe {
        match pop_except_handler(frame) {
            None => StackAndCode { sp, code: -1 },
            // 3.8 pops exactly three: a `return` in the handler may have rotated its value
            // below them (the level is then b_level + 4).
            #[cfg(not(py37))]
            Some(_) => StackAndCode { sp: restore_exc_info(tstate, sp), code: 0 },
            // 3.7 uses the whole UNWIND_EXCEPT_HANDLER (pops down to the level + 3 first).
            #[cfg(py37)]
            Some(level) => StackAndCode { sp: unwind_except_handler(tstate, frame, sp, level), code: 0 },
        }
    }
}

#[cfg(py38)] // 3.8 only: removed in 3.9; 3.7's is in blocks_py37
/// `END_FINALLY`: TOS is NULL (fall through: code 0), an int (a `CALL_FINALLY` return
/// address: code = offset + 1) or an exception triple above the previous one (re-raised:
/// code -2, for the unwinder, without a new traceback entry); -1 = error.
///
/// # Safety
/// GIL held; `sp[-1]` as described, owned.
pub unsafe extern "C" fn end_finally(sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: as the contract.
    unsafe {
        let exc = *sp.sub(1);
        let sp = sp.sub(1);
        if exc.is_null() {
            return StackAndCode { sp, code: 0 };
        }
        if PyLong_CheckExact(exc) != 0 {
            let offset = PyLong_AsLong(exc);
            Py_DECREF(exc);
            if offset == -1 && !PyErr_Occurred().is_null() {
                return StackAndCode { sp, code: -1 };
            }
            return StackAndCode { sp, code: offset as i64 + 1 };
        }
        let value = *sp.sub(1);
        let tb = *sp.sub(2);
        PyErr_Restore(exc, value, tb);
        StackAndCode { sp: sp.sub(2), code: -2 }
    }
}

#[cfg(py38)] // 3.8 only: removed in 3.9; 3.7's is in blocks_py37
/// `POP_FINALLY preserve_tos`: leaves a `finally` block early (return/break/continue).
///
/// # Safety
/// GIL held; `tstate` current; live frame; `sp` its stack pointer.
pub unsafe extern "C" fn pop_finally(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
    preserve_tos: u32,
) -> StackAndCode {
    // SAFETY: the slots are as ceval's POP_FINALLY expects (the compiler guarantees it).
    unsafe {
        let mut res = std::ptr::null_mut();
        if preserve_tos != 0 {
            sp = sp.sub(1);
            res = *sp;
        }
        sp = sp.sub(1);
        let exc = *sp;
        if exc.is_null() || PyLong_CheckExact(exc) != 0 {
            Py_XDECREF(exc);
        } else {
            Py_DECREF(exc);
            Py_DECREF(*sp.sub(1));
            Py_DECREF(*sp.sub(2));
            sp = sp.sub(2);
            match pop_except_handler(frame) {
                None => {
                    Py_XDECREF(res);
                    return StackAndCode { sp, code: -1 };
                }
                Some(_) => sp = restore_exc_info(tstate, sp),
            }
        }
        if preserve_tos != 0 {
            *sp = res;
            sp = sp.add(1);
        }
        StackAndCode { sp, code: 0 }
    }
}

#[cfg(any(py37, py38))] // removed in 3.9
/// `CALL_FINALLY` (3.8; and 3.7's `CONTINUE_LOOP`, whose target travels as an int the
/// same way): pushes the byte offset `next_offset` as an int. Effect +1; on error nothing
/// is pushed (NULL left, same effect).
///
/// # Safety
/// GIL held; room for one slot.
pub unsafe extern "C" fn call_finally(sp: *mut *mut PyObject, next_offset: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let ret = PyLong_FromLong(next_offset as _);
        *sp = ret;
        if ret.is_null() {
            -1
        } else {
            0
        }
    }
}

/// ceval's `special_lookup`: `_PyObject_LookupSpecial`, with AttributeError(name) when the
/// attribute is missing.
pub(crate) unsafe fn special_lookup(obj: *mut PyObject, name: &'static std::ffi::CStr, id: *mut std::ffi::c_void) -> *mut PyObject {
    // SAFETY: `id` is a static `_Py_Identifier` for `name`; obj live.
    unsafe {
        let found = _PyObject_LookupSpecial(obj, id);
        if found.is_null() && PyErr_Occurred().is_null() {
            PyErr_SetString(PyExc_AttributeError, name.as_ptr());
        }
        found
    }
}

/// A `_Py_Identifier` up to 3.9: a C string and its cached interned str (filled by CPython).
#[cfg(not(py310))]
#[repr(C)]
pub(crate) struct Identifier {
    next: *mut Identifier,
    string: *const std::os::raw::c_char,
    object: *mut PyObject,
}

#[cfg(not(py310))]
impl Identifier {
    pub(crate) const fn new(name: &'static std::ffi::CStr) -> Self {
        Identifier { next: std::ptr::null_mut(), string: name.as_ptr(), object: std::ptr::null_mut() }
    }
}

/// A `_Py_Identifier` on 3.10: a C string and its index in the interpreter's identifier
/// table, -1 until CPython assigns one.
#[cfg(py310)]
#[repr(C)]
pub(crate) struct Identifier {
    string: *const std::os::raw::c_char,
    index: isize,
}

#[cfg(py310)]
impl Identifier {
    pub(crate) const fn new(name: &'static std::ffi::CStr) -> Self {
        Identifier { string: name.as_ptr(), index: -1 }
    }
}

const _: () = assert!(std::mem::size_of::<Identifier>() == crate::cpython::layout::SIZEOF_IDENTIFIER);
crate::cpython::check_offset!(Identifier, string, crate::cpython::layout::IDENTIFIER_STRING);

static mut ENTER_ID: Identifier = Identifier::new(c"__enter__");
static mut EXIT_ID: Identifier = Identifier::new(c"__exit__");

/// `SETUP_WITH handler`: `[mgr]` → `[exit, enter_result]` with a finally block whose level
/// includes `exit`. Effect +1; on error the bottom slot holds `mgr` or `exit` (effect 0).
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned; room for one slot.
pub unsafe extern "C" fn setup_with(frame: *mut PyFrameObject, sp: *mut *mut PyObject, handler: u32) -> i32 {
    // SAFETY: as the contract; the identifiers are only touched with the GIL held.
    unsafe {
        let mgr = *sp.sub(1);
        let enter = special_lookup(mgr, c"__enter__", std::ptr::addr_of_mut!(ENTER_ID).cast());
        if enter.is_null() {
            return -1;
        }
        let exit = special_lookup(mgr, c"__exit__", std::ptr::addr_of_mut!(EXIT_ID).cast());
        if exit.is_null() {
            Py_DECREF(enter);
            return -1;
        }
        *sp.sub(1) = exit;
        Py_DECREF(mgr);
        let res = PyObject_CallObject(enter, std::ptr::null_mut());
        Py_DECREF(enter);
        if res.is_null() {
            return -1;
        }
        PyFrame_BlockSetup(frame, crate::opcode::op::SETUP_FINALLY as c_int, handler as c_int, level(frame, sp));
        *sp = res;
        0
    }
}

#[cfg(py38)] // 3.8 only: removed in 3.9; 3.7's is in blocks_py37
/// `WITH_CLEANUP_START`: calls `exit(exc, val, tb)` (None × 3 on a normal exit), leaving
/// `[…, exc, res]` on top; see ceval for the slot shuffle in the exception case.
///
/// # Safety
/// GIL held; live frame; the stack as the compiler leaves it before this opcode.
pub unsafe extern "C" fn with_cleanup_start(frame: *mut PyFrameObject, mut sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: the slots are as ceval's WITH_CLEANUP_START expects.
    unsafe {
        let none = Py_None();
        let (mut exc, mut val, mut tb) = (*sp.sub(1), none, none);
        let exit_func;
        if exc.is_null() {
            sp = sp.sub(1);
            exit_func = *sp.sub(1);
            *sp.sub(1) = exc;
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
        let res = super::call::vectorcall(exit_func, args.as_ptr(), 3, std::ptr::null_mut());
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

#[cfg(py38)] // 3.8 only: removed in 3.9; 3.7's is in blocks_py37
/// `WITH_CLEANUP_FINISH`: if `__exit__` returned true for an exception, swallow it (unwind
/// the except handler and push NULL so the following `END_FINALLY` does nothing).
///
/// # Safety
/// GIL held; `tstate` current; live frame; the stack as WITH_CLEANUP_START left it.
pub unsafe extern "C" fn with_cleanup_finish(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    mut sp: *mut *mut PyObject,
) -> StackAndCode {
    // SAFETY: the slots are as WITH_CLEANUP_START left them.
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
            let block = PyFrame_BlockPop(frame);
            sp = unwind_except_handler(tstate, frame, sp, (*block).b_level);
            *sp = std::ptr::null_mut();
            sp = sp.add(1);
        }
        StackAndCode { sp, code: 0 }
    }
}

/// 3.9 `RERAISE`: pops the exception type, value and traceback (pushed by the unwinder for
/// a `finally`/`except` handler) and restores them as the current exception; the caller
/// leaves with `RERAISE` (ceval jumps to `exception_unwind`: no traceback entry, no event).
/// Returns the new stack pointer (three slots lower).
///
/// # Safety
/// GIL held; the three slots below `sp` are owned (type on top).
#[cfg(py39)]
pub unsafe extern "C" fn reraise(sp: *mut *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: as the contract; PyErr_Restore steals the three references.
    unsafe {
        let exc = *sp.sub(1);
        let value = *sp.sub(2);
        let tb = *sp.sub(3);
        PyErr_Restore(exc, value, tb);
        sp.sub(3)
    }
}

/// 3.10 `RERAISE restore_lasti`: as 3.9's, and when `restore_lasti` is non-zero `f_lasti`
/// first goes back to the instruction the handler's block recorded (where the exception
/// was raised). Returns the new stack pointer.
///
/// # Safety
/// GIL held; live frame inside an except handler (a block on its stack); the three slots
/// below `sp` are owned (type on top).
#[cfg(py310)]
pub unsafe extern "C" fn reraise(frame: *mut PyFrameObject, sp: *mut *mut PyObject, restore_lasti: u32) -> *mut *mut PyObject {
    // SAFETY: as the contract; PyErr_Restore steals the three references.
    unsafe {
        if restore_lasti != 0 && (*frame).f_iblock > 0 {
            (*frame).f_lasti = (*frame).f_blockstack[(*frame).f_iblock as usize - 1].b_handler;
        }
        PyErr_Restore(*sp.sub(1), *sp.sub(2), *sp.sub(3));
        sp.sub(3)
    }
}

/// 3.9+ `WITH_EXCEPT_START`: with `[exit, tb2, val2, exc2, tb, val, exc]` on top (the
/// unwinder's six values above `__exit__`), pushes `exit(exc, val, tb)`. Effect +1; on error
/// nothing is pushed (effect 0).
///
/// # Safety
/// GIL held; the seven slots below `sp` are as described; room for one slot.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn with_except_start(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: as the contract; the arguments stay owned by the stack.
    unsafe {
        let exit_func = *sp.sub(7);
        // args[-1] is scratch space for the callee (PY_VECTORCALL_ARGUMENTS_OFFSET).
        let stack = [std::ptr::null_mut(), *sp.sub(1), *sp.sub(2), *sp.sub(3)];
        let res = super::call::vectorcall(exit_func, stack.as_ptr().add(1), 3 | super::call::ARGUMENTS_OFFSET, std::ptr::null_mut());
        if res.is_null() {
            return -1;
        }
        *sp = res;
        0
    }
}
