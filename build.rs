//! Build script of the root crate: the per-version cfg, and libpython's rpath so that
//! `cargo test` can run on an embedded interpreter.

include!("build_support/python_version.rs");

fn main() {
    emit_python_version_cfg();
    pyo3_build_config::add_libpython_rpath_link_args();
    println!("cargo:rerun-if-changed=build_support/python_version.rs");
}
