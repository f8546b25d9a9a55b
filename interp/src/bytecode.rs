//! Decoding of a code object's `co_code` into instructions, with `EXTENDED_ARG` prefixes folded
//! into arguments the way ceval does and jump targets resolved to byte offsets.
//!
//! Pure Rust over `&[u8]`; the opcode facts come from [`crate::opcode`].

use crate::opcode::{self, JumpKind, OpInfo, CODE_UNIT_BYTES, EXTENDED_ARG, JUMP_UNIT_BYTES};

/// One instruction of `co_code`, as ceval sees it when it dispatches it.
///
/// `EXTENDED_ARG` prefixes stay in the stream as instructions of their own (ceval executes
/// them, and jumps land on the first of them); each carries the argument accumulated so far,
/// as `dis` shows it, and the instruction they prefix carries the full argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// Byte offset of this instruction's own code unit in `co_code`.
    pub offset: usize,
    /// Byte offset of the first `EXTENDED_ARG` prefix folded into this instruction's argument
    /// (for a prefix: of the first prefix of its run), or `offset` if there is none. Jumps to
    /// this instruction target `start`; one landing at `offset` instead would see only the low
    /// byte as argument.
    pub start: usize,
    /// The opcode byte.
    pub opcode: u8,
    /// The argument with the prefixes folded in (`arg | prefixes << 8`, as a 32-bit value whose
    /// higher bits fall off as in C). Meaningless for opcodes below
    /// [`opcode::HAVE_ARGUMENT`], for which `dis` shows no argument; ceval computes it anyway.
    pub oparg: u32,
}

impl Instruction {
    /// The instruction index (`offset / 2`), the unit of 3.10's `f_lasti` and jump arguments.
    pub const fn index(&self) -> usize {
        self.offset / CODE_UNIT_BYTES
    }

    /// Byte offset of the next instruction (the base of relative jumps).
    pub const fn next_offset(&self) -> usize {
        self.offset + CODE_UNIT_BYTES
    }

    /// Whether at least one `EXTENDED_ARG` precedes this instruction as its prefix.
    pub const fn has_prefix(&self) -> bool {
        self.start != self.offset
    }

    /// The opcode's facts, or `None` for a number this version does not use.
    pub fn info(&self) -> Option<&'static OpInfo> {
        opcode::info(self.opcode)
    }

    /// The argument, if the opcode takes one (what `dis` shows as `arg`).
    pub const fn arg(&self) -> Option<u32> {
        if opcode::has_arg(self.opcode) {
            Some(self.oparg)
        } else {
            None
        }
    }

    /// The byte offset this instruction can jump to (a branch or jump target, or the handler of
    /// a `SETUP_*`), or `None` if its argument is not a jump target (or the target overflows
    /// `usize`). Handles relative vs absolute arguments and 3.10's instruction units.
    pub fn jump_target(&self) -> Option<usize> {
        let distance = (self.oparg as usize).checked_mul(JUMP_UNIT_BYTES)?;
        match self.info()?.jump {
            JumpKind::None => None,
            JumpKind::Relative => self.next_offset().checked_add(distance),
            JumpKind::Absolute => Some(distance),
        }
    }
}

/// Iterator over the instructions of a `co_code` slice; see [`decode`]. A trailing odd byte
/// (never present in a real code object) is ignored.
#[derive(Clone, Debug)]
pub struct Instructions<'a> {
    code: &'a [u8],
    /// Byte offset of the next code unit to read.
    pos: usize,
    /// The argument accumulated by the `EXTENDED_ARG`s read so far in the current run.
    extended: u32,
    /// Offset of the first `EXTENDED_ARG` of the current run, if in one.
    run_start: Option<usize>,
}

impl<'a> Instructions<'a> {
    /// Starts decoding `code` (a code object's `co_code`) from its first byte.
    pub fn new(code: &'a [u8]) -> Self {
        Instructions { code, pos: 0, extended: 0, run_start: None }
    }
}

impl Iterator for Instructions<'_> {
    type Item = Instruction;

    fn next(&mut self) -> Option<Instruction> {
        let unit = self.code.get(self.pos..self.pos + CODE_UNIT_BYTES)?;
        let (opcode, arg) = (unit[0], unit[1]);
        let offset = self.pos;
        self.pos += CODE_UNIT_BYTES;
        // ceval: `EXTENDED_ARG` reads the next unit and dispatches it with
        // `oparg = arg | previous << 8`; the chain ends at the first other opcode.
        let oparg = u32::from(arg) | (self.extended << 8);
        let start = *self.run_start.get_or_insert(offset);
        if opcode == EXTENDED_ARG {
            self.extended = oparg;
        } else {
            self.extended = 0;
            self.run_start = None;
        }
        Some(Instruction { offset, start, opcode, oparg })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.code.len().saturating_sub(self.pos)) / CODE_UNIT_BYTES;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Instructions<'_> {}

impl std::iter::FusedIterator for Instructions<'_> {}

/// Iterates over the instructions of `code` (a `co_code`), `EXTENDED_ARG`s included.
pub fn instructions(code: &[u8]) -> Instructions<'_> {
    Instructions::new(code)
}

/// All instructions of `code` (a `co_code`), `EXTENDED_ARG`s included; element `i` is the
/// instruction with [`Instruction::index`] `i`.
pub fn decode(code: &[u8]) -> Vec<Instruction> {
    instructions(code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode::op;

    /// Builds `co_code` from (opcode, arg byte) pairs.
    fn code(units: &[(u8, u8)]) -> Vec<u8> {
        units.iter().flat_map(|&(op, arg)| [op, arg]).collect()
    }

    #[test]
    fn plain_instructions() {
        let bytes = code(&[(op::LOAD_FAST, 0), (op::LOAD_CONST, 1), (op::BINARY_ADD, 0), (op::RETURN_VALUE, 0)]);
        let instrs = decode(&bytes);
        assert_eq!(instrs.len(), 4);
        for (i, instr) in instrs.iter().enumerate() {
            assert_eq!(instr.offset, 2 * i);
            assert_eq!(instr.index(), i);
            assert_eq!(instr.start, instr.offset);
            assert!(!instr.has_prefix());
            assert_eq!(instr.jump_target(), None);
        }
        assert_eq!(instrs[1].opcode, op::LOAD_CONST);
        assert_eq!(instrs[1].oparg, 1);
        assert_eq!(instrs[1].arg(), Some(1));
        assert_eq!(instrs[2].arg(), None);
        assert_eq!(instrs[3].info().unwrap().name, "RETURN_VALUE");
    }

    #[test]
    fn extended_args_fold_and_stay_in_the_stream() {
        let bytes = code(&[(op::NOP, 0), (EXTENDED_ARG, 0x01), (EXTENDED_ARG, 0x02), (op::LOAD_CONST, 0x03), (op::POP_TOP, 0)]);
        let instrs = decode(&bytes);
        assert_eq!(instrs.len(), 5);
        assert_eq!((instrs[1].opcode, instrs[1].oparg, instrs[1].start), (EXTENDED_ARG, 0x01, 2));
        assert_eq!((instrs[2].opcode, instrs[2].oparg, instrs[2].start), (EXTENDED_ARG, 0x0102, 2));
        let load = instrs[3];
        assert_eq!((load.offset, load.index(), load.oparg, load.start), (6, 3, 0x010203, 2));
        assert!(load.has_prefix());
        // The fold ends with the prefixed instruction.
        assert_eq!((instrs[4].oparg, instrs[4].start), (0, 8));
    }

    #[test]
    fn extended_arg_before_an_argumentless_opcode_is_consumed_by_it() {
        // ceval folds the prefix into whatever follows; the instruction after starts afresh.
        // (3.7-3.9's `dis` would carry it on to the next instruction with an argument.)
        let bytes = code(&[(EXTENDED_ARG, 1), (op::NOP, 2), (op::LOAD_CONST, 3)]);
        let instrs = decode(&bytes);
        assert_eq!((instrs[1].oparg, instrs[1].start, instrs[1].arg()), (0x0102, 0, None));
        assert_eq!((instrs[2].oparg, instrs[2].start), (3, 4));
    }

    #[test]
    fn oparg_wraps_at_32_bits_like_c() {
        let bytes = code(&[(EXTENDED_ARG, 0x11), (EXTENDED_ARG, 0x22), (EXTENDED_ARG, 0x33), (EXTENDED_ARG, 0x44), (op::LOAD_CONST, 0x55)]);
        assert_eq!(decode(&bytes)[4].oparg, 0x2233_4455);
    }

    #[test]
    fn jump_targets_in_bytes() {
        let unit = JUMP_UNIT_BYTES as u8;
        let bytes = code(&[
            (op::LOAD_FAST, 0),
            (op::POP_JUMP_IF_FALSE, 8 / unit),
            (op::JUMP_FORWARD, 2 / unit),
            (op::NOP, 0),
            (op::JUMP_ABSOLUTE, 0),
        ]);
        let instrs = decode(&bytes);
        assert_eq!(instrs[1].jump_target(), Some(8));
        assert_eq!(instrs[2].jump_target(), Some(8));
        assert_eq!(instrs[4].jump_target(), Some(0));
        assert_eq!(instrs[0].jump_target(), None);
        assert_eq!(instrs[3].jump_target(), None);
    }

    #[test]
    fn relative_jump_counts_from_after_the_prefixed_instruction() {
        // FOR_ITER with an argument of 0x100 units, after one prefix at offset 4.
        let bytes = code(&[(op::NOP, 0), (op::NOP, 0), (EXTENDED_ARG, 1), (op::FOR_ITER, 0)]);
        let instrs = decode(&bytes);
        assert_eq!(instrs[2].jump_target(), None, "the prefix itself does not jump");
        assert_eq!(instrs[3].start, 4);
        assert_eq!(instrs[3].jump_target(), Some(8 + 0x100 * JUMP_UNIT_BYTES));
        let bytes = code(&[(EXTENDED_ARG, 1), (op::JUMP_ABSOLUTE, 2)]);
        assert_eq!(decode(&bytes)[1].jump_target(), Some(0x102 * JUMP_UNIT_BYTES));
    }

    #[test]
    fn setup_targets_are_handlers() {
        let bytes = code(&[(op::SETUP_FINALLY, 4 / JUMP_UNIT_BYTES as u8), (op::POP_BLOCK, 0), (op::NOP, 0)]);
        assert_eq!(decode(&bytes)[0].jump_target(), Some(6));
    }

    #[test]
    fn unknown_opcodes_and_odd_lengths() {
        let instrs = decode(&[0, 7, 255, 1, op::NOP]);
        assert_eq!(instrs.len(), 2, "the trailing odd byte is ignored");
        assert!(instrs[0].info().is_none() && instrs[1].info().is_none());
        assert_eq!(instrs[1].jump_target(), None);
        assert!(decode(&[]).is_empty());
        let mut iter = instructions(&[op::NOP, 0, op::NOP, 0]);
        assert_eq!(iter.len(), 2);
        iter.next();
        assert_eq!(iter.len(), 1);
        iter.next();
        assert_eq!((iter.next(), iter.next()), (None, None));
    }
}
