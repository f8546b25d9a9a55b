//! Process-wide counters behind `stats()` and the exit-time report (`PYSTON_LITE_STATS`):
//! a summary line scripts can grep, then a table a person reads.

use interp::cpython::PyCodeObject;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Frames entered through the hook while the JIT was enabled (those that calls in compiled
/// code start directly are counted in `interp::direct::DIRECT_ENTRIES`).
pub static ENTRIES: AtomicU64 = AtomicU64::new(0);
/// Code objects that got per-code state (seen by the hook at least once).
pub static CODE_OBJECTS: AtomicU64 = AtomicU64::new(0);
/// Per-code states currently alive (created minus freed with their code objects).
pub static LIVE_CODE_STATES: AtomicU64 = AtomicU64::new(0);
/// Successful compilations.
pub static COMPILED: AtomicU64 = AtomicU64::new(0);
/// Bytes of machine code currently alive.
pub static CODE_BYTES: AtomicU64 = AtomicU64::new(0);
/// Bytes of machine code produced by every successful compile (freed code included).
pub static CODE_BYTES_EMITTED: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds spent compiling (successful or not).
pub static COMPILE_NS: AtomicU64 = AtomicU64::new(0);
/// Bytecode instructions (code units, `EXTENDED_ARG` included) of the code objects whose
/// compile was tried: the denominator of the compile time per instruction.
pub static COMPILED_INSTRUCTIONS: AtomicU64 = AtomicU64::new(0);
/// Code objects denied, by a pattern or by `deny()`.
pub static DENIED: AtomicU64 = AtomicU64::new(0);
/// Failed compilations, by reason name.
pub static FAILED: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// Why a frame of compiled code ran in the interpreter at its entry.
#[derive(Clone, Copy, Debug)]
pub enum Interpreted {
    /// Tracing or profiling was on.
    Tracing,
    /// `generator.throw()` (and `close()`): the evaluator's error path.
    Throw,
    /// `f_globals` or `f_builtins` is not an exact dict.
    GlobalsNotDict,
    /// One more frame would reach the recursion limit (the evaluator raises the error).
    RecursionLimit,
    /// A generator suspended where the machine code has no resume point.
    NotAtResumePoint,
}

impl Interpreted {
    pub const ALL: [Interpreted; 5] =
        [Interpreted::Tracing, Interpreted::Throw, Interpreted::GlobalsNotDict, Interpreted::RecursionLimit, Interpreted::NotAtResumePoint];

    /// The key in `stats()["interpreted"]`.
    pub fn key(self) -> &'static str {
        match self {
            Interpreted::Tracing => "tracing",
            Interpreted::Throw => "throw",
            Interpreted::GlobalsNotDict => "globals_not_dict",
            Interpreted::RecursionLimit => "recursion_limit",
            Interpreted::NotAtResumePoint => "not_at_resume_point",
        }
    }

    /// The words the table uses.
    fn label(self) -> &'static str {
        match self {
            Interpreted::Tracing => "tracing",
            Interpreted::Throw => "throw",
            Interpreted::GlobalsNotDict => "globals not dicts",
            Interpreted::RecursionLimit => "recursion limit",
            Interpreted::NotAtResumePoint => "no resume point",
        }
    }
}

/// Entries of compiled code that ran in the interpreter, by [`Interpreted`] cause.
static INTERPRETED: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

/// Counts an entry of compiled code that runs in the interpreter.
pub fn count_interpreted(cause: Interpreted) {
    bump(&INTERPRETED[cause as usize]);
}

pub fn count_failure(reason: &'static str) {
    *FAILED.lock().entry(reason).or_insert(0) += 1;
}

/// Adds one. Callers hold the GIL, which orders the updates, so a plain load and store
/// (no locked read-modify-write on the frame-entry path) loses nothing.
#[inline]
pub fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Relaxed) + 1, Relaxed);
}

/// One of the most entered code objects.
#[derive(Debug, Clone)]
pub struct TopEntry {
    pub entries: u64,
    /// `co_name`.
    pub name: String,
    pub file: String,
    pub line: i32,
    /// `info()`'s state name when counted (at its free for a freed one).
    pub state: &'static str,
    /// Whether the code object is still alive.
    pub alive: bool,
}

impl TopEntry {
    /// # Safety
    /// `code` is a code object whose name and file are alive; the GIL is held.
    pub unsafe fn of(code: *mut PyCodeObject, entries: u64, state: &'static str, alive: bool) -> TopEntry {
        // Called from a code object's deallocator too, which may run while an exception is
        // set: a file name that is not UTF-8 must not replace it.
        let (mut kind, mut value, mut traceback) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: GIL held (caller); what is fetched is restored below.
        unsafe { pyo3::ffi::PyErr_Fetch(&mut kind, &mut value, &mut traceback) };
        // SAFETY: forwarded from the caller.
        let (name, file) = unsafe { (text((*code).co_name), text((*code).co_filename)) };
        // SAFETY: GIL held; restores what was fetched (NULLs included).
        unsafe { pyo3::ffi::PyErr_Restore(kind, value, traceback) };
        // SAFETY: live code object (caller).
        let line = unsafe { (*code).co_firstlineno };
        TopEntry { entries, name, file, line, state, alive }
    }
}

/// A str object's text (`?` for anything else).
///
/// # Safety
/// `object` is NULL or live; the GIL is held.
unsafe fn text(object: *mut pyo3::ffi::PyObject) -> String {
    let mut size = 0;
    // SAFETY: live str (checked); the UTF-8 buffer lives as long as the object.
    unsafe {
        if object.is_null() || pyo3::ffi::PyUnicode_Check(object) == 0 {
            return "?".into();
        }
        let data = pyo3::ffi::PyUnicode_AsUTF8AndSize(object, &mut size);
        if data.is_null() {
            pyo3::ffi::PyErr_Clear();
            return "?".into();
        }
        String::from_utf8_lossy(std::slice::from_raw_parts(data.cast::<u8>(), size as usize)).into_owned()
    }
}

/// A consistent-enough copy of every counter (each read is atomic, the set is not).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub entries: u64,
    pub code_objects: u64,
    pub live_code_states: u64,
    pub compiled: u64,
    pub failed: BTreeMap<&'static str, u64>,
    pub denied: u64,
    pub code_bytes: u64,
    pub code_bytes_emitted: u64,
    pub compile_ns: u64,
    pub compiled_instructions: u64,
    /// Frames that left machine code for the interpreter because tracing started.
    pub deopts: u64,
    /// Entries of compiled code that ran in the interpreter, by cause.
    pub interpreted: Vec<(Interpreted, u64)>,
    /// Of `entries`, the frames that calls and resumptions in compiled code started in
    /// machine code directly (`interp::direct`).
    pub direct_entries: u64,
    /// Per kind of inline cache (`interp::ops::cache_counts::NAMES`): executions counted
    /// and misses; `None` when counting was never on.
    pub caches: Option<[CacheCount; 4]>,
    pub most_entered: Vec<TopEntry>,
}

/// Executions of one kind of cached instruction and how many of them missed.
#[derive(Debug, Clone, Copy)]
pub struct CacheCount {
    pub name: &'static str,
    pub executions: u64,
    pub misses: u64,
}

impl CacheCount {
    /// Hits per execution, `None` before any execution was counted.
    pub fn hit_rate(&self) -> Option<f64> {
        (self.executions > 0).then(|| self.executions.saturating_sub(self.misses) as f64 / self.executions as f64)
    }
}

/// The inline-cache counts, when counting was on at some point.
fn cache_counts() -> Option<[CacheCount; 4]> {
    use interp::ops::cache_counts::{EXECUTIONS, MISSES, NAMES};
    let counts: [CacheCount; 4] =
        std::array::from_fn(|k| CacheCount { name: NAMES[k], executions: EXECUTIONS[k].load(Relaxed), misses: MISSES[k].load(Relaxed) });
    (interp::ops::cache_counts::counting() || counts.iter().any(|c| c.executions > 0)).then_some(counts)
}

/// The counters now, with the most entered code objects.
///
/// # Safety
/// GIL held (the live states are read).
pub unsafe fn snapshot() -> Snapshot {
    Snapshot {
        entries: ENTRIES.load(Relaxed) + interp::direct::DIRECT_ENTRIES.load(Relaxed),
        code_objects: CODE_OBJECTS.load(Relaxed),
        live_code_states: LIVE_CODE_STATES.load(Relaxed),
        compiled: COMPILED.load(Relaxed),
        failed: FAILED.lock().clone(),
        denied: DENIED.load(Relaxed),
        code_bytes: CODE_BYTES.load(Relaxed),
        code_bytes_emitted: CODE_BYTES_EMITTED.load(Relaxed),
        compile_ns: COMPILE_NS.load(Relaxed),
        compiled_instructions: COMPILED_INSTRUCTIONS.load(Relaxed),
        deopts: deopts(),
        interpreted: Interpreted::ALL.iter().map(|&cause| (cause, INTERPRETED[cause as usize].load(Relaxed))).collect(),
        direct_entries: interp::direct::DIRECT_ENTRIES.load(Relaxed),
        caches: cache_counts(),
        // SAFETY: GIL held (caller).
        most_entered: unsafe { crate::code_state::most_entered() },
    }
}

fn deopts() -> u64 {
    #[cfg(codegen)]
    return interp::frame::DEOPTS.load(Relaxed);
    #[cfg(not(codegen))]
    0
}

impl Snapshot {
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    /// Bytes of machine code per compiled code object (0 before the first).
    pub fn code_bytes_per_compiled(&self) -> f64 {
        ratio(self.code_bytes_emitted as f64, self.compiled)
    }

    /// Nanoseconds of compile time per bytecode instruction (0 before the first compile).
    pub fn compile_ns_per_instruction(&self) -> f64 {
        ratio(self.compile_ns as f64, self.compiled_instructions)
    }
}

fn ratio(total: f64, count: u64) -> f64 {
    if count == 0 {
        0.0
    } else {
        total / count as f64
    }
}

/// `n` with thousands separators.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first column of the table.
const LABEL: usize = 19;

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The summary line, as before the table existed (scripts grep it).
        write!(
            f,
            "pyston_lite stats: entries={} code_objects={} compiled={} code_bytes={} compile_ms={:.1} failed={{",
            self.entries,
            self.code_objects,
            self.compiled,
            self.code_bytes,
            self.compile_ns as f64 / 1e6
        )?;
        for (i, (reason, n)) in self.failed.iter().enumerate() {
            write!(f, "{}{reason}: {n}", if i > 0 { ", " } else { "" })?;
        }
        writeln!(f, "}} denied={}", self.denied)?;

        let row = |f: &mut fmt::Formatter<'_>, label: &str, text: &str| writeln!(f, "  {label:<LABEL$}{text}");
        row(
            f,
            "code objects",
            &format!(
                "{} seen ({} alive): {} compiled, {} failed, {} denied",
                grouped(self.code_objects),
                grouped(self.live_code_states),
                grouped(self.compiled),
                grouped(self.failed_total()),
                grouped(self.denied)
            ),
        )?;
        let reasons: Vec<String> = self.failed.iter().map(|(reason, n)| format!("{reason} {}", grouped(*n))).collect();
        let reasons = if reasons.is_empty() { "none".to_string() } else { reasons.join(", ") };
        row(f, "failed by reason", &reasons)?;
        row(
            f,
            "machine code",
            &format!(
                "{} bytes alive; {} bytes compiled, {} per compiled code object",
                grouped(self.code_bytes),
                grouped(self.code_bytes_emitted),
                grouped(self.code_bytes_per_compiled().round() as u64)
            ),
        )?;
        let compiles = self.compiled + self.failed_total();
        row(
            f,
            "compile time",
            &format!(
                "{:.1} ms for {} compiles: {:.1} us each, {:.3} us per bytecode instruction ({})",
                self.compile_ns as f64 / 1e6,
                grouped(compiles),
                ratio(self.compile_ns as f64, compiles) / 1e3,
                self.compile_ns_per_instruction() / 1e3,
                grouped(self.compiled_instructions)
            ),
        )?;
        row(
            f,
            "frame entries",
            &format!("{} ({} started by compiled code directly)", grouped(self.entries), grouped(self.direct_entries)),
        )?;
        let mut causes = String::new();
        for (i, (cause, n)) in self.interpreted.iter().enumerate() {
            let _ = write!(causes, "{}{} {}", if i > 0 { ", " } else { "" }, cause.label(), grouped(*n));
        }
        row(f, "interpreted", &format!("although compiled: {causes}"))?;
        row(f, "left machine code", &format!("tracing started {}", grouped(self.deopts)))?;
        match &self.caches {
            None => row(f, "inline caches", "hit rates not counted (counting is on with PYSTON_LITE_STATS)")?,
            Some(caches) => {
                for (i, cache) in caches.iter().enumerate() {
                    // Rounded down, so that 100.0% means no miss at all.
                    let rate = cache.hit_rate().map_or("-".to_string(), |r| format!("{:.1}%", (r * 1000.0).floor() / 10.0));
                    let text =
                        format!("{:<12} {:>7} hits of {} ({} misses)", cache.name, rate, grouped(cache.executions), grouped(cache.misses));
                    row(f, if i == 0 { "inline caches" } else { "" }, &text)?;
                }
            }
        }
        if self.most_entered.is_empty() {
            return row(f, "most entered", "none");
        }
        row(f, "most entered", &format!("{:>13}  {:<9} code", "entries", "state"))?;
        for top in &self.most_entered {
            let freed = if top.alive { "" } else { ", freed" };
            row(f, "", &format!("{:>13}  {:<9} {} ({}:{}{freed})", grouped(top.entries), top.state, top.name, top.file, top.line))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn table_has_a_summary_line_and_a_row_per_subject() {
        let snapshot = Snapshot {
            entries: 1500,
            code_objects: 12,
            live_code_states: 10,
            compiled: 8,
            failed: BTreeMap::from([("code_memory_full", 2)]),
            denied: 1,
            code_bytes: 4000,
            code_bytes_emitted: 4800,
            compile_ns: 2_000_000,
            compiled_instructions: 1000,
            deopts: 3,
            interpreted: Interpreted::ALL.iter().map(|&c| (c, c as u64)).collect(),
            direct_entries: 1000,
            caches: Some([
                CacheCount { name: "LOAD_GLOBAL", executions: 2000, misses: 1 },
                CacheCount { name: "LOAD_ATTR", executions: 400, misses: 100 },
                CacheCount { name: "LOAD_METHOD", executions: 0, misses: 0 },
                CacheCount { name: "STORE_ATTR", executions: 10, misses: 10 },
            ]),
            most_entered: vec![TopEntry { entries: 1200, name: "f".into(), file: "a.py".into(), line: 3, state: "compiled", alive: false }],
        };
        let text = snapshot.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "pyston_lite stats: entries=1500 code_objects=12 compiled=8 code_bytes=4000 compile_ms=2.0 failed={code_memory_full: 2} denied=1"
        );
        assert_eq!(lines[1], "  code objects       12 seen (10 alive): 8 compiled, 2 failed, 1 denied");
        assert_eq!(lines[2], "  failed by reason   code_memory_full 2");
        assert_eq!(lines[3], "  machine code       4,000 bytes alive; 4,800 bytes compiled, 600 per compiled code object");
        assert_eq!(lines[4], "  compile time       2.0 ms for 10 compiles: 200.0 us each, 2.000 us per bytecode instruction (1,000)");
        assert_eq!(lines[5], "  frame entries      1,500 (1,000 started by compiled code directly)");
        assert_eq!(
            lines[6],
            "  interpreted        although compiled: tracing 0, throw 1, globals not dicts 2, recursion limit 3, no resume point 4"
        );
        assert_eq!(lines[7], "  left machine code  tracing started 3");
        assert_eq!(lines[8], "  inline caches      LOAD_GLOBAL    99.9% hits of 2,000 (1 misses)");
        assert_eq!(lines[9], "                     LOAD_ATTR      75.0% hits of 400 (100 misses)");
        assert_eq!(lines[10], "                     LOAD_METHOD        - hits of 0 (0 misses)");
        assert_eq!(lines[11], "                     STORE_ATTR      0.0% hits of 10 (10 misses)");
        assert_eq!(lines[12], "  most entered             entries  state     code");
        assert_eq!(lines[13], "                             1,200  compiled  f (a.py:3, freed)");
        assert_eq!(lines.len(), 14);
    }
}
