//! Frames of compiled code started straight from a call in compiled code, without going
//! through the PEP 523 evaluator: what the hook publishes while it is the installed
//! evaluator (its own address, the `co_extra` index of its per-code states, the evaluator
//! that deoptimised frames continue in), and [`DirectEntry`], the part of a per-code state
//! that says how to run a new frame of that code in machine code.
//!
//! A direct start does what the hook would do for the same frame (see `src/hook.rs`,
//! `on_frame_entry`): the same conditions (our evaluator installed, machine code present
//! and allowed, tracing off, exact-dict globals and builtins, not at the recursion limit),
//! the same count of entries, the same driver ([`crate::frame::run_compiled_frame`]).
//! Anything else goes to the installed evaluator as before.

use crate::cpython::{layout, EvalFrameFn, PyCodeObject, PyFrameObject, PyThreadState};
use crate::frame::EntryFn;
use pyo3_ffi::{PyObject, Py_ssize_t};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// How to run a fresh frame of one code object in machine code.
#[derive(Debug, Clone, Copy)]
pub struct DirectMachine {
    pub entry: EntryFn,
    /// Native address of the first instruction (where a fresh frame starts).
    pub start: usize,
    /// Address the instruction offsets are relative to.
    pub base: usize,
    /// Native offset of each instruction, indexed by bytecode offset / 2 (`u32::MAX` where
    /// it cannot be entered); owned by the machine code, which outlives every frame of it.
    pub offsets: *const u32,
    pub offsets_len: usize,
}

impl DirectMachine {
    /// Native address of the instruction at bytecode `offset`, if it can be entered there.
    #[inline]
    fn address_of(&self, offset: usize) -> Option<usize> {
        let index = offset / 2;
        if index >= self.offsets_len {
            return None;
        }
        // SAFETY: `offsets` holds `offsets_len` entries for as long as the code lives.
        let native = unsafe { *self.offsets.add(index) };
        (native != u32::MAX).then(|| self.base + native as usize)
    }
}

/// The first field of every per-code state the hook keeps in `co_extra` (`#[repr(C)]`
/// there), so that a call can read it without knowing the rest of the state.
#[repr(C)]
#[derive(Debug, Default)]
pub struct DirectEntry {
    /// Set while frames of the code may run in machine code (compiled, not denied).
    pub machine: Option<DirectMachine>,
    /// Frame entries of the code while the JIT was enabled (through the hook or here).
    pub entries: u64,
}

/// The hook's evaluator while it is installed and active, else [`NONE`] (which no
/// installed evaluator equals, not even the empty slot of CPython's default).
static OUR_EVALUATOR: AtomicUsize = AtomicUsize::new(NONE);
const NONE: usize = usize::MAX;
/// The evaluator a deoptimised frame continues in (what the hook falls back to).
static FALLBACK: AtomicUsize = AtomicUsize::new(0);
/// The `co_extra` index of the per-code states (layout checked), else [`NONE`] (which no
/// `co_extra` block is large enough to hold).
static EXTRA_INDEX: AtomicUsize = AtomicUsize::new(NONE);
/// Frames started here (the hook counts the ones it starts).
pub static DIRECT_ENTRIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Publishes the hook: `evaluator` is installed and active, frames it deoptimises continue
/// in `fallback`. `None` withdraws it (frames then go through whatever evaluator is installed).
pub fn publish_evaluator(evaluator: Option<(EvalFrameFn, EvalFrameFn)>) {
    let (ours, fallback) = evaluator.map_or((NONE, 0), |(ours, fallback)| (ours as usize, fallback as usize));
    FALLBACK.store(fallback, Relaxed);
    OUR_EVALUATOR.store(ours, Relaxed);
}

/// Publishes the `co_extra` index whose non-NULL slots point at a state starting with a
/// [`DirectEntry`] (the `{ce_size; ce_extras[]}` block layout checked by the caller).
pub fn publish_extra_index(index: Py_ssize_t) {
    EXTRA_INDEX.store(usize::try_from(index).unwrap_or(NONE), Relaxed);
}

/// The direct entry of `code`'s state, if it has one.
///
/// # Safety
/// GIL held; `code` live.
#[inline]
unsafe fn entry_of<'a>(code: *mut PyCodeObject) -> Option<&'a mut DirectEntry> {
    let index = EXTRA_INDEX.load(Relaxed);
    // SAFETY: live code (caller); a non-NULL `co_extra` is a block of `ce_size` slots and a
    // non-NULL pointer in our slot is a live state beginning with a DirectEntry.
    unsafe {
        let block = (*code).co_extra.cast::<Py_ssize_t>();
        if block.is_null() || *block as usize <= index {
            return None;
        }
        (*block.add(1 + index) as *mut DirectEntry).as_mut()
    }
}

/// Runs the fresh `frame` of `code` (arguments in place, not yet evaluated) in machine code
/// when the hook would, returning what it returns; `None`, with nothing done, when the
/// installed evaluator must run it. `evaluator` is the one installed now.
///
/// # Safety
/// GIL held; `tstate` current; `frame` a fresh frame of `code` whose globals and builtins
/// are `globals` and `builtins`.
#[inline]
pub unsafe fn run_fresh_frame(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    code: *mut PyCodeObject,
    evaluator: usize,
) -> Option<*mut PyObject> {
    if evaluator != OUR_EVALUATOR.load(Relaxed) {
        return None;
    }
    // SAFETY: as the contract; the machine code outlives the frame (the frame holds the
    // code, the code holds its state, the state its machine code).
    unsafe {
        let direct = entry_of(code)?;
        let machine = direct.machine.as_ref()?;
        if (*tstate).use_tracing() || crate::frame::would_run_at_recursion_limit(tstate) || !exact_dicts(frame) {
            return None;
        }
        direct.entries += 1;
        DIRECT_ENTRIES.store(DIRECT_ENTRIES.load(Relaxed) + 1, Relaxed);
        let fallback = std::mem::transmute::<usize, EvalFrameFn>(FALLBACK.load(Relaxed));
        Some(crate::frame::run_compiled_frame(tstate, frame, machine.entry, machine.start, |offset| machine.address_of(offset), fallback))
    }
}

/// `f_globals` and `f_builtins` are exact dicts (what compiled name lookups assume).
#[inline]
unsafe fn exact_dicts(frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame (caller).
    unsafe { pyo3_ffi::PyDict_CheckExact((*frame).f_globals) != 0 && pyo3_ffi::PyDict_CheckExact((*frame).f_builtins) != 0 }
}

/// The address of the evaluator installed in `tstate`'s interpreter (0 for CPython's
/// default when the slot is empty).
///
/// # Safety
/// GIL held; `tstate` current.
#[inline]
pub unsafe fn installed_evaluator(tstate: *mut PyThreadState) -> usize {
    // SAFETY: the interpreter's evaluator slot at its probed offset.
    unsafe { *(*tstate).interp.cast::<u8>().add(layout::INTERP_EVAL_FRAME).cast::<usize>() }
}
