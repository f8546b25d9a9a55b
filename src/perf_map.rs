//! `/tmp/perf-<pid>.map`: one line per compiled code object (`start size name`), the
//! format `perf report` reads to name code that no ELF file describes. On when
//! `PYSTON_LITE_PERF_MAP=1`.

use parking_lot::Mutex;
use std::fs::File;
use std::io::Write;
use std::sync::atomic::AtomicBool;

/// Whether compiled code is recorded.
pub static ENABLED: AtomicBool = AtomicBool::new(false);

/// The open map and the process it belongs to (a forked child writes its own file).
static MAP: Mutex<Option<(u32, File)>> = Mutex::new(None);

/// Records `size` bytes of machine code at `start` as `name`. Errors are ignored: the map
/// is a debugging aid and must never change what the program does.
pub fn record(start: usize, size: usize, name: &str) {
    let pid = std::process::id();
    let mut map = MAP.lock();
    if map.as_ref().is_none_or(|(owner, _)| *owner != pid) {
        *map = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("/tmp/perf-{pid}.map"))
            .ok()
            .map(|f| (pid, f));
    }
    if let Some((_, file)) = map.as_mut() {
        let _ = writeln!(file, "{start:x} {size:x} py::{name}");
    }
}
