//! The generator and coroutine opcodes (3.8, 3.9): the async-generator wrapping of `YIELD_VALUE`,
//! `YIELD_FROM`, `GET_YIELD_FROM_ITER`, `GET_AWAITABLE`, `GET_AITER`, `GET_ANEXT`,
//! `BEFORE_ASYNC_WITH` and `END_ASYNC_FOR` (`SETUP_ASYNC_WITH` is `setup_finally` one slot
//! down). The yield itself is machine code: it stores `f_stacktop` and leaves the frame.

use super::blocks::{pop_except_handler, special_lookup, unwind_except_handler, Identifier, StackAndCode};
use crate::cpython::{PyFrameObject, PyThreadState};
use pyo3_ffi::*;
use std::os::raw::{c_char, c_int};
use std::ptr::{addr_of_mut, null_mut};

#[cfg(any(py37, py38))]
extern "C" {
    fn _PyAsyncGenValueWrapperNew(value: *mut PyObject) -> *mut PyObject;
    fn _PyCoro_GetAwaitableIter(o: *mut PyObject) -> *mut PyObject;
    fn _PyGen_yf(gen: *mut PyObject) -> *mut PyObject;
}

extern "C" {
    #[cfg(not(py310))]
    fn _PyGen_Send(gen: *mut PyObject, arg: *mut PyObject) -> *mut PyObject;
    fn _PyGen_FetchStopIterationValue(value: *mut *mut PyObject) -> c_int;
    fn _PyErr_FormatFromCause(exc: *mut PyObject, format: *const c_char, ...) -> *mut PyObject;
    fn _PyObject_CallMethodIdObjArgs(obj: *mut PyObject, name: *mut Identifier, ...) -> *mut PyObject;
}

const CO_COROUTINE: c_int = 0x0080;
const CO_ITERABLE_COROUTINE: c_int = 0x0100;

#[cfg(not(py310))] // 3.10 sends through PyIter_Send
static mut SEND_ID: Identifier = Identifier::new(c"send");
static mut AENTER_ID: Identifier = Identifier::new(c"__aenter__");
static mut AEXIT_ID: Identifier = Identifier::new(c"__aexit__");

/// Whether `o`'s type is exactly `ty` (the `Py*_CheckExact` macros).
unsafe fn is_exact(o: *mut PyObject, ty: *mut PyTypeObject) -> bool {
    // SAFETY: `o` is a live object (caller).
    unsafe { Py_TYPE(o) == ty }
}

/// The type name of `o` for messages (`%.100s` of `tp_name`).
unsafe fn type_name(o: *mut PyObject) -> *const c_char {
    // SAFETY: live object; tp_name is a C string owned by its type.
    unsafe { (*Py_TYPE(o)).tp_name }
}

/// 3.9+: genobject.c's `_PyAsyncGenValueWrapperNew` is no longer exported. A wrapped value
/// is an object of `_PyAsyncGenWrappedValue_Type` holding one reference (`agw_val`, right
/// after the object header — the type's `tp_basicsize` is checked to be exactly that), made
/// as genobject.c makes it when its free list is empty: GC-allocated, then tracked.
#[cfg(any(py39, py310))]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyAsyncGenValueWrapperNew(value: *mut PyObject) -> *mut PyObject {
    extern "C" {
        static mut _PyAsyncGenWrappedValue_Type: PyTypeObject;
    }
    const LAYOUT: usize = std::mem::size_of::<PyObject>() + std::mem::size_of::<*mut PyObject>();
    // SAFETY: GIL held (caller); the type is a static of libpython whose instances are the
    // header plus one object pointer (checked against tp_basicsize just below).
    unsafe {
        let ty = addr_of_mut!(_PyAsyncGenWrappedValue_Type);
        if (*ty).tp_basicsize as usize != LAYOUT {
            PyErr_SetString(PyExc_SystemError, c"unexpected layout of async generator wrapped values".as_ptr());
            return null_mut();
        }
        let o = PyObject_GC_New::<PyObject>(ty);
        if o.is_null() {
            return null_mut();
        }
        Py_INCREF(value);
        *o.cast::<u8>().add(std::mem::size_of::<PyObject>()).cast::<*mut PyObject>() = value;
        PyObject_GC_Track(o.cast());
        o
    }
}

/// genobject.c's `gen_is_coroutine`: a generator whose code has `CO_ITERABLE_COROUTINE`
/// (made by `types.coroutine`).
#[cfg(any(py39, py310))]
unsafe fn gen_is_coroutine(o: *mut PyObject) -> bool {
    // SAFETY: live object (caller); gi_code of an exact generator is a code object.
    unsafe { is_exact(o, addr_of_mut!(PyGen_Type)) && (*crate::cpython::gen_code(o)).co_flags & CO_ITERABLE_COROUTINE != 0 }
}

/// 3.9+: genobject.c's `_PyCoro_GetAwaitableIter` (no longer exported): the iterator `await o`
/// drives — `o` itself for a coroutine, else the result of its `__await__`, which must be
/// an iterator and not a coroutine. New reference, or NULL with TypeError.
#[cfg(any(py39, py310))]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyCoro_GetAwaitableIter(o: *mut PyObject) -> *mut PyObject {
    // SAFETY: live object, GIL held (caller).
    unsafe {
        if is_exact(o, addr_of_mut!(PyCoro_Type)) || gen_is_coroutine(o) {
            Py_INCREF(o);
            return o;
        }
        let ot = Py_TYPE(o);
        let getter = if (*ot).tp_as_async.is_null() { None } else { (*(*ot).tp_as_async).am_await };
        let Some(getter) = getter else {
            PyErr_Format(PyExc_TypeError, c"object %.100s can't be used in 'await' expression".as_ptr(), (*ot).tp_name);
            return null_mut();
        };
        let res = getter(o);
        if res.is_null() {
            return res;
        }
        if is_exact(res, addr_of_mut!(PyCoro_Type)) || gen_is_coroutine(res) {
            // __await__ must return an iterator, not a coroutine or another awaitable (PEP 492).
            PyErr_SetString(PyExc_TypeError, c"__await__() returned a coroutine".as_ptr());
            Py_DECREF(res);
            return null_mut();
        }
        if PyIter_Check(res) == 0 {
            PyErr_Format(PyExc_TypeError, c"__await__() returned non-iterator of type '%.100s'".as_ptr(), type_name(res));
            Py_DECREF(res);
            return null_mut();
        }
        res
    }
}

/// 3.10: genobject.c's `_PyGen_yf`, with `f_lasti` in instructions and the stack depth in
/// `f_stackdepth`.
#[cfg(py310)]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyGen_yf(gen: *mut PyObject) -> *mut PyObject {
    // SAFETY: live generator/coroutine (caller); its frame, when present, is live and a
    // positive f_stackdepth counts owned slots of its value stack.
    unsafe {
        let f = crate::cpython::gen_frame(gen);
        if f.is_null() || (*f).f_lasti < 0 || (*f).f_stackdepth <= 0 {
            return null_mut();
        }
        let code = crate::cpython::co_code_bytes((*f).f_code);
        if code.get(((*f).f_lasti as usize + 1) * 2).copied() != Some(crate::opcode::op::YIELD_FROM) {
            return null_mut();
        }
        let yf = *(*f).f_valuestack.add((*f).f_stackdepth as usize - 1);
        Py_INCREF(yf);
        yf
    }
}

/// 3.9+: genobject.c's `_PyGen_yf` (no longer exported): the object a suspended generator or
/// coroutine is delegating to (it is parked on `YIELD_FROM` after its first run), as a new
/// reference, else NULL.
#[cfg(py39)]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyGen_yf(gen: *mut PyObject) -> *mut PyObject {
    // SAFETY: live generator/coroutine (caller); its frame, when present, is live, and
    // f_stacktop non-NULL means suspended with at least the delegate on the stack.
    unsafe {
        let f = crate::cpython::gen_frame(gen);
        if f.is_null() || (*f).f_stacktop.is_null() || (*f).f_lasti < 0 {
            return null_mut();
        }
        let code = crate::cpython::co_code_bytes((*f).f_code);
        if code.get((*f).f_lasti as usize + 2).copied() != Some(crate::opcode::op::YIELD_FROM) {
            return null_mut();
        }
        let yf = *(*f).f_stacktop.sub(1);
        Py_INCREF(yf);
        yf
    }
}

/// `YIELD_VALUE` in an async generator: wraps the value (consumed) so the generator's
/// `__anext__` machinery tells yields from awaits. NULL with an exception on failure.
///
/// # Safety
/// GIL held; `value` an owned reference.
pub unsafe extern "C" fn async_gen_wrap_value(value: *mut PyObject) -> *mut PyObject {
    // SAFETY: as the contract.
    unsafe {
        let wrapped = _PyAsyncGenValueWrapperNew(value);
        Py_DECREF(value);
        wrapped
    }
}

/// What [`yield_from`] did, returned in two registers.
#[repr(C)]
pub struct YieldFromOutcome {
    /// 0: the delegate finished, its result replaced it on the stack; 1: `value` is to be
    /// yielded (the delegate stays on the stack); -1: error, the delegate stays.
    pub kind: i64,
    pub value: *mut PyObject,
}

/// `YIELD_FROM`: sends `sp[-1]` (consumed) into the delegate `sp[-2]`. Effect −1 in every
/// outcome. On a yield the caller rewinds `f_lasti` so the frame resumes at this opcode.
///
/// Not reproduced: the `exception` trace event ceval reports for the delegate's
/// `StopIteration` when a trace function is set (compiled code never runs traced; a delegate
/// that turns tracing on is noticed by the check after this opcode).
///
/// # Safety
/// GIL held; both slots owned.
pub unsafe extern "C" fn yield_from(sp: *mut *mut PyObject) -> YieldFromOutcome {
    // SAFETY: as the contract.
    unsafe {
        let value = *sp.sub(1);
        let receiver = *sp.sub(2);
        if let Some(sent) = crate::direct::send_to_generator(receiver, value) {
            Py_DECREF(value);
            return match sent {
                crate::direct::Sent::Yielded(value) => YieldFromOutcome { kind: 1, value },
                crate::direct::Sent::Returned(value) => {
                    Py_DECREF(receiver);
                    *sp.sub(2) = value;
                    YieldFromOutcome { kind: 0, value: null_mut() }
                }
                crate::direct::Sent::Raised => YieldFromOutcome { kind: -1, value: null_mut() },
            };
        }
    }
    #[cfg(py310)]
    // SAFETY: as the contract.
    unsafe {
        // 3.10: PyIter_Send (am_send, else __next__ for None, else .send()).
        extern "C" {
            fn PyIter_Send(iter: *mut PyObject, arg: *mut PyObject, presult: *mut *mut PyObject) -> c_int;
        }
        const PYGEN_RETURN: c_int = 0;
        const PYGEN_NEXT: c_int = 1;
        let value = *sp.sub(1);
        let receiver = *sp.sub(2);
        let mut retval = null_mut();
        let status = PyIter_Send(receiver, value, &mut retval);
        Py_DECREF(value);
        match status {
            PYGEN_NEXT => YieldFromOutcome { kind: 1, value: retval },
            PYGEN_RETURN => {
                Py_DECREF(receiver);
                *sp.sub(2) = retval;
                YieldFromOutcome { kind: 0, value: null_mut() }
            }
            _ => YieldFromOutcome { kind: -1, value: null_mut() },
        }
    }
    #[cfg(not(py310))]
    // SAFETY: as the contract; the identifier is only touched with the GIL held.
    unsafe {
        let value = *sp.sub(1);
        let receiver = *sp.sub(2);
        let retval = if is_exact(receiver, addr_of_mut!(PyGen_Type)) || is_exact(receiver, addr_of_mut!(PyCoro_Type)) {
            _PyGen_Send(receiver, value)
        } else if value == Py_None() {
            match (*Py_TYPE(receiver)).tp_iternext {
                Some(next) => next(receiver),
                None => {
                    PyErr_Format(PyExc_TypeError, c"'%.100s' object is not an iterator".as_ptr(), type_name(receiver));
                    null_mut()
                }
            }
        } else {
            _PyObject_CallMethodIdObjArgs(receiver, addr_of_mut!(SEND_ID), value, null_mut::<PyObject>())
        };
        Py_DECREF(value);
        if !retval.is_null() {
            return YieldFromOutcome { kind: 1, value: retval };
        }
        let mut result = null_mut();
        if _PyGen_FetchStopIterationValue(&mut result) < 0 {
            return YieldFromOutcome { kind: -1, value: null_mut() };
        }
        Py_DECREF(receiver);
        *sp.sub(2) = result;
        YieldFromOutcome { kind: 0, value: null_mut() }
    }
}

/// `GET_YIELD_FROM_ITER`: `iter(sp[-1])` unless it is a generator or (in a coroutine) a
/// coroutine. Effect 0; on error the slot is NULL.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn get_yield_from_iter(frame: *mut PyFrameObject, sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract; the frame holds its code object.
    unsafe {
        let iterable = *sp.sub(1);
        if is_exact(iterable, addr_of_mut!(PyCoro_Type)) {
            if (*(*frame).f_code).co_flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE) == 0 {
                Py_DECREF(iterable);
                *sp.sub(1) = null_mut();
                PyErr_SetString(PyExc_TypeError, c"cannot 'yield from' a coroutine object in a non-coroutine generator".as_ptr());
                return -1;
            }
        } else if !is_exact(iterable, addr_of_mut!(PyGen_Type)) {
            let iter = PyObject_GetIter(iterable);
            Py_DECREF(iterable);
            *sp.sub(1) = iter;
            if iter.is_null() {
                return -1;
            }
        }
        0
    }
}

/// Which `async with` step a `GET_AWAITABLE` follows, for its error message (ceval finds it
/// by looking at the opcodes before it; the compiler does that once).
pub mod awaitable_context {
    pub const OTHER: u32 = 0;
    pub const AENTER: u32 = 1;
    pub const AEXIT: u32 = 2;
}

/// `GET_AWAITABLE`: replaces `sp[-1]` with its awaitable iterator. Effect 0; on error the
/// slot is NULL. `context` is one of [`awaitable_context`].
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn get_awaitable(sp: *mut *mut PyObject, context: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let iterable = *sp.sub(1);
        let mut iter = _PyCoro_GetAwaitableIter(iterable);
        if iter.is_null() {
            format_awaitable_error(Py_TYPE(iterable), context);
        }
        Py_DECREF(iterable);
        if !iter.is_null() && is_exact(iter, addr_of_mut!(PyCoro_Type)) {
            let yf = _PyGen_yf(iter);
            if !yf.is_null() {
                Py_DECREF(yf);
                Py_DECREF(iter);
                iter = null_mut();
                PyErr_SetString(PyExc_RuntimeError, c"coroutine is being awaited already".as_ptr());
            }
        }
        *sp.sub(1) = iter;
        if iter.is_null() {
            -1
        } else {
            0
        }
    }
}

/// ceval's `format_awaitable_error`: a clearer message when `__aenter__`/`__aexit__`
/// returned something without `__await__`.
unsafe fn format_awaitable_error(ty: *mut PyTypeObject, context: u32) {
    // SAFETY: live type object; GIL held (caller).
    unsafe {
        let has_await = !(*ty).tp_as_async.is_null() && (*(*ty).tp_as_async).am_await.is_some();
        if has_await {
            return;
        }
        let message = match context {
            awaitable_context::AENTER => c"'async with' received an object from __aenter__ that does not implement __await__: %.100s",
            awaitable_context::AEXIT => c"'async with' received an object from __aexit__ that does not implement __await__: %.100s",
            _ => return,
        };
        PyErr_Format(PyExc_TypeError, message.as_ptr(), (*ty).tp_name);
    }
}

/// `GET_AITER`: replaces `sp[-1]` with `type(o).__aiter__(o)`, checking the result has
/// `__anext__`. Effect 0; on error the slot is NULL.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn get_aiter(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let obj = *sp.sub(1);
        *sp.sub(1) = null_mut();
        let ty = Py_TYPE(obj);
        let getter = if (*ty).tp_as_async.is_null() { None } else { (*(*ty).tp_as_async).am_aiter };
        let Some(getter) = getter else {
            PyErr_Format(PyExc_TypeError, c"'async for' requires an object with __aiter__ method, got %.100s".as_ptr(), (*ty).tp_name);
            Py_DECREF(obj);
            return -1;
        };
        let iter = getter(obj);
        Py_DECREF(obj);
        if iter.is_null() {
            return -1;
        }
        let iter_ty = Py_TYPE(iter);
        if (*iter_ty).tp_as_async.is_null() || (*(*iter_ty).tp_as_async).am_anext.is_none() {
            PyErr_Format(
                PyExc_TypeError,
                c"'async for' received an object from __aiter__ that does not implement __anext__: %.100s".as_ptr(),
                (*iter_ty).tp_name,
            );
            Py_DECREF(iter);
            return -1;
        }
        *sp.sub(1) = iter;
        0
    }
}

/// `GET_ANEXT`: pushes the awaitable of `sp[-1].__anext__()`. Effect +1; on error nothing
/// is pushed.
///
/// # Safety
/// GIL held; `sp[-1]` owned; room for one slot.
pub unsafe extern "C" fn get_anext(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let aiter = *sp.sub(1);
        let ty = Py_TYPE(aiter);
        let getter = if (*ty).tp_as_async.is_null() { None } else { (*(*ty).tp_as_async).am_anext };
        let awaitable = if is_exact(aiter, addr_of_mut!(PyAsyncGen_Type)) {
            let awaitable = getter.expect("async generators have __anext__")(aiter);
            if awaitable.is_null() {
                return -1;
            }
            awaitable
        } else {
            let Some(getter) = getter else {
                PyErr_Format(
                    PyExc_TypeError,
                    c"'async for' requires an iterator with __anext__ method, got %.100s".as_ptr(),
                    (*ty).tp_name,
                );
                return -1;
            };
            let next_iter = getter(aiter);
            if next_iter.is_null() {
                return -1;
            }
            let awaitable = _PyCoro_GetAwaitableIter(next_iter);
            if awaitable.is_null() {
                _PyErr_FormatFromCause(
                    PyExc_TypeError,
                    c"'async for' received an invalid object from __anext__: %.100s".as_ptr(),
                    type_name(next_iter),
                );
            }
            Py_DECREF(next_iter);
            if awaitable.is_null() {
                return -1;
            }
            awaitable
        };
        *sp = awaitable;
        0
    }
}

/// `BEFORE_ASYNC_WITH`: `[mgr]` → `[aexit, aenter()]`. Effect +1; on error the bottom slot
/// holds `mgr` or `aexit` (effect 0).
///
/// # Safety
/// GIL held; `sp[-1]` owned; room for one slot.
pub unsafe extern "C" fn before_async_with(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: as the contract; the identifiers are only touched with the GIL held.
    unsafe {
        let mgr = *sp.sub(1);
        // 3.8 looks up __aexit__ first, 3.9 __aenter__ first: the AttributeError of a manager
        // lacking both names the first one looked up.
        #[cfg(any(py37, py38))]
        let enter = {
            let exit = special_lookup(mgr, c"__aexit__", addr_of_mut!(AEXIT_ID).cast());
            if exit.is_null() {
                return -1;
            }
            *sp.sub(1) = exit;
            let enter = special_lookup(mgr, c"__aenter__", addr_of_mut!(AENTER_ID).cast());
            Py_DECREF(mgr);
            if enter.is_null() {
                return -1;
            }
            enter
        };
        #[cfg(any(py39, py310))]
        let enter = {
            let enter = special_lookup(mgr, c"__aenter__", addr_of_mut!(AENTER_ID).cast());
            if enter.is_null() {
                return -1;
            }
            let exit = special_lookup(mgr, c"__aexit__", addr_of_mut!(AEXIT_ID).cast());
            if exit.is_null() {
                Py_DECREF(enter);
                return -1;
            }
            *sp.sub(1) = exit;
            Py_DECREF(mgr);
            enter
        };
        let res = PyObject_CallObject(enter, null_mut());
        Py_DECREF(enter);
        if res.is_null() {
            return -1;
        }
        *sp = res;
        0
    }
}

/// `END_ASYNC_FOR`: at the end of an `async for`, the handler of its `SETUP_FINALLY` sees
/// the exception raised by `__anext__`. `StopAsyncIteration` ends the loop (the handler
/// block and the iterator are popped: code 0); anything else is re-raised (code -2: no new
/// traceback entry); -1 = error.
///
/// # Safety
/// GIL held; `tstate` current; live frame whose innermost block is the except handler.
pub unsafe extern "C" fn end_async_for(tstate: *mut PyThreadState, frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> StackAndCode {
    // SAFETY: the stack holds the six exception slots above the iterator (ceval's layout).
    unsafe {
        let exc = *sp.sub(1);
        let sp = sp.sub(1);
        if PyErr_GivenExceptionMatches(exc, PyExc_StopAsyncIteration) != 0 {
            let Some(level) = pop_except_handler(frame) else {
                return StackAndCode { sp, code: -1 };
            };
            Py_DECREF(exc);
            let sp = unwind_except_handler(tstate, frame, sp, level).sub(1);
            Py_DECREF(*sp);
            return StackAndCode { sp, code: 0 };
        }
        let value = *sp.sub(1);
        let tb = *sp.sub(2);
        PyErr_Restore(exc, value, tb);
        StackAndCode { sp: sp.sub(2), code: -2 }
    }
}
