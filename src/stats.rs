//! Process-wide counters behind `stats()` and the exit-time report.

use parking_lot::Mutex;
use std::collections::BTreeMap;
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
/// Nanoseconds spent compiling (successful or not).
pub static COMPILE_NS: AtomicU64 = AtomicU64::new(0);
/// Failed compilations, by reason name.
pub static FAILED: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

pub fn count_failure(reason: &'static str) {
    *FAILED.lock().entry(reason).or_insert(0) += 1;
}

/// Adds one. Callers hold the GIL, which orders the updates, so a plain load and store
/// (no locked read-modify-write on the frame-entry path) loses nothing.
#[inline]
pub fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Relaxed) + 1, Relaxed);
}

/// A consistent-enough copy of every counter (each read is atomic, the set is not).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub entries: u64,
    pub code_objects: u64,
    pub live_code_states: u64,
    pub compiled: u64,
    pub code_bytes: u64,
    pub compile_ns: u64,
    pub failed: BTreeMap<&'static str, u64>,
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        entries: ENTRIES.load(Relaxed) + interp::direct::DIRECT_ENTRIES.load(Relaxed),
        code_objects: CODE_OBJECTS.load(Relaxed),
        live_code_states: LIVE_CODE_STATES.load(Relaxed),
        compiled: COMPILED.load(Relaxed),
        code_bytes: CODE_BYTES.load(Relaxed),
        compile_ns: COMPILE_NS.load(Relaxed),
        failed: FAILED.lock().clone(),
    }
}

impl std::fmt::Display for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        f.write_str("}")
    }
}
