//! x86-64 code generation for CPython 3.7, 3.8, 3.9 and 3.10 bytecode (dynasm-rs). Offsets
//! are byte offsets throughout; `f_lasti` and block handlers are stored in each version's
//! unit (`interp::opcode::lasti_at`). 3.7 and 3.8 differ in their block-stack opcodes; those
//! emitters are `#[cfg(py37)]`/`#[cfg(py38)]`.
//!
//! Register plan for the whole function: r12 = frame, r13 = value-stack pointer (one past
//! the top, as ceval's `stack_pointer`), r14 = thread state, r15 = `&f_localsplus[0]`.
//! Values live in `f_valuestack` at every helper call. Each instruction first stores its
//! offset into `f_lasti`, so tracebacks, `f_lineno` and callees see the current position.

use crate::analysis::Analysis;
use crate::CompileFailure;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};
use interp::bytecode::Instruction;
use interp::cpython::layout;
use interp::frame::status;
use interp::opcode::{lasti_at, lasti_before, op};
use interp::ops::{self, AttrCache, GlobalCache};

mod borrowed;
mod fast_paths;
mod notes;

// The hottest sequences (reference counting, type and size checks) are written with literal
// offsets, which the assembler encodes in one byte (a probed offset is an expression, encoded
// in four); the probe's values are checked here.
const _: () = assert!(
    layout::OBJECT_OB_REFCNT == 0 && layout::OBJECT_OB_TYPE == 8 && layout::VAR_OB_SIZE == 16,
    "object header layout differs from the literal offsets used in the machine code"
);

/// A field offset as a one-byte displacement (`[BYTE reg + d]`, three bytes shorter than the
/// four-byte form a probed offset gets otherwise). Used for fields that every supported
/// layout places below offset 128; one that does not stops the build here.
const fn disp8(offset: usize) -> i8 {
    assert!(offset < 128, "field offset does not fit a one-byte displacement");
    offset as i8
}

/// One-byte displacements of the fields the hottest sequences read (see [`disp8`]).
mod d8 {
    use super::{disp8, layout};
    pub const LONG_OB_DIGIT: i8 = disp8(layout::LONG_OB_DIGIT);
    pub const FLOAT_OB_FVAL: i8 = disp8(layout::FLOAT_OB_FVAL);
    pub const TUPLE_OB_ITEM: i8 = disp8(layout::TUPLE_OB_ITEM);
    pub const LIST_OB_ITEM: i8 = disp8(layout::LIST_OB_ITEM);
    pub const FRAME_F_GLOBALS: i8 = disp8(layout::FRAME_F_GLOBALS);
    pub const FRAME_F_BUILTINS: i8 = disp8(layout::FRAME_F_BUILTINS);
    pub const FRAME_F_LASTI: i8 = disp8(layout::FRAME_F_LASTI);
    pub const DICT_MA_VERSION_TAG: i8 = disp8(layout::DICT_MA_VERSION_TAG);
    pub const TYPE_TP_DEALLOC: i8 = disp8(layout::TYPE_TP_DEALLOC);
    pub const OBJECT_OB_TYPE: i8 = disp8(layout::OBJECT_OB_TYPE);
    pub const DICT_MA_KEYS: i8 = disp8(layout::DICT_MA_KEYS);
    pub const DICT_MA_VALUES: i8 = disp8(layout::DICT_MA_VALUES);
    pub const DK_SIZE: i8 = disp8(interp::ops::dict_keys::DK_SIZE);
    pub const DK_NENTRIES: i8 = disp8(interp::ops::dict_keys::DK_NENTRIES);
    pub const ME_KEY: i8 = disp8(interp::ops::dict_keys::ME_KEY);
    pub const ME_VALUE: i8 = disp8(interp::ops::dict_keys::ME_VALUE);
    /// The first attribute-cache entry's fields (`ops::first_entry`).
    pub mod e0 {
        use super::disp8;
        use interp::ops::first_entry as e0;
        pub const OWNER: i8 = disp8(e0::OWNER);
        pub const VERSION: i8 = disp8(e0::VERSION);
        pub const KIND: i8 = disp8(e0::KIND);
        pub const OFFSET: i8 = disp8(e0::OFFSET);
        pub const HINT: i8 = disp8(e0::HINT);
        pub const NAME: i8 = disp8(e0::NAME);
        pub const DK_SIZE: i8 = disp8(e0::DK_SIZE);
        pub const ENTRY_OFFSET: i8 = disp8(e0::ENTRY_OFFSET);
        pub const VALUE: i8 = disp8(e0::VALUE);
        pub const LACKING_KEYS: i8 = disp8(e0::LACKING_KEYS);
        pub const LACKING_NENTRIES: i8 = disp8(e0::LACKING_NENTRIES);
    }
}
use borrowed::{borrowed_operands, borrows_operand, is_borrowing_load, Borrowed};
use fast_paths::{FloatArith, IntArith};
use std::cell::UnsafeCell;

/// Machine code for one code object. It runs wherever it is copied once its direct calls
/// are linked for that address ([`link_calls`]).
pub struct Assembled {
    pub code: Vec<u8>,
    /// The `call rel32` instructions, to be linked for the code's final address.
    pub calls: Vec<CallSite>,
    /// Native offset of each instruction, indexed by bytecode offset / 2 (`usize::MAX` for
    /// instructions that are never entered directly, i.e. inside `EXTENDED_ARG` runs).
    pub instruction_offsets: Vec<usize>,
    /// The `LOAD_GLOBAL` caches the code points into (must live as long as the code).
    pub global_caches: Box<[UnsafeCell<GlobalCache>]>,
    /// The attribute caches the code points into (must live as long as the code).
    pub attr_caches: Box<[UnsafeCell<AttrCache>]>,
    /// Labels for the disassembly.
    pub notes: crate::codegen::notes::Notes,
}

/// A `call rel32` in assembled code: where its displacement is and what it calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// Offset of the 4-byte displacement in the code.
    pub displacement_at: usize,
    pub target: usize,
}

/// The addresses the code may end up at. A helper that every one of them reaches with a
/// 32-bit displacement is called directly (`call rel32`, 5 bytes); any other through a
/// register (`mov rax, imm64; call rax`, 12 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub start: usize,
    pub end: usize,
}

impl CodeRange {
    /// Whether a `call rel32` anywhere in this range reaches `target` (with a page to spare
    /// for the instruction's own length).
    pub fn reaches(&self, target: usize) -> bool {
        const LIMIT: usize = i32::MAX as usize - 4096;
        self.start <= self.end && target.abs_diff(self.start) < LIMIT && target.abs_diff(self.end) < LIMIT
    }
}

/// Writes each direct call's displacement for code that starts at `code_addr`. Fails when
/// one does not fit, which cannot happen when `code_addr` lies in the [`CodeRange`] the code
/// was assembled for.
pub fn link_calls(code: &mut [u8], code_addr: usize, calls: &[CallSite]) -> Result<(), CompileFailure> {
    for call in calls {
        let next_instruction = code_addr + call.displacement_at + 4;
        let displacement = i32::try_from(call.target as i64 - next_instruction as i64).map_err(|_| CompileFailure::AssemblerError)?;
        code[call.displacement_at..call.displacement_at + 4].copy_from_slice(&displacement.to_le_bytes());
    }
    Ok(())
}

/// State of one compilation.
struct Emitter<'a> {
    ops: VecAssembler<X64Relocation>,
    /// Where the code will be copied to: decides how helpers are called.
    code_range: Option<CodeRange>,
    /// The direct calls emitted so far.
    calls: Vec<CallSite>,
    /// Addresses of `co_consts` items (kept alive by the code object).
    consts: &'a [usize],
    /// One label per instruction start (bytecode offset / 2).
    labels: Vec<DynamicLabel>,
    exit: DynamicLabel,
    /// Leaves with `DEOPT` and the current stack pointer (tracing started).
    deopt: DynamicLabel,
    /// `co_flags` (async generators wrap the values they yield).
    co_flags: i32,
    /// `co_nlocals`: cells and free variables follow the locals in `f_localsplus`.
    co_nlocals: i32,
    /// The raw opcode of each code unit (`EXTENDED_ARG`s included), by offset / 2.
    raw_opcodes: Vec<u8>,
    /// Each code unit as `opcode << 8 | arg byte`, by offset / 2.
    raw_units: Vec<u16>,
    /// One inline cache per `LOAD_GLOBAL`, in code order; `next_global_cache` is the next
    /// one to hand out.
    global_caches: Box<[UnsafeCell<GlobalCache>]>,
    next_global_cache: usize,
    /// One cache per `LOAD_ATTR`/`LOAD_METHOD`/`STORE_ATTR`, in code order.
    attr_caches: Box<[UnsafeCell<AttrCache>]>,
    next_attr_cache: usize,
    /// [`crate::inline_caches`] when compilation started.
    inline_caches: crate::InlineCaches,
    /// Count executions of cached instructions (`ops::cache_counts`).
    count_caches: bool,
    /// Code kept out of the hot path (slow paths, error exits, deallocation calls), emitted
    /// after the last instruction so the instructions' common cases sit densely together.
    cold: crate::codegen::notes::ColdQueue<ColdBlock>,
    /// Labels for the disassembly: cold blocks and shared stubs ([`Emitter::finish_notes`]).
    notes: crate::codegen::notes::NoteRecorder,
    /// The error exits made so far, one per stack effect, shared by every site that leaves
    /// with that effect.
    error_exits: Vec<(i32, DynamicLabel)>,
    /// The function's one deallocation stub ([`Emitter::decref_rdi`]), once needed.
    dealloc_rdi: Option<DynamicLabel>,
    /// By local index: `LOAD_FAST` needs no unbound check ([`CodeFacts::bound_args`]).
    always_bound: Vec<bool>,
    /// Which of the top stack slots hold borrowed references (see [`Borrowed`]).
    borrowed: Borrowed,
    /// The `LOAD_FAST`/`LOAD_CONST` being emitted pushes a borrowed reference.
    borrow_load: bool,
    /// rax holds the value on top of the stack at the start of the instruction being
    /// emitted (a load just pushed it, and nothing enters in between): the first read of
    /// the top takes it from there ([`Emitter::top_to_rdi`]) rather than reloading the slot
    /// just stored.
    top_in_rax: bool,
    /// The instruction just emitted leaves its pushed value in rax.
    leaves_top_in_rax: bool,
    /// The cold blocks made by [`Emitter::owning_jump`]: (slots counted, target, label).
    owning_jumps: Vec<(Borrowed, DynamicLabel, DynamicLabel)>,
}

/// What the code generator needs to know of the code object besides its bytecode.
#[derive(Clone, Copy, Debug, Default)]
pub struct CodeFacts {
    pub co_flags: i32,
    pub co_nlocals: i32,
    /// The leading locals that hold the arguments and are set for as long as a frame runs
    /// in machine code, unless the bytecode deletes them: all parameters of a function that
    /// is not a generator (whose frames may come back after a tracer cleared a local) and
    /// has no parameter in a cell (the frame moves those into the cell and clears the
    /// local); else 0.
    pub bound_args: u32,
}

/// Locals that `LOAD_FAST` may read without the unbound check (see
/// [`CodeFacts::bound_args`]): the first `bound_args`, less those a `DELETE_FAST` names.
fn always_bound_locals(analysis: &Analysis, bound_args: u32) -> Vec<bool> {
    let mut bound = vec![true; bound_args as usize];
    for instr in analysis.instructions.iter().filter(|i| i.opcode == op::DELETE_FAST) {
        if let Some(b) = bound.get_mut(instr.oparg as usize) {
            *b = false;
        }
    }
    bound
}

/// A block emitted after the function body; it starts with its own label (jumped to from
/// the hot path) and ends by jumping back or leaving.
type ColdBlock = Box<dyn for<'x> FnOnce(&mut Emitter<'x>)>;

type EmitFn = fn(&mut Emitter<'_>, &Instruction) -> Result<(), CompileFailure>;

/// The opcode → emit function table.
fn emit_fn(opcode: u8) -> Option<EmitFn> {
    Some(match opcode {
        op::NOP => emit_nop,
        op::LOAD_FAST => emit_load_fast,
        op::STORE_FAST => emit_store_fast,
        op::LOAD_CONST => emit_load_const,
        op::LOAD_GLOBAL => emit_load_global,
        op::POP_TOP => emit_pop_top,
        op::RETURN_VALUE => emit_return_value,
        op::BINARY_ADD
        | op::BINARY_SUBTRACT
        | op::BINARY_MULTIPLY
        | op::BINARY_TRUE_DIVIDE
        | op::BINARY_FLOOR_DIVIDE
        | op::BINARY_MODULO
        | op::BINARY_POWER
        | op::BINARY_LSHIFT
        | op::BINARY_RSHIFT
        | op::BINARY_AND
        | op::BINARY_OR
        | op::BINARY_XOR
        | op::BINARY_MATRIX_MULTIPLY
        | op::BINARY_SUBSCR
        | op::INPLACE_ADD
        | op::INPLACE_SUBTRACT
        | op::INPLACE_MULTIPLY
        | op::INPLACE_TRUE_DIVIDE
        | op::INPLACE_FLOOR_DIVIDE
        | op::INPLACE_MODULO
        | op::INPLACE_POWER
        | op::INPLACE_LSHIFT
        | op::INPLACE_RSHIFT
        | op::INPLACE_AND
        | op::INPLACE_OR
        | op::INPLACE_XOR
        | op::INPLACE_MATRIX_MULTIPLY => emit_binary_op,
        op::COMPARE_OP => emit_compare_op,
        op::POP_JUMP_IF_FALSE | op::POP_JUMP_IF_TRUE => emit_pop_jump_if,
        op::JUMP_ABSOLUTE | op::JUMP_FORWARD => emit_jump,
        op::CALL_FUNCTION => emit_call_function,
        op::BUILD_TUPLE | op::BUILD_LIST => emit_build_sequence,
        op::LOAD_ATTR | op::STORE_ATTR | op::LOAD_METHOD => emit_cached_attr,
        op::STORE_GLOBAL
        | op::CALL_METHOD
        | op::CALL_FUNCTION_KW
        | op::GET_ITER
        | op::UNARY_POSITIVE
        | op::UNARY_NEGATIVE
        | op::UNARY_INVERT
        | op::UNARY_NOT
        | op::BUILD_MAP
        | op::BUILD_CONST_KEY_MAP
        | op::MAKE_FUNCTION
        | op::LIST_APPEND
        | op::SET_ADD
        | op::MAP_ADD
        | op::BUILD_SET
        | op::BUILD_SLICE
        | op::FORMAT_VALUE
        | op::BUILD_STRING
        | op::DELETE_SUBSCR
        | op::DELETE_ATTR
        | op::LOAD_NAME
        | op::STORE_NAME
        | op::LOAD_BUILD_CLASS
        | op::IMPORT_FROM
        | op::IMPORT_STAR
        | op::CALL_FUNCTION_EX
        | op::UNPACK_EX
        | op::SETUP_ANNOTATIONS
        | op::PRINT_EXPR
        | op::LOAD_CLASSDEREF
        | op::DELETE_GLOBAL
        | op::DELETE_NAME
        | op::DELETE_DEREF => emit_helper_call,
        op::UNPACK_SEQUENCE => emit_unpack_sequence,
        op::STORE_SUBSCR => emit_store_subscr,
        // 3.7/3.8: the BUILD_*_UNPACK family (3.9 builds with LIST_EXTEND & co. instead).
        #[cfg(any(py37, py38))]
        op::BUILD_LIST_UNPACK
        | op::BUILD_TUPLE_UNPACK
        | op::BUILD_TUPLE_UNPACK_WITH_CALL
        | op::BUILD_SET_UNPACK
        | op::BUILD_MAP_UNPACK
        | op::BUILD_MAP_UNPACK_WITH_CALL => emit_helper_call,
        // 3.9+: the opcodes that replaced BUILD_*_UNPACK and COMPARE_OP's non-rich cases.
        #[cfg(any(py39, py310))]
        op::LIST_EXTEND | op::SET_UPDATE | op::DICT_UPDATE | op::DICT_MERGE | op::LIST_TO_TUPLE | op::CONTAINS_OP => emit_helper_call,
        #[cfg(any(py39, py310))]
        op::IS_OP => emit_is_op,
        #[cfg(any(py39, py310))]
        op::LOAD_ASSERTION_ERROR => emit_load_assertion_error,
        #[cfg(any(py39, py310))]
        op::JUMP_IF_NOT_EXC_MATCH => emit_jump_if_not_exc_match,
        // 3.10: pattern matching, ROT_N and GEN_START.
        #[cfg(py310)]
        op::GEN_START
        | op::ROT_N
        | op::GET_LEN
        | op::MATCH_MAPPING
        | op::MATCH_SEQUENCE
        | op::MATCH_KEYS
        | op::MATCH_CLASS
        | op::COPY_DICT_WITHOUT_KEYS => emit_helper_call,
        op::IMPORT_NAME => emit_import_name,
        op::DELETE_FAST => emit_delete_fast,
        op::SETUP_FINALLY | op::SETUP_WITH => emit_setup_block,
        #[cfg(py37)]
        op::SETUP_LOOP | op::SETUP_EXCEPT => emit_setup_block,
        op::POP_BLOCK => emit_pop_block,
        // 3.7/3.8 finally protocols (3.9 duplicates finally bodies and re-raises with RERAISE).
        #[cfg(py38)]
        op::BEGIN_FINALLY => emit_begin_finally,
        #[cfg(py38)]
        op::CALL_FINALLY => emit_call_finally,
        #[cfg(any(py37, py38))]
        op::END_FINALLY => emit_end_finally,
        op::POP_EXCEPT => emit_block_helper,
        #[cfg(any(py37, py38))]
        op::WITH_CLEANUP_START | op::WITH_CLEANUP_FINISH => emit_block_helper,
        #[cfg(py38)]
        op::POP_FINALLY => emit_block_helper,
        #[cfg(py37)]
        op::BREAK_LOOP => emit_break_loop,
        #[cfg(py37)]
        op::CONTINUE_LOOP => emit_continue_loop,
        #[cfg(any(py39, py310))]
        op::RERAISE => emit_reraise,
        #[cfg(any(py39, py310))]
        op::WITH_EXCEPT_START => emit_with_except_start,
        op::RAISE_VARARGS => emit_raise_varargs,
        op::LOAD_DEREF | op::STORE_DEREF | op::LOAD_CLOSURE => emit_cell_access,
        op::FOR_ITER => emit_for_iter,
        op::DUP_TOP | op::DUP_TOP_TWO | op::ROT_TWO | op::ROT_THREE => emit_stack_shuffle,
        #[cfg(not(py37))]
        op::ROT_FOUR => emit_stack_shuffle,
        op::JUMP_IF_FALSE_OR_POP | op::JUMP_IF_TRUE_OR_POP => emit_jump_if_or_pop,
        op::YIELD_VALUE => emit_yield_value,
        op::YIELD_FROM => emit_yield_from,
        op::GET_AWAITABLE => emit_get_awaitable,
        op::GET_YIELD_FROM_ITER | op::GET_AITER | op::GET_ANEXT | op::BEFORE_ASYNC_WITH => emit_helper_call,
        op::SETUP_ASYNC_WITH => emit_setup_async_with,
        #[cfg(not(py37))]
        op::END_ASYNC_FOR => emit_end_async_for,
        _ => return None,
    })
}

/// The number-protocol function behind a `BINARY_*`/`INPLACE_*` opcode.
fn binary_fn(opcode: u8) -> ops::BinaryFn {
    use pyo3_ffi::*;
    match opcode {
        op::BINARY_ADD => PyNumber_Add,
        op::BINARY_SUBTRACT => PyNumber_Subtract,
        op::BINARY_MULTIPLY => PyNumber_Multiply,
        op::BINARY_TRUE_DIVIDE => PyNumber_TrueDivide,
        op::BINARY_FLOOR_DIVIDE => PyNumber_FloorDivide,
        op::BINARY_MODULO => PyNumber_Remainder,
        op::BINARY_POWER => ops::number_power,
        op::BINARY_LSHIFT => PyNumber_Lshift,
        op::BINARY_RSHIFT => PyNumber_Rshift,
        op::BINARY_AND => PyNumber_And,
        op::BINARY_OR => PyNumber_Or,
        op::BINARY_XOR => PyNumber_Xor,
        op::BINARY_MATRIX_MULTIPLY => PyNumber_MatrixMultiply,
        op::BINARY_SUBSCR => PyObject_GetItem,
        op::INPLACE_ADD => PyNumber_InPlaceAdd,
        op::INPLACE_SUBTRACT => PyNumber_InPlaceSubtract,
        op::INPLACE_MULTIPLY => PyNumber_InPlaceMultiply,
        op::INPLACE_TRUE_DIVIDE => PyNumber_InPlaceTrueDivide,
        op::INPLACE_FLOOR_DIVIDE => PyNumber_InPlaceFloorDivide,
        op::INPLACE_MODULO => PyNumber_InPlaceRemainder,
        op::INPLACE_POWER => ops::number_inplace_power,
        op::INPLACE_LSHIFT => PyNumber_InPlaceLshift,
        op::INPLACE_RSHIFT => PyNumber_InPlaceRshift,
        op::INPLACE_AND => PyNumber_InPlaceAnd,
        op::INPLACE_OR => PyNumber_InPlaceOr,
        op::INPLACE_XOR => PyNumber_InPlaceXor,
        _ => PyNumber_InPlaceMatrixMultiply,
    }
}

/// Compiles the analysed bytecode for execution anywhere in `code_range` (all helpers are
/// called through registers when it is `None`). `consts` is `co_consts` (items are embedded
/// as addresses; the code object keeps them alive).
pub fn assemble(
    analysis: &Analysis,
    consts: &[usize],
    facts: CodeFacts,
    code_range: Option<CodeRange>,
) -> Result<Assembled, CompileFailure> {
    let CodeFacts { co_flags, co_nlocals, bound_args } = facts;
    let mut ops = VecAssembler::<X64Relocation>::new(0);
    let count = analysis.instructions.last().map_or(0, |i| i.index() + 1);
    let labels = (0..count).map(|_| ops.new_dynamic_label()).collect();
    let exit = ops.new_dynamic_label();
    let deopt = ops.new_dynamic_label();
    let raw_opcodes = analysis.instructions.iter().map(|i| i.opcode).collect();
    let raw_units = analysis.instructions.iter().map(|i| (i.opcode as u16) << 8 | (i.oparg & 0xff) as u16).collect();
    let load_globals = analysis.instructions.iter().filter(|i| i.opcode == op::LOAD_GLOBAL).count();
    let global_caches = (0..load_globals).map(|_| UnsafeCell::new(GlobalCache::default())).collect();
    let attr_ops = analysis.instructions.iter().filter(|i| is_cached_attr_op(i.opcode)).count();
    let attr_caches = (0..attr_ops).map(|_| UnsafeCell::new(AttrCache::default())).collect();
    let mut e = Emitter {
        ops,
        code_range,
        calls: Vec::new(),
        consts,
        labels,
        exit,
        deopt,
        co_flags,
        co_nlocals,
        raw_opcodes,
        raw_units,
        global_caches,
        next_global_cache: 0,
        attr_caches,
        next_attr_cache: 0,
        inline_caches: crate::inline_caches(),
        count_caches: ops::cache_counts::counting(),
        cold: Default::default(),
        notes: Default::default(),
        error_exits: Vec::new(),
        dealloc_rdi: None,
        always_bound: always_bound_locals(analysis, bound_args),
        borrowed: Borrowed::NONE,
        borrow_load: false,
        top_in_rax: false,
        leaves_top_in_rax: false,
        owning_jumps: Vec::new(),
    };
    e.emit_prologue_and_exit();
    let mut instruction_offsets = vec![usize::MAX; count];
    // EXTENDED_ARG prefixes are folded into the instruction they prefix (jumps land on its
    // `start`).
    let real: Vec<&Instruction> = analysis.instructions.iter().filter(|i| i.opcode != op::EXTENDED_ARG).collect();
    let entry_points = analysis.entry_points();
    let mut at = 0;
    while let Some(&instr) = real.get(at) {
        at += 1;
        let takes_borrowed = borrowed_operands(instr.opcode, instr.oparg) > 0 || is_borrowing_load(instr.opcode);
        if e.borrowed != Borrowed::NONE && (!takes_borrowed || entry_points.contains(&instr.start)) {
            // Not reached with the loads `borrows_operand` allows; kept as the invariant.
            let borrowed = std::mem::take(&mut e.borrowed);
            e.own_slots(borrowed);
            e.leaves_top_in_rax = false;
        }
        e.top_in_rax = std::mem::take(&mut e.leaves_top_in_rax) && !entry_points.contains(&instr.start);
        e.borrow_load = borrows_operand(&real, at - 1, &entry_points, e.inline_caches != crate::InlineCaches::None);
        let start_label = e.labels[instr.start / 2];
        instruction_offsets[instr.start / 2] = e.ops.offset().0;
        e.cold.set_owner(instr.offset as u32);
        dynasm!(e.ops ; .arch x64 ; =>start_label);
        if !leaves_lasti_alone(instr.opcode, e.inline_caches) {
            e.store_lasti(instr.offset);
        }
        // A comparison whose result only a branch reads, where nothing else enters, is
        // one instruction (the branch then never runs alone: no entry at its offset).
        if let (Some(&branch), Some(_)) = (real.get(at), real.get(at + 1)) {
            if is_fusable_compare(instr) && is_pop_jump(branch.opcode) && !entry_points.contains(&branch.start) {
                at += 1;
                emit_compare_and_branch(&mut e, instr, branch)?;
                continue;
            }
        }
        let emit = emit_fn(instr.opcode).ok_or(CompileFailure::UnsupportedOpcode(instr.opcode))?;
        emit(&mut e, instr)?;
    }
    debug_assert_eq!(e.borrowed, Borrowed::NONE, "a borrowed slot outlived the code");
    // Cold blocks start at labels: rax holds nothing known there.
    e.top_in_rax = false;
    e.start_cold_notes();
    // Cold blocks may defer more of their own (an error exit after a slow path's call).
    while !e.cold.is_empty() {
        for (owner, block) in e.cold.take() {
            e.cold.set_owner(owner);
            e.notes.cold_block(e.ops.offset().0, owner);
            block(&mut e);
        }
    }
    let notes = e.finish_notes();
    let code = e.ops.finalize().map_err(|_| CompileFailure::AssemblerError)?;
    Ok(Assembled { code, calls: e.calls, instruction_offsets, global_caches: e.global_caches, attr_caches: e.attr_caches, notes })
}

/// Instructions that neither call out nor raise on their common path, so nothing can
/// read `f_lasti` while they run: they skip storing it (one store per instruction of the
/// commonest kinds). An uncommon path that can raise or call stores it first (LOAD_FAST's
/// UnboundLocalError, the cache misses of LOAD_GLOBAL and LOAD_METHOD, the deallocation of
/// a value STORE_FAST or POP_TOP releases).
fn leaves_lasti_alone(opcode: u8, caches: crate::InlineCaches) -> bool {
    match opcode {
        op::LOAD_FAST | op::LOAD_CONST | op::NOP | op::ROT_TWO | op::ROT_THREE | op::DUP_TOP | op::DUP_TOP_TWO => true,
        // Only the release of a value can run code there; it stores f_lasti first.
        op::STORE_FAST | op::POP_TOP => true,
        // An exact bool decides at once; the truth test of anything else and the eval
        // breaker of a backward branch store f_lasti first (in the cold section).
        op::POP_JUMP_IF_FALSE | op::POP_JUMP_IF_TRUE => true,
        op::LOAD_GLOBAL => caches != crate::InlineCaches::None,
        op::LOAD_METHOD => caches == crate::InlineCaches::All,
        _ => false,
    }
}

impl Emitter<'_> {
    /// Entry (saves callee-saved registers, loads the register plan, jumps to the start
    /// address in rcx) and the shared exit (status in eax, value in rdx).
    fn emit_prologue_and_exit(&mut self) {
        let (exit, deopt) = (self.exit, self.deopt);
        dynasm!(self.ops
            ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; push rbx
            ; push r12
            ; push r13
            ; push r14
            ; push r15
            ; sub rsp, 8
            ; mov r12, rdi
            ; mov r13, rsi
            ; mov r14, rdx
            ; lea r15, [rdi + layout::FRAME_F_LOCALSPLUS as i32]
            ; jmp rcx
            ; =>deopt
            ; mov rdx, r13
            ; mov eax, status::DEOPT as i32
            ; =>exit
            ; add rsp, 8
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbx
            ; pop rbp
            ; ret
        );
    }

    fn store_lasti(&mut self, offset: usize) {
        let lasti = lasti_at(offset);
        // Once per instruction: the one-byte displacement.
        dynasm!(self.ops ; .arch x64 ; mov DWORD [BYTE r12 + d8::FRAME_F_LASTI], lasti);
    }

    /// Moves the stack pointer (r13) by `slots` slots in the shortest form, flags untouched.
    fn move_stack(&mut self, slots: i32) {
        let bytes = slots * 8;
        match i8::try_from(bytes) {
            Ok(0) => {}
            Ok(short) => dynasm!(self.ops ; .arch x64 ; lea r13, [BYTE r13 + short]),
            Err(_) => dynasm!(self.ops ; .arch x64 ; lea r13, [r13 + bytes]),
        }
    }

    /// Calls the function at `target`: directly when every address the code may be copied to
    /// reaches it, else through rax. Either way rax is clobbered (it holds the result).
    fn call(&mut self, target: usize) {
        if self.code_range.is_some_and(|range| range.reaches(target)) {
            self.ops.push(0xE8); // call rel32, linked by `link_calls`
            self.calls.push(CallSite { displacement_at: self.ops.offset().0, target });
            self.ops.push_i32(0);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov rax, QWORD target as i64 ; call rax);
        }
    }

    /// With cache counting on (`PYSTON_LITE_STATS`), counts one execution of a cached
    /// instruction of `kind`. Uses r11 and the flags only, so whatever the instruction
    /// finds in rax (the top of the stack, after a load) is still there.
    fn count_cache_execution(&mut self, kind: usize) {
        if self.count_caches {
            let counter = ops::cache_counts::EXECUTIONS[kind].as_ptr() as i64;
            dynasm!(self.ops ; .arch x64 ; mov r11, QWORD counter ; inc QWORD [r11]);
        }
    }

    /// Defers `body` to the cold section; returns the label it starts at.
    fn cold(&mut self, body: impl for<'x> FnOnce(&mut Emitter<'x>) + 'static) -> DynamicLabel {
        let label = self.ops.new_dynamic_label();
        self.cold.push(Box::new(move |e: &mut Emitter<'_>| {
            dynasm!(e.ops ; .arch x64 ; =>label);
            body(e);
        }));
        label
    }

    /// A cold block that leaves with ERROR and the stack pointer moved by `error_effect`.
    /// One per stack effect and function: every site with that effect jumps to it.
    fn cold_error_exit(&mut self, error_effect: i32) -> DynamicLabel {
        if let Some(&(_, label)) = self.error_exits.iter().find(|(effect, _)| *effect == error_effect) {
            return label;
        }
        let label = self.cold(move |e| {
            let exit = e.exit;
            dynasm!(e.ops
                ; .arch x64
                ; lea rdx, [r13 + error_effect * 8]
                ; mov eax, status::ERROR as i32
                ; jmp =>exit
            );
        });
        self.error_exits.push((error_effect, label));
        label
    }

    /// For helpers that return the new stack pointer in rax and a code in rdx (0 = go on,
    /// -1 = error, below -1 = re-raise, above 0 = the caller's own outcome): sets r13 from
    /// rax and leaves with ERROR or RERAISE for a negative code. Jumps to `positive` for a
    /// positive code when given (rdx kept), and falls through for 0.
    fn dispatch_stack_and_code(&mut self, positive: Option<DynamicLabel>) {
        let exit = self.exit;
        let go_on = self.ops.new_dynamic_label();
        dynasm!(self.ops ; .arch x64 ; mov r13, rax ; test rdx, rdx ; je =>go_on);
        if let Some(positive) = positive {
            dynasm!(self.ops ; .arch x64 ; jg =>positive);
        }
        dynasm!(self.ops
            ; .arch x64
            ; cmp rdx, -1
            ; mov eax, status::ERROR as i32
            ; mov ecx, status::RERAISE as i32
            ; cmovne eax, ecx
            ; mov rdx, r13
            ; jmp =>exit
            ; =>go_on
        );
    }

    /// After a helper returning 0 / -1 in eax: on -1 leave with ERROR and the stack pointer
    /// moved by `error_effect` slots.
    fn check_status(&mut self, error_effect: i32) {
        let error = self.cold_error_exit(error_effect);
        dynasm!(self.ops ; .arch x64 ; test eax, eax ; js =>error);
    }

    /// After a helper returning a new reference in rax: on NULL leave with ERROR and the
    /// stack pointer moved by `error_effect` slots.
    fn check_null_rax(&mut self, error_effect: i32) {
        let error = self.cold_error_exit(error_effect);
        dynasm!(self.ops ; .arch x64 ; test rax, rax ; jz =>error);
    }

    /// After a helper whose result in eax (0 or 1) decides a branch: if the helper's code
    /// turned tracing on, leave for the evaluator with `f_lasti` set so that it continues
    /// on the chosen branch; `lasti_for` maps each result to that `f_lasti`. eax is kept.
    fn check_tracing_at_branch(&mut self, lasti_for: &[(i32, i32); 2]) {
        let quiet = self.ops.new_dynamic_label();
        let deopt = self.deopt;
        self.cmp_use_tracing();
        dynasm!(self.ops ; .arch x64 ; je =>quiet);
        for &(result, lasti) in lasti_for {
            let other = self.ops.new_dynamic_label();
            dynasm!(self.ops
                ; .arch x64
                ; cmp eax, result
                ; jne =>other
                ; mov DWORD [r12 + layout::FRAME_F_LASTI as i32], lasti
                ; jmp =>deopt
                ; =>other
            );
        }
        dynasm!(self.ops ; .arch x64 ; =>quiet);
    }

    /// Compares the thread's tracing flag with 0 (`tstate->use_tracing` up to 3.9,
    /// `tstate->cframe->use_tracing` on 3.10). Clobbers rcx only.
    fn cmp_use_tracing(&mut self) {
        // After every call: the short encodings of the probed offsets where they apply.
        #[cfg(not(py310))]
        match layout::TSTATE_USE_TRACING {
            48 => dynasm!(self.ops ; .arch x64 ; cmp DWORD [r14 + 48], BYTE 0),
            _ => dynasm!(self.ops ; .arch x64 ; cmp DWORD [r14 + layout::TSTATE_USE_TRACING as i32], BYTE 0),
        }
        #[cfg(py310)]
        match (layout::TSTATE_CFRAME, layout::CFRAME_USE_TRACING) {
            (48, 0) => dynasm!(self.ops ; .arch x64 ; mov rcx, [r14 + 48] ; cmp DWORD [rcx], BYTE 0),
            _ => dynasm!(self.ops
                ; .arch x64
                ; mov rcx, [r14 + layout::TSTATE_CFRAME as i32]
                ; cmp DWORD [rcx + layout::CFRAME_USE_TRACING as i32], BYTE 0
            ),
        }
    }

    /// After an instruction that can run Python code: if that code turned tracing or
    /// profiling on, leave so the evaluator runs the rest of the frame (it continues after
    /// `f_lasti`, the instruction just completed).
    fn check_tracing(&mut self) {
        let deopt = self.deopt;
        self.cmp_use_tracing();
        dynasm!(self.ops ; .arch x64 ; jne =>deopt);
    }

    /// After a helper that replaced the two top stack items by its result (status in eax):
    /// error exit, pop one slot, tracing check, then on to `done`.
    fn finish_two_operand_helper(&mut self, done: DynamicLabel) {
        self.check_status(-1);
        dynasm!(self.ops ; .arch x64 ; sub r13, 8);
        self.check_tracing();
        dynasm!(self.ops ; .arch x64 ; jmp =>done);
    }

    /// Raises UnboundLocalError for local `index` and leaves with ERROR (the stack is as
    /// at the instruction's start).
    fn raise_unbound_local(&mut self, index: u32) {
        dynasm!(self.ops ; .arch x64 ; mov rdi, r12 ; mov esi, index as i32);
        self.call(ops::raise_unbound_local as *const () as usize);
        let exit = self.exit;
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, r13
            ; mov eax, status::ERROR as i32
            ; jmp =>exit
        );
    }

    /// Py_DECREF of the object in rdi (clobbers rax, rdi and caller-saved registers). The
    /// deallocation call is in the cold section.
    fn decref_rdi(&mut self) {
        let dealloc = self.dealloc_rdi_stub();
        dynasm!(self.ops
            ; .arch x64
            ; dec QWORD [rdi]
            ; jnz BYTE >alive
            ; call =>dealloc
            ; alive:
        );
    }

    /// [`Self::decref_rdi`] for an instruction whose only way to run code is this release
    /// (`STORE_FAST`, `POP_TOP`): `f_lasti` is stored only when the object is deallocated,
    /// just before its destructor could look at the frame.
    fn decref_rdi_at(&mut self, offset: usize) {
        let dealloc = self.dealloc_rdi_stub();
        dynasm!(self.ops
            ; .arch x64
            ; dec QWORD [rdi]
            ; jnz BYTE >alive
        );
        self.store_lasti(offset);
        dynasm!(self.ops
            ; .arch x64
            ; call =>dealloc
            ; alive:
        );
    }

    /// The function's shared tail of [`Self::decref_rdi`]: calls `Py_TYPE(rdi)->tp_dealloc(rdi)`
    /// for its caller (a tail jump, so the deallocator returns to the decref site).
    fn dealloc_rdi_stub(&mut self) -> DynamicLabel {
        if let Some(label) = self.dealloc_rdi {
            return label;
        }
        let label = self.cold(|e| {
            dynasm!(e.ops
                ; .arch x64
                ; mov rax, [rdi + 8]
                ; jmp QWORD [BYTE rax + d8::TYPE_TP_DEALLOC]
            );
        });
        self.dealloc_rdi = Some(label);
        label
    }

    /// The label of a jump's target.
    fn target_label(&self, instr: &Instruction) -> Result<DynamicLabel, CompileFailure> {
        let target = instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?;
        self.labels.get(target / 2).copied().ok_or(CompileFailure::MalformedBytecode)
    }

    /// At a backward jump to `target`: if the eval breaker is set, run its work (error exit
    /// on failure; if it turned tracing on, deopt so the evaluator continues at `target`).
    fn check_eval_breaker(&mut self, target: usize) {
        self.eval_breaker_check(lasti_before(target));
    }

    /// After a call: ceval checks the eval breaker before the next instruction unless that
    /// is one it exempts, so a signal raised by the call (`os.kill(os.getpid(), SIGINT)`)
    /// is handled inside the same `try` block.
    fn check_eval_breaker_after(&mut self, instr: &Instruction) {
        let next = self.raw_opcodes.get(instr.index() + 1).copied();
        if !matches!(next, Some(op::SETUP_FINALLY | op::SETUP_WITH | op::BEFORE_ASYNC_WITH | op::YIELD_FROM)) {
            self.eval_breaker_check(lasti_at(instr.offset));
        }
    }

    /// If the eval breaker is set, run its work: error exit on failure (with `f_lasti` as it
    /// is); if it turned tracing on, deopt with `f_lasti = resume_lasti` (the evaluator
    /// continues after it).
    fn eval_breaker_check(&mut self, resume_lasti: i32) {
        // SAFETY: the current thread state is alive while we compile under the GIL.
        let breaker = unsafe { interp::cpython::eval_breaker_addr((*interp::cpython::PyThreadState_Get()).interp) };
        let quiet = self.ops.new_dynamic_label();
        let busy = self.cold(move |e| {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r14);
            e.call(ops::handle_eval_breaker as *const () as usize);
            e.check_status(0);
            let deopt = e.deopt;
            e.cmp_use_tracing();
            dynasm!(e.ops
                ; .arch x64
                ; je =>quiet
                ; mov DWORD [r12 + layout::FRAME_F_LASTI as i32], resume_lasti
                ; jmp =>deopt
            );
        });
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD breaker as i64
            ; cmp DWORD [rax], BYTE 0
            ; jne =>busy
            ; =>quiet
        );
    }
}

fn emit_nop(_: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    Ok(())
}

fn emit_load_fast(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let slot = (instr.oparg * 8) as i32;
    match i8::try_from(slot) {
        Ok(short) => dynasm!(e.ops ; .arch x64 ; mov rax, [BYTE r15 + short]),
        Err(_) => dynasm!(e.ops ; .arch x64 ; mov rax, [r15 + slot]),
    }
    if e.always_bound.get(instr.oparg as usize) != Some(&true) {
        // LOAD_FAST does not store f_lasti on its common path (see `leaves_lasti_alone`).
        let (index, offset, below) = (instr.oparg, instr.offset, e.borrowed);
        let unbound = e.cold(move |e| {
            e.own_slots(below);
            e.store_lasti(offset);
            e.raise_unbound_local(index);
        });
        dynasm!(e.ops ; .arch x64 ; test rax, rax ; jz =>unbound);
    }
    e.push_rax()
}

fn emit_load_const(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let value = *e.consts.get(instr.oparg as usize).ok_or(CompileFailure::MalformedBytecode)?;
    dynasm!(e.ops ; .arch x64 ; mov rax, QWORD value as i64);
    e.push_rax()
}

fn emit_store_fast(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let slot = (instr.oparg * 8) as i32;
    // As ceval's SETLOCAL: store first, then drop the old value (its destructor may run code).
    dynasm!(e.ops ; .arch x64 ; sub r13, 8);
    if !e.take_top_in_rax() {
        dynasm!(e.ops ; .arch x64 ; mov rax, [r13]);
    }
    match i8::try_from(slot) {
        Ok(short) => dynasm!(e.ops ; .arch x64 ; mov rdi, [BYTE r15 + short] ; mov [BYTE r15 + short], rax),
        Err(_) => dynasm!(e.ops ; .arch x64 ; mov rdi, [r15 + slot] ; mov [r15 + slot], rax),
    }
    dynasm!(e.ops ; .arch x64 ; test rdi, rdi ; jz BYTE >done); // over the decref's 23 bytes
    e.decref_rdi_at(instr.offset);
    dynasm!(e.ops ; .arch x64 ; done:);
    Ok(())
}

fn emit_load_global(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let below = e.take_borrowed();
    if e.inline_caches == crate::InlineCaches::None {
        e.own_slots(below);
        let call = HelperCall { helper: ops::load_global as *const (), takes_frame: true, extra: 0, effect: 1, error_effect: 1 };
        return emit_call_helper(e, instr, call);
    }
    let cache = e.global_caches.get(e.next_global_cache).ok_or(CompileFailure::MalformedBytecode)?.get();
    e.next_global_cache += 1;
    e.count_cache_execution(ops::cache_counts::LOAD_GLOBAL);
    e.cached_load_global(instr, cache, e.borrow_load, below);
    Ok(())
}

/// The opcodes that get an [`AttrCache`].
fn is_cached_attr_op(opcode: u8) -> bool {
    matches!(opcode, op::LOAD_ATTR | op::STORE_ATTR | op::LOAD_METHOD)
}

/// `LOAD_ATTR`, `LOAD_METHOD`, `STORE_ATTR` through this instruction's attribute cache.
fn emit_cached_attr(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let borrowed = e.take_borrowed();
    if e.inline_caches != crate::InlineCaches::All {
        e.own_slots(borrowed);
        let (helper, effect, error_effect) = match instr.opcode {
            op::LOAD_ATTR => (ops::load_attr as *const (), 0, 0),
            op::LOAD_METHOD => (ops::load_method as *const (), 1, 0),
            _ => (ops::store_attr as *const (), -2, -2),
        };
        return emit_call_helper(e, instr, HelperCall { helper, takes_frame: true, extra: 0, effect, error_effect });
    }
    let cache = e.attr_caches.get(e.next_attr_cache).ok_or(CompileFailure::MalformedBytecode)?.get();
    e.next_attr_cache += 1;
    e.count_cache_execution(match instr.opcode {
        op::LOAD_ATTR => ops::cache_counts::LOAD_ATTR,
        op::LOAD_METHOD => ops::cache_counts::LOAD_METHOD,
        _ => ops::cache_counts::STORE_ATTR,
    });
    let (helper, effect, error_effect) = match instr.opcode {
        op::LOAD_ATTR => (ops::load_attr_cached as *const (), 0, 0),
        op::LOAD_METHOD => (ops::load_method_cached as *const (), 1, 0),
        _ => (ops::store_attr_cached as *const (), -2, -2),
    };
    // The commonest hits are finished on the hot path, the generic helper call is in the
    // cold section (borrowed operands counted first). A method hit runs no code, so it
    // skips the tracing check; an attribute hit released the owner, which may have run a
    // `__del__`, unless the owner was borrowed.
    let (opcode, oparg, cache_address) = (instr.opcode, instr.oparg, cache as usize);
    let call_helper = move |e: &mut Emitter<'_>| {
        dynasm!(e.ops
            ; .arch x64
            ; mov rdi, r12
            ; mov rsi, r13
            ; mov edx, oparg as i32
            ; mov rcx, QWORD cache_address as i64
        );
        e.call(helper as usize);
        e.check_status(error_effect);
        e.move_stack(effect);
    };
    match opcode {
        op::LOAD_ATTR if borrowed.at(1) => {
            let done = e.ops.new_dynamic_label();
            let slow = e.cold(move |e| {
                e.own_slots(borrowed);
                call_helper(e);
                e.check_tracing();
                dynasm!(e.ops ; .arch x64 ; jmp =>done);
            });
            e.cached_attr_load(cache, slow, borrowed);
            dynasm!(e.ops ; .arch x64 ; =>done);
        }
        op::LOAD_ATTR => {
            let released = e.ops.new_dynamic_label();
            let slow = e.cold(move |e| {
                call_helper(e);
                dynasm!(e.ops ; .arch x64 ; jmp =>released);
            });
            e.cached_attr_load(cache, slow, borrowed);
            dynasm!(e.ops ; .arch x64 ; =>released);
            e.check_tracing();
        }
        op::LOAD_METHOD => {
            let done = e.ops.new_dynamic_label();
            let offset = instr.offset;
            let slow = e.cold(move |e| {
                e.store_lasti(offset);
                call_helper(e);
                e.check_tracing();
                dynasm!(e.ops ; .arch x64 ; jmp =>done);
            });
            e.cached_method_load(cache, slow);
            dynasm!(e.ops ; .arch x64 ; =>done);
        }
        _ => {
            let done = e.ops.new_dynamic_label();
            let slow = e.cold(move |e| {
                e.own_slots(borrowed);
                call_helper(e);
                dynasm!(e.ops ; .arch x64 ; jmp =>done);
            });
            e.instance_dict_attr_store(cache, slow, borrowed);
            dynasm!(e.ops ; .arch x64 ; =>done);
            e.check_tracing();
        }
    }
    Ok(())
}

fn emit_pop_top(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops ; .arch x64 ; sub r13, 8 ; mov rdi, [r13]);
    e.decref_rdi_at(instr.offset);
    Ok(())
}

fn emit_return_value(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    // 3.7: `return` unwinds the blocks still open (loops, `finally` bodies that must run
    // first): the driver does that, with the value on top of the stack.
    #[cfg(py37)]
    dynasm!(e.ops
        ; .arch x64
        ; cmp DWORD [r12 + layout::FRAME_F_IBLOCK as i32], BYTE 0
        ; je >no_blocks
        ; mov rdx, r13
        ; mov rax, QWORD unwind_status(ops::why::RETURN) as i64
        ; jmp =>exit
        ; no_blocks:
    );
    // ceval's exit_returning: whatever is still on the value stack is released (bytecode
    // from the compiler leaves nothing; hand-made bytecode may).
    dynasm!(e.ops
        ; .arch x64
        ; sub r13, 8
        ; mov rbx, [r13]
        ; cmp r13, [r12 + layout::FRAME_F_VALUESTACK as i32]
        ; jbe >empty
        ; mov rdi, r12
        ; mov rsi, r13
    );
    e.call(ops::release_value_stack as *const () as usize);
    dynasm!(e.ops
        ; .arch x64
        ; empty:
        ; mov rdx, rbx
        ; mov eax, status::RETURN as i32
        ; jmp =>exit
    );
    Ok(())
}

fn emit_binary_op(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let done = e.ops.new_dynamic_label();
    let int_arith = match instr.opcode {
        op::BINARY_ADD | op::INPLACE_ADD => Some(IntArith::Add),
        op::BINARY_SUBTRACT | op::INPLACE_SUBTRACT => Some(IntArith::Subtract),
        op::BINARY_MULTIPLY | op::INPLACE_MULTIPLY => Some(IntArith::Multiply),
        _ => None,
    };
    let float_arith = match instr.opcode {
        op::BINARY_ADD | op::INPLACE_ADD => Some(FloatArith::Add),
        op::BINARY_SUBTRACT | op::INPLACE_SUBTRACT => Some(FloatArith::Subtract),
        op::BINARY_MULTIPLY | op::INPLACE_MULTIPLY => Some(FloatArith::Multiply),
        op::BINARY_TRUE_DIVIDE | op::INPLACE_TRUE_DIVIDE => Some(FloatArith::Divide),
        _ => None,
    };
    // The small-int and float fast paths inline (ints first), the generic helper in the
    // cold section.
    let (opcode, next_unit) = (instr.opcode, e.raw_units.get(instr.index() + 1).copied().unwrap_or(0) as i32);
    let borrowed = e.take_borrowed();
    let slow = e.cold(move |e| {
        e.own_slots(borrowed);
        if matches!(opcode, op::BINARY_ADD | op::INPLACE_ADD) {
            // str + str goes through ceval's in-place concatenation (see add_or_concatenate).
            dynasm!(e.ops
                ; .arch x64
                ; mov rdi, r12
                ; mov rsi, r13
                ; mov edx, next_unit
                ; mov rcx, QWORD binary_fn(opcode) as *const () as i64
            );
            e.call(ops::add_or_concatenate as *const () as usize);
        } else {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov rsi, QWORD binary_fn(opcode) as *const () as i64);
            e.call(ops::binary_op as *const () as usize);
        }
        e.finish_two_operand_helper(done);
    });
    match (int_arith, float_arith, instr.opcode) {
        (Some(int), Some(float), _) => {
            let not_ints = e.ops.new_dynamic_label();
            e.small_int_arith(int, not_ints, Some(done), borrowed);
            dynasm!(e.ops ; .arch x64 ; =>not_ints);
            e.float_arith(float, slow, None, borrowed);
        }
        (None, Some(float), _) => e.float_arith(float, slow, None, borrowed),
        (Some(int), None, _) => e.small_int_arith(int, slow, None, borrowed),
        (None, None, op::BINARY_SUBSCR) => e.sequence_subscript(slow, None, borrowed),
        _ => dynasm!(e.ops ; .arch x64 ; jmp =>slow),
    }
    dynasm!(e.ops ; .arch x64 ; =>done);
    Ok(())
}

/// `IS_OP invert` (3.9+): `is` / `is not`, a pointer comparison done inline.
#[cfg(any(py39, py310))]
fn emit_is_op(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let borrowed = e.take_borrowed();
    e.identity_compare(instr.oparg != 0, borrowed);
    Ok(())
}

fn emit_compare_op(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let done = e.ops.new_dynamic_label();
    let borrowed = e.take_borrowed();
    #[cfg(any(py37, py38))] // 3.9 made `is` / `is not` an opcode of its own (IS_OP)
    if matches!(instr.oparg, ops::cmp::IS | ops::cmp::IS_NOT) {
        e.identity_compare(instr.oparg == ops::cmp::IS_NOT, borrowed);
        return Ok(());
    }
    let oparg = instr.oparg;
    let rich = fast_paths::is_rich_compare(oparg);
    let slow = e.cold(move |e| {
        e.own_slots(borrowed);
        if rich {
            let not_floats = e.ops.new_dynamic_label();
            e.float_compare(oparg, not_floats, Some(done), Borrowed::NONE);
            dynasm!(e.ops ; .arch x64 ; =>not_floats);
        }
        dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, oparg as i32);
        e.call(ops::compare_op as *const () as usize);
        e.finish_two_operand_helper(done);
    });
    if rich {
        e.small_int_compare(oparg, slow, None, borrowed);
    } else {
        dynasm!(e.ops ; .arch x64 ; jmp =>slow);
    }
    dynasm!(e.ops ; .arch x64 ; =>done);
    Ok(())
}

/// `COMPARE_OP` with one of `<`, `<=`, `==`, `!=`, `>`, `>=`.
fn is_fusable_compare(instr: &Instruction) -> bool {
    instr.opcode == op::COMPARE_OP && fast_paths::is_rich_compare(instr.oparg)
}

fn is_pop_jump(opcode: u8) -> bool {
    matches!(opcode, op::POP_JUMP_IF_FALSE | op::POP_JUMP_IF_TRUE)
}

/// `COMPARE_OP` followed by `POP_JUMP_IF_FALSE`/`TRUE`: two small ints (or, in the cold
/// section, two floats) are compared and branched on without the bool being made (nothing
/// can observe it: no code runs, and neither instruction's `f_lasti` can be read in
/// between). Anything else calls the comparison's helper, then runs the branch as it is
/// compiled alone, both in the cold section.
fn emit_compare_and_branch(e: &mut Emitter<'_>, compare: &Instruction, branch: &Instruction) -> Result<(), CompileFailure> {
    let oparg = compare.oparg;
    let branch = *branch;
    let target_offset = branch.jump_target().ok_or(CompileFailure::MalformedBytecode)?;
    let target_label = e.target_label(&branch)?;
    let backward = target_offset <= branch.offset;
    let target = if backward { e.ops.new_dynamic_label() } else { target_label };
    let after = *e.labels.get(branch.next_offset() / 2).ok_or(CompileFailure::MalformedBytecode)?;
    let jump_if_true = branch.opcode == op::POP_JUMP_IF_TRUE;
    let borrowed = e.take_borrowed();
    let slow = e.cold(move |e| {
        e.own_slots(borrowed);
        let (not_floats, compared) = (e.ops.new_dynamic_label(), e.ops.new_dynamic_label());
        e.float_compare_flag(oparg, not_floats, Borrowed::NONE);
        if jump_if_true {
            dynasm!(e.ops ; .arch x64 ; test ebx, ebx ; jnz =>target ; jmp =>after);
        } else {
            dynasm!(e.ops ; .arch x64 ; test ebx, ebx ; jz =>target ; jmp =>after);
        }
        dynasm!(e.ops ; .arch x64 ; =>not_floats ; mov rdi, r13 ; mov esi, oparg as i32);
        e.call(ops::compare_op as *const () as usize);
        e.finish_two_operand_helper(compared);
        dynasm!(e.ops ; .arch x64 ; =>compared);
        e.store_lasti(branch.offset);
        // The branch alone falls through at its end: on to the instruction after it.
        match emit_pop_jump_if(e, &branch) {
            Ok(()) => dynasm!(e.ops ; .arch x64 ; jmp =>after),
            Err(_) => unreachable!("the branch's target was checked above"),
        }
    });
    e.small_int_compare_flag(oparg, slow, borrowed);
    if jump_if_true {
        dynasm!(e.ops ; .arch x64 ; test ebx, ebx ; jnz =>target);
    } else {
        dynasm!(e.ops ; .arch x64 ; test ebx, ebx ; jz =>target);
    }
    if backward {
        // The taken back-edge checks the eval breaker (with the branch's `f_lasti`, as
        // ceval has it there), then loops.
        e.cold.push(Box::new(move |e: &mut Emitter<'_>| {
            dynasm!(e.ops ; .arch x64 ; =>target);
            e.store_lasti(branch.offset);
            e.check_eval_breaker(target_offset);
            dynasm!(e.ops ; .arch x64 ; jmp =>target_label);
        }));
    }
    Ok(())
}

fn emit_pop_jump_if(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target_label = e.target_label(instr)?;
    let target_offset = instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?;
    // A backward branch closes a loop (3.10 ends `while cond:` loops this way, with no
    // JUMP_ABSOLUTE): taking it goes through the eval-breaker check, as ceval's does.
    let backward = target_offset <= instr.offset;
    let target = if backward { e.ops.new_dynamic_label() } else { target_label };
    let jump_if_true = instr.opcode == op::POP_JUMP_IF_TRUE;
    // SAFETY: the address of the True/False singletons (static objects of libpython).
    let (py_true, py_false) = unsafe { (pyo3_ffi::Py_True() as i64, pyo3_ffi::Py_False() as i64) };
    let (jump_on, fall_on) = if jump_if_true { (py_true, py_false) } else { (py_false, py_true) };
    let next_label = e.ops.new_dynamic_label();
    let (on_true, on_false) = if jump_if_true { (target, next_label) } else { (next_label, target) };
    let offset = instr.offset;
    let borrowed = e.take_borrowed().at(1);
    let slow = e.cold(move |e| {
        e.store_lasti(offset);
        if borrowed {
            dynasm!(e.ops ; .arch x64 ; inc QWORD [rdi]);
        }
        e.truth_of_common_types(on_true, on_false);
        dynasm!(e.ops ; .arch x64 ; lea rdi, [r13 + 8]);
        e.call(ops::pop_truth as *const () as usize);
        e.check_status(0);
        // `__bool__` may have turned tracing on: the evaluator continues on the chosen branch.
        let (taken, not_taken) = if jump_if_true { (1, 0) } else { (0, 1) };
        e.check_tracing_at_branch(&[(taken, lasti_before(target_offset)), (not_taken, lasti_at(offset))]);
        dynasm!(e.ops ; .arch x64 ; test eax, eax);
        if jump_if_true {
            dynasm!(e.ops ; .arch x64 ; jnz =>target);
        } else {
            dynasm!(e.ops ; .arch x64 ; jz =>target);
        }
        dynasm!(e.ops ; .arch x64 ; jmp =>next_label);
    });
    // Exact bools skip PyObject_IsTrue (the singletons are immortal in practice, but we
    // still drop an owned reference as ceval does).
    if e.take_top_in_rax() {
        dynasm!(e.ops ; .arch x64 ; sub r13, 8 ; mov rdi, rax);
    } else {
        dynasm!(e.ops ; .arch x64 ; sub r13, 8 ; mov rdi, [r13]);
    }
    dynasm!(e.ops
        ; .arch x64
        ; mov rax, QWORD jump_on
        ; cmp rdi, rax
    );
    if borrowed {
        dynasm!(e.ops
            ; .arch x64
            ; je =>target
            ; mov rax, QWORD fall_on
            ; cmp rdi, rax
            ; jne =>slow
            ; =>next_label
        );
    } else {
        dynasm!(e.ops
            ; .arch x64
            ; jne BYTE >not_jump_bool // over the next 8 bytes
            ; dec QWORD [rdi]
            ; jmp =>target
            ; not_jump_bool:
            ; mov rax, QWORD fall_on
            ; cmp rdi, rax
            ; jne =>slow
            ; dec QWORD [rdi]
            ; =>next_label
        );
    }
    if backward {
        // In the cold section: the taken back-edge checks the eval breaker, then loops.
        e.cold.push(Box::new(move |e: &mut Emitter<'_>| {
            dynasm!(e.ops ; .arch x64 ; =>target);
            e.store_lasti(offset);
            e.check_eval_breaker(target_offset);
            dynasm!(e.ops ; .arch x64 ; jmp =>target_label);
        }));
    }
    Ok(())
}

fn emit_jump(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target = e.target_label(instr)?;
    let backward = instr.jump_target().is_some_and(|t| t <= instr.offset);
    if backward {
        e.check_eval_breaker(instr.jump_target().unwrap_or(0));
    }
    dynasm!(e.ops ; .arch x64 ; jmp =>target);
    Ok(())
}

fn emit_call_function(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let consumed = instr.oparg as i32;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, instr.oparg as i32);
    e.call(ops::call_function as *const () as usize);
    e.check_status(-consumed);
    e.move_stack(-consumed);
    e.check_tracing();
    e.check_eval_breaker_after(instr);
    Ok(())
}

fn emit_build_sequence(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let count = instr.oparg as i32;
    let helper = if instr.opcode == op::BUILD_TUPLE { ops::build_tuple } else { ops::build_list };
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, instr.oparg as i32);
    e.call(helper as *const () as usize);
    e.check_status(0); // on failure the items are still on the stack
    e.move_stack(1 - count);
    Ok(())
}

/// How a generic helper call is made and what it does to the stack.
struct HelperCall {
    helper: *const (),
    /// Arguments: (frame, sp, oparg) when true, else (sp, oparg-or-function).
    takes_frame: bool,
    /// Second argument when not `takes_frame` (an oparg or a function address).
    extra: i64,
    /// Stack effect on success and on error (slots left owned or NULL).
    effect: i32,
    error_effect: i32,
}

fn helper_call(instr: &Instruction) -> HelperCall {
    let n = instr.oparg as i32;
    let frame = |helper: *const (), effect, error_effect| HelperCall { helper, takes_frame: true, extra: 0, effect, error_effect };
    let stack =
        |helper: *const (), extra: i64, effect, error_effect| HelperCall { helper, takes_frame: false, extra, effect, error_effect };
    let unary = |f: ops::UnaryFn| stack(ops::unary_op as *const (), f as *const () as i64, 0, 0);
    match instr.opcode {
        op::STORE_GLOBAL => frame(ops::store_global as *const (), -1, -1),
        op::CALL_METHOD => stack(ops::call_method as *const (), n as i64, -(n + 1), -(n + 1)),
        op::CALL_FUNCTION_KW => stack(ops::call_function_kw as *const (), n as i64, -(n + 1), -(n + 1)),
        op::GET_ITER => stack(ops::get_iter as *const (), 0, 0, 0),
        op::UNPACK_SEQUENCE => stack(ops::unpack_sequence as *const (), n as i64, n - 1, -1),
        op::UNARY_POSITIVE => unary(pyo3_ffi::PyNumber_Positive),
        op::UNARY_NEGATIVE => unary(pyo3_ffi::PyNumber_Negative),
        op::UNARY_INVERT => unary(pyo3_ffi::PyNumber_Invert),
        op::UNARY_NOT => stack(ops::unary_not as *const (), 0, 0, 0),
        op::STORE_SUBSCR => stack(ops::store_subscr as *const (), 0, -3, -3),
        op::BUILD_MAP => stack(ops::build_map as *const (), n as i64, 1 - 2 * n, 0),
        op::BUILD_CONST_KEY_MAP => stack(ops::build_const_key_map as *const (), n as i64, -n, 0),
        op::LIST_APPEND => stack(ops::list_append as *const (), n as i64, -1, -1),
        op::SET_ADD => stack(ops::set_add as *const (), n as i64, -1, -1),
        op::MAP_ADD => stack(ops::map_add as *const (), n as i64, -2, -2),
        op::BUILD_SET => stack(ops::build_set as *const (), n as i64, 1 - n, 1 - n),
        op::BUILD_SLICE => stack(ops::build_slice as *const (), n as i64, 1 - n, 1 - n),
        op::FORMAT_VALUE => {
            let effect = if instr.oparg & 0x4 != 0 { -1 } else { 0 };
            stack(ops::format_value as *const (), n as i64, effect, effect)
        }
        op::BUILD_STRING => stack(ops::build_string as *const (), n as i64, 1 - n, 0),
        op::DELETE_SUBSCR => stack(ops::delete_subscr as *const (), 0, -2, -2),
        op::DELETE_ATTR => frame(ops::delete_attr as *const (), -1, -1),
        op::LOAD_NAME => frame(ops::load_name as *const (), 1, 1),
        op::STORE_NAME => frame(ops::store_name as *const (), -1, -1),
        op::LOAD_BUILD_CLASS => frame(ops::load_build_class as *const (), 1, 1),
        op::MAKE_FUNCTION => frame(ops::make_function as *const (), -1 - (instr.oparg & 0xf).count_ones() as i32, -2),
        op::GET_YIELD_FROM_ITER => frame(ops::get_yield_from_iter as *const (), 0, 0),
        op::IMPORT_FROM => frame(ops::import_from as *const (), 1, 1),
        op::IMPORT_STAR => frame(ops::import_star as *const (), -1, -1),
        op::CALL_FUNCTION_EX => {
            let consumed = 1 + (instr.oparg & 1) as i32;
            stack(ops::call_function_ex as *const (), n as i64, -consumed, -consumed)
        }
        #[cfg(any(py37, py38))]
        op::BUILD_LIST_UNPACK
        | op::BUILD_TUPLE_UNPACK
        | op::BUILD_TUPLE_UNPACK_WITH_CALL
        | op::BUILD_SET_UNPACK
        | op::BUILD_MAP_UNPACK
        | op::BUILD_MAP_UNPACK_WITH_CALL => {
            use ops::unpack_kind::*;
            let kind = match instr.opcode {
                op::BUILD_LIST_UNPACK => LIST,
                op::BUILD_TUPLE_UNPACK => TUPLE,
                op::BUILD_TUPLE_UNPACK_WITH_CALL => TUPLE_WITH_CALL,
                op::BUILD_SET_UNPACK => SET,
                op::BUILD_MAP_UNPACK => MAP,
                _ => MAP_WITH_CALL,
            };
            stack(ops::build_unpack as *const (), (n as i64 & 0xffff) | (kind as i64) << 16, 1 - n, 0)
        }
        op::UNPACK_EX => {
            let pushed = (instr.oparg & 0xff) as i32 + (instr.oparg >> 8) as i32;
            stack(ops::unpack_ex as *const (), n as i64, pushed, -1)
        }
        op::SETUP_ANNOTATIONS => frame(ops::setup_annotations as *const (), 0, 0),
        op::PRINT_EXPR => stack(ops::print_expr as *const (), 0, -1, -1),
        op::LOAD_CLASSDEREF => frame(ops::load_classderef as *const (), 1, 1),
        op::DELETE_GLOBAL => frame(ops::delete_global as *const (), 0, 0),
        op::DELETE_NAME => frame(ops::delete_name as *const (), 0, 0),
        op::DELETE_DEREF => frame(ops::delete_deref as *const (), 0, 0),
        #[cfg(any(py39, py310))]
        op::LIST_EXTEND => stack(ops::list_extend as *const (), n as i64, -1, -1),
        #[cfg(any(py39, py310))]
        op::SET_UPDATE => stack(ops::set_update as *const (), n as i64, -1, -1),
        #[cfg(any(py39, py310))]
        op::DICT_UPDATE => stack(ops::dict_update as *const (), n as i64, -1, -1),
        #[cfg(any(py39, py310))]
        op::DICT_MERGE => stack(ops::dict_merge as *const (), n as i64, -1, -1),
        #[cfg(any(py39, py310))]
        op::LIST_TO_TUPLE => stack(ops::list_to_tuple as *const (), 0, 0, 0),
        #[cfg(any(py39, py310))]
        op::CONTAINS_OP => stack(ops::contains_op as *const (), n as i64, -1, -1),
        #[cfg(py310)]
        op::GEN_START => stack(ops::gen_start as *const (), n as i64, -1, -1),
        #[cfg(py310)]
        op::ROT_N => stack(ops::rot_n as *const (), n as i64, 0, 0),
        #[cfg(py310)]
        op::GET_LEN => stack(ops::get_len as *const (), 0, 1, 0),
        #[cfg(py310)]
        op::MATCH_MAPPING => stack(ops::match_mapping as *const (), 0, 1, 0),
        #[cfg(py310)]
        op::MATCH_SEQUENCE => stack(ops::match_sequence as *const (), 0, 1, 0),
        #[cfg(py310)]
        op::MATCH_KEYS => stack(ops::match_keys as *const (), 0, 2, 0),
        #[cfg(py310)]
        op::MATCH_CLASS => stack(ops::match_class as *const (), n as i64, -1, -1),
        #[cfg(py310)]
        op::COPY_DICT_WITHOUT_KEYS => stack(ops::copy_dict_without_keys as *const (), 0, 0, 0),
        op::GET_AITER => stack(ops::get_aiter as *const (), 0, 0, 0),
        op::GET_ANEXT => stack(ops::get_anext as *const (), 0, 1, 0),
        op::BEFORE_ASYNC_WITH => stack(ops::before_async_with as *const (), 0, 1, 0),
        _ => unreachable!("emit_fn routes only the opcodes above here"),
    }
}

/// One call of a status-returning helper (see `ops`' conventions), then the tracing check:
/// every helper routed here may run Python code.
/// Most unpackings are short: longer ones go straight to the helper (no unrolled copy).
const MAX_INLINE_UNPACK: u32 = 8;

fn emit_unpack_sequence(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let borrowed = e.take_borrowed();
    if instr.oparg > MAX_INLINE_UNPACK {
        e.own_slots(borrowed);
        return emit_helper_call(e, instr);
    }
    let done = e.ops.new_dynamic_label();
    let instr = *instr;
    let slow = e.cold(move |e| {
        e.own_slots(borrowed);
        e.call_helper_for(&instr, helper_call(&instr));
        dynasm!(e.ops ; .arch x64 ; jmp =>done);
    });
    e.unpack_exact_sequence(instr.oparg, slow, None, borrowed);
    dynasm!(e.ops ; .arch x64 ; =>done);
    Ok(())
}

/// `STORE_SUBSCR`: an exact list at an index within bounds inline, anything else through
/// the helper (in the cold section). Both release objects, so both check tracing after.
fn emit_store_subscr(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let released = e.ops.new_dynamic_label();
    let instr = *instr;
    let borrowed = e.take_borrowed();
    let slow = e.cold(move |e| {
        e.own_slots(borrowed);
        e.call_helper_for(&instr, helper_call(&instr));
        dynasm!(e.ops ; .arch x64 ; jmp =>released);
    });
    e.list_store_subscript(slow, borrowed);
    e.check_tracing();
    dynasm!(e.ops ; .arch x64 ; =>released);
    Ok(())
}

fn emit_helper_call(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    emit_call_helper(e, instr, helper_call(instr))
}

fn emit_call_helper(e: &mut Emitter<'_>, instr: &Instruction, call: HelperCall) -> Result<(), CompileFailure> {
    e.call_helper_for(instr, call);
    Ok(())
}

impl Emitter<'_> {
    /// The call of `instr`'s status-returning helper and the checks after it.
    fn call_helper_for(&mut self, instr: &Instruction, call: HelperCall) {
        let e = self;
        if call.takes_frame {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; mov rsi, r13 ; mov edx, instr.oparg as i32);
        } else {
            match u32::try_from(call.extra) {
                // zero-extended into rsi, 5 bytes instead of 10
                Ok(small) => dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, small as i32),
                Err(_) => dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov rsi, QWORD call.extra),
            }
        }
        e.call(call.helper as usize);
        e.check_status(call.error_effect);
        e.move_stack(call.effect);
        e.check_tracing();
        if matches!(instr.opcode, op::CALL_METHOD | op::CALL_FUNCTION_KW | op::CALL_FUNCTION_EX) {
            e.check_eval_breaker_after(instr);
        }
    }
}

/// `LOAD_DEREF`, `STORE_DEREF`, `LOAD_CLOSURE` on the cells after the locals in
/// `f_localsplus`; only reading an empty cell calls a helper (for its error).
fn emit_cell_access(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let slot = (e.co_nlocals + instr.oparg as i32) * 8;
    match instr.opcode {
        op::LOAD_CLOSURE => dynasm!(e.ops
            ; .arch x64
            ; mov rax, [r15 + slot]
            ; inc QWORD [rax]
            ; mov [r13], rax
            ; add r13, 8
        ),
        op::STORE_DEREF => {
            // As ceval: set the cell first, then drop the old value.
            dynasm!(e.ops
                ; .arch x64
                ; sub r13, 8
                ; mov rax, [r13]
                ; mov rcx, [r15 + slot]
                ; mov rdi, [rcx + layout::CELL_OB_REF as i32]
                ; mov [rcx + layout::CELL_OB_REF as i32], rax
                ; test rdi, rdi
                ; jz >done
            );
            e.decref_rdi();
            dynasm!(e.ops ; .arch x64 ; done:);
        }
        _ => {
            let (empty, done) = (e.ops.new_dynamic_label(), e.ops.new_dynamic_label());
            dynasm!(e.ops
                ; .arch x64
                ; mov rax, [r15 + slot]
                ; mov rax, [rax + layout::CELL_OB_REF as i32]
                ; test rax, rax
                ; jz =>empty
                ; inc QWORD [rax]
                ; mov [r13], rax
                ; add r13, 8
                ; jmp =>done
                ; =>empty
                ; mov rdi, r12
                ; mov rsi, r13
                ; mov edx, instr.oparg as i32
            );
            e.call(ops::load_deref as *const () as usize);
            e.check_status(1);
            dynasm!(e.ops ; .arch x64 ; =>done);
        }
    }
    Ok(())
}

fn emit_for_iter(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let exhausted = e.target_label(instr)?;
    let exhausted_offset = instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?;
    let deopt = e.deopt;
    // The iterator's tp_iternext directly (as ceval), but a generator's resumption in the
    // cold section (it may run in machine code directly). A next value falls through; the
    // end (or an error) is sorted out by the helper in the cold section, which then leaves
    // the loop (or, if tracing started, the machine code at the loop's exit).
    let called = e.ops.new_dynamic_label();
    let generator = e.cold(move |e| {
        e.call(ops::generator_next as *const () as usize);
        dynasm!(e.ops ; .arch x64 ; jmp =>called);
    });
    let ended = e.cold(move |e| {
        dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
        e.call(ops::for_iter_end as *const () as usize);
        e.check_status(0);
        dynasm!(e.ops ; .arch x64 ; sub r13, 8);
        e.cmp_use_tracing();
        dynasm!(e.ops
            ; .arch x64
            ; je =>exhausted
            ; mov DWORD [r12 + layout::FRAME_F_LASTI as i32], lasti_before(exhausted_offset)
            ; jmp =>deopt
        );
    });
    dynasm!(e.ops
        ; .arch x64
        ; mov rdi, [r13 - 8]
        ; mov rax, [rdi + 8]
        ; mov r10, QWORD std::ptr::addr_of!(pyo3_ffi::PyGen_Type) as i64
        ; cmp rax, r10
        ; je =>generator
        ; call QWORD [rax + layout::TYPE_TP_ITERNEXT as i32]
        ; =>called
        ; test rax, rax
        ; jz =>ended
        ; mov [r13], rax
        ; add r13, 8
    );
    e.cmp_use_tracing();
    dynasm!(e.ops ; .arch x64 ; jne =>deopt);
    Ok(())
}

fn emit_stack_shuffle(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    match instr.opcode {
        op::DUP_TOP => dynasm!(e.ops
            ; .arch x64
            ; mov rax, [r13 - 8]
            ; inc QWORD [rax]
            ; mov [r13], rax
            ; add r13, 8
        ),
        op::DUP_TOP_TWO => dynasm!(e.ops
            ; .arch x64
            ; mov rax, [r13 - 16]
            ; mov rcx, [r13 - 8]
            ; inc QWORD [rax]
            ; inc QWORD [rcx]
            ; mov [r13], rax
            ; mov [r13 + 8], rcx
            ; add r13, 16
        ),
        op::ROT_TWO => dynasm!(e.ops
            ; .arch x64
            ; mov rax, [r13 - 8]
            ; mov rcx, [r13 - 16]
            ; mov [r13 - 16], rax
            ; mov [r13 - 8], rcx
        ),
        op::ROT_THREE => dynasm!(e.ops
            ; .arch x64
            ; mov rax, [r13 - 8]
            ; mov rcx, [r13 - 16]
            ; mov rdx, [r13 - 24]
            ; mov [r13 - 24], rax
            ; mov [r13 - 16], rdx
            ; mov [r13 - 8], rcx
        ),
        _ => dynasm!(e.ops // ROT_FOUR
            ; .arch x64
            ; mov rax, [r13 - 8]
            ; mov rcx, [r13 - 16]
            ; mov rdx, [r13 - 24]
            ; mov rsi, [r13 - 32]
            ; mov [r13 - 32], rax
            ; mov [r13 - 24], rsi
            ; mov [r13 - 16], rdx
            ; mov [r13 - 8], rcx
        ),
    }
    Ok(())
}

/// `JUMP_IF_FALSE_OR_POP`/`JUMP_IF_TRUE_OR_POP`: keep the value and jump, or pop it.
fn emit_jump_if_or_pop(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target = e.target_label(instr)?;
    let jump_if_true = instr.opcode == op::JUMP_IF_TRUE_OR_POP;
    // SAFETY: the addresses of the True/False singletons (static objects of libpython).
    let (py_true, py_false) = unsafe { (pyo3_ffi::Py_True() as i64, pyo3_ffi::Py_False() as i64) };
    let (jump_on, pop_on) = if jump_if_true { (py_true, py_false) } else { (py_false, py_true) };
    dynasm!(e.ops
        ; .arch x64
        ; mov rdi, [r13 - 8]
        ; mov rax, QWORD jump_on
        ; cmp rdi, rax
        ; je =>target
        ; mov rax, QWORD pop_on
        ; cmp rdi, rax
        ; je >pop
        ; mov rdi, r13
    );
    e.call(ops::peek_truth as *const () as usize);
    e.check_status(0);
    if jump_if_true {
        dynasm!(e.ops ; .arch x64 ; test eax, eax ; jnz =>target);
    } else {
        dynasm!(e.ops ; .arch x64 ; test eax, eax ; jz =>target);
    }
    dynasm!(e.ops ; .arch x64 ; pop: ; sub r13, 8 ; mov rdi, [r13]);
    e.decref_rdi();
    Ok(())
}

fn emit_delete_fast(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let slot = (instr.oparg * 8) as i32;
    dynasm!(e.ops ; .arch x64 ; mov rdi, [r15 + slot] ; test rdi, rdi ; jnz >bound);
    e.raise_unbound_local(instr.oparg);
    dynasm!(e.ops ; .arch x64 ; bound: ; mov QWORD [r15 + slot], 0);
    e.decref_rdi();
    Ok(())
}

/// `RAISE_VARARGS argc`: pops the exception (and cause) and always leaves with an error;
/// a bare re-raise leaves with `RERAISE` (no new traceback entry).
fn emit_raise_varargs(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let argc = instr.oparg as i32;
    match argc {
        0 => dynasm!(e.ops ; .arch x64 ; xor esi, esi ; xor edx, edx),
        1 => dynasm!(e.ops ; .arch x64 ; mov rsi, [r13 - 8] ; xor edx, edx),
        2 => dynasm!(e.ops ; .arch x64 ; mov rsi, [r13 - 16] ; mov rdx, [r13 - 8]),
        _ => return Err(CompileFailure::MalformedBytecode),
    }
    dynasm!(e.ops ; .arch x64 ; sub r13, argc * 8 ; mov rdi, r14);
    e.call(ops::do_raise as *const () as usize);
    let exit = e.exit;
    dynasm!(e.ops
        ; .arch x64
        ; mov rdx, r13
        ; test eax, eax
        ; mov eax, status::ERROR as i32
        ; mov ecx, status::RERAISE as i32
        ; cmovnz eax, ecx
        ; jmp =>exit
    );
    Ok(())
}

/// `SETUP_FINALLY`/`SETUP_WITH` (and 3.7's `SETUP_LOOP`/`SETUP_EXCEPT`): push a block
/// whose handler is the jump target.
fn emit_setup_block(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    // b_handler is in f_lasti units (the evaluator reads the block stack after a deopt).
    let handler = lasti_at(instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?);
    dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; mov rsi, r13 ; mov edx, handler);
    if instr.opcode != op::SETUP_WITH {
        // The block type is the opcode (3.7's SETUP_LOOP/SETUP_EXCEPT/SETUP_FINALLY).
        dynasm!(e.ops ; .arch x64 ; mov ecx, instr.opcode as i32);
        e.call(ops::setup_block as *const () as usize);
    } else {
        e.call(ops::setup_with as *const () as usize);
        e.check_status(0);
        dynasm!(e.ops ; .arch x64 ; add r13, 8);
        e.check_tracing();
    }
    Ok(())
}

/// `POP_BLOCK` (3.8+ only pops the block; the stack is already at its level).
#[cfg(not(py37))]
fn emit_pop_block(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops ; .arch x64 ; sub DWORD [r12 + layout::FRAME_F_IBLOCK as i32], 1);
    Ok(())
}

/// `POP_BLOCK` (3.7 also pops the values above the block's level; releasing them may run
/// code, e.g. `__del__`).
#[cfg(py37)]
fn emit_pop_block(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; mov rsi, r13);
    e.call(ops::pop_block as *const () as usize);
    dynasm!(e.ops ; .arch x64 ; mov r13, rax);
    Ok(())
}

/// The `status::UNWIND` exit status for a 3.7 `why` code.
#[cfg(py37)]
fn unwind_status(why: i32) -> u64 {
    status::UNWIND | (why as u64) << status::WHY_SHIFT
}

/// `BREAK_LOOP` (3.7): the driver unwinds to the loop's `SETUP_LOOP` target (running the
/// `finally` bodies and `with` exits in between).
#[cfg(py37)]
fn emit_break_loop(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    dynasm!(e.ops
        ; .arch x64
        ; mov rdx, r13
        ; mov rax, QWORD unwind_status(ops::why::BREAK) as i64
        ; jmp =>exit
    );
    Ok(())
}

/// `CONTINUE_LOOP target` (3.7, `continue` inside `try`/`with`): pushes the target as an
/// int (ceval's `retval`) and lets the driver unwind to the loop.
#[cfg(py37)]
fn emit_continue_loop(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target = instr.jump_target().ok_or(CompileFailure::MalformedBytecode)? as i32;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, target);
    e.call(ops::call_finally as *const () as usize);
    e.check_status(0);
    let exit = e.exit;
    dynasm!(e.ops
        ; .arch x64
        ; lea rdx, [r13 + 8]
        ; mov rax, QWORD unwind_status(ops::why::CONTINUE) as i64
        ; jmp =>exit
    );
    Ok(())
}

/// `BEGIN_FINALLY`: push NULL ("no exception, no return address").
#[cfg(py38)]
fn emit_begin_finally(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops ; .arch x64 ; mov QWORD [r13], 0 ; add r13, 8);
    Ok(())
}

/// `CALL_FINALLY`: push the offset after it (as an int) and jump into the finally body.
#[cfg(py38)]
fn emit_call_finally(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target = e.target_label(instr)?;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13 ; mov esi, instr.next_offset() as i32);
    e.call(ops::call_finally as *const () as usize);
    e.check_status(1);
    dynasm!(e.ops ; .arch x64 ; add r13, 8 ; jmp =>target);
    Ok(())
}

/// After a helper returning `StackAndCode` (rax = new stack pointer, rdx = code): take the
/// stack pointer; leave with ERROR on a negative code.
fn take_sp_and_check(e: &mut Emitter<'_>) {
    let exit = e.exit;
    dynasm!(e.ops
        ; .arch x64
        ; mov r13, rax
        ; test rdx, rdx
        ; jns >ok
        ; mov rdx, r13
        ; mov eax, status::ERROR as i32
        ; jmp =>exit
        ; ok:
    );
}

/// `POP_EXCEPT`; 3.8's `POP_FINALLY`, `WITH_CLEANUP_START`, `WITH_CLEANUP_FINISH`.
fn emit_block_helper(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    match instr.opcode {
        op::POP_EXCEPT => {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r14 ; mov rsi, r12 ; mov rdx, r13);
            e.call(ops::pop_except as *const () as usize);
        }
        #[cfg(py38)]
        op::POP_FINALLY => {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r14 ; mov rsi, r12 ; mov rdx, r13 ; mov ecx, instr.oparg as i32);
            e.call(ops::pop_finally as *const () as usize);
        }
        #[cfg(any(py37, py38))]
        op::WITH_CLEANUP_START => {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; mov rsi, r13);
            e.call(ops::with_cleanup_start as *const () as usize);
        }
        #[cfg(py38)]
        op::WITH_CLEANUP_FINISH => {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r14 ; mov rsi, r12 ; mov rdx, r13);
            e.call(ops::with_cleanup_finish as *const () as usize);
        }
        #[cfg(py37)]
        op::WITH_CLEANUP_FINISH => {
            dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
            e.call(ops::with_cleanup_finish as *const () as usize);
        }
        _ => unreachable!("emit_fn routes only the opcodes above here"),
    }
    take_sp_and_check(e);
    #[cfg(any(py37, py38))]
    if instr.opcode == op::WITH_CLEANUP_START {
        e.check_tracing();
    }
    Ok(())
}

/// 3.9+ `RERAISE`: restores the exception the handler was entered with (three slots) and
/// leaves with `RERAISE` (ceval unwinds without a new traceback entry). On 3.10 a non-zero
/// argument first restores `f_lasti` from the handler's block; the exit then names this
/// instruction, which the unwinder records.
#[cfg(any(py39, py310))]
fn emit_reraise(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    #[cfg(py39)]
    let exit_status = status::RERAISE as i32;
    #[cfg(py310)]
    let exit_status = if instr.oparg != 0 {
        (status::RERAISE | ((instr.index() as u64 + 1) << status::JUMP_TARGET_SHIFT)) as i32
    } else {
        status::RERAISE as i32
    };
    #[cfg(py39)]
    let _ = instr;
    #[cfg(py39)]
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
    #[cfg(py310)]
    dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; mov rsi, r13 ; mov edx, instr.oparg as i32);
    e.call(ops::reraise as *const () as usize);
    dynasm!(e.ops
        ; .arch x64
        ; mov r13, rax
        ; mov rdx, r13
        ; mov eax, exit_status
        ; jmp =>exit
    );
    Ok(())
}

/// 3.9 `WITH_EXCEPT_START`: calls `__exit__(exc, val, tb)` and pushes its result.
#[cfg(any(py39, py310))]
fn emit_with_except_start(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let call = HelperCall { helper: ops::with_except_start as *const (), takes_frame: false, extra: 0, effect: 1, error_effect: 0 };
    emit_call_helper(e, instr, call)
}

/// 3.9 `LOAD_ASSERTION_ERROR`: pushes the `AssertionError` class (a new reference).
#[cfg(any(py39, py310))]
fn emit_load_assertion_error(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    // SAFETY: reading the address of a static exception class of libpython.
    let class = unsafe { pyo3_ffi::PyExc_AssertionError } as i64;
    dynasm!(e.ops
        ; .arch x64
        ; mov rax, QWORD class
        ; inc QWORD [rax]
        ; mov [r13], rax
        ; add r13, 8
    );
    Ok(())
}

/// 3.9 `JUMP_IF_NOT_EXC_MATCH target`: pops the raised type and the `except` classes; jumps
/// when they do not match.
#[cfg(any(py39, py310))]
fn emit_jump_if_not_exc_match(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let target = e.target_label(instr)?;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
    e.call(ops::jump_if_not_exc_match as *const () as usize);
    dynasm!(e.ops ; .arch x64 ; sub r13, 16);
    e.check_status(0);
    // A class's __subclasscheck__ may have turned tracing on: continue on the chosen branch.
    let target_offset = instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?;
    e.check_tracing_at_branch(&[(0, lasti_before(target_offset)), (1, lasti_at(instr.offset))]);
    dynasm!(e.ops ; .arch x64 ; test eax, eax ; jz =>target);
    Ok(())
}

/// `END_FINALLY`: fall through (NULL), return to a `CALL_FINALLY` site (JUMP exit), or
/// re-raise (RERAISE exit, no new traceback entry).
#[cfg(py38)]
fn emit_end_finally(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
    e.call(ops::end_finally as *const () as usize);
    let jump = e.cold(move |e| {
        dynasm!(e.ops
            ; .arch x64
            ; lea rax, [rdx - 1]
            ; shl rax, status::JUMP_TARGET_SHIFT as i8
            ; or rax, status::JUMP as i32
            ; mov rdx, r13
            ; jmp =>exit
        );
    });
    e.dispatch_stack_and_code(Some(jump));
    Ok(())
}

/// `END_FINALLY` (3.7): fall through (None, or an exception silenced by `with`), resume the
/// unwind the `finally` body interrupted (UNWIND exit with its `why`), or re-raise (RERAISE
/// exit, no new traceback entry).
#[cfg(py37)]
fn emit_end_finally(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r14 ; mov rsi, r12 ; mov rdx, r13);
    e.call(ops::end_finally as *const () as usize);
    let unwind = e.cold(move |e| {
        dynasm!(e.ops
            ; .arch x64
            ; mov rax, rdx
            ; shl rax, status::WHY_SHIFT as i8
            ; or rax, status::UNWIND as i32
            ; mov rdx, r13
            ; jmp =>exit
        );
    });
    e.dispatch_stack_and_code(Some(unwind));
    Ok(())
}

/// `YIELD_VALUE`: leaves the frame with `YIELD` and the value (wrapped first in an async
/// generator); `f_stacktop` marks the frame as suspended, `f_lasti` is this instruction.
fn emit_yield_value(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    const CO_ASYNC_GENERATOR: i32 = 0x0200;
    dynasm!(e.ops ; .arch x64 ; sub r13, 8 ; mov rdx, [r13]);
    if e.co_flags & CO_ASYNC_GENERATOR != 0 {
        dynasm!(e.ops ; .arch x64 ; mov rdi, rdx);
        e.call(ops::async_gen_wrap_value as *const () as usize);
        let exit = e.exit;
        dynasm!(e.ops
            ; .arch x64
            ; mov rdx, rax
            ; test rax, rax
            ; jnz >wrapped
            ; mov rdx, r13
            ; mov eax, status::ERROR as i32
            ; jmp =>exit
            ; wrapped:
        );
    }
    e.emit_yield_exit();
    Ok(())
}

/// `YIELD_FROM`: one step of the delegate. When it yields, `f_lasti` is moved back one
/// instruction so the frame resumes at this opcode; when it is done, its result replaces
/// it on the stack and execution goes on.
fn emit_yield_from(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let exit = e.exit;
    dynasm!(e.ops ; .arch x64 ; mov rdi, r13);
    e.call(ops::yield_from as *const () as usize);
    dynasm!(e.ops
        ; .arch x64
        ; sub r13, 8
        ; test rax, rax
        ; jz >done
        ; jns >yielding
        ; mov rdx, r13
        ; mov eax, status::ERROR as i32
        ; jmp =>exit
        ; yielding:
        ; mov DWORD [r12 + layout::FRAME_F_LASTI as i32], lasti_before(instr.offset)
    );
    e.emit_yield_exit();
    dynasm!(e.ops ; .arch x64 ; done:);
    e.check_tracing();
    Ok(())
}

impl Emitter<'_> {
    /// Leaves with `YIELD` and the value in rdx, the frame suspended at r13.
    fn emit_yield_exit(&mut self) {
        let exit = self.exit;
        #[cfg(not(py310))]
        dynasm!(self.ops ; .arch x64 ; mov [r12 + layout::FRAME_F_STACKTOP as i32], r13);
        // 3.10: the frame is SUSPENDED with its stack depth (what gen_send_ex2 checks).
        #[cfg(py310)]
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, r13
            ; sub rax, [r12 + layout::FRAME_F_VALUESTACK as i32]
            ; sar rax, 3
            ; mov DWORD [r12 + layout::FRAME_F_STACKDEPTH as i32], eax
            ; mov BYTE [r12 + layout::FRAME_F_STATE as i32], interp::cpython::frame_state::SUSPENDED
        );
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, status::YIELD as i32
            ; jmp =>exit
        );
    }
}

/// `GET_AWAITABLE`: its error message depends on whether it follows `__aenter__`
/// (`BEFORE_ASYNC_WITH`) or `__aexit__` (`WITH_CLEANUP_START`, or `DUP_TOP; CALL_FUNCTION`),
/// which ceval finds from the code units before it.
fn emit_get_awaitable(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    use ops::awaitable_context::*;
    let unit = instr.offset / 2;
    let before = |n: usize| if unit >= n { e.raw_opcodes.get(unit - n).copied() } else { None };
    let (prev, prev_prev) = (before(1), if unit >= 2 { before(2) } else { None });
    let context = match prev {
        Some(op::BEFORE_ASYNC_WITH) => AENTER,
        // The exceptional `async with` exit: 3.8's WITH_CLEANUP_START, 3.9's WITH_EXCEPT_START.
        #[cfg(any(py37, py38))]
        Some(op::WITH_CLEANUP_START) => AEXIT,
        #[cfg(any(py39, py310))]
        Some(op::WITH_EXCEPT_START) => AEXIT,
        Some(op::CALL_FUNCTION) if prev_prev == Some(op::DUP_TOP) => AEXIT,
        _ => OTHER,
    };
    let call =
        HelperCall { helper: ops::get_awaitable as *const (), takes_frame: false, extra: context as i64, effect: 0, error_effect: 0 };
    emit_call_helper(e, instr, call)
}

/// `IMPORT_NAME`: `[level, fromlist]` → `[module]` (needs the thread state for the
/// interpreter's own `__import__`).
fn emit_import_name(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops
        ; .arch x64
        ; mov rdi, r14
        ; mov rsi, r12
        ; mov rdx, r13
        ; mov ecx, instr.oparg as i32
    );
    e.call(ops::import_name as *const () as usize);
    e.check_status(-1);
    dynasm!(e.ops ; .arch x64 ; sub r13, 8);
    e.check_tracing();
    Ok(())
}

/// `SETUP_ASYNC_WITH`: a finally block below the `__aenter__` result on top of the stack.
fn emit_setup_async_with(e: &mut Emitter<'_>, instr: &Instruction) -> Result<(), CompileFailure> {
    let handler = lasti_at(instr.jump_target().ok_or(CompileFailure::MalformedBytecode)?);
    dynasm!(e.ops ; .arch x64 ; mov rdi, r12 ; lea rsi, [r13 - 8] ; mov edx, handler ; mov ecx, op::SETUP_FINALLY as i32);
    e.call(ops::setup_block as *const () as usize);
    Ok(())
}

/// `END_ASYNC_FOR`: ends the loop on `StopAsyncIteration`, else re-raises (no new
/// traceback entry).
#[cfg(not(py37))]
fn emit_end_async_for(e: &mut Emitter<'_>, _: &Instruction) -> Result<(), CompileFailure> {
    dynasm!(e.ops ; .arch x64 ; mov rdi, r14 ; mov rsi, r12 ; mov rdx, r13);
    e.call(ops::end_async_for as *const () as usize);
    e.dispatch_stack_and_code(None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opcode_of_this_version_has_an_emitter() {
        // EXTENDED_ARG is folded into the instruction it prefixes.
        let missing: Vec<&str> = (0..=255u8)
            .filter_map(interp::opcode::info)
            .filter(|info| info.opcode != op::EXTENDED_ARG && emit_fn(info.opcode).is_none())
            .map(|info| info.name)
            .collect();
        assert!(missing.is_empty(), "opcodes without an emitter: {missing:?}");
    }

    #[test]
    fn a_code_range_reaches_targets_within_two_gib_of_both_ends() {
        let range = CodeRange { start: 0x7000_0000_0000, end: 0x7000_4000_0000 };
        // 1 GiB of code: a target up to 1 GiB beyond either end is reached from the other.
        assert!(range.reaches(0x7000_4000_0000 + 0x3fff_0000));
        assert!(range.reaches(0x7000_0000_0000 - 0x3fff_0000));
        assert!(!range.reaches(0x7000_0000_0000 + 0x8000_0000));
        assert!(!range.reaches(0x7000_4000_0000 - 0x8000_0000));
        assert!(!range.reaches(0x1000));
    }

    fn assemble_return_none(code_range: Option<CodeRange>) -> Assembled {
        // LOAD_CONST 0; RETURN_VALUE
        let co_code = [op::LOAD_CONST, 0, op::RETURN_VALUE, 0];
        let analysis = crate::analysis::analyze(&co_code).unwrap();
        assemble(&analysis, &[0x1234_5678], CodeFacts::default(), code_range).unwrap()
    }

    #[test]
    fn helpers_in_reach_are_called_directly_and_linked_for_the_final_address() {
        let helper = link_calls as *const () as usize;
        let range = CodeRange { start: helper & !0xfff, end: (helper & !0xfff) + 0x10_0000 };
        let far = assemble_return_none(None);
        let mut near = assemble_return_none(Some(range));
        assert!(far.calls.is_empty());
        assert!(!near.calls.is_empty(), "the prologue calls helpers of this library");
        assert!(near.code.len() < far.code.len());
        let code_addr = range.start + 0x8000;
        link_calls(&mut near.code, code_addr, &near.calls).unwrap();
        for call in &near.calls {
            assert_eq!(near.code[call.displacement_at - 1], 0xE8);
            let bytes: [u8; 4] = near.code[call.displacement_at..call.displacement_at + 4].try_into().unwrap();
            let next_instruction = code_addr + call.displacement_at + 4;
            assert_eq!(next_instruction.wrapping_add(i32::from_le_bytes(bytes) as isize as usize), call.target);
        }
    }

    #[test]
    fn linking_fails_when_the_code_lands_out_of_reach() {
        let helper = link_calls as *const () as usize;
        let range = CodeRange { start: helper & !0xfff, end: (helper & !0xfff) + 0x1000 };
        let mut near = assemble_return_none(Some(range));
        assert!(matches!(link_calls(&mut near.code, 0x1000, &near.calls), Err(CompileFailure::AssemblerError)));
    }
}
