//! Code generation: one emit function per opcode (or family) behind one opcode → function
//! table per architecture. An opcode without an entry makes the whole code object fail to
//! compile with the named reason `unsupported_opcode`.

pub mod notes;
#[cfg(codegen)]
pub mod x64;
