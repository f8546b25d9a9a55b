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
