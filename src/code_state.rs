//! Our state for one code object, kept in the one `co_extra` slot we request, and freed by
//! CPython (through [`free_code_state`]) when the code object dies.

use crate::stats;
use interp::cpython::{_PyCode_GetExtra, _PyCode_SetExtra, _PyEval_RequestCodeExtraIndex, PyCodeObject};
use jit::{CompileFailure, CompiledCode};
use once_cell::sync::OnceCell;
use pyo3::ffi::Py_ssize_t;
use std::os::raw::c_void;
use std::sync::atomic::Ordering::Relaxed;

/// Where a code object stands with the compiler.
#[derive(Debug)]
pub enum CompileState {
    /// Not compiled yet; entries are being counted.
    Cold,
    /// Machine code is in [`CodeState::machine_code`].
    Compiled,
    /// Compilation failed; never retried.
    Failed(CompileFailure),
    /// The user asked that this code never be compiled (`pyston_lite.deny`).
    Denied,
}

impl CompileState {
    /// The name `info()` reports.
    pub fn name(&self) -> &'static str {
        match self {
            CompileState::Cold => "cold",
            CompileState::Compiled => "compiled",
            CompileState::Failed(_) => "failed",
            CompileState::Denied => "denied",
        }
    }
}

/// Per-code-object state. Only touched with the GIL held.
#[derive(Debug)]
pub struct CodeState {
    /// Frame entries through the hook while enabled.
    pub entries: u64,
    pub compile: CompileState,
    /// The machine code, kept until the code object dies even if the state changes later
    /// (`deny()`), since a frame may be running it.
    pub machine_code: Option<CompiledCode>,
    /// The bytecode jumps backwards: it is compiled after fewer entries (see the hook).
    pub loops: bool,
    /// Nanoseconds spent compiling it (analysis, code generation, installation).
    pub compile_ns: u64,
}

impl Drop for CodeState {
    fn drop(&mut self) {
        stats::LIVE_CODE_STATES.fetch_sub(1, Relaxed);
        if let Some(code) = &self.machine_code {
            stats::CODE_BYTES.fetch_sub(code.code_bytes as u64, Relaxed);
        }
    }
}

static EXTRA_INDEX: OnceCell<Py_ssize_t> = OnceCell::new();

/// Requests our `co_extra` index (once per process; CPython offers 255 of them).
pub fn extra_index() -> Result<Py_ssize_t, &'static str> {
    EXTRA_INDEX
        .get_or_try_init(|| {
            // SAFETY: called with the GIL held (from Python-visible functions); the free
            // function accepts any pointer we stored, and NULL.
            let index = unsafe { _PyEval_RequestCodeExtraIndex(free_code_state) };
            if index < 0 {
                Err("no co_extra index left (too many PEP 523 users in this process)")
            } else {
                Ok(index)
            }
        })
        .copied()
}

/// Frees a `CodeState`; CPython calls it when the code object is deallocated.
unsafe extern "C" fn free_code_state(state: *mut c_void) {
    if !state.is_null() {
        // SAFETY: every non-NULL pointer in our slot came from `Box::into_raw` below and is
        // freed only here, once, by the code object's deallocator.
        drop(unsafe { Box::from_raw(state.cast::<CodeState>()) });
    }
}

/// The state of `code`, if it has one.
///
/// # Safety
/// `code` must be a live code object; the GIL must be held for as long as the returned
/// reference is used, and no other reference to the same state may be alive.
pub unsafe fn get<'a>(code: *mut PyCodeObject) -> Option<&'a mut CodeState> {
    let index = *EXTRA_INDEX.get()?;
    let mut extra: *mut c_void = std::ptr::null_mut();
    // SAFETY: live code object, valid index, GIL held (caller).
    if unsafe { _PyCode_GetExtra(code.cast(), index, &mut extra) } != 0 {
        // SAFETY: GIL held; a failed lookup must not leave an exception behind.
        unsafe { pyo3::ffi::PyErr_Clear() };
        return None;
    }
    // SAFETY: a non-NULL pointer in our slot is a live Box<CodeState> owned by the code.
    unsafe { extra.cast::<CodeState>().as_mut() }
}

/// The state of `code`, created (cold, no entries) if it has none yet. `None` only when
/// CPython cannot store it (out of memory), with no exception left set.
///
/// # Safety
/// As for [`get`].
pub unsafe fn get_or_create<'a>(code: *mut PyCodeObject) -> Option<&'a mut CodeState> {
    // SAFETY: forwarded from the caller.
    if let Some(state) = unsafe { get(code) } {
        return Some(state);
    }
    let index = extra_index().ok()?;
    // SAFETY: live code object (caller); the bytes are only read during this call.
    let loops = jit::has_backward_jump(unsafe { interp::cpython::co_code_bytes(code) });
    let state = Box::into_raw(Box::new(CodeState {
        entries: 0,
        compile: CompileState::Cold,
        machine_code: None,
        loops,
        compile_ns: 0,
    }));
    // SAFETY: live code object, valid index, GIL held (caller).
    if unsafe { _PyCode_SetExtra(code.cast(), index, state.cast()) } != 0 {
        // SAFETY: the code object did not take the pointer; we still own it.
        drop(unsafe { Box::from_raw(state) });
        // SAFETY: GIL held; the caller falls back instead of raising.
        unsafe { pyo3::ffi::PyErr_Clear() };
        return None;
    }
    stats::bump(&stats::CODE_OBJECTS);
    stats::bump(&stats::LIVE_CODE_STATES);
    // SAFETY: the slot now owns the Box; it lives as long as the code object.
    Some(unsafe { &mut *state })
}
