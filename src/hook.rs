//! The PEP 523 eval-frame hook: installing it in front of whatever evaluator was there,
//! chaining every frame we do not run to *that* evaluator, and taking it out again only when
//! it is still the one installed (docs/architecture.md §3).

use crate::code_state::{self, CompileState};
use crate::options::Options;
use crate::stats;
use interp::cpython::PyThreadState;
use interp::cpython::{
    _PyEval_EvalFrameDefault, eval_frame_func, set_eval_frame_func, EvalFrameFn, PyFrameObject, PyInterpreterState,
    PyInterpreterState_Main, PyThreadState_Get,
};
use parking_lot::Mutex;
use pyo3::ffi::PyObject;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering::Relaxed};

/// Whether our hook does its work; when false it only passes frames on.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// `Options::threshold`, readable from the hot path without a lock.
static THRESHOLD: AtomicU64 = AtomicU64::new(0);
/// `Options::loop_threshold`.
static LOOP_THRESHOLD: AtomicU64 = AtomicU64::new(0);
/// While not null: `loop_threshold` waits until a frame of the `__main__` module (whose
/// globals are this dict) starts, so that the rest of interpreter start-up after the
/// autoload (`site`'s other `.pth` files, `sitecustomize`) does not compile its loops.
/// Only compared by address, never dereferenced.
static LOOPS_WAIT_FOR_MAIN: AtomicPtr<PyObject> = AtomicPtr::new(std::ptr::null_mut());
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

static CHAIN: Mutex<Chain> = Mutex::new(Chain { in_chain: false, previous: None, interp: std::ptr::null_mut() });

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
    /// The JIT was not enabled (or this is a sub-interpreter, where it never is).
    WasNotEnabled,
}

/// Why `enable()` did not install our evaluator.
#[derive(Debug, PartialEq, Eq)]
pub enum EnableError {
    /// The calling thread runs a sub-interpreter; the JIT works in the main interpreter only.
    SubInterpreter,
    /// Another evaluator replaced ours after we installed it. It may pass frames on to ours,
    /// so installing ours in front of it could make the two call each other forever.
    ReplacedByAnother,
}

impl std::fmt::Display for EnableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EnableError::SubInterpreter => "pyston_lite runs in the main interpreter only; enable() was called in a sub-interpreter",
            EnableError::ReplacedByAnother => {
                "another PEP 523 frame evaluator replaced pyston_lite's and is still installed; \
                 pyston_lite does not install itself in front of an evaluator that may call it. \
                 Remove that evaluator (restore CPython's default) and call enable() again"
            }
        })
    }
}

/// The current thread's interpreter, if it is the main one. The caller holds the GIL.
fn main_interpreter() -> Option<*mut PyInterpreterState> {
    // SAFETY: GIL held (caller), so there is a current thread state and its interpreter is
    // alive; PyInterpreterState_Main has no preconditions after initialisation.
    unsafe {
        let interp = (*PyThreadState_Get()).interp;
        (interp == PyInterpreterState_Main()).then_some(interp)
    }
}

/// Whether `f` is our evaluator.
fn is_ours(f: Option<EvalFrameFn>) -> bool {
    f.map(|f| f as usize) == Some(eval_frame as EvalFrameFn as usize)
}

/// Whether `f` is CPython's own evaluator (which calls no other evaluator).
fn is_cpython_default(f: Option<EvalFrameFn>) -> bool {
    f.is_none_or(|f| f as usize == _PyEval_EvalFrameDefault as EvalFrameFn as usize)
}

/// Applies `options` and makes the hook active, installing it in front of the evaluator
/// that is there now unless it already is the installed one. Idempotent. The caller holds
/// the GIL.
pub fn enable(options: &Options) -> Result<(), EnableError> {
    let interp = main_interpreter().ok_or(EnableError::SubInterpreter)?;
    let mut chain = CHAIN.lock();
    // SAFETY: live interpreter, GIL held.
    let current = unsafe { eval_frame_func(interp) };
    if !is_ours(current) {
        if chain.in_chain && !is_cpython_default(current) {
            return Err(EnableError::ReplacedByAnother);
        }
        chain.previous = current;
        chain.interp = interp;
        // SAFETY: GIL held; no frame reads FALLBACK concurrently (see its doc).
        unsafe { FALLBACK = current };
        // SAFETY: live interpreter, GIL held; `eval_frame` has the version's signature.
        unsafe { set_eval_frame_func(interp, Some(eval_frame)) };
        chain.in_chain = true;
    }
    THRESHOLD.store(options.threshold, Relaxed);
    LOOP_THRESHOLD.store(options.loop_threshold, Relaxed);
    LOOPS_WAIT_FOR_MAIN.store(std::ptr::null_mut(), Relaxed);
    jit::set_inline_caches(options.inline_caches);
    MAX_CODE_BYTES.store(options.max_code_bytes, Relaxed);
    crate::perf_map::set_enabled(options.perf_map);
    interp::ops::cache_counts::set_counting(options.print_stats_at_exit || options.stats_file.is_some());
    crate::deny::set(options.deny_patterns());
    ACTIVE.store(true, Relaxed);
    interp::direct::publish_evaluator(Some((eval_frame, fallback())));
    Ok(())
}

/// Stops the JIT; restores the previous evaluator if ours is still the installed one. A
/// no-op in a sub-interpreter. The caller holds the GIL.
pub fn disable() -> DisableOutcome {
    if main_interpreter().is_none() {
        return DisableOutcome::WasNotEnabled;
    }
    let was_active = ACTIVE.swap(false, Relaxed);
    interp::direct::publish_evaluator(None);
    let mut chain = CHAIN.lock();
    if !chain.in_chain {
        return DisableOutcome::WasNotEnabled;
    }
    // SAFETY: the interpreter we installed into is alive while Python code calls us.
    let current = unsafe { eval_frame_func(chain.interp) };
    if is_ours(current) {
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

/// Whether the JIT is on in the calling thread's interpreter: enabled, and our evaluator is
/// the one installed there (false in a sub-interpreter, and after another evaluator
/// replaced ours). The caller holds the GIL.
pub fn is_enabled() -> bool {
    ACTIVE.load(Relaxed)
        && main_interpreter()
            // SAFETY: live interpreter, GIL held.
            .is_some_and(|interp| is_ours(unsafe { eval_frame_func(interp) }))
}

/// Makes `loop_threshold` wait until a frame of the module whose globals are `main_dict`
/// (`__main__`) starts: for the autoload, which enables the JIT half-way through start-up.
/// Until then code that loops waits for `threshold` like any other.
pub fn loops_wait_for_main(main_dict: *mut PyObject) {
    LOOPS_WAIT_FOR_MAIN.store(main_dict, Relaxed);
}

/// Whether the calling thread runs the main interpreter. The caller holds the GIL.
pub fn in_main_interpreter() -> bool {
    main_interpreter().is_some()
}

/// Bookkeeping at frame entry: count, compile once a code object is hot, and say whether
/// this frame may run in machine code: the compiled code (a pointer into the code's state,
/// which outlives the frame since the frame holds its code object) and the address the
/// frame continues at. Every generator resumption comes through here, so the compiled case
/// goes first and does the least.
///
/// # Safety
/// `frame` is a live frame about to be evaluated; the GIL is held.
#[inline]
unsafe fn on_frame_entry(
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    throwflag: c_int,
) -> Option<(*const jit::CompiledCode, usize)> {
    if !ACTIVE.load(Relaxed) {
        return None;
    }
    stats::bump(&stats::ENTRIES);
    // SAFETY: a frame being evaluated holds its code object.
    let code = unsafe { (*frame).f_code };
    // SAFETY: live code, GIL held, no other reference to its state is alive here.
    let state = unsafe { code_state::get_or_create(code) }?;
    state.direct.entries += 1;
    if !matches!(state.compile, CompileState::Compiled) {
        // SAFETY: forwarded from the caller.
        if !unsafe { compile_if_hot(state, frame) } {
            return None;
        }
    }
    let compiled = state.machine_code.as_ref()?;
    // SAFETY: live frame and thread state (GIL held). A generator being thrown into goes to
    // the evaluator (its error path), then comes back here at its next resume; so does a
    // frame at the recursion limit (see `would_run_at_recursion_limit`).
    unsafe {
        if throwflag != 0 || !interp::direct::may_run_compiled(tstate, frame) {
            count_interpreted(tstate, frame, throwflag);
            return None;
        }
        match compiled.entry_address((*frame).f_lasti) {
            Some(target) => Some((compiled as *const _, target)),
            None => {
                stats::count_interpreted(stats::Interpreted::NotAtResumePoint);
                None
            }
        }
    }
}

/// Counts an entry of compiled code that runs in the interpreter, by the first cause that
/// [`on_frame_entry`]'s test found; out of line, so that entries that run compiled pay
/// nothing for it.
///
/// # Safety
/// As [`on_frame_entry`].
#[cold]
#[inline(never)]
unsafe fn count_interpreted(tstate: *mut PyThreadState, frame: *mut PyFrameObject, throwflag: c_int) {
    use stats::Interpreted;
    // SAFETY: forwarded from the caller.
    let cause = unsafe {
        if throwflag != 0 {
            Interpreted::Throw
        } else if (*tstate).use_tracing() {
            Interpreted::Tracing
        } else if !interp::direct::exact_dicts(frame) {
            Interpreted::GlobalsNotDict
        } else {
            Interpreted::RecursionLimit
        }
    };
    stats::count_interpreted(cause);
}

/// Frame entry of code without machine code: compiles it once it is hot; whether it has
/// machine code now.
///
/// # Safety
/// As [`on_frame_entry`]; `state` is the state of the frame's code.
#[cold]
#[inline(never)]
unsafe fn compile_if_hot(state: &mut code_state::CodeState, frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame (caller), GIL held.
    unsafe {
        if !matches!(state.compile, CompileState::Cold) || state.direct.entries <= compile_after(state, frame) {
            return false;
        }
        if crate::deny::any() {
            if let Some(pattern) = crate::deny::denied_by(frame) {
                state.deny(Some(pattern));
                return false;
            }
        }
        compile_now(state, (*frame).f_code);
    }
    matches!(state.compile, CompileState::Compiled)
}

/// Compiles `code` now if it is cold (never compiled, not denied), as its first hot entry
/// would: `python -m pyston_lite dis` shows functions that have not run. Only while the JIT
/// is enabled (the code budget is an option of `enable()`); whether it has machine code now.
///
/// # Safety
/// `code` is a live code object whose state is `state`; the GIL is held.
pub unsafe fn compile_if_cold(state: &mut code_state::CodeState, code: *mut interp::cpython::PyCodeObject) -> bool {
    if ACTIVE.load(Relaxed) && matches!(state.compile, CompileState::Cold) {
        // SAFETY: forwarded from the caller.
        unsafe { compile_now(state, code) };
    }
    matches!(state.compile, CompileState::Compiled)
}

/// Entries after which the code of `frame` is compiled: `loop_threshold` for code that
/// loops and may run its loop at an entry that never comes back (a function, the
/// `__main__` module body), `threshold` otherwise. Other module bodies and class bodies
/// run once per import and class statement, however they loop. See docs/loops.md.
///
/// # Safety
/// `frame` is a live frame of the code whose state is `state`; the GIL is held.
unsafe fn compile_after(state: &mut code_state::CodeState, frame: *mut PyFrameObject) -> u64 {
    // SAFETY: live frame (caller).
    let globals = unsafe { (*frame).f_globals };
    let waiting_for = LOOPS_WAIT_FOR_MAIN.load(Relaxed);
    if !waiting_for.is_null() {
        if globals != waiting_for {
            return THRESHOLD.load(Relaxed);
        }
        LOOPS_WAIT_FOR_MAIN.store(std::ptr::null_mut(), Relaxed);
    }
    // SAFETY: forwarded from the caller.
    if unsafe { may_loop_long(frame) && state.loops((*frame).f_code) } {
        LOOP_THRESHOLD.load(Relaxed)
    } else {
        THRESHOLD.load(Relaxed)
    }
}

/// Whether `frame` runs a function (CO_NEWLOCALS) or the `__main__` module's body.
///
/// # Safety
/// `frame` is a live frame; the GIL is held.
#[cold]
unsafe fn may_loop_long(frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame and its code (caller); a borrowed dict item read with the GIL held.
    unsafe {
        if (*(*frame).f_code).co_flags & pyo3::ffi::CO_NEWLOCALS != 0 {
            return true;
        }
        let globals = (*frame).f_globals;
        if (*frame).f_locals != globals || pyo3::ffi::PyDict_CheckExact(globals) == 0 {
            return false;
        }
        let name = pyo3::ffi::PyDict_GetItemString(globals, c"__name__".as_ptr());
        !name.is_null()
            && pyo3::ffi::PyUnicode_Check(name) != 0
            && pyo3::ffi::PyUnicode_CompareWithASCIIString(name, c"__main__".as_ptr()) == 0
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
    // Once, before the first compile rather than in `enable`: it builds dicts, which
    // start-up (where little is compiled) need not pay for. Not counted as compile time.
    // SAFETY: our caller holds the GIL.
    unsafe { interp::ops::dict_keys::verify() };
    // SAFETY: live code object (caller).
    let instructions = unsafe { interp::cpython::co_code_bytes(code) }.len() / interp::opcode::CODE_UNIT_BYTES;
    stats::COMPILED_INSTRUCTIONS.fetch_add(instructions as u64, Relaxed);
    let started = std::time::Instant::now();
    // SAFETY: forwarded from the caller.
    let outcome = unsafe { jit::compile(code, MAX_CODE_BYTES.load(Relaxed)) };
    state.compile_ns = started.elapsed().as_nanos() as u64;
    stats::COMPILE_NS.fetch_add(state.compile_ns, Relaxed);
    state.compile = match outcome {
        Ok(compiled) => {
            stats::bump(&stats::COMPILED);
            stats::CODE_BYTES.fetch_add(compiled.code_bytes as u64, Relaxed);
            stats::CODE_BYTES_EMITTED.fetch_add(compiled.code_bytes as u64, Relaxed);
            if crate::perf_map::enabled() {
                if let Some((start, size, _)) = compiled.code_map() {
                    // SAFETY: forwarded from the caller.
                    crate::perf_map::record(start, size, &unsafe { crate::perf_map::symbol(code) });
                }
            }
            state.direct.machine = compiled.direct_machine();
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
            Some((compiled, target)) => run_compiled(compiled, tstate, frame, target),
            None => fallback()(frame, throwflag),
        }
    }
}

/// Our PEP 523 evaluator (3.9+ signature).
#[cfg(any(py39, py310))]
unsafe extern "C" fn eval_frame(tstate: *mut PyThreadState, frame: *mut PyFrameObject, throwflag: c_int) -> *mut PyObject {
    // SAFETY: CPython calls us with a live thread state and frame, and the GIL held.
    unsafe {
        match on_frame_entry(tstate, frame, throwflag) {
            Some((compiled, target)) => run_compiled(compiled, tstate, frame, target),
            None => fallback()(tstate, frame, throwflag),
        }
    }
}

/// Runs `frame` in machine code.
///
/// # Safety
/// As `jit::CompiledCode::run`; `compiled` points into the live state of the frame's code.
#[cfg(codegen)]
unsafe fn run_compiled(
    compiled: *const jit::CompiledCode,
    tstate: *mut PyThreadState,
    frame: *mut PyFrameObject,
    target: usize,
) -> *mut PyObject {
    // SAFETY: forwarded from the caller.
    unsafe { (*compiled).run(tstate, frame, target, fallback()) }
}

/// Versions without a code generator produce no machine code, so this is never reached.
#[cfg(not(codegen))]
unsafe fn run_compiled(_: *const jit::CompiledCode, _: *mut PyThreadState, _: *mut PyFrameObject, _: usize) -> *mut PyObject {
    unreachable!("jit::compile produces no machine code for this version")
}
