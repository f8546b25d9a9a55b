//! The fields of `PyGenObject` / `PyCoroObject` (Include/genobject.h) that the 3.9+ ports
//! of genobject.c's unexported helpers read, at probed offsets.

use super::{layout, PyCodeObject, PyFrameObject};
use pyo3_ffi::PyObject;

// A coroutine is laid out as a generator (same `_PyGenObject_HEAD`); the helpers rely on it.
const _: () = assert!(layout::GEN_GI_FRAME == layout::CORO_CR_FRAME);
const _: () = assert!(layout::GEN_GI_CODE == layout::CORO_CR_CODE);

/// `gen->gi_frame` (NULL once the generator finished) of a generator or coroutine.
///
/// # Safety
/// `gen` is a live generator or coroutine.
pub unsafe fn gen_frame(gen: *mut PyObject) -> *mut PyFrameObject {
    // SAFETY: the offset is probed within the live object the caller vouches for.
    unsafe { *gen.cast::<u8>().add(layout::GEN_GI_FRAME).cast::<*mut PyFrameObject>() }
}

/// `gen->gi_code` of a generator or coroutine.
///
/// # Safety
/// `gen` is a live generator or coroutine.
pub unsafe fn gen_code(gen: *mut PyObject) -> *mut PyCodeObject {
    // SAFETY: the offset is probed within the live object the caller vouches for.
    unsafe { *gen.cast::<u8>().add(layout::GEN_GI_CODE).cast::<*mut PyCodeObject>() }
}
