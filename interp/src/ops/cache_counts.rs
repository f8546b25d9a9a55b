//! Inline-cache statistics, counted only while counting is on (`PYSTON_LITE_STATS`): how
//! often an instruction with an inline cache ran in machine code compiled while counting
//! was on (the machine code counts it), and how often it fell back to the generic, uncached
//! operation (its slow-path helper counts that). The difference is the hits: answered from
//! the cache, inline or by the cache's shared out-of-line fast path.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// The kinds of cached instruction, indices of [`EXECUTIONS`] and [`MISSES`].
pub const LOAD_GLOBAL: usize = 0;
pub const LOAD_ATTR: usize = 1;
pub const LOAD_METHOD: usize = 2;
pub const STORE_ATTR: usize = 3;
/// Their names in `stats()` and the exit report, by index.
pub const NAMES: [&str; 4] = ["LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR"];

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Executions of cached instructions, by kind (incremented by machine code).
pub static EXECUTIONS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
/// Executions that ran the generic operation instead, by kind.
pub static MISSES: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

/// Turns counting on or off for code compiled from now on (and for misses at once).
pub fn set_counting(on: bool) {
    COUNTING.store(on, Relaxed);
}

/// Whether code compiled now counts its cached instructions.
pub fn counting() -> bool {
    COUNTING.load(Relaxed)
}

/// Counts a miss of kind `kind` while counting is on. Callers hold the GIL, which orders
/// the updates (a plain load and store, as the machine code's increment).
#[inline]
pub(crate) fn miss(kind: usize) {
    if COUNTING.load(Relaxed) {
        MISSES[kind].store(MISSES[kind].load(Relaxed) + 1, Relaxed);
    }
}
