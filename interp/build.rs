//! Build script of `interp`: picks the per-version cfg and runs the C layout probe
//! (`probe/layout.c`) against the target interpreter's own headers, writing the offsets to
//! `$OUT_DIR/layout.rs` for the compile-time checks in `src/cpython/`.

use std::path::PathBuf;
use std::process::Command;

include!("../build_support/python_version.rs");

fn main() {
    let config = emit_python_version_cfg();
    pyo3_build_config::add_libpython_rpath_link_args();
    let python = config.executable.clone().expect("PyO3 did not report the interpreter's executable; set PYO3_PYTHON");
    let include_dir = query(&python, "import sysconfig; print(sysconfig.get_paths()['include'])");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let probe_exe = out_dir.join("layout_probe");
    println!("cargo:rerun-if-changed=probe/layout.c");
    println!("cargo:rerun-if-changed=../build_support/python_version.rs");

    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let status = Command::new(&cc)
        .args(["-O0", "-o"])
        .arg(&probe_exe)
        .arg("-I")
        .arg(&include_dir)
        .arg("probe/layout.c")
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}` for the layout probe: {e}"));
    assert!(
        status.success(),
        "the layout probe failed to compile against {include_dir}; are the interpreter's \
         headers (including internal/) installed?"
    );
    let output = Command::new(&probe_exe).output().expect("cannot run the layout probe");
    assert!(output.status.success(), "the layout probe exited with {}", output.status);
    std::fs::write(out_dir.join("layout.rs"), output.stdout).expect("cannot write layout.rs");
}

/// Runs `python -c code` and returns its trimmed stdout.
fn query(python: &str, code: &str) -> String {
    let output = Command::new(python).args(["-c", code]).output().unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(output.status.success(), "{python} -c {code:?} failed");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}
