//! The perf map (`PYSTON_LITE_PERF_MAP=1`): one line per compiled code object appended to
//! `/tmp/perf-<pid>.map` as it is compiled — `START SIZE py::<name>:<file>:<line>`, hex
//! without `0x` — so that `perf record`, `perf top` and `perf report` name frames of machine
//! code while the program runs. A forked child appends to a file of its own pid.

use interp::cpython::PyCodeObject;
use parking_lot::Mutex;
use pyo3::ffi::{PyErr_Clear, PyObject, PyUnicode_AsUTF8AndSize};
use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Whether compiled code is written to the map.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// The open map and the pid it belongs to (a forked child opens its own).
static MAP: Mutex<Option<(u32, File)>> = Mutex::new(None);

pub fn set_enabled(enabled: bool) {
    ENABLED.store(enabled, Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// The map's path for process `pid`, where perf looks for it.
pub fn path_for(pid: u32) -> String {
    format!("/tmp/perf-{pid}.map")
}

/// The symbol perf shows for `code`: `py::<co_name>:<co_filename>:<co_firstlineno>`.
///
/// # Safety
/// `code` is a live code object; the GIL is held.
pub unsafe fn symbol(code: *mut PyCodeObject) -> String {
    // SAFETY: a live code object holds its name and file name (str objects).
    unsafe { format!("py::{}:{}:{}", text((*code).co_name), text((*code).co_filename), (*code).co_firstlineno) }
}

/// A str object's text, with line breaks (which would end the map's line) as spaces; `?`
/// for anything that is not a str.
unsafe fn text(object: *mut PyObject) -> String {
    let mut size = 0;
    // SAFETY: `object` is live (caller); the UTF-8 buffer lives as long as the object.
    unsafe {
        if object.is_null() || pyo3::ffi::PyUnicode_Check(object) == 0 {
            return "?".into();
        }
        let data = PyUnicode_AsUTF8AndSize(object, &mut size);
        if data.is_null() {
            PyErr_Clear();
            return "?".into();
        }
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), size as usize);
        String::from_utf8_lossy(bytes).replace(['\n', '\r'], " ")
    }
}

/// Appends `START SIZE symbol` for machine code at `start`, `size` bytes long. A map that
/// cannot be written is given up on quietly (profiling is best effort; the program runs
/// on).
pub fn record(start: usize, size: usize, symbol: &str) {
    let pid = std::process::id();
    let mut map = MAP.lock();
    if map.as_ref().map(|(owner, _)| *owner) != Some(pid) {
        let opened = std::fs::OpenOptions::new().create(true).append(true).open(path_for(pid));
        *map = opened.ok().map(|file| (pid, file));
    }
    if let Some((_, file)) = map.as_mut() {
        // One write per line: appends of whole lines stay whole.
        if file.write_all(format!("{start:x} {size:x} {symbol}\n").as_bytes()).is_err() {
            *map = None;
        }
    }
}
