//! The disassembly labels of the x86-64 code generator: the shared exits and stubs, found
//! from their labels once the function is assembled (the cold blocks are recorded as
//! they are emitted, in `assemble`).

use super::Emitter;
use crate::codegen::notes::{Note, Notes};
use dynasmrt::DynasmApi;

impl Emitter<'_> {
    /// Before the first cold block: marks the prologue and the exits in it, and where the
    /// cold section starts.
    pub(super) fn start_cold_notes(&mut self) {
        self.notes.mark(0, Note::Prologue);
        let at = |label| self.ops.labels().resolve_dynamic(label).map_or(usize::MAX, |offset| offset.0);
        let mut exits = [(at(self.deopt), Note::Deopt), (at(self.exit), Note::Exit)];
        exits.sort_unstable_by_key(|&(offset, _)| offset);
        for (offset, note) in exits.into_iter().filter(|&(offset, _)| offset != usize::MAX) {
            self.notes.mark(offset, note);
        }
        self.notes.cold_section(self.ops.offset().0, self.cold.len());
    }

    /// The function's [`Notes`], once all is emitted: the shared stubs marked where their
    /// labels landed.
    pub(super) fn finish_notes(&mut self) -> Notes {
        let mut notes = std::mem::take(&mut self.notes);
        let labels = self.ops.labels();
        let mut mark = |label, note| {
            if let Ok(offset) = labels.resolve_dynamic(label) {
                notes.label(offset.0, note);
            }
        };
        for &(stack_effect, label) in &self.error_exits {
            mark(label, Note::ErrorExit { stack_effect });
        }
        if let Some(label) = self.dealloc_rdi {
            mark(label, Note::DeallocStub);
        }
        for &(_, _, label) in &self.owning_jumps {
            mark(label, Note::OwningJump);
        }
        notes.finish(self.ops.offset().0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assemble, CodeFacts};
    use crate::codegen::notes::Note;
    use interp::opcode::op;

    #[test]
    fn notes_label_the_prologue_exits_cold_blocks_and_shared_stubs() {
        // 0 LOAD_FAST 0; 2 LOAD_FAST 1; 4 BINARY_ADD; 6 RETURN_VALUE. With no argument known
        // to be bound, each load has a cold block raising UnboundLocalError; the addition
        // has its generic path and an error exit there.
        let co_code = [op::LOAD_FAST, 0, op::LOAD_FAST, 1, op::BINARY_ADD, 0, op::RETURN_VALUE, 0];
        let analysis = crate::analysis::analyze(&co_code).unwrap();
        let facts = CodeFacts { co_nlocals: 2, ..CodeFacts::default() };
        let assembled = assemble(&analysis, &[], facts, None).unwrap();
        let notes = &assembled.notes;
        let first_instruction = assembled.instruction_offsets[0] as u32;
        let last_instruction = assembled.instruction_offsets[3] as u32;
        assert!(last_instruction < notes.cold_start && (notes.cold_start as usize) < assembled.code.len());
        assert_eq!(notes.marks[0], (0, Note::Prologue));
        let at = |wanted: Note| notes.marks.iter().filter(|&&(_, n)| n == wanted).map(|&(at, _)| at).collect::<Vec<_>>();
        for exit in [Note::Deopt, Note::Exit] {
            assert!(matches!(at(exit)[..], [offset] if offset > 0 && offset < first_instruction), "{exit:?}");
        }
        let owners: Vec<u32> = notes
            .marks
            .iter()
            .filter_map(|&(offset, note)| match note {
                Note::ColdBlock { owner } => {
                    assert!(offset >= notes.cold_start);
                    Some(owner)
                }
                _ => None,
            })
            .collect();
        assert_eq!(owners, [0, 2, 4]);
        let error_exit = at(Note::ErrorExit { stack_effect: -1 });
        assert!(matches!(error_exit[..], [offset] if offset > notes.cold_start), "{:?}", notes.marks);
        assert!(notes.marks.windows(2).all(|w| w[0].0 <= w[1].0), "sorted by offset");
    }
}
