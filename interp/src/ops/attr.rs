//! Attribute access: `LOAD_ATTR`, `STORE_ATTR`, `LOAD_METHOD` (3.7+), and module globals
//! stores (`STORE_GLOBAL`).

use crate::cpython::PyFrameObject;
use pyo3_ffi::{PyObject, PyTuple_GET_ITEM, Py_DECREF, Py_ssize_t};

/// `co_names[namei]` of the frame's code (borrowed).
///
/// # Safety
/// Live frame; `namei` within `co_names`.
pub(crate) unsafe fn name(frame: *mut PyFrameObject, namei: u32) -> *mut PyObject {
    // SAFETY: forwarded from the caller.
    unsafe { PyTuple_GET_ITEM((*(*frame).f_code).co_names, namei as Py_ssize_t) }
}

fn status(ok: bool) -> i32 {
    if ok {
        0
    } else {
        -1
    }
}

/// `LOAD_ATTR namei`: replaces `sp[-1]` with its attribute (NULL on error). Effect 0.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn load_attr(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: the owner is owned by the stack (caller); the result replaces it.
    unsafe {
        let owner = *sp.sub(1);
        let result = pyo3_ffi::PyObject_GetAttr(owner, name(frame, namei));
        Py_DECREF(owner);
        *sp.sub(1) = result;
        status(!result.is_null())
    }
}

/// `STORE_ATTR namei`: `sp[-1].name = sp[-2]`, consuming both. Effect −2.
///
/// # Safety
/// GIL held; live frame; both slots owned.
pub unsafe extern "C" fn store_attr(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: both values are owned by the stack (caller) and consumed here.
    unsafe {
        let owner = *sp.sub(1);
        let value = *sp.sub(2);
        let err = pyo3_ffi::PyObject_SetAttr(owner, name(frame, namei), value);
        Py_DECREF(value);
        Py_DECREF(owner);
        status(err == 0)
    }
}

/// `STORE_GLOBAL namei`: `f_globals[name] = sp[-1]`, consuming it. Effect −1.
///
/// # Safety
/// GIL held; live frame with dict globals; `sp[-1]` owned.
pub unsafe extern "C" fn store_global(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: the value is owned by the stack (caller) and consumed here.
    unsafe {
        let value = *sp.sub(1);
        let err = pyo3_ffi::PyDict_SetItem((*frame).f_globals, name(frame, namei), value);
        Py_DECREF(value);
        status(err == 0)
    }
}

extern "C" {
    /// Looks up a method without binding it: 1 and an unbound function (call with `obj` as
    /// first argument), or 0 and a plain attribute; `*method` NULL on error.
    fn _PyObject_GetMethod(obj: *mut PyObject, name: *mut PyObject, method: *mut *mut PyObject) -> i32;
}

/// `LOAD_METHOD namei`: `[obj]` → `[meth, obj]` (unbound method found) or `[NULL, attr]`.
/// Effect +1; on error the stack is unchanged (effect 0).
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned; room for one more slot.
pub unsafe extern "C" fn load_method(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: obj is owned by the stack (caller); the two slots end up owned or NULL.
    unsafe {
        let obj = *sp.sub(1);
        let mut method: *mut PyObject = std::ptr::null_mut();
        let found = _PyObject_GetMethod(obj, name(frame, namei), &mut method);
        if method.is_null() {
            return -1;
        }
        if found != 0 {
            *sp.sub(1) = method;
            *sp = obj;
        } else {
            *sp.sub(1) = std::ptr::null_mut();
            Py_DECREF(obj);
            *sp = method;
        }
        0
    }
}

/// `DELETE_ATTR namei`: `del sp[-1].name`, consuming it. Effect −1.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn delete_attr(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: the owner is owned by the stack (caller) and consumed.
    unsafe {
        let owner = *sp.sub(1);
        let err = pyo3_ffi::PyObject_SetAttr(owner, name(frame, namei), std::ptr::null_mut());
        Py_DECREF(owner);
        status(err == 0)
    }
}
