//! One pass over a code object's bytecode before code generation: its instructions, the
//! offsets control can arrive at other than by falling through (jump targets, block
//! handlers, generator resume points), whether it loops, and — as a named reason — why it
//! cannot be compiled.

use crate::CompileFailure;
use interp::bytecode::{self, Instruction};
use interp::opcode::{self, Flow, CODE_UNIT_BYTES};
use std::collections::BTreeSet;

/// What the compiler needs to know about a code object's bytecode.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every instruction in `co_code` order, `EXTENDED_ARG` prefixes included.
    pub instructions: Vec<Instruction>,
    /// Byte offsets that jumps and branches land on.
    pub jump_targets: BTreeSet<usize>,
    /// Byte offsets of block handlers (`SETUP_*` targets), entered by the unwinder.
    pub handler_targets: BTreeSet<usize>,
    /// Byte offsets where a suspended generator continues: after `YIELD_VALUE`, and at
    /// `YIELD_FROM` itself (it rewinds `f_lasti` so it runs again until its delegate is done).
    pub resume_points: BTreeSet<usize>,
    /// Some jump goes backwards (to its own offset or earlier): the code loops.
    pub has_loop: bool,
}

impl Analysis {
    /// Every offset at which the machine code must be enterable from the driver: the start,
    /// handlers and resume points (and, being cheap, jump targets too).
    pub fn entry_points(&self) -> BTreeSet<usize> {
        let mut entries: BTreeSet<usize> = [0].into_iter().collect();
        entries.extend(&self.handler_targets);
        entries.extend(&self.resume_points);
        entries.extend(&self.jump_targets);
        entries
    }
}

/// Analyses `co_code`. Fails on bytecode this version's evaluator could not run either:
/// unknown opcodes, jumps outside the code or into the middle of an `EXTENDED_ARG` run.
pub fn analyze(co_code: &[u8]) -> Result<Analysis, CompileFailure> {
    if co_code.is_empty() || !co_code.len().is_multiple_of(CODE_UNIT_BYTES) {
        return Err(CompileFailure::MalformedBytecode);
    }
    let instructions = bytecode::decode(co_code);
    let starts: BTreeSet<usize> = instructions.iter().map(|i| i.start).collect();
    let mut analysis = Analysis {
        instructions,
        jump_targets: BTreeSet::new(),
        handler_targets: BTreeSet::new(),
        resume_points: BTreeSet::new(),
        has_loop: false,
    };
    for instr in &analysis.instructions {
        let info = opcode::info(instr.opcode).ok_or(CompileFailure::UnknownOpcode(instr.opcode))?;
        if let Some(target) = instr.jump_target() {
            if target >= co_code.len() || !starts.contains(&target) {
                return Err(CompileFailure::MalformedBytecode);
            }
            if target <= instr.offset {
                analysis.has_loop = true;
            }
            match info.flow {
                Flow::SetupBlock => analysis.handler_targets.insert(target),
                _ => analysis.jump_targets.insert(target),
            };
        }
        if info.flow == Flow::Yield {
            let resume = if info.opcode == yield_from() { instr.start } else { instr.next_offset() };
            analysis.resume_points.insert(resume);
        }
    }
    Ok(analysis)
}

/// `YIELD_FROM`'s number (it exists on every supported version).
fn yield_from() -> u8 {
    opcode::op::YIELD_FROM
}

#[cfg(test)]
mod tests {
    use super::*;
    use interp::opcode::op;

    /// Encodes (opcode, arg) pairs as `co_code`, arguments below 256.
    fn code(ops: &[(u8, u8)]) -> Vec<u8> {
        ops.iter().flat_map(|&(op, arg)| [op, arg]).collect()
    }

    /// The argument encoding a jump to byte offset `target` from the instruction at `at`.
    fn jump_arg(op: u8, at: usize, target: usize) -> u8 {
        let unit = opcode::JUMP_UNIT_BYTES;
        let distance = match opcode::info(op).unwrap().jump {
            opcode::JumpKind::Relative => target - (at + 2),
            _ => target,
        };
        (distance / unit) as u8
    }

    #[test]
    fn straight_line_code_has_no_targets_and_no_loop() {
        let a = analyze(&code(&[(op::LOAD_CONST, 0), (op::RETURN_VALUE, 0)])).unwrap();
        assert_eq!(a.instructions.len(), 2);
        assert!(a.jump_targets.is_empty() && a.handler_targets.is_empty());
        assert!(!a.has_loop);
        assert_eq!(a.entry_points().into_iter().collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn backward_jump_is_a_loop() {
        // 0 LOAD_CONST; 2 POP_TOP; 4 JUMP_ABSOLUTE 0
        let a = analyze(&code(&[(op::LOAD_CONST, 0), (op::POP_TOP, 0), (op::JUMP_ABSOLUTE, jump_arg(op::JUMP_ABSOLUTE, 4, 0))])).unwrap();
        assert!(a.has_loop);
        assert!(a.jump_targets.contains(&0));
    }

    #[test]
    fn forward_branch_target_is_recorded() {
        // 0 LOAD_CONST; 2 POP_JUMP_IF_FALSE 8; 4 LOAD_CONST; 6 RETURN_VALUE; 8 LOAD_CONST; 10 RETURN_VALUE
        let a = analyze(&code(&[
            (op::LOAD_CONST, 0),
            (op::POP_JUMP_IF_FALSE, jump_arg(op::POP_JUMP_IF_FALSE, 2, 8)),
            (op::LOAD_CONST, 0),
            (op::RETURN_VALUE, 0),
            (op::LOAD_CONST, 1),
            (op::RETURN_VALUE, 0),
        ]))
        .unwrap();
        assert!(!a.has_loop);
        assert_eq!(a.jump_targets.iter().copied().collect::<Vec<_>>(), vec![8]);
    }

    #[test]
    fn setup_finally_target_is_a_handler() {
        // 0 SETUP_FINALLY -> 6; 2 POP_BLOCK; 4 NOP-ish LOAD_CONST; 6 LOAD_CONST; 8 RETURN_VALUE
        let a = analyze(&code(&[
            (op::SETUP_FINALLY, jump_arg(op::SETUP_FINALLY, 0, 6)),
            (op::POP_BLOCK, 0),
            (op::LOAD_CONST, 0),
            (op::LOAD_CONST, 0),
            (op::RETURN_VALUE, 0),
        ]))
        .unwrap();
        assert_eq!(a.handler_targets.iter().copied().collect::<Vec<_>>(), vec![6]);
        assert!(a.jump_targets.is_empty());
    }

    #[test]
    fn yields_give_resume_points() {
        // 0 LOAD_CONST; 2 YIELD_VALUE; 4 POP_TOP; 6 LOAD_CONST; 8 YIELD_FROM; 10 RETURN_VALUE
        let a = analyze(&code(&[
            (op::LOAD_CONST, 0),
            (op::YIELD_VALUE, 0),
            (op::POP_TOP, 0),
            (op::LOAD_CONST, 0),
            (op::YIELD_FROM, 0),
            (op::RETURN_VALUE, 0),
        ]))
        .unwrap();
        assert_eq!(a.resume_points.iter().copied().collect::<Vec<_>>(), vec![4, 8]);
    }

    #[test]
    fn malformed_code_is_refused_with_a_reason() {
        assert_eq!(analyze(&[]).unwrap_err(), CompileFailure::MalformedBytecode);
        assert_eq!(analyze(&[op::LOAD_CONST]).unwrap_err(), CompileFailure::MalformedBytecode);
        // A jump past the end.
        let past_end = code(&[(op::JUMP_ABSOLUTE, 40)]);
        assert_eq!(analyze(&past_end).unwrap_err(), CompileFailure::MalformedBytecode);
        // An opcode number no version uses.
        assert_eq!(analyze(&code(&[(0, 0)])).unwrap_err(), CompileFailure::UnknownOpcode(0));
    }
}
