//! Build script of the root crate: the per-version cfg, and libpython's rpath so that
//! `cargo test` can run on an embedded interpreter.

include!("build_support/python_version.rs");

fn main() {
    emit_python_version_cfg();
    pyo3_build_config::add_libpython_rpath_link_args();
    link_unwinder_statically();
    println!("cargo:rerun-if-changed=build_support/python_version.rs");
}

/// Links GCC's unwinder (`libgcc_eh.a`, what `-static-libgcc` uses) into the extension
/// instead of loading `libgcc_s.so.1` beside it: loading that library is a tenth of a
/// millisecond of every interpreter's start-up (its constructor runs `cpuid`, which traps
/// under virtualisation). Rust's `unwind` crate asks for `-lgcc_s` by name, so a linker
/// script of that name, found first on the search path, answers with the static archive.
fn link_unwinder_statically() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.contains("linux-gnu") {
        return;
    }
    let dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("static-unwinder");
    std::fs::create_dir_all(&dir).expect("create the unwinder directory");
    std::fs::write(dir.join("libgcc_s.so"), "INPUT(-lgcc_eh)\n").expect("write the unwinder linker script");
    println!("cargo:rustc-link-search=native={}", dir.display());
}
