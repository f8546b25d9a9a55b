//! Frames of compiled code started straight from a call in compiled code, without going
//! through the PEP 523 evaluator: what the hook publishes while it is the installed
//! evaluator (its own address, the `co_extra` index of its per-code states, the evaluator
//! that deoptimised frames continue in), and [`DirectEntry`], the part of a per-code state
//! that says how to run a new frame of that code in machine code.
//!
//! A suspended generator whose code is compiled is resumed the same way from `YIELD_FROM`
//! and `FOR_ITER` in compiled code ([`send_to_generator`]), doing `gen_send_ex`'s part
//! around the run itself.
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
    /// Bit `i` set: a suspended generator continues at instruction `i` (owned as `offsets`).
    pub resume_points: *const u64,
    pub resume_words: usize,
}

impl DirectMachine {
    /// Where a suspended generator frame whose last instruction was `f_lasti` (≥ 0)
    /// continues, if it can continue in this code.
    #[inline(always)]
    fn resume_address(&self, f_lasti: i32) -> Option<usize> {
        let offset = crate::opcode::resume_offset(f_lasti);
        let index = offset / 2;
        if index / 64 >= self.resume_words {
            return None;
        }
        // SAFETY: `resume_points` holds `resume_words` words for as long as the code lives.
        let word = unsafe { *self.resume_points.add(index / 64) };
        if word & (1 << (index % 64)) == 0 {
            return None;
        }
        self.address_of(offset)
    }

    /// Native address of the instruction at bytecode `offset`, if it can be entered there.
    #[inline(always)]
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
        if !may_run_compiled(tstate, frame) {
            return None;
        }
        direct.entries += 1;
        DIRECT_ENTRIES.store(DIRECT_ENTRIES.load(Relaxed) + 1, Relaxed);
        let fallback = std::mem::transmute::<usize, EvalFrameFn>(FALLBACK.load(Relaxed));
        Some(crate::frame::run_compiled_frame(tstate, frame, machine.entry, machine.start, |offset| machine.address_of(offset), fallback))
    }
}

/// Whether `frame`, which has machine code to run, may run it now: tracing is off, its
/// globals and builtins are exact dicts, and it would not run at the recursion limit
/// (the hook's test too, where a thrown-into generator is also excluded).
///
/// # Safety
/// GIL held; `tstate` current; `frame` live.
#[inline]
pub unsafe fn may_run_compiled(tstate: *mut PyThreadState, frame: *mut PyFrameObject) -> bool {
    // SAFETY: as the contract.
    unsafe { !(*tstate).use_tracing() && exact_dicts(frame) && !crate::frame::would_run_at_recursion_limit(tstate) }
}

/// `f_globals` and `f_builtins` are exact dicts (what compiled name lookups assume).
///
/// # Safety
/// `frame` live.
#[inline]
pub unsafe fn exact_dicts(frame: *mut PyFrameObject) -> bool {
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

/// How a generator left after [`send_to_generator`] resumed it.
pub enum Sent {
    /// It yielded this value (owned); it is suspended again.
    Yielded(*mut PyObject),
    /// It returned this value (owned); it is finished and its frame released.
    Returned(*mut PyObject),
    /// It raised (the exception is set; a `StopIteration` it let out became the
    /// `RuntimeError` of PEP 479); it is finished and its frame released.
    Raised,
}

/// Resumes `gen`, a suspended generator (exact `PyGen_Type`, not fresh) whose code runs in
/// machine code, sending it `arg` — what `gen_send_ex` (3.10: `gen_send_ex2`) does without
/// its trip through the evaluator hook: the value pushed, `f_back` and the exception-state
/// chain linked for the run and unlinked after it, the frame released when the generator is
/// done. `None`, with nothing done, for everything else (fresh, running or finished
/// generators, coroutines, code not compiled, tracing on...): `gen_send_ex` handles those.
///
/// # Safety
/// GIL held; `gen` and `arg` live (`arg` borrowed).
#[inline]
pub unsafe fn send_to_generator(gen: *mut PyObject, arg: *mut PyObject) -> Option<Sent> {
    // SAFETY: as the contract; generator and frame fields at probed offsets; the machine
    // code outlives the frame (the frame holds its code, the code its state).
    unsafe {
        if (*gen).ob_type != std::ptr::addr_of_mut!(pyo3_ffi::PyGen_Type) {
            return None;
        }
        let tstate = crate::cpython::current_tstate();
        if installed_evaluator(tstate) != OUR_EVALUATOR.load(Relaxed) {
            return None;
        }
        let frame = crate::cpython::gen_frame(gen);
        if frame.is_null() || (*frame).f_lasti < 0 || !is_suspended(gen, frame) {
            return None;
        }
        let direct = entry_of((*frame).f_code)?;
        let machine = direct.machine.as_ref()?;
        let target = machine.resume_address((*frame).f_lasti)?;
        if !may_run_compiled(tstate, frame) {
            return None;
        }
        direct.entries += 1;
        DIRECT_ENTRIES.store(DIRECT_ENTRIES.load(Relaxed) + 1, Relaxed);
        push_sent_value(frame, arg);
        let back = (*tstate).frame;
        pyo3_ffi::Py_XINCREF(back.cast());
        (*frame).f_back = back;
        set_running(gen, true);
        let exc_state = gen.cast::<u8>().add(layout::GEN_GI_EXC_STATE).cast::<crate::cpython::PyErrStackItem>();
        (*exc_state).previous_item = (*tstate).exc_info;
        (*tstate).exc_info = exc_state;
        let fallback = std::mem::transmute::<usize, EvalFrameFn>(FALLBACK.load(Relaxed));
        let result = crate::frame::run_compiled_frame(tstate, frame, machine.entry, target, |offset| machine.address_of(offset), fallback);
        (*tstate).exc_info = (*exc_state).previous_item;
        (*exc_state).previous_item = std::ptr::null_mut();
        set_running(gen, false);
        pyo3_ffi::Py_XDECREF(std::mem::replace(&mut (*frame).f_back, std::ptr::null_mut()).cast());
        if !result.is_null() && !has_completed(frame) {
            return Some(Sent::Yielded(result));
        }
        if result.is_null() && pyo3_ffi::PyErr_ExceptionMatches(pyo3_ffi::PyExc_StopIteration) != 0 {
            _PyErr_FormatFromCause(pyo3_ffi::PyExc_RuntimeError, c"%s".as_ptr(), c"generator raised StopIteration".as_ptr());
        }
        release_finished_frame(gen, frame, exc_state);
        Some(if result.is_null() { Sent::Raised } else { Sent::Returned(result) })
    }
}

extern "C" {
    fn _PyErr_FormatFromCause(exception: *mut PyObject, format: *const std::os::raw::c_char, ...) -> *mut PyObject;
}

/// Whether `gen`'s `frame` is suspended at a yield: not running, not finished.
///
/// # Safety
/// `gen` a live generator, `frame` its frame.
#[inline]
unsafe fn is_suspended(gen: *mut PyObject, frame: *mut PyFrameObject) -> bool {
    // SAFETY: as the contract; fields at probed offsets.
    unsafe {
        #[cfg(not(py310))]
        return *gen.cast::<u8>().add(layout::GEN_GI_RUNNING).cast::<std::os::raw::c_char>() == 0 && !(*frame).f_stacktop.is_null();
        #[cfg(py310)]
        {
            let _ = gen;
            (*frame).f_state == crate::cpython::frame_state::SUSPENDED
        }
    }
}

/// `gen_send_ex`'s push of the sent value (a new reference) onto the suspended frame's stack.
///
/// # Safety
/// `frame` a suspended generator frame; `arg` live.
#[inline]
unsafe fn push_sent_value(frame: *mut PyFrameObject, arg: *mut PyObject) {
    // SAFETY: a suspended frame's stack has room for the value its yield left a slot for.
    unsafe {
        pyo3_ffi::Py_INCREF(arg);
        #[cfg(not(py310))]
        {
            *(*frame).f_stacktop = arg;
            (*frame).f_stacktop = (*frame).f_stacktop.add(1);
        }
        #[cfg(py310)]
        {
            *(*frame).f_valuestack.add((*frame).f_stackdepth as usize) = arg;
            (*frame).f_stackdepth += 1;
        }
    }
}

/// 3.7–3.9: `gen->gi_running` (3.10 tells from the frame's state instead).
///
/// # Safety
/// `gen` a live generator.
#[inline]
unsafe fn set_running(gen: *mut PyObject, running: bool) {
    #[cfg(not(py310))]
    // SAFETY: the field at its probed offset of the live generator.
    unsafe {
        *gen.cast::<u8>().add(layout::GEN_GI_RUNNING).cast::<std::os::raw::c_char>() = running as std::os::raw::c_char
    };
    #[cfg(py310)]
    let _ = (gen, running);
}

/// Whether the frame returned or raised (it cannot run again).
///
/// # Safety
/// `frame` a live generator frame that just left machine code.
#[inline]
unsafe fn has_completed(frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame (caller).
    unsafe {
        #[cfg(not(py310))]
        return (*frame).f_stacktop.is_null();
        #[cfg(py310)]
        return (*frame).f_state > crate::cpython::frame_state::EXECUTING;
    }
}

/// What `gen_send_ex` does once a generator is done: its saved exception state cleared,
/// the frame detached from it and released.
///
/// # Safety
/// `gen` a live generator whose finished `frame` it owns; `exc_state` its `gi_exc_state`.
unsafe fn release_finished_frame(gen: *mut PyObject, frame: *mut PyFrameObject, exc_state: *mut crate::cpython::PyErrStackItem) {
    // SAFETY: as the contract; the generator owns one reference to the frame.
    unsafe {
        let exc_type = std::mem::replace(&mut (*exc_state).exc_type, std::ptr::null_mut());
        let exc_value = std::mem::replace(&mut (*exc_state).exc_value, std::ptr::null_mut());
        let exc_traceback = std::mem::replace(&mut (*exc_state).exc_traceback, std::ptr::null_mut());
        pyo3_ffi::Py_XDECREF(exc_type);
        pyo3_ffi::Py_XDECREF(exc_value);
        pyo3_ffi::Py_XDECREF(exc_traceback);
        (*frame).f_gen = std::ptr::null_mut();
        *gen.cast::<u8>().add(layout::GEN_GI_FRAME).cast::<*mut PyFrameObject>() = std::ptr::null_mut();
        pyo3_ffi::Py_DECREF(frame.cast());
    }
}
