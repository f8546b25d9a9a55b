//! Mirrors of CPython's private structs and declarations of the exported symbols that
//! pyo3-ffi lacks or types differently. Every field offset used by Rust code is checked at
//! compile time against `layout` (the C probe's output) — see the `const _` blocks.

pub mod layout {
    //! Offsets and sizes read from the real headers by `probe/layout.c` at build time.
    include!(concat!(env!("OUT_DIR"), "/layout.rs"));
}

mod code;
mod descr;
mod eval;
mod frame;
mod gen;
mod tstate;

pub use code::*;
pub use descr::*;
pub use eval::*;
pub use frame::*;
pub use gen::*;
pub use tstate::*;

/// Asserts at compile time that `$ty.$field` sits at the probed offset `$probe`.
macro_rules! check_offset {
    ($ty:ty, $field:ident, $probe:expr) => {
        const _: () =
            assert!(::core::mem::offset_of!($ty, $field) == $probe, concat!("layout mismatch: ", stringify!($ty), ".", stringify!($field)));
    };
}
pub(crate) use check_offset;
