//! Name lookups: locals, globals, builtins, with ceval's exact error messages.

use crate::cpython::PyFrameObject;
use pyo3_ffi::{PyErr_Format, PyErr_Occurred, PyExc_NameError, PyExc_UnboundLocalError, PyObject};
use std::os::raw::c_char;

const NAME_ERROR_MSG: &std::ffi::CStr = c"name '%.200s' is not defined";
const UNBOUNDLOCAL_ERROR_MSG: &std::ffi::CStr = c"local variable '%.200s' referenced before assignment";

/// ceval's `format_exc_check_arg`: raises `exc` with `format` applied to `name`'s UTF-8.
///
/// # Safety
/// GIL held; `exc` is an exception type; `name` NULL or a str.
unsafe fn raise_with_name(exc: *mut PyObject, format: &std::ffi::CStr, name: *mut PyObject) {
    if name.is_null() {
        return;
    }
    // SAFETY: `name` is a live str (caller); the UTF-8 buffer lives as long as it does.
    unsafe {
        let utf8: *const c_char = pyo3_ffi::PyUnicode_AsUTF8(name);
        if utf8.is_null() {
            return;
        }
        PyErr_Format(exc, format.as_ptr(), utf8);
        // 3.10: a NameError carries the name (`name` attribute) for the "Did you mean"
        // suggestion printed with its traceback.
        #[cfg(py310)]
        if exc == PyExc_NameError {
            use pyo3_ffi::*;
            let (mut ty, mut value, mut tb) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
            PyErr_Fetch(&mut ty, &mut value, &mut tb);
            PyErr_NormalizeException(&mut ty, &mut value, &mut tb);
            if PyErr_GivenExceptionMatches(value, PyExc_NameError) != 0 {
                // Failure does not matter: the NameError is restored either way.
                if PyObject_SetAttrString(value, c"name".as_ptr(), name) < 0 {
                    PyErr_Clear();
                }
            }
            PyErr_Restore(ty, value, tb);
        }
    }
}

/// `LOAD_FAST` of an unbound local: raises UnboundLocalError naming `co_varnames[index]`.
///
/// # Safety
/// GIL held; `frame` live; `index` < co_nlocals.
pub unsafe extern "C" fn raise_unbound_local(frame: *mut PyFrameObject, index: u32) {
    // SAFETY: live frame and code; varnames is a tuple with at least co_nlocals items.
    unsafe {
        let varnames = (*(*frame).f_code).co_varnames;
        let name = pyo3_ffi::PyTuple_GetItem(varnames, index as pyo3_ffi::Py_ssize_t);
        raise_with_name(PyExc_UnboundLocalError, UNBOUNDLOCAL_ERROR_MSG, name);
    }
}

/// `LOAD_GLOBAL` (3.8, exact-dict globals and builtins — the driver only runs such frames):
/// pushes `globals[name]` or `builtins[name]`, else NameError.
///
/// # Safety
/// GIL held; `frame` live with exact-dict `f_globals`/`f_builtins`; `sp` has room for one.
pub unsafe extern "C" fn load_global(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: live frame; names tuple index comes from the compiler's oparg.
    unsafe {
        let name = pyo3_ffi::PyTuple_GET_ITEM((*(*frame).f_code).co_names, namei as pyo3_ffi::Py_ssize_t);
        let value = _PyDict_LoadGlobal((*frame).f_globals, (*frame).f_builtins, name);
        *sp = value;
        if value.is_null() {
            if PyErr_Occurred().is_null() {
                raise_with_name(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            return -1;
        }
        pyo3_ffi::Py_INCREF(value);
        0
    }
}

/// An inline cache for one `LOAD_GLOBAL`: valid while both dicts keep these versions (a
/// dict's version changes on every mutation and is unique across dicts, PEP 509), so
/// `value` — a borrowed reference held by one of them — is still what the lookup finds.
#[repr(C)]
#[derive(Debug, Default)]
pub struct GlobalCache {
    pub globals_version: u64,
    pub builtins_version: u64,
    pub value: usize,
}

const _: () = assert!(std::mem::offset_of!(GlobalCache, builtins_version) == 8);
const _: () = assert!(std::mem::offset_of!(GlobalCache, value) == 16);

/// The version tag of an exact dict (PEP 509).
unsafe fn dict_version(dict: *mut PyObject) -> u64 {
    // SAFETY: `dict` is a live exact dict (caller); the offset is probed.
    unsafe { *dict.cast::<u8>().add(crate::cpython::layout::DICT_MA_VERSION_TAG).cast::<u64>() }
}

/// `LOAD_GLOBAL` after its inline cache missed: as [`load_global`], then refills `cache`
/// with the versions both dicts had *before* the lookup (a lookup that mutated a dict
/// leaves a cache that can never match).
///
/// # Safety
/// As [`load_global`]; `cache` points at this instruction's cache.
pub unsafe extern "C" fn load_global_cached(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32, cache: *mut GlobalCache) -> i32 {
    super::cache_counts::miss(super::cache_counts::LOAD_GLOBAL);
    // SAFETY: as the contract; the dicts are exact dicts (the driver checks).
    unsafe {
        let globals_version = dict_version((*frame).f_globals);
        let builtins_version = dict_version((*frame).f_builtins);
        if load_global(frame, sp, namei) != 0 {
            return -1;
        }
        *cache = GlobalCache { globals_version, builtins_version, value: *sp as usize };
        0
    }
}

#[cfg(any(py37, py38))]
extern "C" {
    /// Looks `key` up in `globals`, then `builtins` (both exact dicts); borrowed result.
    fn _PyDict_LoadGlobal(globals: *mut PyObject, builtins: *mut PyObject, key: *mut PyObject) -> *mut PyObject;
}

/// 3.9+: dictobject.c's `_PyDict_LoadGlobal` is no longer exported. Same lookups on the two
/// exact dicts: `globals[key]`, else `builtins[key]`; a borrowed result, or NULL (with an
/// exception only if a key comparison raised).
#[cfg(not(any(py37, py38)))]
#[allow(non_snake_case)] // named after the CPython function it stands in for
unsafe fn _PyDict_LoadGlobal(globals: *mut PyObject, builtins: *mut PyObject, key: *mut PyObject) -> *mut PyObject {
    // SAFETY: live exact dicts and key, GIL held (caller).
    unsafe {
        let value = pyo3_ffi::PyDict_GetItemWithError(globals, key);
        if !value.is_null() || !PyErr_Occurred().is_null() {
            return value;
        }
        pyo3_ffi::PyDict_GetItemWithError(builtins, key)
    }
}

const UNBOUNDFREE_ERROR_MSG: &std::ffi::CStr = c"free variable '%.200s' referenced before assignment in enclosing scope";

/// The cell or free variable `index` (`f_localsplus[co_nlocals + index]`).
unsafe fn cell(frame: *mut PyFrameObject, index: u32) -> *mut PyObject {
    // SAFETY: live frame; cells follow the locals in f_localsplus.
    unsafe { *(*frame).f_localsplus.as_mut_ptr().add((*(*frame).f_code).co_nlocals as usize + index as usize) }
}

/// `LOAD_DEREF index`: pushes the cell's content, or raises ceval's `format_exc_unbound`
/// error (UnboundLocalError for a cell variable, NameError for a free one). Effect +1
/// (NULL pushed on error).
///
/// # Safety
/// GIL held; live frame; room for one slot.
pub unsafe extern "C" fn load_deref(frame: *mut PyFrameObject, sp: *mut *mut PyObject, index: u32) -> i32 {
    // SAFETY: live frame; the cell holds a borrowed reference we incref.
    unsafe {
        let value = (*cell(frame, index).cast::<crate::cpython::PyCellObject>()).ob_ref;
        *sp = value;
        if !value.is_null() {
            pyo3_ffi::Py_INCREF(value);
            return 0;
        }
        if PyErr_Occurred().is_null() {
            raise_unbound_cell(frame, index);
        }
        -1
    }
}

/// ceval's `format_exc_unbound`: UnboundLocalError for an empty cell variable, NameError
/// for an empty free variable.
unsafe fn raise_unbound_cell(frame: *mut PyFrameObject, index: u32) {
    // SAFETY: live frame; `index` is a cell or free variable index of its code.
    unsafe {
        let code = (*frame).f_code;
        let ncells = pyo3_ffi::PyTuple_GET_SIZE((*code).co_cellvars);
        if (index as pyo3_ffi::Py_ssize_t) < ncells {
            let name = pyo3_ffi::PyTuple_GET_ITEM((*code).co_cellvars, index as pyo3_ffi::Py_ssize_t);
            raise_with_name(PyExc_UnboundLocalError, UNBOUNDLOCAL_ERROR_MSG, name);
        } else {
            let name = pyo3_ffi::PyTuple_GET_ITEM((*code).co_freevars, index as pyo3_ffi::Py_ssize_t - ncells);
            raise_with_name(PyExc_NameError, UNBOUNDFREE_ERROR_MSG, name);
        }
    }
}

/// `LOAD_CLASSDEREF index`: in a class body, a free variable is looked up in the class
/// namespace first, then in its cell. Effect +1 (NULL pushed on error).
///
/// # Safety
/// GIL held; live frame with `f_locals`; room for one slot.
pub unsafe extern "C" fn load_classderef(frame: *mut PyFrameObject, sp: *mut *mut PyObject, index: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract; `index` names a free variable (the compiler guarantees it).
    unsafe {
        *sp = std::ptr::null_mut();
        let code = (*frame).f_code;
        let free_index = index as Py_ssize_t - PyTuple_GET_SIZE((*code).co_cellvars);
        let name = PyTuple_GET_ITEM((*code).co_freevars, free_index);
        let locals = (*frame).f_locals;
        let mut value = if PyDict_CheckExact(locals) != 0 {
            let v = name_lookup(locals, name);
            if v.is_null() && !PyErr_Occurred().is_null() {
                return -1;
            }
            Py_XINCREF(v);
            v
        } else {
            let v = PyObject_GetItem(locals, name);
            if v.is_null() {
                if PyErr_ExceptionMatches(PyExc_KeyError) == 0 {
                    return -1;
                }
                PyErr_Clear();
            }
            v
        };
        if value.is_null() {
            value = (*cell(frame, index).cast::<crate::cpython::PyCellObject>()).ob_ref;
            if value.is_null() {
                raise_unbound_cell(frame, index);
                return -1;
            }
            Py_INCREF(value);
        }
        *sp = value;
        0
    }
}

/// `DELETE_DEREF index`: empties the cell, or raises as an unbound read would. Effect 0.
///
/// # Safety
/// GIL held; live frame.
pub unsafe extern "C" fn delete_deref(frame: *mut PyFrameObject, _sp: *mut *mut PyObject, index: u32) -> i32 {
    // SAFETY: live frame; the cell's old value is released after the cell is cleared.
    unsafe {
        let cell = cell(frame, index).cast::<crate::cpython::PyCellObject>();
        let old = (*cell).ob_ref;
        if old.is_null() {
            raise_unbound_cell(frame, index);
            return -1;
        }
        (*cell).ob_ref = std::ptr::null_mut();
        pyo3_ffi::Py_DECREF(old);
        0
    }
}

/// `DELETE_GLOBAL namei`: `del globals()[name]`; a missing name is NameError. Effect 0.
///
/// # Safety
/// GIL held; live frame with dict globals.
pub unsafe extern "C" fn delete_global(frame: *mut PyFrameObject, _sp: *mut *mut PyObject, namei: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let name = super::attr::name(frame, namei);
        if PyDict_DelItem((*frame).f_globals, name) != 0 {
            if PyErr_ExceptionMatches(PyExc_KeyError) != 0 {
                raise_with_name(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            return -1;
        }
        0
    }
}

/// `DELETE_NAME namei`: `del locals()[name]`; any failure becomes NameError (as in ceval).
/// Effect 0.
///
/// # Safety
/// GIL held; live frame.
pub unsafe extern "C" fn delete_name(frame: *mut PyFrameObject, _sp: *mut *mut PyObject, namei: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let name = super::attr::name(frame, namei);
        let locals = (*frame).f_locals;
        if locals.is_null() {
            PyErr_Format(PyExc_SystemError, c"no locals when deleting %R".as_ptr(), name);
            return -1;
        }
        if PyObject_DelItem(locals, name) != 0 {
            raise_with_name(PyExc_NameError, NAME_ERROR_MSG, name);
            return -1;
        }
        0
    }
}

/// `SETUP_ANNOTATIONS`: makes sure the class or module namespace has `__annotations__`.
/// Effect 0.
///
/// # Safety
/// GIL held; live frame.
pub unsafe extern "C" fn setup_annotations(frame: *mut PyFrameObject, _sp: *mut *mut PyObject, _: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let locals = (*frame).f_locals;
        if locals.is_null() {
            PyErr_SetString(PyExc_SystemError, c"no locals found when setting up annotations".as_ptr());
            return -1;
        }
        let key = crate::ops::interned!(c"__annotations__");
        if PyDict_CheckExact(locals) != 0 {
            if !name_lookup(locals, key).is_null() {
                return 0;
            }
            if !PyErr_Occurred().is_null() {
                return -1;
            }
        } else {
            let existing = PyObject_GetItem(locals, key);
            if !existing.is_null() {
                Py_DECREF(existing);
                return 0;
            }
            if PyErr_ExceptionMatches(PyExc_KeyError) == 0 {
                return -1;
            }
            PyErr_Clear();
        }
        let annotations = PyDict_New();
        if annotations.is_null() {
            return -1;
        }
        let err = if PyDict_CheckExact(locals) != 0 {
            PyDict_SetItem(locals, key, annotations)
        } else {
            PyObject_SetItem(locals, key, annotations)
        };
        Py_DECREF(annotations);
        if err != 0 {
            -1
        } else {
            0
        }
    }
}

/// `PRINT_EXPR` (the interactive interpreter's expression statements): passes `sp[-1]`
/// (consumed) to `sys.displayhook`. Effect −1.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn print_expr(sp: *mut *mut PyObject, _: u64) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let value = *sp.sub(1);
        let hook = PySys_GetObject(c"displayhook".as_ptr());
        if hook.is_null() {
            PyErr_SetString(PyExc_RuntimeError, c"lost sys.displayhook".as_ptr());
            Py_DECREF(value);
            return -1;
        }
        let result = PyObject_CallFunctionObjArgs(hook, value, std::ptr::null_mut::<PyObject>());
        Py_DECREF(value);
        if result.is_null() {
            return -1;
        }
        Py_DECREF(result);
        0
    }
}

/// `STORE_DEREF index`: moves `sp[-1]` into the cell, releasing the old content. Effect −1.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn store_deref(frame: *mut PyFrameObject, sp: *mut *mut PyObject, index: u32) {
    // SAFETY: the cell takes over the stack's reference; the old one is released after.
    unsafe {
        let cell = cell(frame, index);
        let old = (*cell.cast::<crate::cpython::PyCellObject>()).ob_ref;
        (*cell.cast::<crate::cpython::PyCellObject>()).ob_ref = *sp.sub(1);
        pyo3_ffi::Py_XDECREF(old);
    }
}

/// `LOAD_CLOSURE index`: pushes the cell object itself. Effect +1.
///
/// # Safety
/// GIL held; live frame; room for one slot.
pub unsafe extern "C" fn load_closure(frame: *mut PyFrameObject, sp: *mut *mut PyObject, index: u32) {
    // SAFETY: live frame; the cell is owned by it and we push a new reference.
    unsafe {
        let cell = cell(frame, index);
        pyo3_ffi::Py_INCREF(cell);
        *sp = cell;
    }
}

/// `LOAD_NAME namei` (module and class bodies): locals, then globals, then builtins.
/// Effect +1 (NULL pushed on error).
///
/// # Safety
/// GIL held; live frame with exact-dict globals; room for one slot.
pub unsafe extern "C" fn load_name(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: live frame; every lookup returns a borrowed or new reference handled below.
    unsafe {
        *sp = std::ptr::null_mut();
        let name = super::attr::name(frame, namei);
        let locals = (*frame).f_locals;
        if locals.is_null() {
            PyErr_Format(PyExc_SystemError, c"no locals when loading %R".as_ptr(), name);
            return -1;
        }
        let mut value;
        if PyDict_CheckExact(locals) != 0 {
            value = name_lookup(locals, name);
            if !value.is_null() {
                Py_INCREF(value);
            } else if !PyErr_Occurred().is_null() {
                return -1;
            }
        } else {
            value = PyObject_GetItem(locals, name);
            if value.is_null() {
                if PyErr_ExceptionMatches(PyExc_KeyError) == 0 {
                    return -1;
                }
                PyErr_Clear();
            }
        }
        if value.is_null() {
            value = name_lookup((*frame).f_globals, name);
            if !value.is_null() {
                Py_INCREF(value);
            } else {
                if !PyErr_Occurred().is_null() {
                    return -1;
                }
                // The driver only runs frames whose builtins are an exact dict.
                value = name_lookup((*frame).f_builtins, name);
                if value.is_null() {
                    if PyErr_Occurred().is_null() {
                        raise_with_name(PyExc_NameError, NAME_ERROR_MSG, name);
                    }
                    return -1;
                }
                Py_INCREF(value);
            }
        }
        *sp = value;
        0
    }
}

/// `STORE_NAME namei`: `f_locals[name] = sp[-1]`, consuming it. Effect −1.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn store_name(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: live frame; the value is owned by the stack and consumed.
    unsafe {
        let name = super::attr::name(frame, namei);
        let value = *sp.sub(1);
        let locals = (*frame).f_locals;
        if locals.is_null() {
            PyErr_Format(PyExc_SystemError, c"no locals found when storing %R".as_ptr(), name);
            Py_DECREF(value);
            return -1;
        }
        let err = if PyDict_CheckExact(locals) != 0 { PyDict_SetItem(locals, name, value) } else { PyObject_SetItem(locals, name, value) };
        Py_DECREF(value);
        if err != 0 {
            -1
        } else {
            0
        }
    }
}

/// `LOAD_BUILD_CLASS`: pushes `builtins.__build_class__`. Effect +1 (NULL on error).
///
/// # Safety
/// GIL held; live frame with exact-dict builtins; room for one slot.
pub unsafe extern "C" fn load_build_class(frame: *mut PyFrameObject, sp: *mut *mut PyObject) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: live frame; the lookup result is borrowed and increfed.
    unsafe {
        let key = PyUnicode_InternFromString(c"__build_class__".as_ptr());
        if key.is_null() {
            *sp = std::ptr::null_mut();
            return -1;
        }
        let value = name_lookup((*frame).f_builtins, key);
        Py_DECREF(key);
        *sp = value;
        if value.is_null() {
            if PyErr_Occurred().is_null() {
                PyErr_SetString(PyExc_NameError, c"__build_class__ not found".as_ptr());
            }
            return -1;
        }
        Py_INCREF(value);
        0
    }
}

/// ceval's dict lookup by name (`LOAD_NAME`, `LOAD_CLASSDEREF`, `LOAD_BUILD_CLASS`,
/// `SETUP_ANNOTATIONS`): 3.8 propagates an error raised while comparing keys
/// (`PyDict_GetItemWithError`); a borrowed reference or NULL.
#[cfg(not(py37))]
unsafe fn name_lookup(dict: *mut PyObject, key: *mut PyObject) -> *mut PyObject {
    // SAFETY: live dict and key, GIL held (caller).
    unsafe { pyo3_ffi::PyDict_GetItemWithError(dict, key) }
}

/// 3.7 uses `PyDict_GetItem`, which reports such an error as a miss (and clears it).
#[cfg(py37)]
unsafe fn name_lookup(dict: *mut PyObject, key: *mut PyObject) -> *mut PyObject {
    // SAFETY: live dict and key, GIL held (caller).
    unsafe { pyo3_ffi::PyDict_GetItem(dict, key) }
}
