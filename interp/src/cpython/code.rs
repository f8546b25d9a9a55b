//! `PyCodeObject` (Include/code.h, Include/cpython/code.h).

use super::{check_offset, layout};
use pyo3_ffi::{PyObject, Py_ssize_t};
#[cfg(not(py37))]
use std::os::raw::c_uchar;
use std::os::raw::{c_int, c_void};

#[repr(C)]
pub struct PyCodeObject {
    pub ob_base: PyObject,
    pub co_argcount: c_int,
    /// Added in 3.8 (positional-only parameters).
    #[cfg(not(py37))]
    pub co_posonlyargcount: c_int,
    pub co_kwonlyargcount: c_int,
    pub co_nlocals: c_int,
    pub co_stacksize: c_int,
    pub co_flags: c_int,
    pub co_firstlineno: c_int,
    pub co_code: *mut PyObject,
    pub co_consts: *mut PyObject,
    pub co_names: *mut PyObject,
    pub co_varnames: *mut PyObject,
    pub co_freevars: *mut PyObject,
    pub co_cellvars: *mut PyObject,
    pub co_cell2arg: *mut Py_ssize_t,
    pub co_filename: *mut PyObject,
    pub co_name: *mut PyObject,
    /// `co_lnotab` up to 3.9, `co_linetable` (a different format) on 3.10.
    pub co_lnotab_or_linetable: *mut PyObject,
    pub co_zombieframe: *mut c_void,
    pub co_weakreflist: *mut PyObject,
    pub co_extra: *mut c_void,
    /// 3.8+: the evaluator's own LOAD_GLOBAL/LOAD_ATTR cache.
    #[cfg(not(py37))]
    pub co_opcache_map: *mut c_uchar,
    #[cfg(not(py37))]
    pub co_opcache: *mut c_void,
    #[cfg(not(py37))]
    pub co_opcache_flag: c_int,
    #[cfg(not(py37))]
    pub co_opcache_size: c_uchar,
}

check_offset!(PyCodeObject, co_argcount, layout::CODE_CO_ARGCOUNT);
#[cfg(not(py37))]
check_offset!(PyCodeObject, co_posonlyargcount, layout::CODE_CO_POSONLYARGCOUNT);
#[cfg(not(py37))]
check_offset!(PyCodeObject, co_opcache_map, layout::CODE_CO_OPCACHE_MAP);
#[cfg(not(py37))]
check_offset!(PyCodeObject, co_opcache_size, layout::CODE_CO_OPCACHE_SIZE);
check_offset!(PyCodeObject, co_kwonlyargcount, layout::CODE_CO_KWONLYARGCOUNT);
check_offset!(PyCodeObject, co_nlocals, layout::CODE_CO_NLOCALS);
check_offset!(PyCodeObject, co_stacksize, layout::CODE_CO_STACKSIZE);
check_offset!(PyCodeObject, co_flags, layout::CODE_CO_FLAGS);
check_offset!(PyCodeObject, co_firstlineno, layout::CODE_CO_FIRSTLINENO);
check_offset!(PyCodeObject, co_code, layout::CODE_CO_CODE);
check_offset!(PyCodeObject, co_consts, layout::CODE_CO_CONSTS);
check_offset!(PyCodeObject, co_names, layout::CODE_CO_NAMES);
check_offset!(PyCodeObject, co_varnames, layout::CODE_CO_VARNAMES);
check_offset!(PyCodeObject, co_freevars, layout::CODE_CO_FREEVARS);
check_offset!(PyCodeObject, co_cellvars, layout::CODE_CO_CELLVARS);
check_offset!(PyCodeObject, co_cell2arg, layout::CODE_CO_CELL2ARG);
check_offset!(PyCodeObject, co_filename, layout::CODE_CO_FILENAME);
check_offset!(PyCodeObject, co_name, layout::CODE_CO_NAME);
#[cfg(not(py310))]
check_offset!(PyCodeObject, co_lnotab_or_linetable, layout::CODE_CO_LNOTAB);
#[cfg(py310)]
check_offset!(PyCodeObject, co_lnotab_or_linetable, layout::CODE_CO_LINETABLE);
check_offset!(PyCodeObject, co_zombieframe, layout::CODE_CO_ZOMBIEFRAME);
check_offset!(PyCodeObject, co_weakreflist, layout::CODE_CO_WEAKREFLIST);
check_offset!(PyCodeObject, co_extra, layout::CODE_CO_EXTRA);
const _: () = assert!(layout::SIZEOF_CODE == std::mem::size_of::<PyCodeObject>());

/// The bytes of `co_code`.
///
/// # Safety
/// `code` must be a live code object, and the slice must not outlive it.
pub unsafe fn co_code_bytes<'a>(code: *mut PyCodeObject) -> &'a [u8] {
    // SAFETY: co_code of a live code object is an immutable bytes object it owns.
    unsafe {
        let bytes = (*code).co_code;
        let data = pyo3_ffi::PyBytes_AsString(bytes).cast::<u8>();
        let len = pyo3_ffi::PyBytes_Size(bytes) as usize;
        std::slice::from_raw_parts(data, len)
    }
}

/// `PyCellObject` (Include/cellobject.h): a closure cell.
#[repr(C)]
pub struct PyCellObject {
    pub ob_base: PyObject,
    /// The content, or NULL when empty.
    pub ob_ref: *mut PyObject,
}

check_offset!(PyCellObject, ob_ref, layout::CELL_OB_REF);
