//! A compiled code object: its machine code in the arena and the per-instruction offset
//! table the driver enters it through (at the start, and later at handlers and resume points).

use crate::codemem::{CodeMemError, CodeMemory, CodeRegion};
use crate::{analysis, codegen, CompileFailure};
use interp::cpython::{co_code_bytes, PyCodeObject};
use interp::frame::EntryFn;
use parking_lot::{MappedMutexGuard, Mutex, MutexGuard};

/// Machine code for one code object.
pub struct MachineCode {
    region: CodeRegion,
    /// Native offset of each instruction start, indexed by bytecode offset / 2.
    /// (`u32::MAX` where it cannot be entered; code of a function is far below 4 GiB).
    instruction_offsets: Box<[u32]>,
    /// Bit `i` set: a suspended generator continues at instruction `i` (byte offset `2 i`).
    resume_points: Box<[u64]>,
    /// Inline caches the machine code reads and writes through embedded addresses.
    _global_caches: Box<[std::cell::UnsafeCell<interp::ops::GlobalCache>]>,
    _attr_caches: Box<[std::cell::UnsafeCell<interp::ops::AttrCache>]>,
    /// Labels for the disassembly (`pyston_lite.dis`).
    notes: codegen::notes::Notes,
}

impl MachineCode {
    /// Analyses and compiles `code` into `arena`.
    ///
    /// # Safety
    /// `code` is a live code object; the GIL is held.
    pub unsafe fn compile(code: *mut PyCodeObject, arena: &mut CodeMemory) -> Result<Self, CompileFailure> {
        // SAFETY: live code object (caller); the slice is used only during this call.
        let analysis = analysis::analyze(unsafe { co_code_bytes(code) })?;
        // SAFETY: co_consts of a live code object is a tuple it owns; items outlive the code.
        let consts = unsafe { tuple_items((*code).co_consts) };
        // The code is assembled for anywhere in the arena, then linked (its direct calls)
        // for the address it is given, and copied there.
        // SAFETY: live code object (caller).
        let facts = unsafe { code_facts(code) };
        let exec = arena.exec_range();
        let code_range = codegen::x64::CodeRange { start: exec.start, end: exec.end };
        let mut assembled = codegen::x64::assemble(&analysis, &consts, facts, Some(code_range))?;
        let region = install_linked(arena, &mut assembled)?;
        let mut resume_points = vec![0u64; assembled.instruction_offsets.len().div_ceil(64)].into_boxed_slice();
        for &offset in &analysis.resume_points {
            resume_points[offset / 2 / 64] |= 1 << (offset / 2 % 64);
        }
        Ok(MachineCode {
            region,
            instruction_offsets: compact_offsets(&assembled.instruction_offsets)?,
            resume_points,
            _global_caches: assembled.global_caches,
            _attr_caches: assembled.attr_caches,
            notes: assembled.notes,
        })
    }

    /// The entry function (its prologue sits at the start of the region).
    pub fn entry(&self) -> EntryFn {
        // SAFETY: the region holds published code whose prologue follows the EntryFn ABI.
        unsafe { std::mem::transmute::<usize, EntryFn>(self.region.exec_addr()) }
    }

    /// Native address of the instruction at bytecode `offset`, if it can be entered there.
    #[inline(always)]
    pub fn address_of(&self, offset: usize) -> Option<usize> {
        let native = *self.instruction_offsets.get(offset / 2)?;
        (native != u32::MAX).then(|| self.region.exec_addr() + native as usize)
    }

    /// Where a frame whose last instruction was `f_lasti` continues in this code (what the
    /// prologue at [`Self::entry`] jumps to): the first instruction for a fresh frame (-1),
    /// the resume point of a generator suspended at a yield, else
    /// `None` (it cannot run here). Constant time: generators ask at every resumption.
    #[inline(always)]
    pub fn entry_address(&self, f_lasti: i32) -> Option<usize> {
        if f_lasti == -1 {
            return self.address_of(0);
        }
        if f_lasti < 0 {
            return None;
        }
        let offset = interp::opcode::resume_offset(f_lasti);
        let index = offset / 2;
        let word = *self.resume_points.get(index / 64)?;
        if word & (1 << (index % 64)) == 0 {
            return None;
        }
        self.address_of(offset)
    }

    /// What `interp::direct` needs to start a fresh frame here; `None` when instruction 0
    /// cannot be entered.
    pub fn direct_machine(&self) -> Option<interp::direct::DirectMachine> {
        Some(interp::direct::DirectMachine {
            entry: self.entry(),
            start: self.entry_address(-1)?,
            base: self.region.exec_addr(),
            offsets: self.instruction_offsets.as_ptr(),
            offsets_len: self.instruction_offsets.len(),
            resume_points: self.resume_points.as_ptr(),
            resume_words: self.resume_points.len(),
        })
    }

    pub fn code_bytes(&self) -> usize {
        self.region.len()
    }

    /// The region's executable address and length, and the native offset of each bytecode
    /// instruction that has one, as `(bytecode offset, native offset)` in bytecode order.
    pub fn code_map(&self) -> (usize, usize, Vec<(usize, usize)>) {
        let starts = self.instruction_offsets.iter().enumerate().filter(|(_, &n)| n != u32::MAX).map(|(i, &n)| (2 * i, n as usize));
        (self.region.exec_addr(), self.region.len(), starts.collect())
    }

    /// What a disassembler needs: the machine code as it runs, its labels, and where the
    /// inline caches it reads are.
    pub fn listing(&self) -> Listing<'_> {
        // SAFETY: the region holds `len` published bytes, readable through its executable
        // mapping, and is never written again before `free`, which takes `self`.
        let code = unsafe { std::slice::from_raw_parts(self.region.exec_ptr(), self.region.len()) };
        Listing {
            address: self.region.exec_addr(),
            code,
            offsets: self.code_map().2,
            notes: &self.notes,
            global_caches: CacheArray::of(&self._global_caches),
            attr_caches: CacheArray::of(&self._attr_caches),
        }
    }

    /// Gives the code memory back. The caller guarantees no thread still runs this code.
    pub fn free(self, arena: &mut CodeMemory) {
        let _ = arena.free(self.region);
    }
}

/// A compiled function as a disassembler sees it ([`MachineCode::listing`]).
pub struct Listing<'a> {
    /// Where `code` runs.
    pub address: usize,
    pub code: &'a [u8],
    /// `(bytecode offset, native offset)` of each instruction that has an entry, in order.
    pub offsets: Vec<(usize, usize)>,
    pub notes: &'a codegen::notes::Notes,
    /// The `LOAD_GLOBAL` caches and the attribute caches.
    pub global_caches: CacheArray,
    pub attr_caches: CacheArray,
}

/// An array of inline caches: address, number and size of its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheArray {
    pub address: usize,
    pub count: usize,
    pub entry_size: usize,
}

impl CacheArray {
    fn of<T>(caches: &[T]) -> Self {
        CacheArray { address: caches.as_ptr() as usize, count: caches.len(), entry_size: std::mem::size_of::<T>() }
    }

    /// Which entry `address` points into, and at what offset in it.
    pub fn entry_at(&self, address: usize) -> Option<(usize, usize)> {
        let offset = address.checked_sub(self.address)?;
        let index = offset / self.entry_size.max(1);
        (index < self.count).then(|| (index, offset % self.entry_size.max(1)))
    }
}

/// Copies `assembled` into a new region of `arena`, its direct calls linked for the
/// region's address, and publishes it.
fn install_linked(arena: &mut CodeMemory, assembled: &mut codegen::x64::Assembled) -> Result<CodeRegion, CompileFailure> {
    let mut region = arena.alloc(assembled.code.len())?;
    let written = codegen::x64::link_calls(&mut assembled.code, region.exec_addr(), &assembled.calls)
        .and_then(|()| Ok(arena.write(&region, 0, &assembled.code)?))
        .and_then(|()| Ok(arena.publish(&mut region)?));
    match written {
        Ok(()) => Ok(region),
        Err(e) => {
            let _ = arena.free(region);
            Err(e)
        }
    }
}

/// The assembler's instruction offsets as `u32` (`usize::MAX` becoming `u32::MAX`); a
/// function whose code would not fit fails to compile.
fn compact_offsets(offsets: &[usize]) -> Result<Box<[u32]>, CompileFailure> {
    offsets
        .iter()
        .map(|&n| {
            if n == usize::MAX {
                Ok(u32::MAX)
            } else {
                u32::try_from(n).ok().filter(|&n| n != u32::MAX).ok_or(CompileFailure::AssemblerError)
            }
        })
        .collect()
}

/// What the code generator needs of `code` besides its bytecode.
///
/// # Safety
/// `code` is a live code object.
unsafe fn code_facts(code: *mut PyCodeObject) -> codegen::x64::CodeFacts {
    use pyo3_ffi::{CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, CO_VARARGS, CO_VARKEYWORDS};
    // SAFETY: live code object (caller).
    let code = unsafe { &*code };
    let flags = code.co_flags;
    let resumable = flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR) != 0;
    let params = code.co_argcount + code.co_kwonlyargcount + (flags & CO_VARARGS != 0) as i32 + (flags & CO_VARKEYWORDS != 0) as i32;
    let bound_args = if resumable || !code.co_cell2arg.is_null() { 0 } else { params.max(0) as u32 };
    codegen::x64::CodeFacts { co_flags: flags, co_nlocals: code.co_nlocals, bound_args }
}

/// The items of a tuple as addresses.
unsafe fn tuple_items(tuple: *mut pyo3_ffi::PyObject) -> Vec<usize> {
    // SAFETY: `tuple` is a live tuple (caller).
    unsafe { (0..pyo3_ffi::PyTuple_GET_SIZE(tuple)).map(|i| pyo3_ffi::PyTuple_GET_ITEM(tuple, i) as usize).collect() }
}

/// The process's code arena, created on first use.
static ARENA: Mutex<Option<CodeMemory>> = Mutex::new(None);

/// The arena, with its budget set to `budget` bytes.
pub fn arena(budget: u64) -> Result<MappedMutexGuard<'static, CodeMemory>, CompileFailure> {
    let budget = usize::try_from(budget).unwrap_or(usize::MAX);
    let mut guard = ARENA.lock();
    if guard.is_none() {
        *guard = Some(CodeMemory::new(budget).map_err(|_| CompileFailure::CodeMemoryError)?);
        hold_arena_across_fork();
    }
    let mut arena = MutexGuard::map(guard, |a| a.as_mut().expect("created above"));
    arena.set_budget(budget);
    Ok(arena)
}

/// Makes `fork()` wait until no thread is inside an arena operation, so that the child's
/// copy of the arena is consistent and its lock free (the thread that held it does not
/// exist there). Arena operations never wait for the GIL or anything else while holding the
/// lock, so the forking thread waits only for one operation to end.
fn hold_arena_across_fork() {
    extern "C" fn lock() {
        std::mem::forget(ARENA.lock());
    }
    extern "C" fn unlock() {
        // SAFETY: `lock` ran before this fork in the forking thread and left ARENA locked;
        // in the child the forking thread is the only thread.
        unsafe { ARENA.force_unlock() };
    }
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: the handlers only lock and unlock a static mutex; this library is never
        // unloaded.
        unsafe { libc::pthread_atfork(Some(lock), Some(unlock), Some(unlock)) };
    });
}

/// Returns a dead code object's machine code to the arena.
pub fn release(machine: MachineCode) {
    if let Some(arena) = ARENA.lock().as_mut() {
        machine.free(arena);
    }
}

impl From<CodeMemError> for CompileFailure {
    fn from(e: CodeMemError) -> Self {
        match e {
            CodeMemError::BudgetExhausted => CompileFailure::CodeMemoryFull,
            _ => CompileFailure::CodeMemoryError,
        }
    }
}
