//! Labels for the disassembly of a function's machine code (`pyston_lite.dis`), recorded
//! while it is assembled: where the cold section starts, which instruction each cold block
//! serves, and which blocks are shared stubs. Architecture-neutral; each code generator
//! records them its own way.

/// What starts at a native offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// The entry sequence (the driver calls it; it jumps to the instruction to run).
    Prologue,
    /// The exit that leaves the rest of the frame to the interpreter (tracing started).
    Deopt,
    /// The shared exit: restores registers and returns a status to the driver.
    Exit,
    /// A block of the cold section, made for the bytecode instruction at `owner`.
    ColdBlock { owner: u32 },
    /// The function's error exit for a stack effect, shared by every site with that effect.
    ErrorExit { stack_effect: i32 },
    /// The shared call of an object's deallocator after its count dropped to zero.
    DeallocStub,
    /// A shared block that takes references to borrowed stack slots before an exit.
    OwningJump,
}

/// The labels of one function's machine code, in native-offset order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// Native offset where the cold section starts (the code's length when it has none).
    pub cold_start: u32,
    /// `(native offset, what starts there)`, sorted by offset.
    pub marks: Box<[(u32, Note)]>,
}

/// The queue of blocks deferred to the cold section, each with the bytecode offset of the
/// instruction it was made for: blocks pushed while an instruction (or a cold block) is
/// emitted belong to it.
pub struct ColdQueue<B> {
    blocks: Vec<(u32, B)>,
    owner: u32,
}

impl<B> Default for ColdQueue<B> {
    fn default() -> Self {
        ColdQueue { blocks: Vec::new(), owner: 0 }
    }
}

impl<B> ColdQueue<B> {
    /// Defers `block`, made for the current owner.
    pub fn push(&mut self, block: B) {
        self.blocks.push((self.owner, block));
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Blocks pushed from now on are made for the instruction at bytecode `offset`.
    pub fn set_owner(&mut self, offset: u32) {
        self.owner = offset;
    }

    /// The queued blocks with their owners, leaving the queue empty.
    pub fn take(&mut self) -> Vec<(u32, B)> {
        std::mem::take(&mut self.blocks)
    }
}

/// Collects [`Notes`] during assembly, in offset order: the marks before the cold section,
/// then its blocks as they are emitted, then the shared stubs among them.
#[derive(Debug, Default)]
pub struct NoteRecorder {
    cold_start: Option<u32>,
    marks: Vec<(u32, Note)>,
}

impl NoteRecorder {
    /// Something starts at native `offset`, at or after every mark so far.
    pub fn mark(&mut self, offset: usize, note: Note) {
        debug_assert!(self.marks.last().is_none_or(|&(at, _)| at as usize <= offset), "marks out of order");
        self.marks.push((offset as u32, note));
    }

    /// The cold section starts at native `offset`, with about `blocks` blocks (called once,
    /// before its first block).
    pub fn cold_section(&mut self, offset: usize, blocks: usize) {
        self.cold_start = Some(offset as u32);
        self.marks.reserve(blocks + blocks / 4);
    }

    /// A cold block for the instruction at bytecode `owner` starts at native `offset`.
    pub fn cold_block(&mut self, offset: usize, owner: u32) {
        self.mark(offset, Note::ColdBlock { owner });
    }

    /// Marks the label of a shared stub once all is emitted: the cold block recorded at its
    /// offset is the stub and takes `note` (the last one there: a block before it at the
    /// same offset emitted nothing); without one, `note` is inserted in order.
    pub fn label(&mut self, offset: usize, note: Note) {
        let offset = offset as u32;
        let after = self.marks.partition_point(|&(at, _)| at <= offset);
        match after.checked_sub(1).map(|i| &mut self.marks[i]) {
            Some(mark) if mark.0 == offset && matches!(mark.1, Note::ColdBlock { .. }) => mark.1 = note,
            _ => self.marks.insert(after, (offset, note)),
        }
    }

    /// The notes of code `code_len` bytes long.
    pub fn finish(self, code_len: usize) -> Notes {
        Notes { cold_start: self.cold_start.unwrap_or(code_len as u32), marks: self.marks.into_boxed_slice() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_belong_to_the_owner_current_when_pushed() {
        let mut queue = ColdQueue::default();
        queue.set_owner(4);
        queue.push('a');
        queue.push('b');
        queue.set_owner(10);
        queue.push('c');
        assert_eq!(queue.take(), vec![(4, 'a'), (4, 'b'), (10, 'c')]);
        assert!(queue.is_empty());
    }

    #[test]
    fn a_shared_stub_replaces_the_cold_block_note_at_its_offset() {
        let mut notes = NoteRecorder::default();
        notes.mark(0, Note::Prologue);
        notes.mark(8, Note::Exit);
        notes.cold_section(100, 3);
        notes.cold_block(100, 2);
        notes.cold_block(120, 6);
        notes.cold_block(120, 8);
        notes.label(120, Note::ErrorExit { stack_effect: -1 });
        notes.label(130, Note::DeallocStub);
        let notes = notes.finish(200);
        assert_eq!(notes.cold_start, 100);
        assert_eq!(
            &*notes.marks,
            &[
                (0, Note::Prologue),
                (8, Note::Exit),
                (100, Note::ColdBlock { owner: 2 }),
                (120, Note::ColdBlock { owner: 6 }),
                (120, Note::ErrorExit { stack_effect: -1 }),
                (130, Note::DeallocStub)
            ]
        );
        assert_eq!(NoteRecorder::default().finish(64).cold_start, 64);
    }
}
