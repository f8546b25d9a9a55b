//! Building containers from stack items (`BUILD_TUPLE`, `BUILD_LIST`).

use pyo3_ffi::{PyList_New, PyObject, PyTuple_New, Py_ssize_t};

/// Moves the top `count` items into a new tuple (`new` = PyTuple_New) or list, leaving it in
/// the lowest item's slot; effect 1 − count. On failure (no memory) the items stay put.
unsafe fn build(sp: *mut *mut PyObject, count: u32, new: unsafe extern "C" fn(Py_ssize_t) -> *mut PyObject, items_offset: usize) -> i32 {
    // SAFETY: the `count` slots below `sp` are owned (caller); a fresh tuple/list has room
    // for `count` items, which it takes over without increfs (as ceval does).
    unsafe {
        let container = new(count as Py_ssize_t);
        if container.is_null() {
            return -1;
        }
        let base = sp.sub(count as usize);
        let items: *mut *mut PyObject = if items_offset == usize::MAX {
            (*container.cast::<pyo3_ffi::PyListObject>()).ob_item
        } else {
            container.cast::<u8>().add(items_offset).cast()
        };
        for i in 0..count as usize {
            *items.add(i) = *base.add(i);
        }
        *base = container;
        0
    }
}

/// `BUILD_TUPLE count`.
///
/// # Safety
/// GIL held; the `count` slots below `sp` hold owned references, and `sp` has room for one
/// more when `count` is 0.
pub unsafe extern "C" fn build_tuple(sp: *mut *mut PyObject, count: u32) -> i32 {
    // SAFETY: as the caller's contract; tuple items follow the var-object header.
    unsafe { build(sp, count, PyTuple_New, std::mem::offset_of!(pyo3_ffi::PyTupleObject, ob_item)) }
}

/// `BUILD_LIST count`.
///
/// # Safety
/// As [`build_tuple`].
pub unsafe extern "C" fn build_list(sp: *mut *mut PyObject, count: u32) -> i32 {
    // SAFETY: as the caller's contract; list items live in `ob_item`.
    unsafe { build(sp, count, PyList_New, usize::MAX) }
}

/// `BUILD_MAP count`: a dict from the `2 * count` slots below `sp` (key, value pairs, first
/// pair deepest); effect 1 − 2·count. On error the items stay on the stack (effect 0).
///
/// # Safety
/// GIL held; the slots hold owned references; room for one slot when `count` is 0.
pub unsafe extern "C" fn build_map(sp: *mut *mut PyObject, count: u32) -> i32 {
    // SAFETY: the slots are owned (caller); the dict takes its own references.
    unsafe {
        let n = count as usize;
        let map = _PyDict_NewPresized(n as Py_ssize_t);
        if map.is_null() {
            return -1;
        }
        let base = sp.sub(2 * n);
        for i in 0..n {
            if pyo3_ffi::PyDict_SetItem(map, *base.add(2 * i), *base.add(2 * i + 1)) != 0 {
                pyo3_ffi::Py_DECREF(map);
                return -1;
            }
        }
        for i in 0..2 * n {
            pyo3_ffi::Py_DECREF(*base.add(i));
        }
        *base = map;
        0
    }
}

extern "C" {
    fn _PyDict_NewPresized(minused: Py_ssize_t) -> *mut PyObject;
}

/// `BUILD_CONST_KEY_MAP count`: a dict from `count` values and a tuple of keys on top.
/// Effect −count; on error the items stay on the stack (effect 0).
///
/// # Safety
/// GIL held; the `count + 1` slots below `sp` hold owned references.
pub unsafe extern "C" fn build_const_key_map(sp: *mut *mut PyObject, count: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: the slots are owned (caller); the dict takes its own references.
    unsafe {
        let n = count as usize;
        let keys = *sp.sub(1);
        if PyTuple_CheckExact(keys) == 0 || PyTuple_GET_SIZE(keys) as usize != n {
            PyErr_SetString(PyExc_SystemError, c"bad BUILD_CONST_KEY_MAP keys argument".as_ptr());
            return -1;
        }
        let map = _PyDict_NewPresized(n as Py_ssize_t);
        if map.is_null() {
            return -1;
        }
        let values = sp.sub(n + 1);
        for i in 0..n {
            if PyDict_SetItem(map, PyTuple_GET_ITEM(keys, i as Py_ssize_t), *values.add(i)) != 0 {
                Py_DECREF(map);
                return -1;
            }
        }
        Py_DECREF(keys);
        for i in 0..n {
            Py_DECREF(*values.add(i));
        }
        *values = map;
        0
    }
}

/// `MAKE_FUNCTION flags`: `[defaults?, kwdefaults?, annotations?, closure?, code, qualname]`
/// → a function with the frame's globals. Effect −1 − popcount(flags); on error the two top
/// slots are consumed (effect −2) and the optional items stay.
///
/// # Safety
/// GIL held; live frame; the slots hold owned references.
pub unsafe extern "C" fn make_function(frame: *mut crate::cpython::PyFrameObject, sp: *mut *mut PyObject, flags: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: the slots are owned (caller); the setters take their own references.
    unsafe {
        let qualname = *sp.sub(1);
        let code = *sp.sub(2);
        let func = PyFunction_NewWithQualName(code, (*frame).f_globals, qualname);
        Py_DECREF(code);
        Py_DECREF(qualname);
        if func.is_null() {
            return -1;
        }
        let mut top = sp.sub(2);
        let mut take = || {
            top = top.sub(1);
            *top
        };
        // Popped in this order: closure, annotations, kwdefaults, defaults.
        let setters: [(u32, unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> std::os::raw::c_int); 4] =
            [(0x08, PyFunction_SetClosure), (0x04, set_annotations), (0x02, PyFunction_SetKwDefaults), (0x01, PyFunction_SetDefaults)];
        let mut failed = false;
        for (bit, set) in setters {
            if flags & bit != 0 {
                let item = take();
                failed |= !failed && set(func, item) != 0;
                Py_DECREF(item);
            }
        }
        if failed {
            Py_DECREF(func);
            *top = std::ptr::null_mut();
            return -1;
        }
        *top = func;
        0
    }
}

/// `MAKE_FUNCTION`'s annotations up to 3.9: a dict, through the checked setter.
#[cfg(not(py310))]
use pyo3_ffi::PyFunction_SetAnnotations as set_annotations;

/// 3.10: `MAKE_FUNCTION` stores its annotations — a flat tuple of names and values, turned
/// into a dict on first access of `__annotations__` — as they are (`PyFunction_SetAnnotations`
/// would refuse a tuple). The function is new, so the slot is empty.
#[cfg(py310)]
unsafe extern "C" fn set_annotations(func: *mut PyObject, annotations: *mut PyObject) -> std::os::raw::c_int {
    // SAFETY: `func` is a function object just created (slot NULL), at the probed offset.
    unsafe {
        let slot = func.cast::<u8>().add(crate::cpython::layout::FUNCTION_FUNC_ANNOTATIONS).cast::<*mut PyObject>();
        pyo3_ffi::Py_INCREF(annotations);
        let old = std::mem::replace(&mut *slot, annotations);
        pyo3_ffi::Py_XDECREF(old);
    }
    0
}

fn status(ok: bool) -> i32 {
    if ok {
        0
    } else {
        -1
    }
}

/// `LIST_APPEND i` / `SET_ADD i`: pops a value and adds it to the container `i` slots below
/// (after the pop). Effect −1.
///
/// # Safety
/// GIL held; `sp[-1]` owned; the container slot holds a list / set.
pub unsafe extern "C" fn list_append(sp: *mut *mut PyObject, depth: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let value = *sp.sub(1);
        let list = *sp.sub(1 + depth as usize);
        let err = pyo3_ffi::PyList_Append(list, value);
        pyo3_ffi::Py_DECREF(value);
        status(err == 0)
    }
}

/// See [`list_append`].
///
/// # Safety
/// As [`list_append`].
pub unsafe extern "C" fn set_add(sp: *mut *mut PyObject, depth: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let value = *sp.sub(1);
        let set = *sp.sub(1 + depth as usize);
        let err = pyo3_ffi::PySet_Add(set, value);
        pyo3_ffi::Py_DECREF(value);
        status(err == 0)
    }
}

/// `MAP_ADD i` (3.8+ order: key below value): pops both into the dict `i` slots below.
/// Effect −2.
///
/// # Safety
/// GIL held; both slots owned; the dict slot holds a dict.
pub unsafe extern "C" fn map_add(sp: *mut *mut PyObject, depth: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        // 3.8 evaluates the key first (value on top); 3.7 pushes the key last.
        #[cfg(not(py37))]
        let (key, value) = (*sp.sub(2), *sp.sub(1));
        #[cfg(py37)]
        let (key, value) = (*sp.sub(1), *sp.sub(2));
        let map = *sp.sub(2 + depth as usize);
        let err = pyo3_ffi::PyDict_SetItem(map, key, value);
        pyo3_ffi::Py_DECREF(value);
        pyo3_ffi::Py_DECREF(key);
        status(err == 0)
    }
}

/// `BUILD_SET count`. Effect 1 − count; on error the items are released and the slot is
/// NULL (same effect).
///
/// # Safety
/// GIL held; the `count` slots owned; room for one slot when `count` is 0.
pub unsafe extern "C" fn build_set(sp: *mut *mut PyObject, count: u32) -> i32 {
    // SAFETY: as the contract; the set takes its own references.
    unsafe {
        let n = count as usize;
        let base = sp.sub(n);
        let set = pyo3_ffi::PySet_New(std::ptr::null_mut());
        let mut err = if set.is_null() { -1 } else { 0 };
        for i in 0..n {
            let item = *base.add(i);
            if err == 0 {
                err = pyo3_ffi::PySet_Add(set, item);
            }
            pyo3_ffi::Py_DECREF(item);
        }
        if err != 0 {
            pyo3_ffi::Py_XDECREF(set);
            *base = std::ptr::null_mut();
            return -1;
        }
        *base = set;
        0
    }
}

/// `BUILD_SLICE argc` (2 or 3). Effect 1 − argc (NULL left on error).
///
/// # Safety
/// GIL held; the `argc` slots owned.
pub unsafe extern "C" fn build_slice(sp: *mut *mut PyObject, argc: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let base = sp.sub(argc as usize);
        let step = if argc == 3 { *base.add(2) } else { std::ptr::null_mut() };
        let (start, stop) = (*base, *base.add(1));
        let slice = pyo3_ffi::PySlice_New(start, stop, step);
        pyo3_ffi::Py_DECREF(start);
        pyo3_ffi::Py_DECREF(stop);
        pyo3_ffi::Py_XDECREF(step);
        *base = slice;
        status(!slice.is_null())
    }
}

/// `FORMAT_VALUE flags`: conversion (`!s`, `!r`, `!a`) then `format(value, spec)`.
/// Effect 0 without a spec, −1 with one (NULL left on error).
///
/// # Safety
/// GIL held; the value (and spec) slots owned.
pub unsafe extern "C" fn format_value(sp: *mut *mut PyObject, flags: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let has_spec = flags & 0x4 != 0;
        let spec = if has_spec { *sp.sub(1) } else { std::ptr::null_mut() };
        let slot = if has_spec { sp.sub(2) } else { sp.sub(1) };
        let mut value = *slot;
        let convert: Option<unsafe extern "C" fn(*mut PyObject) -> *mut PyObject> = match flags & 0x3 {
            1 => Some(PyObject_Str),
            2 => Some(PyObject_Repr),
            3 => Some(PyObject_ASCII),
            _ => None,
        };
        if let Some(convert) = convert {
            let converted = convert(value);
            Py_DECREF(value);
            if converted.is_null() {
                Py_XDECREF(spec);
                *slot = std::ptr::null_mut();
                return -1;
            }
            value = converted;
        }
        let result = if PyUnicode_CheckExact(value) != 0 && spec.is_null() {
            value
        } else {
            let formatted = PyObject_Format(value, spec);
            Py_DECREF(value);
            Py_XDECREF(spec);
            formatted
        };
        *slot = result;
        status(!result.is_null())
    }
}

extern "C" {
    fn _PyUnicode_JoinArray(separator: *mut PyObject, items: *const *mut PyObject, count: Py_ssize_t) -> *mut PyObject;
}

/// `BUILD_STRING count`: concatenates the `count` strings. Effect 1 − count; on error the
/// items stay (effect 0).
///
/// # Safety
/// GIL held; the slots hold owned str references; room for one slot when `count` is 0.
pub unsafe extern "C" fn build_string(sp: *mut *mut PyObject, count: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let n = count as usize;
        let base = sp.sub(n);
        let empty = PyUnicode_New(0, 0);
        if empty.is_null() {
            return -1;
        }
        let joined = _PyUnicode_JoinArray(empty, base, n as Py_ssize_t);
        Py_DECREF(empty);
        if joined.is_null() {
            return -1;
        }
        for i in 0..n {
            Py_DECREF(*base.add(i));
        }
        *base = joined;
        0
    }
}
