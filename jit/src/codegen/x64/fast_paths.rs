//! Inline fast paths for the commonest operand types, tried before the generic helper:
//! comparisons and `+ - *` on small exact ints, comparisons and `+ - * /` on two exact
//! floats (IEEE double arithmetic, as `float`'s own slots do), identity comparisons,
//! unpacking an exact tuple or list of the expected length, `list[i]`/`tuple[i]` with a small
//! non-negative exact-int index, `LOAD_GLOBAL` through a per-instruction cache keyed
//! on the globals' and builtins' dict versions, and the hits of the attribute caches. Each fast path either finishes the
//! instruction and jumps to `done`, or falls through untouched (nothing consumed, no
//! reference changed) to the generic path.
//!
//! "Small" int: `|ob_size| <= 1`, i.e. one 30-bit digit, so the value is `size * digit[0]`
//! and sums and products of two of them fit an `i64`.

use super::{d8, Borrowed, Emitter};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use interp::bytecode::Instruction;
use interp::cpython::layout;
use interp::ops::{self, AttrCache, GlobalCache};

const _: () = assert!(layout::LONG_DIGIT_BYTES == 4, "the fast paths read 32-bit digits");

/// Comparison kinds of `COMPARE_OP` that the small-int path handles (`<` … `>=`).
pub fn is_rich_compare(oparg: u32) -> bool {
    oparg <= 5
}

/// The arithmetic a small-int fast path can do inline.
#[derive(Clone, Copy)]
pub enum IntArith {
    Add,
    Subtract,
    Multiply,
}

/// The arithmetic a float fast path can do inline.
#[derive(Clone, Copy)]
pub enum FloatArith {
    Add,
    Subtract,
    Multiply,
    /// True division; a zero divisor takes the generic path (which raises).
    Divide,
}

impl Emitter<'_> {
    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    /// Loads the two top stack items into rdi (second from top) and rsi (top), jumping to
    /// `slow` unless both are exactly of type `tp`. Clobbers rax.
    fn load_two_of_exact_type(&mut self, tp: *mut pyo3_ffi::PyTypeObject, slow: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; mov rdi, [r13 - 16]);
        self.top_to_rsi();
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD tp as i64
            ; cmp [rdi + 8], rax
            ; jne =>slow
            ; cmp [rsi + 8], rax
            ; jne =>slow
        );
    }

    /// Jumps to `slow` unless the two top stack items are small exact ints; leaves their
    /// values in rcx (second from top) and rdx (top). Clobbers rax, rdi, rsi.
    fn load_two_small_ints(&mut self, slow: DynamicLabel) {
        self.load_two_of_exact_type(std::ptr::addr_of_mut!(pyo3_ffi::PyLong_Type), slow);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, [rdi + 16]
            ; lea rax, [rcx + 1]
            ; cmp rax, BYTE 2
            ; ja =>slow
            ; mov rdx, [rsi + 16]
            ; lea rax, [rdx + 1]
            ; cmp rax, BYTE 2
            ; ja =>slow
            ; mov eax, DWORD [BYTE rdi + d8::LONG_OB_DIGIT]
            ; imul rcx, rax
            ; mov eax, DWORD [BYTE rsi + d8::LONG_OB_DIGIT]
            ; imul rdx, rax
        );
    }

    /// Ends a fast path: jumps to `done`, or falls through when it is `None` (the fast path
    /// sits where its instruction ends).
    fn finish_fast_path(&mut self, done: Option<DynamicLabel>) {
        if let Some(done) = done {
            dynasm!(self.ops ; .arch x64 ; jmp =>done);
        }
    }

    /// Replaces the two top stack items (released unless `borrowed`) by rbx (owned).
    fn replace_top_two_with_rbx(&mut self, borrowed: Borrowed) {
        self.release_slot(1, borrowed);
        self.release_slot(2, borrowed);
        dynasm!(self.ops
            ; .arch x64
            ; mov [r13 - 16], rbx
            ; sub r13, 8
        );
    }

    /// `COMPARE_OP` (`<` … `>=`) on two small ints; jumps to `miss` otherwise. Every fast
    /// path here ends as [`Emitter::finish_fast_path`] says.
    pub(super) fn small_int_compare(&mut self, oparg: u32, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        self.load_two_small_ints(miss);
        // SAFETY: the addresses of the True/False singletons (static objects of libpython).
        let (py_true, py_false) = unsafe { (pyo3_ffi::Py_True() as i64, pyo3_ffi::Py_False() as i64) };
        dynasm!(self.ops
            ; .arch x64
            ; mov rbx, QWORD py_false
            ; mov rax, QWORD py_true
            ; cmp rcx, rdx
        );
        match oparg {
            0 => dynasm!(self.ops ; .arch x64 ; cmovl rbx, rax),
            1 => dynasm!(self.ops ; .arch x64 ; cmovle rbx, rax),
            2 => dynasm!(self.ops ; .arch x64 ; cmove rbx, rax),
            3 => dynasm!(self.ops ; .arch x64 ; cmovne rbx, rax),
            4 => dynasm!(self.ops ; .arch x64 ; cmovg rbx, rax),
            _ => dynasm!(self.ops ; .arch x64 ; cmovge rbx, rax),
        }
        dynasm!(self.ops ; .arch x64 ; inc QWORD [rbx]);
        self.replace_top_two_with_rbx(borrowed);
        self.finish_fast_path(done);
    }

    /// `COMPARE_OP` (`<` … `>=`) on two small ints for a branch: both released and popped,
    /// the outcome left in ebx (1 true, 0 false). Jumps to `miss` otherwise, nothing
    /// changed.
    pub(super) fn small_int_compare_flag(&mut self, oparg: u32, miss: DynamicLabel, borrowed: Borrowed) {
        self.load_two_small_ints(miss);
        dynasm!(self.ops ; .arch x64 ; xor ebx, ebx ; cmp rcx, rdx);
        match oparg {
            0 => dynasm!(self.ops ; .arch x64 ; setl bl),
            1 => dynasm!(self.ops ; .arch x64 ; setle bl),
            2 => dynasm!(self.ops ; .arch x64 ; sete bl),
            3 => dynasm!(self.ops ; .arch x64 ; setne bl),
            4 => dynasm!(self.ops ; .arch x64 ; setg bl),
            _ => dynasm!(self.ops ; .arch x64 ; setge bl),
        }
        // Ints run no code when released.
        self.release_slot(1, borrowed);
        self.release_slot(2, borrowed);
        dynasm!(self.ops ; .arch x64 ; sub r13, 16);
    }

    /// `COMPARE_OP` (`<` … `>=`) on two exact floats for a branch: both released and
    /// popped, the outcome left in ebx (1 true, 0 false; a NaN compares as float
    /// comparison says: only `!=` holds). Jumps to `miss` otherwise, nothing changed.
    pub(super) fn float_compare_flag(&mut self, oparg: u32, miss: DynamicLabel, borrowed: Borrowed) {
        self.load_two_floats(miss);
        dynasm!(self.ops ; .arch x64 ; xor ebx, ebx);
        match oparg {
            // a < b is b > a; "above" needs CF=0 and ZF=0, which an unordered result clears.
            0 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm1, xmm0 ; seta bl),
            1 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm1, xmm0 ; setae bl),
            4 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; seta bl),
            5 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; setae bl),
            // ==: ZF=1 and PF=0; != is its negation.
            2 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; setnp bl ; mov eax, 0 ; cmovne ebx, eax),
            _ => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; setp bl ; mov eax, 1 ; cmovne ebx, eax),
        }
        // Floats run no code when released.
        self.release_slot(1, borrowed);
        self.release_slot(2, borrowed);
        dynasm!(self.ops ; .arch x64 ; sub r13, 16);
    }

    /// Jumps to `slow` unless the two top stack items are exact floats; leaves their values
    /// in xmm0 (second from top) and xmm1 (top). Clobbers rax, rdi, rsi.
    fn load_two_floats(&mut self, slow: DynamicLabel) {
        self.load_two_of_exact_type(std::ptr::addr_of_mut!(pyo3_ffi::PyFloat_Type), slow);
        dynasm!(self.ops
            ; .arch x64
            ; movsd xmm0, [BYTE rdi + d8::FLOAT_OB_FVAL]
            ; movsd xmm1, [BYTE rsi + d8::FLOAT_OB_FVAL]
        );
    }

    /// `BINARY_*`/`INPLACE_*` add, subtract, multiply, true-divide on two exact floats
    /// (`float` has no in-place slots, so both forms are its binary slot); the result is
    /// made by `PyFloat_FromDouble`, whose failure leaves with ERROR and both operands still
    /// on the stack. Jumps to `miss` otherwise, and for division by zero.
    pub(super) fn float_arith(&mut self, arith: FloatArith, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        let slow = miss;
        self.load_two_floats(slow);
        match arith {
            FloatArith::Add => dynasm!(self.ops ; .arch x64 ; addsd xmm0, xmm1),
            FloatArith::Subtract => dynasm!(self.ops ; .arch x64 ; subsd xmm0, xmm1),
            FloatArith::Multiply => dynasm!(self.ops ; .arch x64 ; mulsd xmm0, xmm1),
            FloatArith::Divide => dynasm!(self.ops
                ; .arch x64
                ; xorpd xmm2, xmm2
                ; ucomisd xmm1, xmm2
                ; je =>slow // zero (or NaN, which the generic path divides by just the same)
                ; divsd xmm0, xmm1
            ),
        }
        self.float_result_from_xmm0(borrowed);
        self.finish_fast_path(done);
    }

    /// Replaces the two top stack items (exact floats, in rdi and rsi) by a float holding
    /// xmm0. An owned operand only the stack refers to (reference count 1) is a temporary
    /// no one else can see (no float is immortal on 3.7-3.10, and floats have no weak
    /// references): it takes the result, instead of a new float being made and the
    /// temporary freed. A borrowed operand belongs to a local or constant and is never
    /// reused. Otherwise `PyFloat_FromDouble`; its failure leaves with ERROR, both operands
    /// still on the stack.
    fn float_result_from_xmm0(&mut self, borrowed: Borrowed) {
        if borrowed == Borrowed::NONE {
            return self.float_result_reusing_either();
        }
        let after = self.new_label();
        // (the reusable operand is in rdi, its depth, the depth of the other one)
        let candidates = [(true, 2, 1), (false, 1, 2)];
        for (in_rdi, depth, other) in candidates {
            if borrowed.at(depth) {
                continue;
            }
            let shared = self.new_label();
            if in_rdi {
                dynasm!(self.ops ; .arch x64 ; cmp QWORD [rdi], BYTE 1 ; jne =>shared ; movsd [BYTE rdi + d8::FLOAT_OB_FVAL], xmm0 ; mov rbx, rdi ; mov rdi, rsi);
            } else {
                dynasm!(self.ops ; .arch x64 ; cmp QWORD [rsi], BYTE 1 ; jne =>shared ; movsd [BYTE rsi + d8::FLOAT_OB_FVAL], xmm0 ; mov rbx, rsi);
            }
            // rdi is the other operand, released unless borrowed.
            dynasm!(self.ops ; .arch x64 ; mov [r13 - 16], rbx ; sub r13, 8);
            if !borrowed.at(other) {
                self.decref_rdi();
            }
            dynasm!(self.ops ; .arch x64 ; jmp =>after ; =>shared);
        }
        self.call(pyo3_ffi::PyFloat_FromDouble as *const () as usize);
        self.check_null_rax_owning(borrowed);
        dynasm!(self.ops ; .arch x64 ; mov rbx, rax);
        self.replace_top_two_with_rbx(borrowed);
        dynasm!(self.ops ; .arch x64 ; =>after);
    }

    /// [`Self::float_result_from_xmm0`] with both operands owned.
    fn float_result_reusing_either(&mut self) {
        let reuse_second = self.new_label();
        let finish = self.new_label();
        dynasm!(self.ops
            ; .arch x64
            ; cmp QWORD [rdi], BYTE 1
            ; jne >first_shared
            ; movsd [BYTE rdi + d8::FLOAT_OB_FVAL], xmm0
            ; mov rbx, rdi
            ; mov rdi, rsi
            ; jmp =>finish
            ; first_shared:
            ; cmp QWORD [rsi], BYTE 1
            ; je =>reuse_second
        );
        self.call(pyo3_ffi::PyFloat_FromDouble as *const () as usize);
        self.check_null_rax(0);
        dynasm!(self.ops ; .arch x64 ; mov rbx, rax);
        self.replace_top_two_with_rbx(Borrowed::NONE);
        let after = self.new_label();
        dynasm!(self.ops
            ; .arch x64
            ; jmp =>after
            ; =>reuse_second
            ; movsd [BYTE rsi + d8::FLOAT_OB_FVAL], xmm0
            ; mov rbx, rsi
            // rdi is the first operand, the one to release
            ; =>finish
            ; mov [r13 - 16], rbx
            ; sub r13, 8
        );
        self.decref_rdi();
        dynasm!(self.ops ; .arch x64 ; =>after);
    }

    /// `COMPARE_OP` (`<` … `>=`) on two exact floats, with IEEE semantics (any comparison
    /// with a NaN is false except `!=`), as `float`'s rich comparison of two floats; falls
    /// to `miss` otherwise.
    pub(super) fn float_compare(&mut self, oparg: u32, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        self.load_two_floats(miss);
        // SAFETY: the addresses of the True/False singletons (static objects of libpython).
        let (py_true, py_false) = unsafe { (pyo3_ffi::Py_True() as i64, pyo3_ffi::Py_False() as i64) };
        // rbx = the result when the condition is false, rax = when it is true.
        let (if_false, if_true) = if oparg == 3 { (py_true, py_false) } else { (py_false, py_true) };
        dynasm!(self.ops ; .arch x64 ; mov rbx, QWORD if_false ; mov rax, QWORD if_true);
        match oparg {
            // a < b is b > a; "above" needs CF=0 and ZF=0, which an unordered result clears.
            0 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm1, xmm0 ; cmova rbx, rax),
            1 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm1, xmm0 ; cmovae rbx, rax),
            4 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; cmova rbx, rax),
            5 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1 ; cmovae rbx, rax),
            // ==: ZF=1 and PF=0. !=: the same test with the results swapped (rbx starts as
            // True, becomes False when equal, back to True when unordered).
            _ => dynasm!(self.ops
                ; .arch x64
                ; mov rcx, rbx
                ; ucomisd xmm0, xmm1
                ; cmove rbx, rax
                ; cmovp rbx, rcx
            ),
        }
        dynasm!(self.ops ; .arch x64 ; inc QWORD [rbx]);
        self.replace_top_two_with_rbx(borrowed);
        self.finish_fast_path(done);
    }

    /// The truth of the popped condition in rdi (its slot already popped) for `None`, exact
    /// ints, lists and tuples — false exactly when the size is 0, as their slots say —
    /// releasing it and jumping to `on_true` / `on_false`; falls through for other types
    /// with rdi unchanged.
    pub(super) fn truth_of_common_types(&mut self, on_true: DynamicLabel, on_false: DynamicLabel) {
        let sized = self.new_label();
        let other = self.new_label();
        // SAFETY: the address of the None singleton (a static object of libpython).
        let py_none = unsafe { pyo3_ffi::Py_None() as i64 };
        let (long_type, list_type, tuple_type) = (
            std::ptr::addr_of_mut!(pyo3_ffi::PyLong_Type) as i64,
            std::ptr::addr_of_mut!(pyo3_ffi::PyList_Type) as i64,
            std::ptr::addr_of_mut!(pyo3_ffi::PyTuple_Type) as i64,
        );
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD py_none
            ; cmp rdi, rax
            ; jne >not_none
            ; dec QWORD [rdi]
            ; jmp =>on_false
            ; not_none:
            ; mov rax, [rdi + 8]
            ; mov rdx, QWORD long_type
            ; cmp rax, rdx
            ; je =>sized
            ; mov rdx, QWORD list_type
            ; cmp rax, rdx
            ; je =>sized
            ; mov rdx, QWORD tuple_type
            ; cmp rax, rdx
            ; jne =>other
            ; =>sized
            ; mov rbx, [rdi + 16]
        );
        self.decref_rdi();
        dynasm!(self.ops
            ; .arch x64
            ; test rbx, rbx
            ; jnz =>on_true
            ; jmp =>on_false
            ; =>other
        );
    }

    /// `is` / `is not` (3.7/3.8 `COMPARE_OP` 8/9, 3.9+ `IS_OP`): a pointer comparison that cannot fail,
    /// so it always finishes the instruction (falls through).
    pub(super) fn identity_compare(&mut self, negate: bool, borrowed: Borrowed) {
        // SAFETY: the addresses of the True/False singletons (static objects of libpython).
        let (py_true, py_false) = unsafe { (pyo3_ffi::Py_True() as i64, pyo3_ffi::Py_False() as i64) };
        let (if_same, if_different) = if negate { (py_false, py_true) } else { (py_true, py_false) };
        dynasm!(self.ops
            ; .arch x64
            ; mov rdi, [r13 - 16]
            ; mov rbx, QWORD if_different
            ; mov rax, QWORD if_same
            ; cmp rdi, [r13 - 8]
            ; cmove rbx, rax
            ; inc QWORD [rbx]
        );
        self.replace_top_two_with_rbx(borrowed);
    }

    /// `UNPACK_SEQUENCE n` of an exact tuple or list with exactly `n` items (ceval's own
    /// fast path): the items replace it, first item on top; the sequence is released
    /// unless `borrowed`. Jumps
    /// to `miss` for anything else, which the generic helper unpacks or rejects.
    pub(super) fn unpack_exact_sequence(&mut self, n: u32, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        let slow = miss;
        let list = self.new_label();
        let items_in_rsi = self.new_label();
        let (list_type, tuple_type) =
            (std::ptr::addr_of_mut!(pyo3_ffi::PyList_Type) as i64, std::ptr::addr_of_mut!(pyo3_ffi::PyTuple_Type) as i64);
        self.top_to_rdi();
        dynasm!(self.ops
            ; .arch x64
            ; cmp QWORD [rdi + 16], n as i32
            ; jne =>slow
            ; mov rax, [rdi + 8]
            ; mov rdx, QWORD tuple_type
            ; cmp rax, rdx
            ; jne =>list
            ; lea rsi, [BYTE rdi + d8::TUPLE_OB_ITEM]
            ; jmp =>items_in_rsi
            ; =>list
            ; mov rdx, QWORD list_type
            ; cmp rax, rdx
            ; jne =>slow
            ; mov rsi, [BYTE rdi + d8::LIST_OB_ITEM]
            ; =>items_in_rsi
        );
        for i in 0..n as i32 {
            // Item i goes n-1-i slots above the sequence's slot (item 0 ends on top).
            let slot = -8 + 8 * (n as i32 - 1 - i);
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, [rsi + 8 * i]
                ; inc QWORD [rax]
                ; mov [r13 + slot], rax
            );
        }
        self.move_stack(n as i32 - 1);
        if !borrowed.at(1) {
            self.decref_rdi();
        }
        self.finish_fast_path(done);
    }

    /// `BINARY_*`/`INPLACE_*` add, subtract, multiply on two small ints (the result is made
    /// by `PyLong_FromLong`; its failure leaves with ERROR, both operands still on the
    /// stack); jumps to `miss` otherwise.
    pub(super) fn small_int_arith(&mut self, arith: IntArith, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        self.load_two_small_ints(miss);
        match arith {
            IntArith::Add => dynasm!(self.ops ; .arch x64 ; add rcx, rdx),
            IntArith::Subtract => dynasm!(self.ops ; .arch x64 ; sub rcx, rdx),
            IntArith::Multiply => dynasm!(self.ops ; .arch x64 ; imul rcx, rdx),
        }
        dynasm!(self.ops ; .arch x64 ; mov rdi, rcx);
        self.call(pyo3_ffi::PyLong_FromLong as *const () as usize);
        self.check_null_rax_owning(borrowed);
        dynasm!(self.ops ; .arch x64 ; mov rbx, rax);
        self.replace_top_two_with_rbx(borrowed);
        self.finish_fast_path(done);
    }

    /// `BINARY_SUBSCR` of an exact list or tuple by a small non-negative exact int within
    /// bounds; jumps to `miss` otherwise (negative indexes, slices, errors, other types).
    pub(super) fn sequence_subscript(&mut self, miss: DynamicLabel, done: Option<DynamicLabel>, borrowed: Borrowed) {
        let slow = miss;
        let tuple = self.new_label();
        let got = self.new_label();
        let (long_type, list_type, tuple_type) = (
            std::ptr::addr_of_mut!(pyo3_ffi::PyLong_Type) as i64,
            std::ptr::addr_of_mut!(pyo3_ffi::PyList_Type) as i64,
            std::ptr::addr_of_mut!(pyo3_ffi::PyTuple_Type) as i64,
        );
        dynasm!(self.ops ; .arch x64 ; mov rdi, [r13 - 16]);
        self.top_to_rsi();
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD long_type
            ; cmp [rsi + 8], rax
            ; jne =>slow
            ; mov rcx, [rsi + 16]
            ; cmp rcx, BYTE 1
            ; ja =>slow
            ; mov eax, DWORD [BYTE rsi + d8::LONG_OB_DIGIT]
            ; imul rcx, rax
            ; mov rax, [rdi + 8]
            ; mov rdx, QWORD list_type
            ; cmp rax, rdx
            ; jne =>tuple
            ; cmp rcx, [rdi + 16]
            ; jae =>slow
            ; mov rax, [BYTE rdi + d8::LIST_OB_ITEM]
            ; mov rbx, [rax + rcx * 8]
            ; jmp =>got
            ; =>tuple
            ; mov rdx, QWORD tuple_type
            ; cmp rax, rdx
            ; jne =>slow
            ; cmp rcx, [rdi + 16]
            ; jae =>slow
            ; mov rbx, [BYTE rdi + rcx * 8 + d8::TUPLE_OB_ITEM]
            ; =>got
            ; inc QWORD [rbx]
        );
        self.replace_top_two_with_rbx(borrowed);
        self.finish_fast_path(done);
    }

    /// `STORE_SUBSCR` (`TOS1[TOS] = TOS2`) into an exact list at a small non-negative exact
    /// int index within bounds, as `list_ass_item`: the value's reference moves into the
    /// list, then the old item, the list and the index (unless `borrowed`) are released in
    /// ceval's order.
    /// Jumps to `miss` otherwise, nothing changed.
    pub(super) fn list_store_subscript(&mut self, miss: DynamicLabel, borrowed: Borrowed) {
        let (long_type, list_type) =
            (std::ptr::addr_of_mut!(pyo3_ffi::PyLong_Type) as i64, std::ptr::addr_of_mut!(pyo3_ffi::PyList_Type) as i64);
        dynasm!(self.ops ; .arch x64 ; mov rdi, [r13 - 16]);
        self.top_to_rsi();
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD long_type
            ; cmp [rsi + 8], rax
            ; jne =>miss
            ; mov rcx, [rsi + 16]
            ; cmp rcx, BYTE 1
            ; ja =>miss
            ; mov eax, DWORD [BYTE rsi + d8::LONG_OB_DIGIT]
            ; imul rcx, rax
            ; mov rax, QWORD list_type
            ; cmp [rdi + 8], rax
            ; jne =>miss
            ; cmp rcx, [rdi + 16]
            ; jae =>miss
            ; mov rax, [BYTE rdi + d8::LIST_OB_ITEM]
            ; lea rax, [rax + rcx * 8]
            ; mov rdx, [r13 - 24]
            ; mov rdi, [rax]
            ; mov [rax], rdx
        );
        self.decref_rdi();
        self.release_slot(2, borrowed);
        self.release_slot(1, borrowed);
        dynasm!(self.ops ; .arch x64 ; sub r13, 24);
    }

    /// `LOAD_GLOBAL` through `cache`: pushes the cached value when both dicts still have
    /// the cached versions, else calls the helper that looks the name up and refills it.
    /// With `borrow` the value is pushed borrowed (the dict that holds it outlives the
    /// consumer that follows): the miss path drops the reference the helper made once
    /// nothing can observe the stack any more. Borrowed slots below (`below`) are counted
    /// before the miss path leaves on an error or for the evaluator.
    pub(super) fn cached_load_global(&mut self, instr: &Instruction, cache: *mut GlobalCache, borrow: bool, below: Borrowed) {
        let (namei, offset) = (instr.oparg, instr.offset);
        let miss = self.new_label();
        let done = self.new_label();
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD cache as i64
            ; mov rcx, [BYTE r12 + d8::FRAME_F_GLOBALS]
            ; mov rcx, [BYTE rcx + d8::DICT_MA_VERSION_TAG]
            ; cmp rcx, [rax]
            ; jne =>miss
            ; mov rcx, [BYTE r12 + d8::FRAME_F_BUILTINS]
            ; mov rcx, [BYTE rcx + d8::DICT_MA_VERSION_TAG]
            ; cmp rcx, [rax + 8]
            ; jne =>miss
            ; mov rax, [rax + 16]
        );
        if !borrow {
            dynasm!(self.ops ; .arch x64 ; inc QWORD [rax]);
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov [r13], rax
            ; add r13, 8
            ; =>done
        );
        self.borrowed = below.push(borrow);
        let cache = cache as usize;
        self.cold.push(Box::new(move |e: &mut Emitter<'_>| {
            dynasm!(e.ops ; .arch x64 ; =>miss);
            e.store_lasti(offset);
            dynasm!(e.ops
                ; .arch x64
                ; mov rdi, r12
                ; mov rsi, r13
                ; mov edx, namei as i32
                ; mov rcx, QWORD cache as i64
            );
            e.call(ops::load_global_cached as *const () as usize);
            if below == Borrowed::NONE {
                e.check_status(1);
                dynasm!(e.ops ; .arch x64 ; add r13, 8);
                e.check_tracing();
            } else {
                let (error, deopt) = (e.cold_error_exit(1), e.deopt);
                let owning_error = e.owning_jump(below, error);
                dynasm!(e.ops ; .arch x64 ; test eax, eax ; js =>owning_error ; add r13, 8);
                // The value pushed is owned until the end of this path.
                let owning_deopt = e.owning_jump(below.push(false), deopt);
                e.cmp_use_tracing();
                dynasm!(e.ops ; .arch x64 ; jne =>owning_deopt);
            }
            // The hot path leaves the value in rax (`leaves_top_in_rax`): so does this one.
            dynasm!(e.ops ; .arch x64 ; mov rax, [r13 - 8]);
            if borrow {
                dynasm!(e.ops ; .arch x64 ; dec QWORD [rax]);
            }
            dynasm!(e.ops ; .arch x64 ; jmp =>done);
        }));
        self.leaves_top_in_rax = true;
    }

    /// Calls a cache's shared out-of-line fast path, `hit(owner in rdi, cache in rsi)`,
    /// and jumps to `miss` when it answers NULL; the answer is in rax, the top of the stack
    /// in rdi.
    fn call_cache_hit(&mut self, hit: usize, miss: DynamicLabel) {
        self.call(hit);
        dynasm!(self.ops
            ; .arch x64
            ; test rax, rax
            ; jz =>miss
            ; mov rdi, [r13 - 8]
        );
    }

    /// `LOAD_ATTR` through the cache's shared out-of-line fast path ([`ops::load_attr_hit`]:
    /// slots, instance-dict entries, module attributes, for any of the cached owner types):
    /// on a hit the value replaces the owner, then jumps to `released` (releasing the owner
    /// may have run code) and falls through. Jumps to `miss` on a miss, nothing changed.
    pub(super) fn cached_attr_load(&mut self, cache: *mut AttrCache, miss: DynamicLabel, borrowed: Borrowed) {
        let (call_hit, got) = (self.new_label(), self.new_label());
        self.instance_dict_attr_load(cache, call_hit, got);
        // The guards leave the owner in rdi and the cache in rsi.
        dynasm!(self.ops ; .arch x64 ; =>call_hit);
        self.call_cache_hit(ops::load_attr_hit as *const () as usize, miss);
        dynasm!(self.ops ; .arch x64 ; =>got ; mov [r13 - 8], rax);
        if !borrowed.at(1) {
            self.decref_rdi();
        }
    }

    /// The commonest `LOAD_ATTR` hits inline: the cache's first entry is for the owner's
    /// type (version tag valid and equal) and either `INSTANCE_DICT`, the owner's instance
    /// dict (split or combined) having the name where the entry remembers it
    /// ([`Self::instance_value_slot`]), or `SLOT` (checked in the cold section); and there is
    /// a value. On success jumps to `got` with the value (new reference) in rax and the owner
    /// in rdi; else to `fallback`, nothing changed.
    fn instance_dict_attr_load(&mut self, cache: *mut AttrCache, fallback: DynamicLabel, got: DynamicLabel) {
        let value_at_rax = self.new_label();
        let slot_load = self.cold(move |e| {
            e.slot_entry_address(fallback);
            dynasm!(e.ops ; .arch x64 ; jmp =>value_at_rax);
        });
        self.instance_value_slot(cache, fallback, slot_load);
        dynasm!(self.ops
            ; .arch x64
            ; =>value_at_rax
            ; mov rax, [rax]
            ; test rax, rax
            ; jz =>fallback
            ; inc QWORD [rax]
            ; jmp =>got
        );
    }

    /// The type guard of an inline attribute hit: the owner at the top of the stack (left
    /// in rdi) has the type of the cache's first entry (the cache's address left in rsi,
    /// the type in rcx), whose version tag is valid and equal to the entry's; jumps to
    /// `fallback` otherwise. Then the entry has kind `kind`, else jumps to `other_kind` (the
    /// type guard passed). Uses rdx.
    fn entry_type_guard(&mut self, cache: *mut AttrCache, kind: u32, fallback: DynamicLabel, other_kind: DynamicLabel) {
        use d8::e0;
        // The version tag is read as a zero-extended dword, and the valid-tag flag tested
        // in its byte of `tp_flags`.
        const _: () = assert!(layout::SIZEOF_TP_VERSION_TAG == 4);
        const FLAG_BYTE: i32 = (layout::TPFLAGS_VALID_VERSION_TAG.trailing_zeros() / 8) as i32;
        const FLAG_BIT: i8 = (layout::TPFLAGS_VALID_VERSION_TAG >> (8 * FLAG_BYTE)) as i8;
        const _: () = assert!(layout::TPFLAGS_VALID_VERSION_TAG.count_ones() == 1 && FLAG_BYTE < 4);
        self.top_to_rdi();
        dynasm!(self.ops
            ; .arch x64
            ; mov rsi, QWORD cache as i64
            ; mov rcx, [BYTE rdi + d8::OBJECT_OB_TYPE]
            ; cmp rcx, [BYTE rsi + e0::OWNER]
            ; jne =>fallback
            ; mov edx, DWORD [rcx + layout::TYPE_TP_VERSION_TAG as i32]
            ; cmp rdx, [BYTE rsi + e0::VERSION]
            ; jne =>fallback
            ; test BYTE [rcx + layout::TYPE_TP_FLAGS as i32 + FLAG_BYTE], BYTE FLAG_BIT
            ; jz =>fallback
            ; cmp DWORD [BYTE rsi + e0::KIND], BYTE kind as i32
            ; jne =>other_kind
        );
    }

    /// After [`Self::entry_type_guard`] passed for an entry of another kind (owner in rdi,
    /// cache in rsi): the entry is `SLOT` (a `__slots__` member read and written at its
    /// offset), else jumps to `fallback`. Leaves the slot's address in rax.
    fn slot_entry_address(&mut self, fallback: DynamicLabel) {
        use d8::e0;
        dynasm!(self.ops
            ; .arch x64
            ; cmp DWORD [BYTE rsi + e0::KIND], BYTE ops::attr_kind::SLOT as i32
            ; jne =>fallback
            ; mov rax, [BYTE rsi + e0::OFFSET]
            ; add rax, rdi
        );
    }

    /// The guards of the inline attribute hits, on the owner at the top of the stack (left
    /// in rdi) and the cache's first entry (its address left in rsi): the entry is
    /// `INSTANCE_DICT` (another kind jumps to `other_kind`, see [`Self::entry_type_guard`])
    /// for the owner's type, whose version tag is valid and equal; the owner
    /// has an exact dict (left in rdx) whose keys have the entry's `dk_size`, more than
    /// `hint` entries and the name at `entry_offset` (the entry's `split_value` and
    /// `instance_dict_entry` in `ops`). Leaves the address of the value slot in rax: a split
    /// dict's `ma_values[hint]`, or the entry's own `me_value` in a combined dict (there a
    /// key is only kept with its value: deletion clears both). Jumps to `fallback`
    /// otherwise. Uses rcx, r8, r10.
    fn instance_value_slot(&mut self, cache: *mut AttrCache, fallback: DynamicLabel, other_kind: DynamicLabel) {
        use d8::e0;
        let slot = self.new_label();
        // Combined dicts are the rarer kind: their slot is computed in the cold section.
        let combined = self.cold(move |e| dynasm!(e.ops ; .arch x64 ; lea rax, [BYTE rcx + d8::ME_VALUE] ; jmp =>slot));
        self.entry_type_guard(cache, ops::attr_kind::INSTANCE_DICT, fallback, other_kind);
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, [BYTE rsi + e0::OFFSET]
            ; test rdx, rdx
            ; jle =>fallback
            ; mov rdx, [rdi + rdx]
            ; test rdx, rdx
            ; jz =>fallback
            ; mov r10, QWORD std::ptr::addr_of!(pyo3_ffi::PyDict_Type) as i64
            ; cmp r10, [BYTE rdx + d8::OBJECT_OB_TYPE]
            ; jne =>fallback
            ; mov rcx, [BYTE rdx + d8::DICT_MA_KEYS]
            ; mov r8, [BYTE rsi + e0::DK_SIZE]
            ; cmp r8, [BYTE rcx + d8::DK_SIZE]
            ; jne =>fallback
            ; mov r8, [BYTE rsi + e0::HINT]
            ; cmp r8, [BYTE rcx + d8::DK_NENTRIES]
            ; jge =>fallback
            ; add rcx, [BYTE rsi + e0::ENTRY_OFFSET]
            ; mov r10, [BYTE rsi + e0::NAME]
            ; cmp r10, [BYTE rcx + d8::ME_KEY]
            ; jne =>fallback
            ; mov rax, [BYTE rdx + d8::DICT_MA_VALUES]
            ; test rax, rax
            ; jz =>combined
            ; lea rax, [rax + r8 * 8]
            ; =>slot
        );
    }

    /// The commonest `STORE_ATTR` hits inline: a `SLOT` entry (in the cold section: the old
    /// value replaced, then released, then the owner, as `PyMember_SetOne` and `STORE_ATTR`
    /// do), or [`Self::instance_value_slot`]'s guards, and the
    /// new value is not a GC object or the dict is already tracked (so the dict's GC
    /// tracking cannot have to change). When the attribute has a value, the value slot is
    /// replaced, the dict gets a new version tag from the private counter, and the old
    /// value then the owner are released (the order of `insertdict` and `STORE_ATTR`).
    /// When it has none yet (only in a split dict) and it is the next one in the keys' order
    /// (`ma_used == hint`, as `__init__` fills a new instance), the value goes in, `ma_used` grows and the dict
    /// gets a new version tag (in the cold section: few sites do this). Falls through when
    /// done; jumps to `fallback` with nothing changed otherwise.
    pub(super) fn instance_dict_attr_store(&mut self, cache: *mut AttrCache, fallback: DynamicLabel, borrowed: Borrowed) {
        const GC_BYTE: i32 = (layout::TPFLAGS_HAVE_GC.trailing_zeros() / 8) as i32;
        const GC_BIT: i8 = (layout::TPFLAGS_HAVE_GC >> (8 * GC_BYTE)) as i8;
        const _: () = assert!(layout::TPFLAGS_HAVE_GC.count_ones() == 1 && GC_BYTE < 4);
        let stored = self.new_label();
        let slot_store = self.cold(move |e| {
            e.slot_entry_address(fallback);
            dynasm!(e.ops
                ; .arch x64
                ; mov r9, [rax]
                ; mov r10, [r13 - 16]
                ; mov [rax], r10
                ; sub r13, 16
                // The owner waits in the freed slot while the old value is released.
                ; mov [r13], rdi
                ; test r9, r9
                ; jz >released
                ; mov rdi, r9
            );
            e.decref_rdi();
            dynasm!(e.ops ; .arch x64 ; released:);
            if !borrowed.at(1) {
                dynasm!(e.ops ; .arch x64 ; mov rdi, [r13]);
                e.decref_rdi();
            }
            dynasm!(e.ops ; .arch x64 ; jmp =>stored);
        });
        // The slot's address in rax, the hint in r8, the dict in rdx, the owner in rdi.
        self.instance_value_slot(cache, fallback, slot_store);
        dynasm!(self.ops
            ; .arch x64
            ; mov r10, [r13 - 16]
            ; mov r11, [BYTE r10 + d8::OBJECT_OB_TYPE]
            ; test BYTE [r11 + layout::TYPE_TP_FLAGS as i32 + GC_BYTE], BYTE GC_BIT
        );
        self.unless_dict_tracked(fallback);
        let pending = self.cold(move |e| {
            dynasm!(e.ops
                ; .arch x64
                ; cmp r8, [rdx + layout::DICT_MA_USED as i32]
                ; jne =>fallback
                ; mov [rax], r10
                ; inc QWORD [rdx + layout::DICT_MA_USED as i32]
            );
            e.new_dict_version_for_rdx();
            dynasm!(e.ops ; .arch x64 ; sub r13, 16);
            if !borrowed.at(1) {
                e.decref_rdi();
            }
            dynasm!(e.ops ; .arch x64 ; jmp =>stored);
        });
        dynasm!(self.ops
            ; .arch x64
            ; mov r9, [rax]
            ; test r9, r9
            ; jz =>pending
            ; mov [rax], r10
        );
        self.new_dict_version_for_rdx();
        dynasm!(self.ops
            ; .arch x64
            ; sub r13, 16
            // The owner waits in the freed slot while the old value is released.
            ; mov [r13], rdi
            ; mov rdi, r9
        );
        self.decref_rdi();
        if !borrowed.at(1) {
            dynasm!(self.ops ; .arch x64 ; mov rdi, [r13]);
            self.decref_rdi();
        }
        dynasm!(self.ops ; .arch x64 ; =>stored);
    }

    /// Gives the dict in rdx a new version tag from the private counter, as a changed dict
    /// gets one. Clobbers rax and rcx.
    fn new_dict_version_for_rdx(&mut self) {
        let counter = ops::NEXT_PRIVATE_VERSION.as_ptr() as i64;
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD counter
            ; mov rcx, [rax]
            ; mov [BYTE rdx + d8::DICT_MA_VERSION_TAG], rcx
            ; inc rcx
            ; mov [rax], rcx
        );
    }

    /// After a test of the new value's GC flag (ZF clear: a GC object): a GC value may go
    /// into the dict (rdx) in place only when the collector already tracks the dict
    /// (`MAINTAIN_TRACKING` would start tracking it otherwise), else jumps to `fallback`.
    /// 3.7's GC header is not read: any GC value falls back there.
    fn unless_dict_tracked(&mut self, fallback: DynamicLabel) {
        #[cfg(py37)]
        dynasm!(self.ops ; .arch x64 ; jnz =>fallback);
        #[cfg(not(py37))]
        {
            // 3.8+: `_gc_next` of the header right before the dict is 0 exactly when untracked.
            let next = layout::GC_HEAD_NEXT as i32 - layout::SIZEOF_GC_HEAD as i32;
            dynasm!(self.ops
                ; .arch x64
                ; jz >plain
                ; cmp QWORD [rdx + next], BYTE 0
                ; je =>fallback
                ; plain:
            );
        }
    }

    /// `LOAD_METHOD` through the cache: on a hit pushes the method descriptor under the
    /// object and falls through (no code ran). The commonest hit is inline (entry 0 is
    /// `METHOD` for the object's type, and the object has no instance dict or one with its
    /// type's shared keys, remembered as lacking the name and not grown since); other hits
    /// go through [`ops::load_method_hit`]. Jumps to `miss` on a miss, nothing changed.
    pub(super) fn cached_method_load(&mut self, cache: *mut AttrCache, miss: DynamicLabel) {
        let (call_hit, got) = (self.new_label(), self.new_label());
        self.unshadowed_method(cache, call_hit);
        dynasm!(self.ops ; .arch x64 ; jmp =>got ; =>call_hit);
        self.call_cache_hit(ops::load_method_hit as *const () as usize, miss);
        dynasm!(self.ops
            ; .arch x64
            ; =>got
            ; inc QWORD [rax]
            ; mov [r13 - 8], rax
            ; mov [r13], rdi
            ; add r13, 8
        );
    }

    /// The inline `LOAD_METHOD` hit of [`Self::cached_method_load`]: the descriptor in rax
    /// and the object in rdi, falling through; else jumps to `fallback` with the object in
    /// rdi and the cache in rsi. Uses rcx, rdx, r8.
    fn unshadowed_method(&mut self, cache: *mut AttrCache, fallback: DynamicLabel) {
        use d8::e0;
        self.entry_type_guard(cache, ops::attr_kind::METHOD, fallback, fallback);
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, [BYTE rsi + e0::OFFSET]
            ; test rdx, rdx
            ; jz >unshadowed // no instance dict slot
            ; jl =>fallback
            ; mov rdx, [rdi + rdx]
            ; test rdx, rdx
            ; jz >unshadowed // no instance dict yet
            // The dict has the type's shared keys (only a heap type's entry remembers
            // any, so the type has the field), as remembered and as many entries.
            ; mov rax, [BYTE rdx + d8::DICT_MA_KEYS]
            ; cmp rax, [BYTE rsi + e0::LACKING_KEYS]
            ; jne =>fallback
            ; cmp rax, [rcx + layout::HEAPTYPE_HT_CACHED_KEYS as i32]
            ; jne =>fallback
            ; mov r8, [BYTE rax + d8::DK_NENTRIES]
            ; cmp r8, [BYTE rsi + e0::LACKING_NENTRIES]
            ; jne =>fallback
            ; unshadowed:
            ; mov rax, [BYTE rsi + e0::VALUE]
        );
    }
}
