//! Why a code object was not compiled: every reason has a stable name (counted in
//! `stats()["failed"]`, shown by `info()`) and a sentence for humans.

/// A named reason for not compiling a code object. A failure is remembered per code object
/// and never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompileFailure {
    /// The code-memory budget (`PYSTON_LITE_MAX_CODE_MB`) is used up.
    CodeMemoryFull,
    /// No machine-code generator exists yet for this architecture and version.
    NoCodeGenerator,
}

impl CompileFailure {
    /// The stable, machine-readable name.
    pub fn name(self) -> &'static str {
        match self {
            CompileFailure::CodeMemoryFull => "code_memory_full",
            CompileFailure::NoCodeGenerator => "no_code_generator",
        }
    }

    /// A sentence saying what happened and what a user can do.
    pub fn description(self) -> &'static str {
        match self {
            CompileFailure::CodeMemoryFull => {
                "the machine-code budget is used up (raise PYSTON_LITE_MAX_CODE_MB)"
            }
            CompileFailure::NoCodeGenerator => {
                "this build has no machine-code generator yet; the frame runs in the interpreter"
            }
        }
    }
}

impl std::fmt::Display for CompileFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name(), self.description())
    }
}
