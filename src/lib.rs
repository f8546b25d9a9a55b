//! `pyston_lite._native`: the extension module — the eval-frame hook, per-code state, options,
//! statistics and the Python API. The compiler lives in the `jit` crate and everything that
//! knows CPython's insides in `interp`.

mod api;
mod code_state;
mod deny;
#[cfg(target_arch = "x86_64")]
mod disasm;
mod hook;
pub mod options;
mod perf_map;
mod stats;

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;

/// Refuses to load into an interpreter other than the one this build's layouts are for.
fn check_interpreter_version(py: Python<'_>) -> PyResult<()> {
    let version_info = py.import("sys")?.getattr("version_info")?;
    let running: (u8, u8) = (version_info.get_item(0)?.extract()?, version_info.get_item(1)?.extract()?);
    let built = interp::BUILD_VERSION;
    if running != built {
        return Err(PyImportError::new_err(format!(
            "pyston_lite was built for CPython {}.{} but is being imported by CPython {}.{}; \
             reinstall it with this interpreter: {} -m pip install --force-reinstall pyston_lite",
            built.0,
            built.1,
            running.0,
            running.1,
            py.import("sys")?.getattr("executable")?
        )));
    }
    Ok(())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    check_interpreter_version(m.py())?;
    // `add` appends each name to `__all__`, creating it on first use by catching an
    // AttributeError, which costs more than the rest of the module's set-up.
    m.setattr("__all__", pyo3::types::PyList::empty(m.py()))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BUILD_PYTHON_VERSION", interp::BUILD_VERSION)?;
    api::add_to_module(m)
}
