//! `IMPORT_NAME`, `IMPORT_FROM` and `IMPORT_STAR`, with ceval's `import_name`,
//! `import_from` (its "cannot import name" messages, the circular-import variant included)
//! and `import_all_from`.

use super::attr::name;
use crate::cpython::{layout, PyFrameObject, PyThreadState};
use pyo3_ffi::*;
use std::os::raw::c_int;
use std::ptr::null_mut;

extern "C" {
    fn _PyObject_LookupAttr(obj: *mut PyObject, name: *mut PyObject, result: *mut *mut PyObject) -> c_int;
    #[cfg(not(py37))]
    fn _PyModuleSpec_IsInitializing(spec: *mut PyObject) -> c_int;
    fn PyFrame_FastToLocalsWithError(frame: *mut PyFrameObject) -> c_int;
    fn PyFrame_LocalsToFast(frame: *mut PyFrameObject, clear: c_int);
}

/// `f_locals`, or None when the frame has none (ceval passes None to `__import__`).
unsafe fn locals_or_none(frame: *mut PyFrameObject) -> *mut PyObject {
    // SAFETY: live frame (caller).
    unsafe {
        if (*frame).f_locals.is_null() {
            Py_None()
        } else {
            (*frame).f_locals
        }
    }
}

/// `IMPORT_NAME namei`: `[level, fromlist]` → `[module]`. Effect −1; on error the module
/// slot is NULL.
///
/// # Safety
/// GIL held; `tstate` current; live frame; both slots owned.
pub unsafe extern "C" fn import_name(tstate: *mut PyThreadState, frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let fromlist = *sp.sub(1);
        let level = *sp.sub(2);
        let result = do_import_name(tstate, frame, name(frame, namei), fromlist, level);
        Py_DECREF(level);
        Py_DECREF(fromlist);
        *sp.sub(2) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// ceval's `import_name`: `builtins.__import__(...)`, straight to the import machinery when
/// it is the interpreter's own `__import__`.
unsafe fn do_import_name(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    name: *mut PyObject,
    fromlist: *mut PyObject,
    level: *mut PyObject,
) -> *mut PyObject {
    // SAFETY: live objects, GIL held (caller); the interpreter's import_func offset is probed.
    unsafe {
        // 3.8 propagates a lookup error; 3.7's `_PyDict_GetItemId` reports it as a miss.
        #[cfg(not(py37))]
        let import_func = PyDict_GetItemWithError((*frame).f_builtins, crate::ops::interned!(c"__import__"));
        #[cfg(py37)]
        let import_func = PyDict_GetItem((*frame).f_builtins, crate::ops::interned!(c"__import__"));
        if import_func.is_null() {
            if PyErr_Occurred().is_null() {
                PyErr_SetString(PyExc_ImportError, c"__import__ not found".as_ptr());
            }
            return null_mut();
        }
        let interp_import = *(*tstate).interp.cast::<u8>().add(layout::INTERP_IMPORT_FUNC).cast::<*mut PyObject>();
        if import_func == interp_import {
            let ilevel = PyLong_AsLong(level);
            if ilevel == -1 && !PyErr_Occurred().is_null() {
                return null_mut();
            }
            if ilevel > c_int::MAX as std::os::raw::c_long || ilevel < c_int::MIN as std::os::raw::c_long {
                PyErr_SetString(PyExc_OverflowError, c"Python int too large to convert to C int".as_ptr());
                return null_mut();
            }
            return PyImport_ImportModuleLevelObject(name, (*frame).f_globals, locals_or_none(frame), fromlist, ilevel as c_int);
        }
        Py_INCREF(import_func);
        let result = PyObject_CallFunctionObjArgs(
            import_func,
            name,
            (*frame).f_globals,
            locals_or_none(frame),
            fromlist,
            level,
            null_mut::<PyObject>(),
        );
        Py_DECREF(import_func);
        result
    }
}

/// `IMPORT_FROM namei`: pushes `getattr(module, name)` (or the submodule from
/// `sys.modules`), the module staying below. Effect +1; NULL pushed on error.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned; room for one slot.
pub unsafe extern "C" fn import_from(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let result = do_import_from(*sp.sub(1), name(frame, namei));
        *sp = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// ceval's `import_from`.
unsafe fn do_import_from(module: *mut PyObject, name: *mut PyObject) -> *mut PyObject {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        let mut found = null_mut();
        if _PyObject_LookupAttr(module, name, &mut found) != 0 {
            return found;
        }
        // A circular relative import may have the submodule in sys.modules already.
        let mut pkgname = PyObject_GetAttr(module, crate::ops::interned!(c"__name__"));
        if !pkgname.is_null() && PyUnicode_Check(pkgname) == 0 {
            Py_DECREF(pkgname);
            pkgname = null_mut();
        }
        if !pkgname.is_null() {
            let fullname = PyUnicode_FromFormat(c"%U.%U".as_ptr(), pkgname, name);
            if fullname.is_null() {
                Py_DECREF(pkgname);
                return null_mut();
            }
            let submodule = PyImport_GetModule(fullname);
            Py_DECREF(fullname);
            // 3.8 lets a failed sys.modules lookup propagate; 3.7 reports any miss as the
            // ImportError below.
            #[cfg(not(py37))]
            let done = !submodule.is_null() || !PyErr_Occurred().is_null();
            #[cfg(py37)]
            let done = !submodule.is_null();
            if done {
                Py_DECREF(pkgname);
                return submodule;
            }
        }
        raise_cannot_import(module, name, pkgname);
        null_mut()
    }
}

/// `import_from`'s error: "cannot import name X from Y (location)", or the "partially
/// initialized module" variant while `Y` is still being imported. Consumes `pkgname`.
unsafe fn raise_cannot_import(module: *mut PyObject, name: *mut PyObject, pkgname: *mut PyObject) {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        let pkgpath = PyModule_GetFilenameObject(module);
        let shown_name = if pkgname.is_null() {
            let unknown = PyUnicode_FromString(c"<unknown module name>".as_ptr());
            if unknown.is_null() {
                Py_XDECREF(pkgpath);
                return;
            }
            unknown
        } else {
            pkgname
        };
        let message;
        if pkgpath.is_null() || PyUnicode_Check(pkgpath) == 0 {
            PyErr_Clear();
            message = PyUnicode_FromFormat(c"cannot import name %R from %R (unknown location)".as_ptr(), name, shown_name);
            PyErr_SetImportError(message, pkgname, null_mut());
        } else {
            let format = if partially_initialized(module) {
                c"cannot import name %R from partially initialized module %R (most likely due to a circular import) (%S)"
            } else {
                c"cannot import name %R from %R (%S)"
            };
            message = PyUnicode_FromFormat(format.as_ptr(), name, shown_name, pkgpath);
            PyErr_SetImportError(message, pkgname, pkgpath);
        }
        Py_XDECREF(message);
        Py_XDECREF(shown_name);
        Py_XDECREF(pkgpath);
    }
}

/// Whether `module.__spec__` says the module is still being imported (3.8's circular-import
/// hint).
#[cfg(not(py37))]
unsafe fn partially_initialized(module: *mut PyObject) -> bool {
    // SAFETY: live module, GIL held (caller); a lookup error is cleared by the callee.
    unsafe {
        let spec = PyObject_GetAttr(module, crate::ops::interned!(c"__spec__"));
        let initializing = _PyModuleSpec_IsInitializing(spec) != 0;
        Py_XDECREF(spec);
        initializing
    }
}

/// 3.7 has no circular-import hint (and no `_PyModuleSpec_IsInitializing`).
#[cfg(py37)]
unsafe fn partially_initialized(_module: *mut PyObject) -> bool {
    false
}

/// `IMPORT_STAR`: binds the module's public names in the frame's locals. Effect −1.
///
/// # Safety
/// GIL held; live frame; `sp[-1]` owned.
pub unsafe extern "C" fn import_star(frame: *mut PyFrameObject, sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract; the fast locals are synced around the update as ceval does.
    unsafe {
        let from = *sp.sub(1);
        if PyFrame_FastToLocalsWithError(frame) < 0 {
            Py_DECREF(from);
            return -1;
        }
        let locals = (*frame).f_locals;
        if locals.is_null() {
            PyErr_SetString(PyExc_SystemError, c"no locals found during 'import *'".as_ptr());
            Py_DECREF(from);
            return -1;
        }
        let err = import_all_from(locals, from);
        PyFrame_LocalsToFast(frame, 0);
        Py_DECREF(from);
        err
    }
}

/// ceval's `import_all_from`: the names in `__all__`, else those of `__dict__` not starting
/// with an underscore.
unsafe fn import_all_from(locals: *mut PyObject, module: *mut PyObject) -> i32 {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        let mut all = null_mut();
        if _PyObject_LookupAttr(module, crate::ops::interned!(c"__all__"), &mut all) < 0 {
            return -1;
        }
        let mut skip_underscores = false;
        if all.is_null() {
            let mut dict = null_mut();
            if _PyObject_LookupAttr(module, crate::ops::interned!(c"__dict__"), &mut dict) < 0 {
                return -1;
            }
            if dict.is_null() {
                PyErr_SetString(PyExc_ImportError, c"from-import-* object has no __dict__ and no __all__".as_ptr());
                return -1;
            }
            all = PyMapping_Keys(dict);
            Py_DECREF(dict);
            if all.is_null() {
                return -1;
            }
            skip_underscores = true;
        }
        let mut err = 0;
        let mut pos: Py_ssize_t = 0;
        loop {
            let name = PySequence_GetItem(all, pos);
            pos += 1;
            if name.is_null() {
                if PyErr_ExceptionMatches(PyExc_IndexError) == 0 {
                    err = -1;
                } else {
                    PyErr_Clear();
                }
                break;
            }
            let is_str = PyUnicode_Check(name) != 0;
            // 3.8 rejects a non-str name up front; 3.7 lets getattr() fail on it.
            #[cfg(not(py37))]
            if !is_str {
                raise_bad_name_type(module, name, skip_underscores);
                Py_DECREF(name);
                err = -1;
                break;
            }
            if skip_underscores && is_str {
                if PyUnicode_READY(name) == -1 {
                    Py_DECREF(name);
                    err = -1;
                    break;
                }
                if PyUnicode_ReadChar(name, 0) == '_' as Py_UCS4 {
                    Py_DECREF(name);
                    continue;
                }
            }
            let value = PyObject_GetAttr(module, name);
            err = if value.is_null() {
                -1
            } else if PyDict_CheckExact(locals) != 0 {
                PyDict_SetItem(locals, name, value)
            } else {
                PyObject_SetItem(locals, name, value)
            };
            Py_DECREF(name);
            Py_XDECREF(value);
            if err != 0 {
                break;
            }
        }
        Py_DECREF(all);
        err
    }
}

/// `import_all_from`'s TypeError for a name that is not a str.
#[cfg(not(py37))]
unsafe fn raise_bad_name_type(module: *mut PyObject, name: *mut PyObject, from_dict: bool) {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        let modname = PyObject_GetAttr(module, crate::ops::interned!(c"__name__"));
        if modname.is_null() {
            return;
        }
        if PyUnicode_Check(modname) == 0 {
            PyErr_Format(PyExc_TypeError, c"module __name__ must be a string, not %.100s".as_ptr(), (*Py_TYPE(modname)).tp_name);
        } else {
            let (kind, attr) = if from_dict { (c"Key", c"__dict__") } else { (c"Item", c"__all__") };
            PyErr_Format(
                PyExc_TypeError,
                c"%s in %U.%s must be str, not %.100s".as_ptr(),
                kind.as_ptr(),
                modname,
                attr.as_ptr(),
                (*Py_TYPE(name)).tp_name,
            );
        }
        Py_DECREF(modname);
    }
}
