//! The Python API of `pyston_lite` (re-exported by `python/pyston_lite/__init__.py`).

use crate::code_state::{self, CompileState};
use crate::hook::{self, DisableOutcome, EnableError};
use crate::options::{KeywordValue, Options};
use crate::stats as counters;
use interp::cpython::PyCodeObject;
use pyo3::exceptions::{PyRuntimeError, PyRuntimeWarning, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyCode, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Options from the environment with `kwargs` applied on top.
fn options_from(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut options = Options::from_env(|name| std::env::var(name).ok()).map_err(|e| PyValueError::new_err(format!("pyston_lite: {e}")))?;
    for (key, value) in kwargs.into_iter().flat_map(|d| d.iter()) {
        let name: String = key.extract()?;
        let value = keyword_value(&value)?;
        match options.set_keyword(&name, &value) {
            Ok(true) => {}
            Ok(false) => {
                return Err(PyTypeError::new_err(format!(
                    "enable() got an unexpected keyword argument '{name}' \
                     (options: threshold, loop_threshold, max_code_mb, stats, perf_map, deny, deny_file)"
                )))
            }
            Err(e) => return Err(PyValueError::new_err(format!("pyston_lite: {e}"))),
        }
    }
    Ok(options)
}

fn keyword_value(value: &Bound<'_, PyAny>) -> PyResult<KeywordValue> {
    let repr = || -> PyResult<String> { Ok(value.repr()?.to_string()) };
    let strings = |items: Vec<Bound<'_, PyAny>>| -> PyResult<Option<Vec<String>>> {
        items.iter().map(|item| item.cast::<PyString>().ok().map(|s| s.to_str().map(str::to_string)).transpose()).collect()
    };
    // A path object (`deny_file=pathlib.Path(...)`) counts as its str.
    let path = match value.hasattr("__fspath__")? {
        true => value.call_method0("__fspath__").ok().filter(|p| p.is_instance_of::<PyString>()),
        false => None,
    };
    Ok(if let Ok(text) = path.as_ref().unwrap_or(value).cast::<PyString>() {
        KeywordValue::Str { text: text.to_str()?.to_string(), repr: repr()? }
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        match strings(value.try_iter()?.collect::<PyResult<Vec<_>>>()?)? {
            Some(items) => KeywordValue::StrList { items, repr: repr()? },
            None => KeywordValue::Other(repr()?),
        }
    } else if value.is_instance_of::<PyBool>() {
        KeywordValue::Bool(value.extract()?)
    } else if value.is_instance_of::<PyInt>() {
        // Out-of-range integers become Other so they are reported, not wrapped.
        match value.extract::<i128>() {
            Ok(n) => KeywordValue::Int(n),
            Err(_) => KeywordValue::Other(value.repr()?.to_string()),
        }
    } else if value.is_instance_of::<PyFloat>() {
        KeywordValue::Float(value.extract()?)
    } else {
        KeywordValue::Other(value.repr()?.to_string())
    })
}

/// Turns the JIT on (idempotent). Options come from the environment
/// (`PYSTON_LITE_THRESHOLD`, `PYSTON_LITE_MAX_CODE_MB`, `PYSTON_LITE_STATS`,
/// `PYSTON_LITE_PERF_MAP`, `PYSTON_LITE_DENY`, ...) and are overridden by the keywords
/// `threshold`, `loop_threshold`, `max_code_mb`, `stats`, `perf_map`, `deny` (a list of
/// `module:qualname` patterns, or one comma-separated string), `deny_file` (a path).
/// Raises ValueError for a bad value, TypeError for an unknown keyword, RuntimeError in a
/// sub-interpreter or when another frame evaluator replaced ours and is still installed.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn enable(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let options = options_from(kwargs)?;
    // Checked before the co_extra index is requested: CPython keeps that index per
    // interpreter, and the one the hook uses must be the main interpreter's.
    if !hook::in_main_interpreter() {
        return Err(enable_error(EnableError::SubInterpreter));
    }
    code_state::extra_index().map_err(PyRuntimeError::new_err)?;
    if let Some(path) = &options.stats_file {
        *STATS_FILE.lock() = Some(path.clone());
    }
    if options.print_stats_at_exit || options.stats_file.is_some() {
        register_exit_report(py)?;
    }
    hook::enable(&options).map_err(enable_error)
}

fn enable_error(e: EnableError) -> PyErr {
    PyRuntimeError::new_err(format!("pyston_lite.enable(): {e}"))
}

/// Turns the JIT off and puts back the evaluator that was installed before it. If another
/// PEP 523 evaluator has replaced ours since, it is left in place and a RuntimeWarning says so.
/// Does nothing in a sub-interpreter.
#[pyfunction]
fn disable(py: Python<'_>) -> PyResult<()> {
    if hook::disable() == DisableOutcome::ReplacedByAnother {
        PyErr::warn(
            py,
            &py.get_type::<PyRuntimeWarning>(),
            c"pyston_lite.disable(): another frame evaluator replaced pyston_lite's; it was left \
              installed and pyston_lite now only passes frames through to its predecessor",
            1,
        )?;
    }
    Ok(())
}

/// Whether the JIT is on in this interpreter: enabled, and its evaluator is the installed one.
#[pyfunction]
fn is_enabled(_py: Python<'_>) -> bool {
    hook::is_enabled()
}

/// For the autoload, right after `enable()`: code that loops is compiled at its first entry
/// only once `__main__` starts running (see `hook::loops_wait_for_main`).
#[pyfunction]
fn _loops_wait_for_main(py: Python<'_>) -> PyResult<()> {
    let main = py.import("__main__")?.dict();
    hook::loops_wait_for_main(main.as_ptr());
    Ok(())
}

/// Whether this is the main interpreter (the autoload does nothing in sub-interpreters).
#[pyfunction]
fn _in_main_interpreter(_py: Python<'_>) -> bool {
    hook::in_main_interpreter()
}

/// Counters since the process started, as the exit report shows them (README, "stats()"
/// keys): `entries`, `code_objects`, `live_code_states`, `compiled`, `failed` (reason ->
/// count), `denied`, `code_bytes` (alive), `code_bytes_emitted`, `code_bytes_per_compiled`,
/// `compile_ns`, `compiled_instructions`, `compile_ns_per_instruction`, `deopts`,
/// `interpreted` (cause -> entries of compiled code run in the interpreter),
/// `direct_entries` (of `entries`, the frames compiled code started directly),
/// `inline_cache_hit_rates` (None unless counting is on: `LOAD_GLOBAL`, `LOAD_ATTR`,
/// `LOAD_METHOD`, `STORE_ATTR` -> `executions`, `misses`, `hit_rate`), `most_entered` (up to ten dicts:
/// `name`, `file`, `line`, `entries`, `state`, `alive`), `dict_layout_verified`.
#[pyfunction]
fn stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    // SAFETY: a Python-visible function runs with the GIL held.
    let s = unsafe { counters::snapshot() };
    let dict = PyDict::new(py);
    dict.set_item("entries", s.entries)?;
    dict.set_item("code_objects", s.code_objects)?;
    dict.set_item("live_code_states", s.live_code_states)?;
    dict.set_item("compiled", s.compiled)?;
    let failed = PyDict::new(py);
    for (reason, count) in &s.failed {
        failed.set_item(*reason, *count)?;
    }
    dict.set_item("failed", failed)?;
    dict.set_item("denied", s.denied)?;
    dict.set_item("code_bytes", s.code_bytes)?;
    dict.set_item("code_bytes_emitted", s.code_bytes_emitted)?;
    dict.set_item("code_bytes_per_compiled", s.code_bytes_per_compiled())?;
    dict.set_item("compile_ns", s.compile_ns)?;
    dict.set_item("compiled_instructions", s.compiled_instructions)?;
    dict.set_item("compile_ns_per_instruction", s.compile_ns_per_instruction())?;
    dict.set_item("deopts", s.deopts)?;
    let interpreted = PyDict::new(py);
    for (cause, count) in &s.interpreted {
        interpreted.set_item(cause.key(), *count)?;
    }
    dict.set_item("interpreted", interpreted)?;
    dict.set_item("direct_entries", s.direct_entries)?;
    match &s.caches {
        None => dict.set_item("inline_cache_hit_rates", py.None())?,
        Some(caches) => {
            let rates = PyDict::new(py);
            for cache in caches {
                let kind = PyDict::new(py);
                kind.set_item("executions", cache.executions)?;
                kind.set_item("misses", cache.misses)?;
                kind.set_item("hit_rate", cache.hit_rate())?;
                rates.set_item(cache.name, kind)?;
            }
            dict.set_item("inline_cache_hit_rates", rates)?;
        }
    }
    let most_entered = PyList::empty(py);
    for top in &s.most_entered {
        let entry = PyDict::new(py);
        entry.set_item("name", &top.name)?;
        entry.set_item("file", &top.file)?;
        entry.set_item("line", top.line)?;
        entry.set_item("entries", top.entries)?;
        entry.set_item("state", top.state)?;
        entry.set_item("alive", top.alive)?;
        most_entered.append(entry)?;
    }
    dict.set_item("most_entered", most_entered)?;
    dict.set_item("dict_layout_verified", interp::ops::dict_keys::is_verified())?;
    Ok(dict)
}

/// The code object behind a function, method, or code object.
fn code_of<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyCode>> {
    if let Ok(code) = obj.cast::<PyCode>() {
        return Ok(code.clone());
    }
    let target = if obj.hasattr("__func__")? { obj.getattr("__func__")? } else { obj.clone() };
    match target.getattr("__code__").ok().map(|c| c.cast_into::<PyCode>()) {
        Some(Ok(code)) => Ok(code),
        _ => Err(PyTypeError::new_err(format!("expected a function, method or code object, got {}", obj.get_type().name()?))),
    }
}

/// What the JIT knows of one function: `state` ("cold", "compiled", "failed", "denied"),
/// `reason` (why it failed, else None), `denied_by` (the deny pattern that matched it, else
/// None, also for `deny()`), `entries`, `code_bytes`, `compile_ns` (time its compilation
/// took, 0 if none was tried).
#[pyfunction]
fn info<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let code = code_of(obj)?;
    let dict = PyDict::new(py);
    // SAFETY: `code` is a live code object (we hold a reference) and the GIL is held.
    let state = unsafe { code_state::get(code.as_ptr().cast::<PyCodeObject>()) };
    let (name, reason, denied_by, entries, code_bytes, compile_ns) = match state {
        None => ("cold", None, None, 0, 0, 0),
        Some(state) => {
            let (reason, denied_by) = match &state.compile {
                CompileState::Failed(f) => (Some(f.to_string()), None),
                CompileState::Denied(pattern) => (None, pattern.as_deref().map(str::to_string)),
                _ => (None, None),
            };
            let bytes = state.machine_code.as_ref().map_or(0, |c| c.code_bytes);
            (state.compile.name(), reason, denied_by, state.direct.entries, bytes, state.compile_ns)
        }
    };
    dict.set_item("state", name)?;
    dict.set_item("reason", reason)?;
    dict.set_item("denied_by", denied_by)?;
    dict.set_item("entries", entries)?;
    dict.set_item("code_bytes", code_bytes)?;
    dict.set_item("compile_ns", compile_ns)?;
    Ok(dict)
}

/// The machine code of a compiled function, for tools: `(address, length, [(bytecode
/// offset, native offset), ...])`, or None when it has none.
#[pyfunction]
fn _code_map(obj: &Bound<'_, PyAny>) -> PyResult<Option<jit::CodeMap>> {
    let code = code_of(obj)?;
    // SAFETY: `code` is a live code object (we hold a reference) and the GIL is held.
    let state = unsafe { code_state::get(code.as_ptr().cast::<PyCodeObject>()) };
    Ok(state.and_then(|s| s.machine_code.as_ref()).and_then(|c| c.code_map()))
}

/// The machine code of a compiled function decoded, for `pyston_lite.dis`: a dict with
/// `address`, `length`, `cold_start` (native offset of the cold section), `offsets`
/// (`[(bytecode offset, native offset)]`), `notes` (`[(native offset, kind, value)]`: what
/// starts there, see `note_tuple`) and `instructions` (`[(native offset, length, text,
/// branch target offset or None, 64-bit immediate or None, comment or None)]`), or None when
/// it has no machine code. NotImplementedError where there is no disassembler.
#[pyfunction]
fn _disassemble<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyDict>>> {
    let code = code_of(obj)?;
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (py, code);
        Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
            "pyston_lite.dis: no disassembler for {} machine code yet (x86-64 only)",
            std::env::consts::ARCH
        )))
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `code` is a live code object (we hold a reference) and the GIL is held.
        let state = unsafe { code_state::get(code.as_ptr().cast::<PyCodeObject>()) };
        let compiled = state.and_then(|s| s.machine_code.as_ref());
        #[cfg(codegen)]
        if let Some(listing) = compiled.and_then(|c| c.listing()) {
            return listing_dict(py, &listing).map(Some);
        }
        let _ = (py, compiled);
        Ok(None)
    }
}

/// [`_disassemble`]'s dict for `listing` (the code state, and so the code, stays alive while
/// the caller holds the function and the GIL).
#[cfg(codegen)]
fn listing_dict<'py>(py: Python<'py>, listing: &jit::compiled::Listing<'_>) -> PyResult<Bound<'py, PyDict>> {
    let caches = [("global cache", listing.global_caches), ("attribute cache", listing.attr_caches)];
    // SAFETY: the GIL is held, so this thread has a live thread state and interpreter (the
    // main one: compiled code exists only there, and it checks this interpreter's word).
    let breaker = unsafe { interp::cpython::eval_breaker_addr((*interp::cpython::PyThreadState_Get()).interp) } as u64;
    let describe = |value: u64| {
        if value == breaker {
            return Some("eval breaker".to_string());
        }
        caches.iter().find_map(|(what, array)| {
            array.entry_at(value as usize).map(|(index, offset)| match offset {
                0 => format!("{what} {index}"),
                _ => format!("{what} {index} + {offset:#x}"),
            })
        })
    };
    let lines = crate::disasm::disassemble(listing.code, listing.address, &describe);
    let instructions: Vec<_> = lines.into_iter().map(|l| (l.offset, l.len, l.text, l.target, l.immediate, l.comment)).collect();
    let notes: Vec<_> = listing
        .notes
        .marks
        .iter()
        .map(|&(offset, note)| {
            let (kind, value) = note_tuple(note);
            (offset, kind, value)
        })
        .collect();
    let dict = PyDict::new(py);
    dict.set_item("address", listing.address)?;
    dict.set_item("length", listing.code.len())?;
    dict.set_item("cold_start", listing.notes.cold_start)?;
    dict.set_item("offsets", &listing.offsets)?;
    dict.set_item("notes", notes)?;
    dict.set_item("instructions", instructions)?;
    Ok(dict)
}

/// A note as `(kind, value)`: `("prologue", None)`, `("deopt", None)`, `("exit", None)`,
/// `("cold", bytecode offset it serves)`, `("error_exit", stack effect)`,
/// `("dealloc", None)`, `("owning_jump", None)`.
#[cfg(codegen)]
fn note_tuple(note: jit::codegen::notes::Note) -> (&'static str, Option<i64>) {
    use jit::codegen::notes::Note;
    match note {
        Note::Prologue => ("prologue", None),
        Note::Deopt => ("deopt", None),
        Note::Exit => ("exit", None),
        Note::ColdBlock { owner } => ("cold", Some(owner.into())),
        Note::ErrorExit { stack_effect } => ("error_exit", Some(stack_effect.into())),
        Note::DeallocStub => ("dealloc", None),
        Note::OwningJump => ("owning_jump", None),
    }
}

/// Compiles a function (or code object) that has not been compiled yet, as its first hot
/// entry would (`python -m pyston_lite dis` uses it for functions that have not run).
/// Returns whether it has machine code now; `info()` says why not. RuntimeError unless the
/// JIT is enabled.
#[pyfunction]
fn _compile(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let code = code_of(obj)?;
    if !hook::is_enabled() {
        return Err(PyRuntimeError::new_err("pyston_lite: the JIT is not enabled (call pyston_lite.enable() first)"));
    }
    let code = code.as_ptr().cast::<PyCodeObject>();
    // SAFETY: live code object (we hold a reference), GIL held.
    let state = unsafe { code_state::get_or_create(code) }
        .ok_or_else(|| pyo3::exceptions::PyMemoryError::new_err("cannot attach state to code"))?;
    // SAFETY: as above; `state` is the state of `code`.
    Ok(unsafe { hook::compile_if_cold(state, code) })
}

/// Never compile this function (or code object): its frames always run in the interpreter.
/// Returns its argument, so that it works as a decorator (`@pyston_lite.deny`).
#[pyfunction]
fn deny<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let code = code_of(obj)?;
    if !hook::in_main_interpreter() {
        return Err(PyRuntimeError::new_err("pyston_lite.deny(): the JIT runs in the main interpreter only"));
    }
    code_state::extra_index().map_err(PyRuntimeError::new_err)?;
    // SAFETY: live code object (we hold a reference), GIL held.
    let state = unsafe { code_state::get_or_create(code.as_ptr().cast::<PyCodeObject>()) }
        .ok_or_else(|| pyo3::exceptions::PyMemoryError::new_err("cannot attach state to code"))?;
    state.deny(None);
    Ok(obj.clone())
}

/// Where the exit report goes instead of stderr (`PYSTON_LITE_STATS_FILE`).
static STATS_FILE: parking_lot::Mutex<Option<String>> = parking_lot::Mutex::new(None);

/// Prints the statistics report (a summary line, then a table) to stderr, or appends it to
/// the stats file; registered with `atexit` when the `stats` option is on or a stats file
/// is set.
#[pyfunction]
fn print_stats() {
    // SAFETY: a Python-visible function runs with the GIL held.
    let report = unsafe { counters::snapshot() }.to_string();
    use std::io::Write;
    // One write of the whole report, so that processes appending to one file do not
    // interleave their lines.
    match STATS_FILE.lock().as_deref() {
        Some(path) => {
            let appended =
                std::fs::OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(report.as_bytes()));
            if let Err(e) = appended {
                eprintln!("pyston_lite: cannot append stats to {path}: {e}");
            }
        }
        None => {
            let _ = std::io::stderr().write_all(report.as_bytes());
        }
    }
}

fn register_exit_report(py: Python<'_>) -> PyResult<()> {
    static REGISTERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !REGISTERED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        let report = wrap_pyfunction!(print_stats, py)?;
        py.import("atexit")?.call_method1("register", (report,))?;
    }
    Ok(())
}

pub fn add_to_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(enable, m)?)?;
    m.add_function(wrap_pyfunction!(disable, m)?)?;
    m.add_function(wrap_pyfunction!(is_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(_in_main_interpreter, m)?)?;
    m.add_function(wrap_pyfunction!(_loops_wait_for_main, m)?)?;
    m.add_function(wrap_pyfunction!(stats, m)?)?;
    m.add_function(wrap_pyfunction!(info, m)?)?;
    m.add_function(wrap_pyfunction!(deny, m)?)?;
    m.add_function(wrap_pyfunction!(_code_map, m)?)?;
    m.add_function(wrap_pyfunction!(_disassemble, m)?)?;
    m.add_function(wrap_pyfunction!(_compile, m)?)?;
    m.add_function(wrap_pyfunction!(print_stats, m)?)?;
    Ok(())
}
