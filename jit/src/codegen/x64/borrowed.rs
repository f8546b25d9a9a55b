//! Borrowed operands: a `LOAD_FAST` or `LOAD_CONST` whose value the next instruction (or
//! the one after a second load) consumes pushes it without counting a reference, and the
//! consumer releases only what it owns. Everything else sees owned slots only: slow paths,
//! error exits and any other instruction count the borrowed references first.

use super::{fast_paths, Emitter};
use crate::CompileFailure;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use interp::bytecode::Instruction;
use interp::opcode::op;
#[cfg(any(py37, py38))]
use interp::ops;
use std::collections::BTreeSet;

/// Which of the top stack slots hold a borrowed reference (bit 0 = the top): the value of
/// a local or constant pushed without its reference being counted, because the instruction
/// that consumes it follows at once ([`borrows_operand`]) and releases only what it owns.
/// Such a slot is never seen by anything else: before a slow path, an error exit or any
/// other instruction the reference is counted after all ([`Emitter::own_slots`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Borrowed(u8);

impl Borrowed {
    pub(super) const NONE: Borrowed = Borrowed(0);

    /// Whether the slot `depth` from the top (1 = the top) is borrowed.
    pub(super) fn at(self, depth: u32) -> bool {
        self.0 & (1 << (depth - 1)) != 0
    }

    pub(super) fn push(self, borrowed: bool) -> Borrowed {
        Borrowed(self.0 << 1 | borrowed as u8)
    }
}

/// How many of its operands, counted from the top of the stack, an instruction takes as
/// borrowed references ([`Borrowed`]): 0 for instructions that need every slot owned.
pub(super) fn borrowed_operands(opcode: u8, oparg: u32) -> u32 {
    match opcode {
        op::LOAD_ATTR | op::STORE_ATTR | op::POP_JUMP_IF_FALSE | op::POP_JUMP_IF_TRUE => 1,
        op::UNPACK_SEQUENCE if oparg <= super::MAX_INLINE_UNPACK => 1,
        op::BINARY_ADD
        | op::BINARY_SUBTRACT
        | op::BINARY_MULTIPLY
        | op::BINARY_TRUE_DIVIDE
        | op::INPLACE_ADD
        | op::INPLACE_SUBTRACT
        | op::INPLACE_MULTIPLY
        | op::INPLACE_TRUE_DIVIDE
        | op::BINARY_SUBSCR => 2,
        // The container and the index; the value (TOS2) is stored, so it comes owned.
        op::STORE_SUBSCR => 2,
        op::COMPARE_OP if fast_paths::is_rich_compare(oparg) => 2,
        #[cfg(any(py37, py38))]
        op::COMPARE_OP if matches!(oparg, ops::cmp::IS | ops::cmp::IS_NOT) => 2,
        #[cfg(any(py39, py310))]
        op::IS_OP => 2,
        _ => 0,
    }
}

/// The loads that may push a borrowed reference (`LOAD_GLOBAL` only through its cache):
/// they run no code, so borrowed slots below them stay unobserved.
pub(super) fn is_borrowing_load(opcode: u8) -> bool {
    matches!(opcode, op::LOAD_FAST | op::LOAD_CONST | op::LOAD_GLOBAL)
}

/// Whether the load at `real[at]` may push a borrowed reference: the instruction right
/// after it takes it as its top operand, or a second load follows and the instruction
/// after that takes both; and nothing enters in between, so no other path reaches that
/// instruction with the slot owned. Loads are `LOAD_FAST`, `LOAD_CONST` and, when
/// `global_loads` (their values are then read from a cache), `LOAD_GLOBAL`, whose value
/// the globals' or builtins' dict holds.
pub(super) fn borrows_operand(real: &[&Instruction], at: usize, entry_points: &BTreeSet<usize>, global_loads: bool) -> bool {
    let is_load = |i: &Instruction| is_borrowing_load(i.opcode) && (global_loads || i.opcode != op::LOAD_GLOBAL);
    if !real.get(at).is_some_and(|i| is_load(i)) {
        return false;
    }
    let consumer_at = |k: usize, depth: u32| {
        real.get(k).is_some_and(|c| borrowed_operands(c.opcode, c.oparg) >= depth && !entry_points.contains(&c.start))
    };
    match real.get(at + 1) {
        Some(next) if is_load(next) => !entry_points.contains(&next.start) && consumer_at(at + 2, 2),
        Some(_) => consumer_at(at + 1, 1),
        None => false,
    }
}

impl Emitter<'_> {
    /// Pushes the local's or constant's value in rax: a new reference, or a borrowed one
    /// when the consumer that follows takes it so ([`Borrowed`]).
    pub(super) fn push_rax(&mut self) -> Result<(), CompileFailure> {
        if !self.borrow_load {
            dynasm!(self.ops ; .arch x64 ; inc QWORD [rax]);
        }
        dynasm!(self.ops ; .arch x64 ; mov [r13], rax ; add r13, 8);
        self.borrowed = self.borrowed.push(self.borrow_load);
        self.leaves_top_in_rax = true;
        Ok(())
    }

    /// Whether rax still holds the top of the stack (see `top_in_rax`); true only for the
    /// first read of the instruction, since whatever follows may clobber rax.
    pub(super) fn take_top_in_rax(&mut self) -> bool {
        std::mem::take(&mut self.top_in_rax)
    }

    /// `mov rdi, [r13 - 8]`, or from rax when it still holds that value.
    pub(super) fn top_to_rdi(&mut self) {
        if self.take_top_in_rax() {
            dynasm!(self.ops ; .arch x64 ; mov rdi, rax);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov rdi, [r13 - 8]);
        }
    }

    /// `mov rsi, [r13 - 8]`, or from rax when it still holds that value.
    pub(super) fn top_to_rsi(&mut self) {
        if self.take_top_in_rax() {
            dynasm!(self.ops ; .arch x64 ; mov rsi, rax);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov rsi, [r13 - 8]);
        }
    }

    /// [`Self::check_null_rax`] with the stack as it was (nothing popped) and the `borrowed`
    /// slots among it counted before the exit, since the driver releases what an error
    /// leaves on the stack.
    pub(super) fn check_null_rax_owning(&mut self, borrowed: Borrowed) {
        if borrowed == Borrowed::NONE {
            return self.check_null_rax(0);
        }
        let error = self.cold_error_exit(0);
        let owning = self.owning_jump(borrowed, error);
        dynasm!(self.ops ; .arch x64 ; test rax, rax ; jz =>owning);
    }

    /// A cold block that counts the `borrowed` slots ([`Self::own_slots`]) and jumps to
    /// `target` (an exit, which must see owned slots only); one per pair in a function.
    pub(super) fn owning_jump(&mut self, borrowed: Borrowed, target: DynamicLabel) -> DynamicLabel {
        if let Some(&(_, _, label)) = self.owning_jumps.iter().find(|&&(b, t, _)| b == borrowed && t == target) {
            return label;
        }
        let label = self.cold(move |e| {
            e.own_slots(borrowed);
            dynasm!(e.ops ; .arch x64 ; jmp =>target);
        });
        self.owning_jumps.push((borrowed, target, label));
        label
    }

    /// The borrowed operand slots of the instruction being emitted (clearing them from the
    /// emitter's state: the instruction consumes them).
    pub(super) fn take_borrowed(&mut self) -> Borrowed {
        std::mem::take(&mut self.borrowed)
    }

    /// Counts the references of the `borrowed` slots (bit k: `[r13 - 8(k+1)]`; only the two
    /// top slots can be borrowed), making them owned like every other slot. Clobbers rax.
    pub(super) fn own_slots(&mut self, borrowed: Borrowed) {
        for depth in 1..=2 {
            if borrowed.at(depth) {
                let offset = -8 * depth as i8;
                dynasm!(self.ops ; .arch x64 ; mov rax, [BYTE r13 + offset] ; inc QWORD [rax]);
            }
        }
    }

    /// Releases the slot `depth` from the top (1 = the top) unless it is borrowed.
    /// Clobbers rax, rdi and caller-saved registers.
    pub(super) fn release_slot(&mut self, depth: u32, borrowed: Borrowed) {
        if !borrowed.at(depth) {
            let offset = -8 * depth as i8;
            dynasm!(self.ops ; .arch x64 ; mov rdi, [BYTE r13 + offset]);
            self.decref_rdi();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    /// For each instruction of `units` (no jumps but `POP_JUMP_IF_FALSE 0`, a loop to the
    /// start), whether it is a load that pushes a borrowed reference.
    fn borrowing(units: &[(u8, u8)]) -> Vec<bool> {
        let co_code: Vec<u8> = units.iter().flat_map(|&(op, arg)| [op, arg]).collect();
        let analysis = analyze(&co_code).unwrap();
        let real: Vec<&Instruction> = analysis.instructions.iter().collect();
        let entries = analysis.entry_points();
        (0..real.len()).map(|at| borrows_operand(&real, at, &entries, true)).collect()
    }

    #[test]
    fn loads_feeding_the_next_consumer_are_borrowed() {
        let attr = borrowing(&[(op::LOAD_FAST, 0), (op::LOAD_ATTR, 0), (op::RETURN_VALUE, 0)]);
        assert_eq!(attr, [true, false, false]);
        let add = borrowing(&[(op::LOAD_FAST, 0), (op::LOAD_CONST, 0), (op::BINARY_ADD, 0), (op::RETURN_VALUE, 0)]);
        assert_eq!(add, [true, true, false, false]);
    }

    #[test]
    fn only_operands_the_consumer_takes_borrowed_are() {
        // STORE_ATTR stores its value (TOS1): only the owner on top is borrowed.
        let store = borrowing(&[(op::LOAD_FAST, 0), (op::LOAD_FAST, 1), (op::STORE_ATTR, 0), (op::LOAD_CONST, 0), (op::RETURN_VALUE, 0)]);
        assert_eq!(store, [false, true, false, false, false]);
        // LOAD_ATTR takes one operand: the load below it stays owned.
        let below = borrowing(&[(op::LOAD_FAST, 0), (op::LOAD_FAST, 1), (op::LOAD_ATTR, 0), (op::BUILD_TUPLE, 2), (op::RETURN_VALUE, 0)]);
        assert_eq!(below, [false, true, false, false, false]);
        // Loads for anything else (a return, a call) are owned.
        assert_eq!(borrowing(&[(op::LOAD_FAST, 0), (op::RETURN_VALUE, 0)]), [false, false]);
        let call = borrowing(&[(op::LOAD_GLOBAL, 0), (op::LOAD_FAST, 0), (op::CALL_FUNCTION, 1), (op::RETURN_VALUE, 0)]);
        assert_eq!(call, [false, false, false, false]);
        let compare = borrowing(&[(op::LOAD_FAST, 0), (op::LOAD_GLOBAL, 0), (op::COMPARE_OP, 2), (op::RETURN_VALUE, 0)]);
        assert_eq!(compare, [true, true, false, false]);
        let store = borrowing(&[
            (op::LOAD_FAST, 2),
            (op::LOAD_FAST, 0),
            (op::LOAD_FAST, 1),
            (op::STORE_SUBSCR, 0),
            (op::LOAD_CONST, 0),
            (op::RETURN_VALUE, 0),
        ]);
        assert_eq!(store, [false, true, true, false, false, false]);
    }

    #[test]
    fn nothing_is_borrowed_across_an_entry_point() {
        // A load that is itself a jump target may borrow: its consumer follows it.
        let units = [(op::LOAD_FAST, 0), (op::POP_JUMP_IF_FALSE, 0), (op::LOAD_CONST, 0), (op::RETURN_VALUE, 0)];
        assert_eq!(borrowing(&units), [true, false, false, false]);
        // The second load (byte offset 4) is a jump target: the consumer is reached with
        // that slot owned from there, so the first load may not borrow for it.
        let back = (4 / interp::opcode::JUMP_UNIT_BYTES) as u8;
        let units = [
            (op::NOP, 0),
            (op::LOAD_FAST, 0),
            (op::LOAD_FAST, 1),
            (op::BINARY_ADD, 0),
            (op::POP_JUMP_IF_FALSE, back),
            (op::LOAD_CONST, 0),
            (op::RETURN_VALUE, 0),
        ];
        assert_eq!(borrowing(&units), [false, false, true, false, false, false, false]);
    }
}
