//! The opcode table of the CPython version this crate is built for (`py37`…`py310`): numbers,
//! jump kinds, control-flow and side-effect classes, and `dis.stack_effect`'s stack effects.
//!
//! Everything here is checked against the running interpreter's `opcode`/`dis` modules by
//! `tests/opcode_table.rs`. Per-version differences sit under narrow `#[cfg(pyXY)]`s next to a
//! comment naming the change.

/// Bytes per code unit (`sizeof(_Py_CODEUNIT)`): every instruction is one opcode byte and one
/// argument byte, in all supported versions.
pub const CODE_UNIT_BYTES: usize = 2;

/// Bytes per unit of a jump argument: up to 3.9 jump arguments (relative and absolute) are byte
/// offsets; 3.10 counts them in instructions (code units). This is the only place that knows.
#[cfg(not(py310))]
pub const JUMP_UNIT_BYTES: usize = 1;
/// Bytes per unit of a jump argument: up to 3.9 jump arguments (relative and absolute) are byte
/// offsets; 3.10 counts them in instructions (code units). This is the only place that knows.
#[cfg(py310)]
pub const JUMP_UNIT_BYTES: usize = CODE_UNIT_BYTES;

/// `f_lasti` (and `b_handler` of block-stack entries) counts in the same unit as jump
/// arguments: bytes up to 3.9, instructions on 3.10.
pub const LASTI_UNIT_BYTES: usize = JUMP_UNIT_BYTES;

/// The `f_lasti` of the instruction at byte offset `offset` while it runs.
pub const fn lasti_at(offset: usize) -> i32 {
    (offset / LASTI_UNIT_BYTES) as i32
}

/// The `f_lasti` from which an evaluator continues at byte offset `offset` (that of the code
/// unit before it; -2 (bytes) / -1 (3.10) for offset 0).
pub const fn lasti_before(offset: usize) -> i32 {
    lasti_at(offset) - (CODE_UNIT_BYTES / LASTI_UNIT_BYTES) as i32
}

/// The byte offset at which an evaluator continues a frame whose `f_lasti` is `lasti`
/// (0 for a fresh frame's -1).
pub const fn resume_offset(lasti: i32) -> usize {
    ((lasti * LASTI_UNIT_BYTES as i32 + CODE_UNIT_BYTES as i32) as usize) & !1
}

/// The byte offset of a block handler stored in `f_blockstack` (in `f_lasti` units).
pub const fn handler_offset(b_handler: i32) -> usize {
    b_handler as usize * LASTI_UNIT_BYTES
}

/// Opcodes at or above this take their argument byte; below it the argument byte is ignored.
pub const HAVE_ARGUMENT: u8 = 90;

/// The prefix that supplies the next higher 8 bits of the following instruction's argument.
pub const EXTENDED_ARG: u8 = op::EXTENDED_ARG;

/// Whether `opcode` uses its argument (`opcode >= HAVE_ARGUMENT`).
pub const fn has_arg(opcode: u8) -> bool {
    opcode >= HAVE_ARGUMENT
}

/// How an instruction's argument encodes a jump target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JumpKind {
    /// The argument is not a jump target.
    None,
    /// Target = offset of the next instruction + `oparg * JUMP_UNIT_BYTES` (`opcode.hasjrel`).
    Relative,
    /// Target = `oparg * JUMP_UNIT_BYTES` (`opcode.hasjabs`).
    Absolute,
}

/// Where control can go after an instruction (besides raising, see [`Effects`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Continues with the next instruction.
    Next,
    /// Conditional branch: either continues with the next instruction or goes to the jump target
    /// (`POP_JUMP_IF_*`, `JUMP_IF_*_OR_POP`, `FOR_ITER`, `JUMP_IF_NOT_EXC_MATCH`).
    Branch,
    /// Always goes to the jump target (`JUMP_FORWARD`, `JUMP_ABSOLUTE`).
    Jump,
    /// `SETUP_*`: pushes a block whose handler is the jump target, then continues with the next
    /// instruction. The handler is reached by unwinding (an exception; on 3.7 also `return`,
    /// `break`, `continue` — and for 3.7's `SETUP_LOOP` the "handler" is the `break` target).
    SetupBlock,
    /// 3.8's `CALL_FINALLY`: pushes the offset of the next instruction and goes to the jump
    /// target (a `finally` body); the `END_FINALLY`/`POP_FINALLY` that ends the body later
    /// resumes at the pushed offset.
    CallFinally,
    /// 3.7/3.8's `END_FINALLY`: continues with the next instruction, re-raises, resumes a pending
    /// `return`/`break`/`continue` (3.7) or returns to the offset pushed by `CALL_FINALLY` (3.8),
    /// depending on what the `finally` block left on the stack.
    EndFinally,
    /// Suspends the frame (`YIELD_VALUE`, `YIELD_FROM`) and resumes at the next instruction;
    /// `YIELD_FROM` resumes at itself until its delegate is exhausted.
    Yield,
    /// Leaves the frame with a value: `RETURN_VALUE`. On 3.7 it unwinds the block stack first
    /// and so may run an enclosing `finally` handler.
    Return,
    /// Always raises: `RAISE_VARARGS`, `RERAISE`.
    Raise,
    /// 3.7's `BREAK_LOOP` and `CONTINUE_LOOP`: unwind the block stack up to the innermost loop
    /// (running `finally` handlers on the way) and continue at its exit / at the jump target.
    /// Unwinding pops whatever lies above the loop's block, so `CONTINUE_LOOP`'s target is
    /// entered at the loop's stack depth — not at this instruction's depth plus its
    /// [`stack_effect`] (which is 0), which is why the compiler never follows that edge.
    Unwind,
}

/// What else an instruction may do besides moving values on the value stack.
///
/// Neither class counts (a) the periodic eval-breaker check (signals, pending calls, async
/// exceptions, GIL hand-off), which the interpreter runs between instructions at points of its
/// own choosing — a compiler decides where its own checks go; nor (b) destructors: any
/// instruction that drops a reference (pops, stores over a value) can run `__del__`, weakref
/// callbacks and the like, whose exceptions are reported as unraisable, not raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effects {
    /// Cannot raise and runs no Python code.
    NoRaise,
    /// May raise (unbound names, `MemoryError`, `SystemError`s, re-raises, type checks) but runs
    /// no Python code of its own.
    MayRaise,
    /// May run arbitrary Python code (calls, dunder methods, descriptors, `__hash__`/`__eq__` in
    /// dict lookups, imports, iteration, formatting, suspension of a generator …) and therefore
    /// may also raise. Chosen whenever in doubt.
    MayRunCode,
}

/// Static facts about one opcode of this version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpInfo {
    /// The name, as in `opcode.opname`.
    pub name: &'static str,
    /// The number, as in `opcode.opmap`.
    pub opcode: u8,
    /// How the argument encodes a jump target, if it does.
    pub jump: JumpKind,
    /// Where control goes next.
    pub flow: Flow,
    /// Whether it may raise / run Python code.
    pub effects: Effects,
}

impl OpInfo {
    /// Whether the instruction uses its argument.
    pub const fn has_arg(&self) -> bool {
        has_arg(self.opcode)
    }

    /// Whether the argument is a jump target (`hasjrel` or `hasjabs`), including the handler
    /// targets of `SETUP_*` and 3.7's `CONTINUE_LOOP`.
    pub const fn is_jump(&self) -> bool {
        !matches!(self.jump, JumpKind::None)
    }

    /// Either falls through or goes to the jump target.
    pub const fn is_conditional_branch(&self) -> bool {
        matches!(self.flow, Flow::Branch)
    }

    /// Always goes straight to the jump target (`JUMP_FORWARD`, `JUMP_ABSOLUTE`). 3.8's
    /// `CALL_FINALLY` and 3.7's `CONTINUE_LOOP` also never fall through but are not plain jumps;
    /// see [`Flow`].
    pub const fn is_unconditional_jump(&self) -> bool {
        matches!(self.flow, Flow::Jump)
    }

    /// `SETUP_*`: pushes a block whose handler is the jump target.
    pub const fn is_block_setup(&self) -> bool {
        matches!(self.flow, Flow::SetupBlock)
    }

    /// Control never passes from this instruction straight to the next one: unconditional
    /// jumps, `RETURN_VALUE`, `RAISE_VARARGS`, `RERAISE`, 3.8's `CALL_FINALLY`, 3.7's
    /// `BREAK_LOOP`/`CONTINUE_LOOP`. (The instruction after a `CALL_FINALLY` is still reachable,
    /// from the end of the `finally` body.)
    pub const fn is_terminator(&self) -> bool {
        matches!(self.flow, Flow::Jump | Flow::CallFinally | Flow::Return | Flow::Raise | Flow::Unwind)
    }

    /// May raise an exception (see [`Effects`] for what is not counted).
    pub const fn may_raise(&self) -> bool {
        !matches!(self.effects, Effects::NoRaise)
    }

    /// May run arbitrary Python code (see [`Effects`] for what is not counted).
    pub const fn may_run_code(&self) -> bool {
        matches!(self.effects, Effects::MayRunCode)
    }
}

/// Declares the opcodes once: the `op` constants and the rows of the table.
/// Each row: `NAME = number, Flow, JumpKind, Effects;`, optionally under one `#[cfg(..)]`.
macro_rules! opcodes {
    ($(
        $(#[doc = $doc:literal])*
        $(#[cfg($cfg:meta)])?
        $name:ident = $num:literal, $flow:ident, $jump:ident, $effects:ident;
    )*) => {
        /// Opcode numbers of this version, named as in `opcode.opmap`.
        pub mod op {
            $(
                $(#[doc = $doc])*
                $(#[cfg($cfg)])?
                pub const $name: u8 = $num;
            )*
        }

        /// Every opcode of this version, in numeric order.
        const DEFS: &[OpInfo] = &[
            $(
                $(#[cfg($cfg)])?
                OpInfo {
                    name: stringify!($name),
                    opcode: $num,
                    jump: JumpKind::$jump,
                    flow: Flow::$flow,
                    effects: Effects::$effects,
                },
            )*
        ];
    };
}

opcodes! {
    POP_TOP = 1, Next, None, NoRaise;
    ROT_TWO = 2, Next, None, NoRaise;
    ROT_THREE = 3, Next, None, NoRaise;
    DUP_TOP = 4, Next, None, NoRaise;
    DUP_TOP_TWO = 5, Next, None, NoRaise;
    // 3.8: ROT_FOUR added (used by the new `finally` handling).
    #[cfg(not(py37))]
    ROT_FOUR = 6, Next, None, NoRaise;
    NOP = 9, Next, None, NoRaise;
    UNARY_POSITIVE = 10, Next, None, MayRunCode;
    UNARY_NEGATIVE = 11, Next, None, MayRunCode;
    UNARY_NOT = 12, Next, None, MayRunCode;
    UNARY_INVERT = 15, Next, None, MayRunCode;
    BINARY_MATRIX_MULTIPLY = 16, Next, None, MayRunCode;
    INPLACE_MATRIX_MULTIPLY = 17, Next, None, MayRunCode;
    BINARY_POWER = 19, Next, None, MayRunCode;
    BINARY_MULTIPLY = 20, Next, None, MayRunCode;
    BINARY_MODULO = 22, Next, None, MayRunCode;
    BINARY_ADD = 23, Next, None, MayRunCode;
    BINARY_SUBTRACT = 24, Next, None, MayRunCode;
    BINARY_SUBSCR = 25, Next, None, MayRunCode;
    BINARY_FLOOR_DIVIDE = 26, Next, None, MayRunCode;
    BINARY_TRUE_DIVIDE = 27, Next, None, MayRunCode;
    INPLACE_FLOOR_DIVIDE = 28, Next, None, MayRunCode;
    INPLACE_TRUE_DIVIDE = 29, Next, None, MayRunCode;
    // 3.10: pattern matching (`match`) adds GET_LEN, MATCH_MAPPING, MATCH_SEQUENCE, MATCH_KEYS,
    // COPY_DICT_WITHOUT_KEYS (and MATCH_CLASS below). MATCH_MAPPING/MATCH_SEQUENCE only test
    // type flags.
    #[cfg(py310)]
    GET_LEN = 30, Next, None, MayRunCode;
    #[cfg(py310)]
    MATCH_MAPPING = 31, Next, None, NoRaise;
    #[cfg(py310)]
    MATCH_SEQUENCE = 32, Next, None, NoRaise;
    #[cfg(py310)]
    MATCH_KEYS = 33, Next, None, MayRunCode;
    #[cfg(py310)]
    COPY_DICT_WITHOUT_KEYS = 34, Next, None, MayRunCode;
    // 3.9: RERAISE (no argument) and WITH_EXCEPT_START replace END_FINALLY and
    // WITH_CLEANUP_START/FINISH. 3.10 moves RERAISE to 119 with an argument (see there).
    #[cfg(py39)]
    RERAISE = 48, Raise, None, MayRaise;
    #[cfg(any(py39, py310))]
    WITH_EXCEPT_START = 49, Next, None, MayRunCode;
    GET_AITER = 50, Next, None, MayRunCode;
    GET_ANEXT = 51, Next, None, MayRunCode;
    BEFORE_ASYNC_WITH = 52, Next, None, MayRunCode;
    // 3.8: BEGIN_FINALLY/CALL_FINALLY/POP_FINALLY replace SETUP_LOOP/SETUP_EXCEPT/BREAK_LOOP/
    // CONTINUE_LOOP (`finally` bodies are entered explicitly); 3.9 drops them again for
    // duplicated `finally` code.
    #[cfg(py38)]
    BEGIN_FINALLY = 53, Next, None, NoRaise;
    // 3.8: END_ASYNC_FOR ends `async for` (StopAsyncIteration check).
    #[cfg(not(py37))]
    END_ASYNC_FOR = 54, Next, None, MayRaise;
    INPLACE_ADD = 55, Next, None, MayRunCode;
    INPLACE_SUBTRACT = 56, Next, None, MayRunCode;
    INPLACE_MULTIPLY = 57, Next, None, MayRunCode;
    INPLACE_MODULO = 59, Next, None, MayRunCode;
    STORE_SUBSCR = 60, Next, None, MayRunCode;
    DELETE_SUBSCR = 61, Next, None, MayRunCode;
    BINARY_LSHIFT = 62, Next, None, MayRunCode;
    BINARY_RSHIFT = 63, Next, None, MayRunCode;
    BINARY_AND = 64, Next, None, MayRunCode;
    BINARY_XOR = 65, Next, None, MayRunCode;
    BINARY_OR = 66, Next, None, MayRunCode;
    INPLACE_POWER = 67, Next, None, MayRunCode;
    GET_ITER = 68, Next, None, MayRunCode;
    GET_YIELD_FROM_ITER = 69, Next, None, MayRunCode;
    PRINT_EXPR = 70, Next, None, MayRunCode;
    LOAD_BUILD_CLASS = 71, Next, None, MayRunCode;
    YIELD_FROM = 72, Yield, None, MayRunCode;
    GET_AWAITABLE = 73, Next, None, MayRunCode;
    // 3.9: LOAD_ASSERTION_ERROR (`assert` no longer looks the name up).
    #[cfg(any(py39, py310))]
    LOAD_ASSERTION_ERROR = 74, Next, None, NoRaise;
    INPLACE_LSHIFT = 75, Next, None, MayRunCode;
    INPLACE_RSHIFT = 76, Next, None, MayRunCode;
    INPLACE_AND = 77, Next, None, MayRunCode;
    INPLACE_XOR = 78, Next, None, MayRunCode;
    INPLACE_OR = 79, Next, None, MayRunCode;
    // 3.7 only: BREAK_LOOP (3.8 compiles `break` to explicit block pops and jumps).
    #[cfg(py37)]
    BREAK_LOOP = 80, Unwind, None, NoRaise;
    // 3.7/3.8 only: WITH_CLEANUP_START/FINISH (3.9: WITH_EXCEPT_START).
    #[cfg(any(py37, py38))]
    WITH_CLEANUP_START = 81, Next, None, MayRunCode;
    #[cfg(any(py37, py38))]
    WITH_CLEANUP_FINISH = 82, Next, None, MayRunCode;
    // 3.9: LIST_TO_TUPLE takes number 82 (star-unpacking builds a list, then converts).
    #[cfg(any(py39, py310))]
    LIST_TO_TUPLE = 82, Next, None, MayRaise;
    RETURN_VALUE = 83, Return, None, NoRaise;
    IMPORT_STAR = 84, Next, None, MayRunCode;
    SETUP_ANNOTATIONS = 85, Next, None, MayRunCode;
    YIELD_VALUE = 86, Yield, None, MayRunCode;
    POP_BLOCK = 87, Next, None, NoRaise;
    // 3.7/3.8 only: END_FINALLY (3.9: RERAISE).
    #[cfg(any(py37, py38))]
    END_FINALLY = 88, EndFinally, None, MayRaise;
    POP_EXCEPT = 89, Next, None, MayRaise;
    STORE_NAME = 90, Next, None, MayRunCode;
    DELETE_NAME = 91, Next, None, MayRunCode;
    UNPACK_SEQUENCE = 92, Next, None, MayRunCode;
    FOR_ITER = 93, Branch, Relative, MayRunCode;
    UNPACK_EX = 94, Next, None, MayRunCode;
    STORE_ATTR = 95, Next, None, MayRunCode;
    DELETE_ATTR = 96, Next, None, MayRunCode;
    STORE_GLOBAL = 97, Next, None, MayRunCode;
    DELETE_GLOBAL = 98, Next, None, MayRunCode;
    // 3.10: ROT_N (rotates the top `oparg` items; used by pattern matching).
    #[cfg(py310)]
    ROT_N = 99, Next, None, NoRaise;
    LOAD_CONST = 100, Next, None, NoRaise;
    LOAD_NAME = 101, Next, None, MayRunCode;
    BUILD_TUPLE = 102, Next, None, MayRaise;
    BUILD_LIST = 103, Next, None, MayRaise;
    BUILD_SET = 104, Next, None, MayRunCode;
    BUILD_MAP = 105, Next, None, MayRunCode;
    LOAD_ATTR = 106, Next, None, MayRunCode;
    COMPARE_OP = 107, Next, None, MayRunCode;
    IMPORT_NAME = 108, Next, None, MayRunCode;
    IMPORT_FROM = 109, Next, None, MayRunCode;
    JUMP_FORWARD = 110, Jump, Relative, NoRaise;
    JUMP_IF_FALSE_OR_POP = 111, Branch, Absolute, MayRunCode;
    JUMP_IF_TRUE_OR_POP = 112, Branch, Absolute, MayRunCode;
    JUMP_ABSOLUTE = 113, Jump, Absolute, NoRaise;
    POP_JUMP_IF_FALSE = 114, Branch, Absolute, MayRunCode;
    POP_JUMP_IF_TRUE = 115, Branch, Absolute, MayRunCode;
    LOAD_GLOBAL = 116, Next, None, MayRunCode;
    // 3.9: IS_OP and CONTAINS_OP split `is`/`in` out of COMPARE_OP; IS_OP only compares
    // pointers.
    #[cfg(any(py39, py310))]
    IS_OP = 117, Next, None, NoRaise;
    #[cfg(any(py39, py310))]
    CONTAINS_OP = 118, Next, None, MayRunCode;
    // 3.7 only: CONTINUE_LOOP (`continue` inside try blocks), absolute target.
    #[cfg(py37)]
    CONTINUE_LOOP = 119, Unwind, Absolute, MayRaise;
    // 3.10: RERAISE moves here from 48 and takes an argument (non-zero: restore f_lasti
    // from the exception block).
    #[cfg(py310)]
    RERAISE = 119, Raise, None, MayRaise;
    // 3.7 only: SETUP_LOOP and SETUP_EXCEPT (3.8: loops push no block; `try/except` uses
    // SETUP_FINALLY).
    #[cfg(py37)]
    SETUP_LOOP = 120, SetupBlock, Relative, NoRaise;
    #[cfg(py37)]
    SETUP_EXCEPT = 121, SetupBlock, Relative, NoRaise;
    // 3.9: JUMP_IF_NOT_EXC_MATCH takes number 121 (`except E:` no longer uses COMPARE_OP).
    #[cfg(any(py39, py310))]
    JUMP_IF_NOT_EXC_MATCH = 121, Branch, Absolute, MayRunCode;
    SETUP_FINALLY = 122, SetupBlock, Relative, NoRaise;
    LOAD_FAST = 124, Next, None, MayRaise;
    STORE_FAST = 125, Next, None, NoRaise;
    DELETE_FAST = 126, Next, None, MayRaise;
    // 3.10: GEN_START begins every generator/coroutine body. Such frames start with the first
    // sent value (None) on the stack, which it pops: entry depth 1, not 0.
    #[cfg(py310)]
    GEN_START = 129, Next, None, MayRaise;
    RAISE_VARARGS = 130, Raise, None, MayRunCode;
    CALL_FUNCTION = 131, Next, None, MayRunCode;
    MAKE_FUNCTION = 132, Next, None, MayRunCode;
    BUILD_SLICE = 133, Next, None, MayRaise;
    LOAD_CLOSURE = 135, Next, None, NoRaise;
    LOAD_DEREF = 136, Next, None, MayRaise;
    STORE_DEREF = 137, Next, None, NoRaise;
    DELETE_DEREF = 138, Next, None, MayRaise;
    CALL_FUNCTION_KW = 141, Next, None, MayRunCode;
    CALL_FUNCTION_EX = 142, Next, None, MayRunCode;
    SETUP_WITH = 143, SetupBlock, Relative, MayRunCode;
    EXTENDED_ARG = 144, Next, None, NoRaise;
    LIST_APPEND = 145, Next, None, MayRaise;
    SET_ADD = 146, Next, None, MayRunCode;
    MAP_ADD = 147, Next, None, MayRunCode;
    LOAD_CLASSDEREF = 148, Next, None, MayRunCode;
    // 3.7/3.8 only: the BUILD_*_UNPACK family (3.9: LIST_EXTEND, SET_UPDATE, DICT_UPDATE,
    // DICT_MERGE, LIST_TO_TUPLE).
    #[cfg(any(py37, py38))]
    BUILD_LIST_UNPACK = 149, Next, None, MayRunCode;
    #[cfg(any(py37, py38))]
    BUILD_MAP_UNPACK = 150, Next, None, MayRunCode;
    #[cfg(any(py37, py38))]
    BUILD_MAP_UNPACK_WITH_CALL = 151, Next, None, MayRunCode;
    #[cfg(any(py37, py38))]
    BUILD_TUPLE_UNPACK = 152, Next, None, MayRunCode;
    // 3.10: MATCH_CLASS takes number 152.
    #[cfg(py310)]
    MATCH_CLASS = 152, Next, None, MayRunCode;
    #[cfg(any(py37, py38))]
    BUILD_SET_UNPACK = 153, Next, None, MayRunCode;
    SETUP_ASYNC_WITH = 154, SetupBlock, Relative, NoRaise;
    FORMAT_VALUE = 155, Next, None, MayRunCode;
    BUILD_CONST_KEY_MAP = 156, Next, None, MayRunCode;
    BUILD_STRING = 157, Next, None, MayRaise;
    #[cfg(any(py37, py38))]
    BUILD_TUPLE_UNPACK_WITH_CALL = 158, Next, None, MayRunCode;
    LOAD_METHOD = 160, Next, None, MayRunCode;
    CALL_METHOD = 161, Next, None, MayRunCode;
    // 3.8 only: CALL_FINALLY (relative target) and POP_FINALLY.
    #[cfg(py38)]
    CALL_FINALLY = 162, CallFinally, Relative, MayRaise;
    #[cfg(py38)]
    POP_FINALLY = 163, Next, None, MayRaise;
    // 3.9: LIST_EXTEND, SET_UPDATE, DICT_MERGE, DICT_UPDATE take numbers 162-165.
    #[cfg(any(py39, py310))]
    LIST_EXTEND = 162, Next, None, MayRunCode;
    #[cfg(any(py39, py310))]
    SET_UPDATE = 163, Next, None, MayRunCode;
    #[cfg(any(py39, py310))]
    DICT_MERGE = 164, Next, None, MayRunCode;
    #[cfg(any(py39, py310))]
    DICT_UPDATE = 165, Next, None, MayRunCode;
}

/// `DEFS` indexed by opcode; built at compile time, which also rejects duplicate numbers.
static TABLE: [Option<OpInfo>; 256] = {
    let mut table: [Option<OpInfo>; 256] = [None; 256];
    let mut i = 0;
    while i < DEFS.len() {
        let def = DEFS[i];
        assert!(table[def.opcode as usize].is_none(), "two opcodes share a number");
        table[def.opcode as usize] = Some(def);
        i += 1;
    }
    table
};

const _: () = assert!(EXTENDED_ARG == 144);

/// The facts about `opcode`, or `None` if this version does not use that number.
pub fn info(opcode: u8) -> Option<&'static OpInfo> {
    TABLE[opcode as usize].as_ref()
}

/// Every opcode of this version, in numeric order.
pub fn all() -> &'static [OpInfo] {
    DEFS
}

/// The opcode called `name` (as in `opcode.opmap`), if this version has one.
pub fn by_name(name: &str) -> Option<&'static OpInfo> {
    DEFS.iter().find(|def| def.name == name)
}

/// The net change in value-stack depth caused by executing `opcode` with argument `oparg`,
/// along the jump (`jump == true`) or the fall-through edge — what
/// `dis.stack_effect(opcode, oparg, jump=jump)` returns; `None` where it raises `ValueError`
/// (unknown opcodes, and on 3.7 `NOP` and `EXTENDED_ARG`, which its compiler has no case for).
///
/// Follows the compiler's model (`compile.c`), not always ceval's: for the `SETUP_*` opcodes the
/// jump edge is the handler entry with the values unwinding pushes, and 3.7/3.8's
/// `END_FINALLY`/`POP_FINALLY`/`WITH_CLEANUP_*` report fixed worst cases.
///
/// `oparg` is read as C's `int` (as ceval does after four `EXTENDED_ARG`s) and the arithmetic
/// wraps where C's would overflow. It is ignored for opcodes below [`HAVE_ARGUMENT`] (where `dis`
/// refuses one). On 3.7, whose `dis.stack_effect` has no `jump` parameter, the per-edge values
/// are those of 3.7's `compile.c`; see [`stack_effect_max`] for what `dis` reports.
pub fn stack_effect(opcode: u8, oparg: u32, jump: bool) -> Option<i32> {
    effect(opcode, oparg as i32, Some(jump))
}

/// The larger of the two edges' [`stack_effect`]s — what `dis.stack_effect(opcode, oparg)`
/// returns without `jump` (on every version).
pub fn stack_effect_max(opcode: u8, oparg: u32) -> Option<i32> {
    effect(opcode, oparg as i32, None)
}

/// The stack effect of one edge, or of the worse edge when `jump` is `None` (compile.c's
/// `jump == -1`).
fn effect(opcode: u8, oparg: i32, jump: Option<bool>) -> Option<i32> {
    // `if_jump(a, b)`: `a` along the jump edge, `b` along the fall-through edge, the larger
    // for the worse edge.
    let if_jump = |taken: i32, not_taken: i32| match jump {
        Some(true) => taken,
        Some(false) => not_taken,
        None => taken.max(not_taken),
    };
    use op::*;
    let effect = match info(opcode)?.opcode {
        POP_TOP => -1,
        ROT_TWO | ROT_THREE => 0,
        #[cfg(not(py37))]
        ROT_FOUR => 0,
        DUP_TOP => 1,
        DUP_TOP_TWO => 2,
        // 3.7's compiler has no case for NOP and EXTENDED_ARG (it never sees either).
        #[cfg(py37)]
        NOP | EXTENDED_ARG => return None,
        #[cfg(not(py37))]
        NOP | EXTENDED_ARG => 0,

        UNARY_POSITIVE | UNARY_NEGATIVE | UNARY_NOT | UNARY_INVERT => 0,
        BINARY_MATRIX_MULTIPLY
        | INPLACE_MATRIX_MULTIPLY
        | BINARY_POWER
        | BINARY_MULTIPLY
        | BINARY_MODULO
        | BINARY_ADD
        | BINARY_SUBTRACT
        | BINARY_SUBSCR
        | BINARY_FLOOR_DIVIDE
        | BINARY_TRUE_DIVIDE
        | INPLACE_FLOOR_DIVIDE
        | INPLACE_TRUE_DIVIDE
        | INPLACE_ADD
        | INPLACE_SUBTRACT
        | INPLACE_MULTIPLY
        | INPLACE_MODULO
        | BINARY_LSHIFT
        | BINARY_RSHIFT
        | BINARY_AND
        | BINARY_XOR
        | BINARY_OR
        | INPLACE_POWER
        | INPLACE_LSHIFT
        | INPLACE_RSHIFT
        | INPLACE_AND
        | INPLACE_XOR
        | INPLACE_OR => -1,
        STORE_SUBSCR => -3,
        DELETE_SUBSCR => -2,

        #[cfg(py310)]
        GET_LEN | MATCH_MAPPING | MATCH_SEQUENCE => 1,
        #[cfg(py310)]
        MATCH_KEYS => 2,
        #[cfg(py310)]
        COPY_DICT_WITHOUT_KEYS => 0,
        #[cfg(py310)]
        MATCH_CLASS => -1,
        #[cfg(py310)]
        ROT_N => 0,
        #[cfg(py310)]
        GEN_START => -1,

        GET_AITER | GET_ITER | GET_YIELD_FROM_ITER | GET_AWAITABLE => 0,
        GET_ANEXT | BEFORE_ASYNC_WITH => 1,
        PRINT_EXPR => -1,
        LOAD_BUILD_CLASS => 1,
        YIELD_FROM => -1,
        YIELD_VALUE => 0,
        RETURN_VALUE => -1,
        IMPORT_STAR => -1,
        SETUP_ANNOTATIONS => 0,
        POP_BLOCK => 0,
        POP_EXCEPT => -3,

        #[cfg(py37)]
        BREAK_LOOP | CONTINUE_LOOP | SETUP_LOOP => 0,
        // Handler entry: the 6 values unwinding pushes (3 for the previous exception, 3 for
        // the current one).
        #[cfg(py37)]
        SETUP_EXCEPT => if_jump(6, 0),
        SETUP_FINALLY => if_jump(6, 0),
        // Fall-through pushes __exit__ and __enter__'s result; the handler keeps __exit__.
        SETUP_WITH => if_jump(6, 1),
        // __aenter__'s awaited result is already on the stack; the handler drops it.
        SETUP_ASYNC_WITH => if_jump(5, 0),

        #[cfg(any(py37, py38))]
        WITH_CLEANUP_START => 2,
        #[cfg(any(py37, py38))]
        WITH_CLEANUP_FINISH => -3,
        #[cfg(any(py37, py38))]
        END_FINALLY => -6,
        #[cfg(any(py37, py38))]
        BUILD_LIST_UNPACK
        | BUILD_TUPLE_UNPACK
        | BUILD_TUPLE_UNPACK_WITH_CALL
        | BUILD_SET_UNPACK
        | BUILD_MAP_UNPACK
        | BUILD_MAP_UNPACK_WITH_CALL => 1i32.wrapping_sub(oparg),

        #[cfg(py38)]
        BEGIN_FINALLY => 6,
        #[cfg(py38)]
        CALL_FINALLY => if_jump(1, 0),
        #[cfg(py38)]
        POP_FINALLY => -6,
        #[cfg(not(py37))]
        END_ASYNC_FOR => -7,

        #[cfg(any(py39, py310))]
        RERAISE => -3,
        #[cfg(any(py39, py310))]
        WITH_EXCEPT_START => 1,
        #[cfg(any(py39, py310))]
        LOAD_ASSERTION_ERROR => 1,
        #[cfg(any(py39, py310))]
        LIST_TO_TUPLE => 0,
        #[cfg(any(py39, py310))]
        IS_OP | CONTAINS_OP => -1,
        #[cfg(any(py39, py310))]
        JUMP_IF_NOT_EXC_MATCH => -2,
        #[cfg(any(py39, py310))]
        LIST_EXTEND | SET_UPDATE | DICT_MERGE | DICT_UPDATE => -1,

        STORE_NAME => -1,
        DELETE_NAME => 0,
        UNPACK_SEQUENCE => oparg.wrapping_sub(1),
        UNPACK_EX => (oparg & 0xff).wrapping_add(oparg >> 8),
        // Pushes the next item, or pops the exhausted iterator and jumps.
        FOR_ITER => if_jump(-1, 1),
        STORE_ATTR => -2,
        DELETE_ATTR => -1,
        STORE_GLOBAL => -1,
        DELETE_GLOBAL => 0,
        LOAD_CONST | LOAD_NAME => 1,
        BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_STRING => 1i32.wrapping_sub(oparg),
        BUILD_MAP => 1i32.wrapping_sub(oparg.wrapping_mul(2)),
        BUILD_CONST_KEY_MAP => oparg.wrapping_neg(),
        LOAD_ATTR => 0,
        COMPARE_OP => -1,
        IMPORT_NAME => -1,
        IMPORT_FROM => 1,
        JUMP_FORWARD | JUMP_ABSOLUTE => 0,
        // Keep the value when jumping, pop it when falling through.
        JUMP_IF_TRUE_OR_POP | JUMP_IF_FALSE_OR_POP => if_jump(0, -1),
        POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE => -1,
        LOAD_GLOBAL => 1,
        LOAD_FAST => 1,
        STORE_FAST => -1,
        DELETE_FAST => 0,
        RAISE_VARARGS => oparg.wrapping_neg(),
        CALL_FUNCTION => oparg.wrapping_neg(),
        CALL_METHOD | CALL_FUNCTION_KW => oparg.wrapping_neg().wrapping_sub(1),
        // Bit 0: a mapping of keyword arguments follows the positional tuple.
        CALL_FUNCTION_EX => -1 - (oparg & 1),
        // One extra value per flag bit: defaults, kw-defaults, annotations, closure.
        MAKE_FUNCTION => -1 - (oparg & 0x0f).count_ones() as i32,
        BUILD_SLICE => {
            if oparg == 3 {
                -2
            } else {
                -1
            }
        }
        LOAD_CLOSURE | LOAD_DEREF | LOAD_CLASSDEREF => 1,
        STORE_DEREF => -1,
        DELETE_DEREF => 0,
        LIST_APPEND | SET_ADD => -1,
        MAP_ADD => -2,
        // FVS_HAVE_SPEC (bit 2): a format spec sits above the value.
        FORMAT_VALUE => {
            if oparg & 0x04 != 0 {
                -1
            } else {
                0
            }
        }
        LOAD_METHOD => 1,
        _ => unreachable!("opcode {opcode} is in the table but has no stack effect"),
    };
    Some(effect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, def) in all().iter().enumerate() {
            assert_eq!(info(def.opcode), Some(def));
            assert_eq!(by_name(def.name), Some(def));
            if i > 0 {
                assert!(all()[i - 1].opcode < def.opcode, "DEFS out of order at {}", def.name);
            }
            // Jump targets only come with an argument, and only flows that use one have one.
            if def.is_jump() {
                assert!(def.has_arg(), "{}", def.name);
                assert!(
                    matches!(def.flow, Flow::Branch | Flow::Jump | Flow::SetupBlock | Flow::CallFinally | Flow::Unwind),
                    "{}",
                    def.name
                );
            } else {
                assert!(!matches!(def.flow, Flow::Branch | Flow::Jump | Flow::SetupBlock | Flow::CallFinally), "{}", def.name);
            }
            // Every opcode has a stack effect (except 3.7's two documented holes).
            let holes: &[u8] = if cfg!(py37) { &[op::NOP, op::EXTENDED_ARG] } else { &[] };
            assert_eq!(stack_effect(def.opcode, 1, false).is_none(), holes.contains(&def.opcode));
        }
        let unused = (0..=255u8).filter(|&n| info(n).is_none()).count();
        assert_eq!(unused + all().len(), 256);
        assert!(info(0).is_none() && info(255).is_none());
    }

    #[test]
    fn attributes() {
        let ret = info(op::RETURN_VALUE).unwrap();
        assert!(ret.is_terminator() && !ret.may_raise() && !ret.is_jump());
        let jump = info(op::JUMP_ABSOLUTE).unwrap();
        assert!(jump.is_terminator() && jump.is_unconditional_jump() && jump.jump == JumpKind::Absolute);
        let branch = info(op::POP_JUMP_IF_TRUE).unwrap();
        assert!(branch.is_conditional_branch() && !branch.is_terminator() && branch.may_run_code());
        let for_iter = info(op::FOR_ITER).unwrap();
        assert!(for_iter.is_conditional_branch() && for_iter.jump == JumpKind::Relative);
        let setup = info(op::SETUP_FINALLY).unwrap();
        assert!(setup.is_block_setup() && !setup.is_terminator() && setup.is_jump());
        let raise = info(op::RAISE_VARARGS).unwrap();
        assert!(raise.is_terminator() && raise.may_raise());
        let load = info(op::LOAD_FAST).unwrap();
        assert!(load.may_raise() && !load.may_run_code());
        let call = info(op::CALL_FUNCTION).unwrap();
        assert!(call.may_run_code() && call.may_raise());
        assert!(info(op::LOAD_CONST).unwrap().effects == Effects::NoRaise);
        #[cfg(any(py39, py310))]
        assert!(info(op::RERAISE).unwrap().is_terminator());
        #[cfg(py38)]
        assert!(info(op::CALL_FINALLY).unwrap().is_terminator());
        #[cfg(py37)]
        assert!(info(op::BREAK_LOOP).unwrap().is_terminator());
    }

    #[test]
    fn stack_effects() {
        assert_eq!(stack_effect(op::BUILD_TUPLE, 3, false), Some(-2));
        assert_eq!(stack_effect(op::BUILD_MAP, 2, true), Some(-3));
        assert_eq!(stack_effect(op::UNPACK_EX, 0x0102, false), Some(3));
        assert_eq!(stack_effect(op::MAKE_FUNCTION, 0x0f, false), Some(-5));
        assert_eq!(stack_effect(op::FOR_ITER, 0, true), Some(-1));
        assert_eq!(stack_effect(op::FOR_ITER, 0, false), Some(1));
        assert_eq!(stack_effect_max(op::FOR_ITER, 0), Some(1));
        assert_eq!(stack_effect(op::SETUP_WITH, 0, false), Some(1));
        assert_eq!(stack_effect_max(op::SETUP_WITH, 0), Some(6));
        assert_eq!(stack_effect(op::FORMAT_VALUE, 4, false), Some(-1));
        assert_eq!(stack_effect(op::CALL_FUNCTION_KW, 2, false), Some(-3));
        // C int arithmetic: oparg is read as `int` and wraps.
        assert_eq!(stack_effect(op::BUILD_MAP, i32::MAX as u32, false), Some(3));
        assert_eq!(stack_effect(0, 0, false), None);
    }

    #[test]
    fn jump_units() {
        if cfg!(py310) {
            assert_eq!(JUMP_UNIT_BYTES, 2);
        } else {
            assert_eq!(JUMP_UNIT_BYTES, 1);
        }
    }
}
