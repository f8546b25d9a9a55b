//! `interp`: everything that knows CPython's insides, version by version — the `#[repr(C)]`
//! mirrors of its structs (checked against the build-time probe), the symbols pyo3-ffi lacks,
//! and, as the compiler grows, opcode tables and the per-opcode helpers machine code calls.
//!
//! Exactly one of the cfgs `py37`, `py38`, `py39`, `py310` is set by `build.rs`.

pub mod bytecode;
pub mod cpython;
pub mod direct;
/// The frame driver exists for the versions with a code generator (all four).
pub mod frame;
pub mod opcode;
pub mod ops;

/// The `(major, minor)` CPython version this crate was built against.
pub const BUILD_VERSION: (u8, u8) = {
    let hex = cpython::layout::PY_VERSION_HEX;
    (((hex >> 24) & 0xff) as u8, ((hex >> 16) & 0xff) as u8)
};
