// Shared by the build scripts of the root crate and `interp` (pulled in with `include!`):
// maps the interpreter PyO3 builds for to our exclusive `py37`…`py310` cfgs.

/// The CPython minor versions this project supports, with the cfg each one enables.
const SUPPORTED: [(u8, &str); 4] = [(7, "py37"), (8, "py38"), (9, "py39"), (10, "py310")];

/// The versions that have a code generator on x86-64 Linux; for them the build also sets
/// the `codegen` cfg (elsewhere the hook still runs, and every code object falls back with
/// the named reason `NoCodeGenerator`).
const CODEGEN_VERSIONS: [&str; 4] = ["py37", "py38", "py39", "py310"];

/// Emits `cargo:rustc-cfg=pyXY` for the interpreter PyO3 resolved (from `PYO3_PYTHON` or
/// PATH) and returns its config; panics with a fix-it message for any other version.
fn emit_python_version_cfg() -> &'static pyo3_build_config::InterpreterConfig {
    let names: Vec<String> = SUPPORTED.iter().map(|(_, cfg)| cfg.to_string()).collect();
    println!("cargo::rustc-check-cfg=cfg({})", names.join(","));
    println!("cargo::rustc-check-cfg=cfg(codegen)");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    let config = pyo3_build_config::get();
    let version = config.version;
    let cfg = SUPPORTED
        .iter()
        .find(|(minor, _)| version.major == 3 && *minor == version.minor)
        .map(|(_, cfg)| *cfg);
    match cfg {
        Some(cfg) => {
            println!("cargo:rustc-cfg={cfg}");
            let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
            let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
            if CODEGEN_VERSIONS.contains(&cfg) && arch == "x86_64" && os == "linux" {
                println!("cargo:rustc-cfg=codegen");
            }
        }
        None => panic!(
            "\n\npyston_lite supports CPython 3.7, 3.8, 3.9 and 3.10 only, but this build targets \
             Python {}.{} ({}).\nPoint PYO3_PYTHON at a supported interpreter, e.g. \
             PYO3_PYTHON=$(pyenv root)/versions/3.8.18/bin/python\n",
            version.major,
            version.minor,
            config.executable.as_deref().unwrap_or("interpreter path unknown"),
        ),
    }
    config
}
