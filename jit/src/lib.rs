//! `jit`: the compiler — from a code object to machine code, or a named reason why not.
//!
//! This is the foundation stage: the pipeline (budget check → analysis → code generation)
//! is in place and every attempt ends with a [`CompileFailure`]; the x86-64 code generator
//! arrives with the baseline-JIT work, and with it [`CompiledCode`] values.

pub mod analysis;
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
