//! The PEP 523 eval-frame hook: installing it in front of whatever evaluator was there,
//! chaining every frame we do not run to *that* evaluator, and taking it out again only when
//! it is still the one installed (DESIGN §3).

use crate::code_state::{self, CompileState};
use crate::options::Options;
use crate::stats;
use interp::cpython::{
    eval_frame_func, set_eval_frame_func, EvalFrameFn, PyFrameObject, PyInterpreterState,
    PyThreadState_Get, _PyEval_EvalFrameDefault,
};
use interp::cpython::PyThreadState;
use parking_lot::Mutex;
use pyo3::ffi::PyObject;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Whether our hook does its work; when false it only passes frames on.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// `Options::threshold`, readable from the hot path without a lock.
static THRESHOLD: AtomicU64 = AtomicU64::new(0);
/// `Options::max_code_bytes`.
static MAX_CODE_BYTES: AtomicU64 = AtomicU64::new(0);

/// Where our hook stands in the interpreter's evaluator chain.
struct Chain {
    /// Our function is reachable from the installed evaluator (we installed it and have not
    /// taken it out), so `previous` must not change.
    in_chain: bool,
    /// The evaluator that was installed before ours; frames we do not run go there.
    previous: Option<EvalFrameFn>,
    interp: *mut PyInterpreterState,
}

// SAFETY: `interp` is only dereferenced with the GIL held; the Mutex orders the rest.
unsafe impl Send for Chain {}

static CHAIN: Mutex<Chain> =
    Mutex::new(Chain { in_chain: false, previous: None, interp: std::ptr::null_mut() });

/// The evaluator frames fall back to. Written only under the GIL by `enable`, read by the
/// hook under the GIL, so a plain copy outside the Mutex is sound and keeps the hot path
/// lock-free.
static mut FALLBACK: Option<EvalFrameFn> = None;

/// What `disable()` found.
#[derive(Debug, PartialEq, Eq)]
pub enum DisableOutcome {
    /// Our hook was installed on top; the previous evaluator is back.
    Restored,
    /// Another evaluator replaced ours; it was left in place and ours only passes frames on.
    ReplacedByAnother,
    /// The JIT was not enabled.
    WasNotEnabled,
}

/// Applies `options` and makes the hook active, installing it if it is not in the chain.
/// Idempotent. The caller holds the GIL.
pub fn enable(options: &Options) {
    THRESHOLD.store(options.threshold, Relaxed);
    jit::set_inline_caches(options.inline_caches);
    // SAFETY: our caller holds the GIL.
    unsafe { interp::ops::dict_keys::verify() };
    MAX_CODE_BYTES.store(options.max_code_bytes, Relaxed);
    let mut chain = CHAIN.lock();
    if !chain.in_chain {
        // SAFETY: GIL held, so the thread state and its interpreter are alive.
        let interp = unsafe { (*PyThreadState_Get()).interp };
        // SAFETY: live interpreter, GIL held.
        let previous = unsafe { eval_frame_func(interp) };
        chain.previous = previous;
        chain.interp = interp;
        // SAFETY: GIL held; no frame reads FALLBACK concurrently (see its doc).
        unsafe { FALLBACK = previous };
        // SAFETY: live interpreter, GIL held; `eval_frame` has the version's signature.
        unsafe { set_eval_frame_func(interp, Some(eval_frame)) };
        chain.in_chain = true;
    }
    ACTIVE.store(true, Relaxed);
}

/// Stops the JIT; restores the previous evaluator if ours is still the installed one.
/// The caller holds the GIL.
pub fn disable() -> DisableOutcome {
    let was_active = ACTIVE.swap(false, Relaxed);
    let mut chain = CHAIN.lock();
    if !chain.in_chain {
        return DisableOutcome::WasNotEnabled;
    }
    // SAFETY: the interpreter we installed into is alive while Python code calls us.
    let current = unsafe { eval_frame_func(chain.interp) };
    if current.map(|f| f as usize) == Some(eval_frame as EvalFrameFn as usize) {
        // SAFETY: as above; GIL held.
        unsafe { set_eval_frame_func(chain.interp, chain.previous) };
        chain.in_chain = false;
        DisableOutcome::Restored
    } else if was_active {
        DisableOutcome::ReplacedByAnother
    } else {
        DisableOutcome::WasNotEnabled
    }
}

pub fn is_enabled() -> bool {
    ACTIVE.load(Relaxed)
}

/// Bookkeeping at frame entry: count, compile once a code object is hot, and say whether
/// this frame may run in machine code (returned as a pointer into the code's state, which
/// outlives the frame since the frame holds its code object).
///
/// # Safety
/// `frame` is a live frame about to be evaluated; the GIL is held.
unsafe fn on_frame_entry(tstate: *mut PyThreadState, frame: *mut PyFrameObject, throwflag: c_int) -> Option<*const jit::CompiledCode> {
    if !ACTIVE.load(Relaxed) {
        return None;
    }
    stats::bump(&stats::ENTRIES);
    // SAFETY: a frame being evaluated holds its code object.
    let code = unsafe { (*frame).f_code };
    // SAFETY: live code, GIL held, no other reference to its state is alive here.
    let state = unsafe { code_state::get_or_create(code) }?;
    state.entries += 1;
    if matches!(state.compile, CompileState::Cold) && state.entries > compile_after(state.loops) {
        // SAFETY: live code object, GIL held.
        unsafe { compile_now(state, code) };
    }
    if !matches!(state.compile, CompileState::Compiled) {
        return None;
    }
    let compiled = state.machine_code.as_ref()?;
    // SAFETY: live frame and thread state (GIL held). A generator being thrown into goes to
    // the evaluator (its error path), then comes back here at its next resume.
    let runnable = unsafe { throwflag == 0 && compiled.can_enter((*frame).f_lasti) && !(*tstate).use_tracing() && exact_dicts(frame) };
    runnable.then_some(compiled as *const _)
}

/// `f_globals` and `f_builtins` are exact dicts (what compiled name lookups assume).
unsafe fn exact_dicts(frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame (caller).
    unsafe { pyo3::ffi::PyDict_CheckExact((*frame).f_globals) != 0 && pyo3::ffi::PyDict_CheckExact((*frame).f_builtins) != 0 }
}

/// Code that loops is compiled after this fraction of the threshold's entries: each of its
/// entries is likely to run many instructions (Pyston-lite compiles hot loops early too).
const LOOP_THRESHOLD_DIVISOR: u64 = 10;

/// Entries after which a code object is compiled.
fn compile_after(loops: bool) -> u64 {
    let threshold = THRESHOLD.load(Relaxed);
    if loops {
        threshold / LOOP_THRESHOLD_DIVISOR
    } else {
        threshold
    }
}

/// Compiles `code` and records the outcome in its state. Kept out of line so that the
/// frame-entry path (which recursion multiplies) has a small stack frame.
///
/// # Safety
/// `code` is a live code object whose state is `state`; the GIL is held.
#[cold]
#[inline(never)]
unsafe fn compile_now(state: &mut code_state::CodeState, code: *mut interp::cpython::PyCodeObject) {
    let started = std::time::Instant::now();
    // SAFETY: forwarded from the caller.
    let outcome = unsafe { jit::compile(code, MAX_CODE_BYTES.load(Relaxed)) };
    state.compile_ns = started.elapsed().as_nanos() as u64;
    stats::COMPILE_NS.fetch_add(state.compile_ns, Relaxed);
    state.compile = match outcome {
        Ok(compiled) => {
            stats::bump(&stats::COMPILED);
            stats::CODE_BYTES.fetch_add(compiled.code_bytes as u64, Relaxed);
            state.machine_code = Some(compiled);
            CompileState::Compiled
        }
        Err(failure) => {
            stats::count_failure(failure.name());
            CompileState::Failed(failure)
        }
    };
}

/// The evaluator installed before ours (CPython's default when there was none).
fn fallback() -> EvalFrameFn {
    // SAFETY: FALLBACK is written only under the GIL before our hook is installed.
    unsafe { FALLBACK }.unwrap_or(_PyEval_EvalFrameDefault)
}

/// Our PEP 523 evaluator (3.7/3.8 signature).
#[cfg(any(py37, py38))]
unsafe extern "C" fn eval_frame(frame: *mut PyFrameObject, throwflag: c_int) -> *mut PyObject {
    // SAFETY: CPython calls us with a live frame and the GIL held, so there is a current
    // thread state.
    unsafe {
        let tstate = interp::cpython::current_tstate();
        match on_frame_entry(tstate, frame, throwflag) {
            Some(compiled) => run_compiled(compiled, tstate, frame),
            None => fallback()(frame, throwflag),
        }
    }
}

/// Our PEP 523 evaluator (3.9+ signature).
#[cfg(any(py39, py310))]
unsafe extern "C" fn eval_frame(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    throwflag: c_int,
) -> *mut PyObject {
    // SAFETY: CPython calls us with a live thread state and frame, and the GIL held.
    unsafe {
        match on_frame_entry(tstate, frame, throwflag) {
            Some(compiled) => run_compiled(compiled, tstate, frame),
            None => fallback()(tstate, frame, throwflag),
        }
    }
}

/// Runs `frame` in machine code.
///
/// # Safety
/// As `jit::CompiledCode::run`; `compiled` points into the live state of the frame's code.
#[cfg(codegen)]
unsafe fn run_compiled(compiled: *const jit::CompiledCode, tstate: *mut PyThreadState, frame: *mut PyFrameObject) -> *mut PyObject {
    // SAFETY: forwarded from the caller.
    unsafe { (*compiled).run(tstate, frame, fallback()) }
}

/// Versions without a code generator produce no machine code, so this is never reached.
#[cfg(not(codegen))]
unsafe fn run_compiled(_: *const jit::CompiledCode, _: *mut PyThreadState, _: *mut PyFrameObject) -> *mut PyObject {
    unreachable!("jit::compile produces no machine code for this version")
}
