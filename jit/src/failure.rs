//! Why a code object was not compiled: every reason has a stable name (counted in
//! `stats()["failed"]`, shown by `info()`) and a sentence for humans.

/// A named reason for not compiling a code object. A failure is remembered per code object
/// and never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompileFailure {
    /// The code-memory budget (`PYSTON_LITE_MAX_CODE_MB`) is used up.
    CodeMemoryFull,
    /// This build does not run machine code for this architecture and version yet.
    NoCodeGenerator,
    /// `co_code` that the evaluator could not run either (odd length, jump out of range).
    MalformedBytecode,
    /// An opcode number this CPython version does not define.
    UnknownOpcode(u8),
    /// The code generator has no emitter for this opcode yet.
    UnsupportedOpcode(u8),
    /// The assembler refused the generated code (a compiler bug, reported not crashed).
    AssemblerError,
    /// The code arena failed for a reason other than its budget (e.g. the OS refused memory).
    CodeMemoryError,
}

impl CompileFailure {
    /// The stable, machine-readable name.
    pub fn name(self) -> &'static str {
        match self {
            CompileFailure::CodeMemoryFull => "code_memory_full",
            CompileFailure::NoCodeGenerator => "no_code_generator",
            CompileFailure::MalformedBytecode => "malformed_bytecode",
            CompileFailure::UnknownOpcode(_) => "unknown_opcode",
            CompileFailure::UnsupportedOpcode(_) => "unsupported_opcode",
            CompileFailure::AssemblerError => "assembler_error",
            CompileFailure::CodeMemoryError => "code_memory_error",
        }
    }

    /// A sentence saying what happened and what a user can do.
    pub fn description(self) -> &'static str {
        match self {
            CompileFailure::CodeMemoryFull => "the machine-code budget is used up (raise PYSTON_LITE_MAX_CODE_MB)",
            CompileFailure::NoCodeGenerator => "this build does not run machine code yet; the frame runs in the interpreter",
            CompileFailure::MalformedBytecode => "the bytecode is malformed",
            CompileFailure::UnknownOpcode(_) => "the bytecode uses an opcode this CPython does not define",
            CompileFailure::UnsupportedOpcode(_) => "the code generator does not handle one of its opcodes yet",
            CompileFailure::AssemblerError => "the assembler rejected the generated code",
            CompileFailure::CodeMemoryError => "the operating system refused code memory",
        }
    }
}

impl std::fmt::Display for CompileFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name(), self.description())?;
        match self {
            CompileFailure::UnknownOpcode(op) => write!(f, " ({op})"),
            CompileFailure::UnsupportedOpcode(op) => {
                let name = interp::opcode::info(*op).map_or("?", |i| i.name);
                write!(f, " ({name})")
            }
            _ => Ok(()),
        }
    }
}
