//! `jit`: the compiler — from a code object to machine code, or a named reason why not.
//!
//! State of the work: on 3.7, 3.8, 3.9 and 3.10 (x86-64 Linux), code objects whose opcodes
//! all have an emitter are compiled and run (generators and coroutines included); the
//! others fail with a named reason and run in the interpreter. Other platforms: analysis only.

pub mod analysis;
pub mod codegen;
pub mod codemem;
#[cfg(codegen)]
pub mod compiled;
mod failure;
mod valgrind;

pub use failure::CompileFailure;

use interp::cpython::PyCodeObject;

/// Machine code for one code object, ready to run; its memory returns to the arena when
/// this is dropped (with its code object, so no frame can be running it).
pub struct CompiledCode {
    #[cfg(codegen)]
    machine: Option<compiled::MachineCode>,
    /// Bytes of code memory it occupies.
    pub code_bytes: usize,
}

impl std::fmt::Debug for CompiledCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CompiledCode({} bytes)", self.code_bytes)
    }
}

/// Which inline caches compiled code uses; without one, its opcodes call their generic
/// helpers. Read at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum InlineCaches {
    /// None: the baseline compiler alone.
    None = 0,
    /// `LOAD_GLOBAL` only — what stock CPython 3.8–3.10 already caches (its `co_opcache`),
    /// so a comparison with stock measures the compiler, not a cache stock lacks.
    Globals = 1,
    /// `LOAD_GLOBAL`, `LOAD_ATTR`, `LOAD_METHOD`, `STORE_ATTR` (the default).
    All = 2,
}

static INLINE_CACHES: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(InlineCaches::All as u8);

/// Sets the inline caches for code compiled from now on.
pub fn set_inline_caches(caches: InlineCaches) {
    INLINE_CACHES.store(caches as u8, std::sync::atomic::Ordering::Relaxed);
}

/// The inline caches code compiled now gets.
pub fn inline_caches() -> InlineCaches {
    match INLINE_CACHES.load(std::sync::atomic::Ordering::Relaxed) {
        0 => InlineCaches::None,
        1 => InlineCaches::Globals,
        _ => InlineCaches::All,
    }
}

/// Compiles `code` into the process's code arena, whose budget is `max_code_bytes`.
///
/// # Safety
/// `code` must point at a live code object and the GIL must be held.
pub unsafe fn compile(code: *mut PyCodeObject, max_code_bytes: u64) -> Result<CompiledCode, CompileFailure> {
    if max_code_bytes == 0 {
        return Err(CompileFailure::CodeMemoryFull);
    }
    #[cfg(codegen)]
    {
        let mut arena = compiled::arena(max_code_bytes)?;
        // SAFETY: forwarded from the caller.
        let machine = unsafe { compiled::MachineCode::compile(code, &mut arena)? };
        Ok(CompiledCode { code_bytes: machine.code_bytes(), machine: Some(machine) })
    }
    #[cfg(not(codegen))]
    {
        // Bytecode no evaluator could run is reported as such even without a generator.
        // SAFETY: live code object (caller); the slice is dropped before we return.
        analysis::analyze(unsafe { interp::cpython::co_code_bytes(code) })?;
        Err(CompileFailure::NoCodeGenerator)
    }
}

/// Whether `co_code` jumps backwards anywhere (it has a loop), without allocating: the
/// hook asks it once per code object to compile looping code earlier.
pub fn has_backward_jump(co_code: &[u8]) -> bool {
    interp::bytecode::Instructions::new(co_code).any(|i| i.jump_target().is_some_and(|t| t <= i.offset))
}

/// A compiled function's machine code for tools: its address, its length, and `(bytecode
/// offset, native offset)` for each instruction that has an entry.
pub type CodeMap = (usize, usize, Vec<(usize, usize)>);

impl CompiledCode {
    /// See [`compiled::MachineCode::code_map`]; `None` on versions without a code generator.
    pub fn code_map(&self) -> Option<CodeMap> {
        #[cfg(codegen)]
        return self.machine.as_ref().map(|m| m.code_map());
        #[cfg(not(codegen))]
        None
    }

    /// How a call starts a fresh frame of this code in machine code (`interp::direct`);
    /// `None` on versions without a code generator.
    pub fn direct_machine(&self) -> Option<interp::direct::DirectMachine> {
        #[cfg(codegen)]
        return self.machine.as_ref().and_then(|m| m.direct_machine());
        #[cfg(not(codegen))]
        None
    }

    /// The machine code and its labels for a disassembler (see
    /// [`compiled::MachineCode::listing`]); `None` on versions without a code generator.
    #[cfg(codegen)]
    pub fn listing(&self) -> Option<compiled::Listing<'_>> {
        self.machine.as_ref().map(|m| m.listing())
    }

    /// Where a frame of this code whose last instruction was `f_lasti` continues in machine
    /// code, if it can run there (see [`compiled::MachineCode::entry_address`]); never on
    /// versions without a code generator.
    #[inline(always)]
    pub fn entry_address(&self, f_lasti: i32) -> Option<usize> {
        #[cfg(codegen)]
        return self.machine.as_ref().and_then(|m| m.entry_address(f_lasti));
        #[cfg(not(codegen))]
        {
            let _ = f_lasti;
            None
        }
    }

    /// Runs a frame of this code from `target`, what [`Self::entry_address`] gave for it;
    /// `fallback` continues it if it deoptimises.
    ///
    /// # Safety
    /// GIL held; `frame` is a frame of the code this was compiled from, not thrown into,
    /// with exact-dict globals and builtins; tracing is off; `target` is its entry address.
    #[cfg(codegen)]
    #[inline]
    pub unsafe fn run(
        &self,
        tstate: *mut interp::cpython::PyThreadState,
        frame: *mut interp::cpython::PyFrameObject,
        target: usize,
        fallback: interp::cpython::EvalFrameFn,
    ) -> *mut pyo3_ffi::PyObject {
        let machine = self.machine.as_ref().expect("compiled code is present until drop");
        let address_of = |offset| machine.address_of(offset);
        // SAFETY: forwarded from the caller.
        unsafe { interp::frame::run_compiled_frame(tstate, frame, machine.entry(), target, address_of, fallback) }
    }
}

#[cfg(codegen)]
impl Drop for CompiledCode {
    fn drop(&mut self) {
        if let Some(machine) = self.machine.take() {
            compiled::release(machine);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_jumps_mark_looping_code() {
        use interp::opcode::{op, JumpKind};
        // 0 LOAD_CONST 0; 2 POP_TOP; 4 JUMP_ABSOLUTE 0 (a loop), then straight-line code.
        let back_arg = 0u8;
        assert_eq!(interp::opcode::info(op::JUMP_ABSOLUTE).unwrap().jump, JumpKind::Absolute);
        let looping = [op::LOAD_CONST, 0, op::POP_TOP, 0, op::JUMP_ABSOLUTE, back_arg];
        let straight = [op::LOAD_CONST, 0, op::RETURN_VALUE, 0];
        assert!(has_backward_jump(&looping));
        assert!(!has_backward_jump(&straight));
    }

    #[test]
    fn exhausted_budget_is_reported_before_anything_else() {
        // SAFETY: compile() does not dereference `code` when the budget is zero.
        let result = unsafe { compile(std::ptr::null_mut(), 0) };
        assert_eq!(result.unwrap_err(), CompileFailure::CodeMemoryFull);
    }
}
