//! `jit`: the compiler — from a code object to machine code, or a named reason why not.
//!
//! State of the work: analysis, the code arena and a first x86-64 code generator for 3.8
//! (a subset of opcodes, straight-line code, branches, loops, calls; no block stack, no
//! generators) exist and are tested by running compiled frames directly
//! (`tests/run_compiled.rs`). The hook does not run machine code yet — that needs the
//! tracing deopt and full opcode coverage — so [`compile`] still ends every attempt with
//! [`CompileFailure::NoCodeGenerator`] after analysis.

pub mod analysis;
pub mod codegen;
#[cfg(all(py38, target_arch = "x86_64", target_os = "linux"))]
pub mod compiled;
mod failure;
pub mod codemem;

pub use failure::CompileFailure;

use interp::cpython::PyCodeObject;

/// Machine code for one code object, ready to run.
#[derive(Debug)]
pub struct CompiledCode {
    /// Bytes of code memory it occupies.
    pub code_bytes: usize,
}

/// Compiles `code`, given how many bytes of code memory are still available.
///
/// # Safety
/// `code` must point at a live code object and the GIL must be held.
pub unsafe fn compile(code: *mut PyCodeObject, budget_left: u64) -> Result<CompiledCode, CompileFailure> {
    if budget_left == 0 {
        return Err(CompileFailure::CodeMemoryFull);
    }
    // SAFETY: live code object (caller); the slice is dropped before we return.
    let _analysis = analysis::analyze(unsafe { interp::cpython::co_code_bytes(code) })?;
    Err(CompileFailure::NoCodeGenerator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhausted_budget_is_reported_before_anything_else() {
        // SAFETY: compile() does not dereference `code` when the budget is exhausted.
        let result = unsafe { compile(std::ptr::null_mut(), 0) };
        assert_eq!(result.unwrap_err(), CompileFailure::CodeMemoryFull);
    }
}
