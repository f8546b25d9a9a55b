//! The helpers machine code calls: one `extern "C"` function per opcode behaviour, with the
//! semantics of that version's `ceval.c`, error messages included.
//!
//! Conventions (shared with `jit::codegen`):
//! - `sp` points one past the top of the frame's value stack (ceval's `stack_pointer`).
//! - A *fixed-effect* helper consumes its operands and writes its result slots, returning 0,
//!   or -1 with an exception set; on error every slot up to the normal result depth still
//!   holds an owned reference or NULL, so the unwinder can `Py_XDECREF` it.
//! - Helpers that take a `frame` need it for names, constants or `f_globals`.

/// An interned str for an identifier, made once (GIL held).
macro_rules! interned {
    ($text:literal) => {{
        static CELL: std::sync::atomic::AtomicPtr<pyo3_ffi::PyObject> = std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());
        let mut s = CELL.load(std::sync::atomic::Ordering::Relaxed);
        if s.is_null() {
            s = pyo3_ffi::PyUnicode_InternFromString($text.as_ptr());
            CELL.store(s, std::sync::atomic::Ordering::Relaxed);
        }
        s
    }};
}
pub(crate) use interned;

mod attr;
mod attr_cache;
mod blocks;
#[cfg(py37)]
mod blocks_py37;
mod breaker;
mod build;
pub mod cache_counts;
pub mod dict_keys;
mod generators;
pub use dict_keys::NEXT_PRIVATE_VERSION;
mod c_call;
mod call;
mod class_call;
mod imports;
mod iter;
#[cfg(py310)]
mod matching;
mod names;
mod number;
mod python_call;
mod raise;
mod star_args;

pub use attr::*;
pub use attr_cache::{
    first_entry, kind as attr_kind, load_attr_cached, load_attr_hit, load_method_cached, load_method_hit, store_attr_cached, AttrCache,
};
pub use blocks::*;
#[cfg(py37)]
pub use blocks_py37::*;
pub use breaker::*;
pub use build::*;
pub use call::*;
pub use generators::*;
pub use imports::*;
pub use iter::*;
#[cfg(py310)]
pub use matching::*;
pub use names::*;
pub use number::*;
pub use raise::*;
pub use star_args::*;

use pyo3_ffi::{PyObject, Py_DECREF};

/// The truth of `sp[-1]` without popping it: 1, 0, or -1 with an exception set
/// (`JUMP_IF_*_OR_POP` after the exact-bool fast path).
///
/// # Safety
/// `sp[-1]` must be a live object; the GIL must be held.
pub unsafe extern "C" fn peek_truth(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the slot holds a live object (caller).
    unsafe { pyo3_ffi::PyObject_IsTrue(*sp.sub(1)) }
}

/// Pops `sp[-1]` (a condition), returning 1 if true, 0 if false, -1 with an exception set
/// (`POP_JUMP_IF_*` after the exact-bool fast path, which machine code does inline).
///
/// # Safety
/// `sp[-1]` must be an owned reference; the GIL must be held.
pub unsafe extern "C" fn pop_truth(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the slot holds an owned reference (caller); we consume it.
    unsafe {
        let cond = *sp.sub(1);
        let result = pyo3_ffi::PyObject_IsTrue(cond);
        Py_DECREF(cond);
        result
    }
}

/// Releases every value-stack slot of `frame` below `sp` (owned or NULL), as ceval does
/// when a frame returns with values left on its stack.
///
/// # Safety
/// GIL held; `sp` within the frame's value stack.
pub unsafe extern "C" fn release_value_stack(frame: *mut crate::cpython::PyFrameObject, mut sp: *mut *mut PyObject) {
    // SAFETY: as the contract.
    unsafe {
        while sp > (*frame).f_valuestack {
            sp = sp.sub(1);
            pyo3_ffi::Py_XDECREF(*sp);
            *sp = std::ptr::null_mut();
        }
    }
}
