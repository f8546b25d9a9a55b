//! Build script of `jit`: the per-version cfg, and libpython's rpath so unit tests that
//! touch CPython symbols can run.

include!("../build_support/python_version.rs");

fn main() {
    emit_python_version_cfg();
    pyo3_build_config::add_libpython_rpath_link_args();
    println!("cargo:rerun-if-changed=../build_support/python_version.rs");
}
