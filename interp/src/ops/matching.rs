//! 3.10's structural pattern matching (PEP 634) opcodes — `GET_LEN`, `MATCH_MAPPING`,
//! `MATCH_SEQUENCE`, `MATCH_KEYS`, `MATCH_CLASS`, `COPY_DICT_WITHOUT_KEYS` — with the
//! semantics and messages of 3.10's ceval (`match_keys`, `match_class_attr`, `match_class`),
//! and the other opcodes 3.10 added: `ROT_N` and `GEN_START`.

use crate::cpython::layout;
use pyo3_ffi::*;
use std::os::raw::{c_int, c_ulong};
use std::ptr::null_mut;

extern "C" {
    fn _PyObject_GetMethod(obj: *mut PyObject, name: *mut PyObject, method: *mut *mut PyObject) -> c_int;
}

/// Pushes `Py_True` or `Py_False` at `slot`.
unsafe fn put_bool(slot: *mut *mut PyObject, value: bool) {
    // SAFETY: the slot is writable (caller); the singletons are live.
    unsafe {
        let b = if value { Py_True() } else { Py_False() };
        Py_INCREF(b);
        *slot = b;
    }
}

/// Whether `o`'s type has the flag `flag` in `tp_flags`.
unsafe fn type_has_flag(o: *mut PyObject, flag: c_ulong) -> bool {
    // SAFETY: live object (caller).
    unsafe { (*Py_TYPE(o)).tp_flags & flag != 0 }
}

/// `GET_LEN`: pushes `len(sp[-1])` (the subject stays). Effect +1; on error nothing pushed.
///
/// # Safety
/// GIL held; `sp[-1]` live; room for one slot.
pub unsafe extern "C" fn get_len(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let len = PyObject_Length(*sp.sub(1));
        if len < 0 {
            return -1;
        }
        let len = PyLong_FromSsize_t(len);
        if len.is_null() {
            return -1;
        }
        *sp = len;
        0
    }
}

/// `MATCH_MAPPING`: pushes whether the subject's type has `Py_TPFLAGS_MAPPING`. Effect +1.
///
/// # Safety
/// GIL held; `sp[-1]` live; room for one slot.
pub unsafe extern "C" fn match_mapping(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe { put_bool(sp, type_has_flag(*sp.sub(1), layout::TPFLAGS_MAPPING as c_ulong)) };
    0
}

/// `MATCH_SEQUENCE`: pushes whether the subject's type has `Py_TPFLAGS_SEQUENCE`. Effect +1.
///
/// # Safety
/// GIL held; `sp[-1]` live; room for one slot.
pub unsafe extern "C" fn match_sequence(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe { put_bool(sp, type_has_flag(*sp.sub(1), layout::TPFLAGS_SEQUENCE as c_ulong)) };
    0
}

/// ceval's `match_keys`: the values of `keys` (a tuple) in `map`, looked up with
/// `map.get(key, dummy)`, as a tuple; `None` if a key is missing; NULL with ValueError for
/// a key given twice, or with whatever the lookups raised.
unsafe fn match_keys_values(map: *mut PyObject, keys: *mut PyObject) -> *mut PyObject {
    // SAFETY: live objects, GIL held (caller); every reference taken is released once.
    unsafe {
        let nkeys = PyTuple_GET_SIZE(keys);
        if nkeys == 0 {
            return PyTuple_New(0);
        }
        let mut get = null_mut();
        let meth_found = _PyObject_GetMethod(map, super::interned!(c"get"), &mut get);
        if get.is_null() {
            return null_mut();
        }
        let seen = PySet_New(null_mut());
        let (mut dummy, mut values) = (null_mut(), null_mut());
        let result = 'work: {
            if seen.is_null() {
                break 'work null_mut();
            }
            dummy = PyObject_CallObject(std::ptr::addr_of_mut!(PyBaseObject_Type).cast(), null_mut());
            if dummy.is_null() {
                break 'work null_mut();
            }
            values = PyTuple_New(nkeys);
            if values.is_null() {
                break 'work null_mut();
            }
            for i in 0..nkeys {
                let key = PyTuple_GET_ITEM(keys, i);
                if PySet_Contains(seen, key) != 0 || PySet_Add(seen, key) != 0 {
                    if PyErr_Occurred().is_null() {
                        PyErr_Format(PyExc_ValueError, c"mapping pattern checks duplicate key (%R)".as_ptr(), key);
                    }
                    break 'work null_mut();
                }
                let args = [map, key, dummy];
                let value = if meth_found != 0 {
                    PyObject_Vectorcall(get, args.as_ptr(), 3, null_mut())
                } else {
                    PyObject_Vectorcall(get, args.as_ptr().add(1), 2, null_mut())
                };
                if value.is_null() {
                    break 'work null_mut();
                }
                if value == dummy {
                    // A missing key: no match.
                    Py_DECREF(value);
                    Py_DECREF(values);
                    values = null_mut();
                    Py_INCREF(Py_None());
                    break 'work Py_None();
                }
                PyTuple_SET_ITEM(values, i, value);
            }
            let done = values;
            values = null_mut();
            done
        };
        Py_DECREF(get);
        Py_XDECREF(seen);
        Py_XDECREF(dummy);
        Py_XDECREF(values);
        result
    }
}

/// `MATCH_KEYS`: with `[subject, keys]` on top, pushes the values tuple (or None) and
/// whether all keys were found. Effect +2; on error nothing pushed.
///
/// # Safety
/// GIL held; the two slots live (`keys` a tuple); room for two slots.
pub unsafe extern "C" fn match_keys(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let values = match_keys_values(*sp.sub(2), *sp.sub(1));
        if values.is_null() {
            return -1;
        }
        *sp = values;
        put_bool(sp.add(1), values != Py_None());
        0
    }
}

/// ceval's `match_class_attr`: `getattr(subject, name)`, NULL without an exception when it
/// is missing; TypeError when the same attribute is named twice.
unsafe fn match_class_attr(subject: *mut PyObject, ty: *mut PyObject, name: *mut PyObject, seen: *mut PyObject) -> *mut PyObject {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        if PySet_Contains(seen, name) != 0 || PySet_Add(seen, name) != 0 {
            if PyErr_Occurred().is_null() {
                PyErr_Format(
                    PyExc_TypeError,
                    c"%s() got multiple sub-patterns for attribute %R".as_ptr(),
                    (*ty.cast::<PyTypeObject>()).tp_name,
                    name,
                );
            }
            return null_mut();
        }
        let attr = PyObject_GetAttr(subject, name);
        if attr.is_null() && PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
            PyErr_Clear();
        }
        attr
    }
}

/// ceval's `match_class`: on a match the tuple of attributes for `nargs` positional
/// sub-patterns (through `__match_args__`) and the keyword names `kwargs`; NULL on no match
/// (no exception) or on error (exception set).
unsafe fn match_class_attrs(subject: *mut PyObject, ty: *mut PyObject, nargs: Py_ssize_t, kwargs: *mut PyObject) -> *mut PyObject {
    // SAFETY: live objects, GIL held (caller); every reference taken is released once.
    unsafe {
        if PyType_Check(ty) == 0 {
            PyErr_SetString(PyExc_TypeError, c"called match pattern must be a type".as_ptr());
            return null_mut();
        }
        let type_name = (*ty.cast::<PyTypeObject>()).tp_name;
        if PyObject_IsInstance(subject, ty) <= 0 {
            return null_mut();
        }
        let seen = PySet_New(null_mut());
        if seen.is_null() {
            return null_mut();
        }
        let attrs = PyList_New(0);
        if attrs.is_null() {
            Py_DECREF(seen);
            return null_mut();
        }
        let mut match_args = null_mut();
        let ok = 'work: {
            if nargs != 0 {
                let mut match_self = false;
                match_args = PyObject_GetAttrString(ty, c"__match_args__".as_ptr());
                if !match_args.is_null() {
                    if PyTuple_CheckExact(match_args) == 0 {
                        PyErr_Format(
                            PyExc_TypeError,
                            c"%s.__match_args__ must be a tuple (got %s)".as_ptr(),
                            type_name,
                            (*Py_TYPE(match_args)).tp_name,
                        );
                        break 'work false;
                    }
                } else if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
                    PyErr_Clear();
                    // _Py_TPFLAGS_MATCH_SELF counts only when __match_args__ is not defined.
                    match_args = PyTuple_New(0);
                    if match_args.is_null() {
                        break 'work false;
                    }
                    match_self = (*ty.cast::<PyTypeObject>()).tp_flags & layout::TPFLAGS_MATCH_SELF as c_ulong != 0;
                } else {
                    break 'work false;
                }
                let allowed = if match_self { 1 } else { PyTuple_GET_SIZE(match_args) };
                if allowed < nargs {
                    let plural = if allowed == 1 { c"" } else { c"s" };
                    PyErr_Format(
                        PyExc_TypeError,
                        c"%s() accepts %d positional sub-pattern%s (%d given)".as_ptr(),
                        type_name,
                        allowed as c_int,
                        plural.as_ptr(),
                        nargs as c_int,
                    );
                    break 'work false;
                }
                if match_self {
                    PyList_Append(attrs, subject);
                } else {
                    for i in 0..nargs {
                        let name = PyTuple_GET_ITEM(match_args, i);
                        if PyUnicode_CheckExact(name) == 0 {
                            PyErr_Format(
                                PyExc_TypeError,
                                c"__match_args__ elements must be strings (got %s)".as_ptr(),
                                (*Py_TYPE(name)).tp_name,
                            );
                            break 'work false;
                        }
                        let attr = match_class_attr(subject, ty, name, seen);
                        if attr.is_null() {
                            break 'work false;
                        }
                        PyList_Append(attrs, attr);
                        Py_DECREF(attr);
                    }
                }
                Py_DECREF(match_args);
                match_args = null_mut();
            }
            for i in 0..PyTuple_GET_SIZE(kwargs) {
                let name = PyTuple_GET_ITEM(kwargs, i);
                let attr = match_class_attr(subject, ty, name, seen);
                if attr.is_null() {
                    break 'work false;
                }
                PyList_Append(attrs, attr);
                Py_DECREF(attr);
            }
            true
        };
        Py_XDECREF(match_args);
        Py_DECREF(seen);
        if !ok {
            Py_DECREF(attrs);
            return null_mut();
        }
        let tuple = PyList_AsTuple(attrs);
        Py_DECREF(attrs);
        tuple
    }
}

/// `MATCH_CLASS nargs`: `[subject, type, names]` → `[attrs, True]` on a match, `[subject,
/// False]` otherwise. Effect −1; on error `names` is released and the two slots below stay
/// (effect −1 too).
///
/// # Safety
/// GIL held; the three slots owned (`names` a tuple).
pub unsafe extern "C" fn match_class(sp: *mut *mut PyObject, nargs: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let names = *sp.sub(1);
        let ty = *sp.sub(2);
        let subject = *sp.sub(3);
        let attrs = match_class_attrs(subject, ty, nargs as Py_ssize_t, names);
        Py_DECREF(names);
        if !attrs.is_null() {
            Py_DECREF(subject);
            *sp.sub(3) = attrs;
        } else if !PyErr_Occurred().is_null() {
            return -1;
        }
        Py_DECREF(ty);
        put_bool(sp.sub(2), !attrs.is_null());
        0
    }
}

/// `COPY_DICT_WITHOUT_KEYS`: `[subject, keys]` → `[subject, rest]` where `rest` is a new
/// dict of the subject's items minus `keys`. Effect 0; on error the slots stay.
///
/// # Safety
/// GIL held; both slots owned (`keys` a tuple).
pub unsafe extern "C" fn copy_dict_without_keys(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let keys = *sp.sub(1);
        let rest = PyDict_New();
        if rest.is_null() || PyDict_Update(rest, *sp.sub(2)) != 0 {
            Py_XDECREF(rest);
            return -1;
        }
        for i in 0..PyTuple_GET_SIZE(keys) {
            if PyDict_DelItem(rest, PyTuple_GET_ITEM(keys, i)) != 0 {
                Py_DECREF(rest);
                return -1;
            }
        }
        Py_DECREF(keys);
        *sp.sub(1) = rest;
        0
    }
}

/// `ROT_N n`: moves the top of the stack down to position `n`, lifting the `n - 1` items
/// above it. Cannot fail.
///
/// # Safety
/// At least `n` slots below `sp`.
pub unsafe extern "C" fn rot_n(sp: *mut *mut PyObject, n: u32) -> i32 {
    // SAFETY: as the contract; the slots only move.
    unsafe {
        if n > 1 {
            let n = n as usize;
            let top = *sp.sub(1);
            std::ptr::copy(sp.sub(n), sp.sub(n - 1), n - 1);
            *sp.sub(n) = top;
        }
        0
    }
}

/// `GEN_START kind`: pops the value the generator was started with (the first `send`
/// always pushes one); anything but None is a TypeError naming the kind. Effect −1.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn gen_start(sp: *mut *mut PyObject, kind: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let value = *sp.sub(1);
        Py_DECREF(value);
        if value == Py_None() {
            return 0;
        }
        let name = match kind {
            0 => c"generator",
            1 => c"coroutine",
            2 => c"async generator",
            _ => {
                PyErr_SetString(PyExc_SystemError, c"Illegal kind for GEN_START".as_ptr());
                return -1;
            }
        };
        PyErr_Format(PyExc_TypeError, c"can't send non-None value to a just-started %s".as_ptr(), name.as_ptr());
        -1
    }
}
