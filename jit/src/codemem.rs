//! Executable memory for JIT-compiled code: an arena of machine code that is never writable
//! and executable at the same time, with a byte budget, a coalescing free list, and
//! trap-filled unused space.
//!
//! # Design
//!
//! * **Dual mapping (W^X without toggling protection).** [`DualMappedPages`] maps the same shared
//!   memory twice: a read-write view through which bytes are copied in, and a read-execute
//!   view from which code runs. No page of either view changes protection once both exist,
//!   so another thread may execute code in any RX page while we write new code somewhere
//!   else. Both views are reserved up front at their full size (`MAP_NORESERVE`, sparse:
//!   pages cost memory only once written), so code addresses are stable and lie within one
//!   contiguous range (rel32 calls between regions always reach).
//! * **Backing.** The memory is, in order of preference ([`Backing`]):
//!   1. *shared anonymous memory*: the RX view is `mmap(MAP_SHARED | MAP_ANONYMOUS)`
//!      (read-execute), and the RW view is `mremap(rx, 0, size, MREMAP_MAYMOVE)` — an old
//!      size of 0 maps the same pages a second time, still read-execute — made read-write
//!      before it is used (never writable and executable). `/proc/PID/maps` names both views
//!      `/dev/zero (deleted)`, which perf takes for anonymous memory: perf names the code in
//!      it from the perf map (`/tmp/perf-PID.map`), whereas code in a file mapping is looked
//!      up in that file. No file descriptor is ever opened.
//!   2. a `memfd_create` file, or 3. an unlinked temporary file (when memfd is unavailable
//!      or its mapping may not be executable), sized to the whole reservation and mapped
//!      twice; the descriptor is closed as soon as both views exist, so the process's file
//!      descriptors are exactly those it would have without the JIT (programs and tests list
//!      them). These are the fallback when the kernel refuses the anonymous alias or its
//!      execution (e.g. a security module); perf then shows their code unnamed, as
//!      `memfd:pyston-lite-jit-code` or the file.
//! * **Memory use.** Memory is committed in chunks of [`COMMIT_CHUNK`] with
//!   `madvise(MADV_POPULATE_WRITE)` (Linux 5.14+), so running out of memory is an error there
//!   rather than `SIGBUS` on a write; on older kernels pages are simply faulted in by the
//!   trap fill. Written pages of the RW view are dropped from the page tables every 256 KiB
//!   written (`MADV_DONTNEED`; the bytes stay in the shared memory), so each code page is
//!   resident once, in the RX view where it runs, not once per view.
//! * **Allocation.** Regions start on [`ALIGN`] (16-byte) boundaries and their sizes are
//!   rounded up to a multiple of it — the alignment x86-64 optimization manuals recommend for
//!   function entries, without the waste of 64-byte cache-line alignment. Free space is kept
//!   in two ordered maps (by address, and by size): allocation is **best fit** (the smallest
//!   free block that is large enough, lowest address among equals; the rest of the block stays
//!   free), falling back to bumping the *frontier* (the end of the ever-used prefix). Freed
//!   blocks are coalesced with free neighbours at once, and a free block that reaches the
//!   frontier moves the frontier back, so freeing everything returns the arena to empty.
//!   Every operation is `O(log n)` in the number of free blocks.
//! * **Unused memory traps.** Every byte of committed memory that is not inside a live region
//!   holds [`TRAP_PATTERN`] (`int3` on x86-64, `brk #0` on aarch64): fresh memory is filled
//!   when committed and a region is filled again when freed (or shrunk).
//! * **Budget.** [`CodeArena::alloc`] fails with [`CodeMemError::BudgetExhausted`] when the
//!   bytes in live regions (rounded sizes) would exceed the budget; freeing makes room again.
//!   The budget limits what is in use; the address-space reserve limits where it can go
//!   ([`CodeMemError::OutOfAddressSpace`], only reachable through fragmentation or a budget
//!   larger than the reserve).
//! * **Fork.** Both views are `MAP_SHARED`, so they stay shared with every process forked
//!   from this one. Code that was there before the fork may be shared (it is only read and
//!   executed), but no process may write a page another one executes: after a fork, every
//!   process, parent and child alike, moves onto a private copy of the memory before its
//!   first write ([`Pages::make_private`], called by every mutating arena operation): new
//!   memory of the same backing, holding the committed bytes, replaces both views at their
//!   addresses — for shared anonymous memory, an executable alias of the copy is moved over
//!   the RX view and the copy over the RW view with `mremap(MREMAP_FIXED)`; for a file, a
//!   new file is mapped over both with `mmap(MAP_FIXED)`. Each replacement happens in one
//!   step, so code running from the RX view meanwhile sees the same bytes. Nobody writes
//!   the old memory after the fork, so each copy is exact, whichever process writes first
//!   and whatever runs in between (at-fork hooks that compile, threads). A fork is noticed
//!   by `pthread_atfork` handlers that count it ([`forks`]); they run inside `fork()` in
//!   both processes, before either runs anything else.
//! * **Testability.** The allocator is generic over [`Pages`]; [`FakePages`] keeps the bytes in
//!   a `Vec` so the allocator is tested without executing anything.
//!
//! # Thread-safety
//!
//! Every mutating operation takes `&mut self`, so the arena is used by one thread at a time
//! (under the GIL, or inside a `Mutex`); `CodeArena<DualMappedPages>` is `Send` and `Sync`.
//! Code in published regions may be executed by any thread at any time, concurrently with
//! arena operations, because the arena only ever writes to bytes outside live published
//! regions. The caller's obligations, which make *calling* the code (an `unsafe` act) sound:
//!
//! * call code only between [`CodeArena::publish`] and [`CodeArena::free`] of its region;
//!   after `free` the bytes trap, and after a later `alloc` they may be other code;
//! * hand a region's address to other threads through a release/acquire pair (or a lock such
//!   as the GIL); `publish` ends with a release fence;
//! * keep the arena alive while any of its code may run (dropping it unmaps both views).
//!
//! # Typical use
//!
//! ```ignore
//! let mut region = arena.alloc(upper_bound)?;            // address known before assembling
//! let mut ops = dynasmrt::VecAssembler::<X64Relocation>::new(region.exec_addr());
//! /* dynasm!(ops ; ...) */
//! let code = ops.finalize()?;
//! arena.shrink(&mut region, code.len())?;                 // give the slack back
//! arena.write(&region, 0, &code)?;
//! arena.publish(&mut region)?;
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{fence, AtomicU64, Ordering};

/// Start alignment and size granularity of every region, in bytes.
pub const ALIGN: usize = 16;

/// Address space reserved (per view) when the budget is smaller: 1 GiB.
pub const DEFAULT_RESERVE: usize = 1 << 30;

/// The largest reserve [`default_reserve`] picks (per view), whatever the budget: 64 GiB.
pub const MAX_RESERVE: usize = 64 << 30;

/// [`CodeArena::new`] halves the reserve on `ENOMEM` (e.g. under `ulimit -v`) down to this.
pub const MIN_RESERVE: usize = 16 << 20;

/// Memory is committed (populated and trap-filled) at least this many bytes at a time.
/// Small, because every committed page is resident twice at first (written through one
/// view, run through the other, whose fault-around maps all committed neighbours): a
/// program that compiles one small function pays for one chunk.
pub const COMMIT_CHUNK: usize = 16 << 10;

/// The bytes that fill unused code memory; byte `o` of the arena holds `TRAP_PATTERN[o % 4]`.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
pub const TRAP_PATTERN: [u8; 4] = [0xCC; 4]; // int3
/// The bytes that fill unused code memory; byte `o` of the arena holds `TRAP_PATTERN[o % 4]`.
#[cfg(target_arch = "aarch64")]
pub const TRAP_PATTERN: [u8; 4] = 0xD420_0000u32.to_le_bytes(); // brk #0
/// The bytes that fill unused code memory; byte `o` of the arena holds `TRAP_PATTERN[o % 4]`.
/// (No trap instruction chosen for this architecture: zeroes.)
#[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
pub const TRAP_PATTERN: [u8; 4] = [0; 4];

/// Why code memory could not be reserved, grown, allocated or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeMemError {
    /// The allocation would take the bytes in use beyond the budget.
    BudgetExhausted,
    /// The reserved address range has no free block large enough.
    OutOfAddressSpace,
    /// No memfd or temporary file could be created to back the arena (errno of the last attempt).
    BackingFailed(i32),
    /// Mapping the two views failed (errno of the last attempt).
    ReserveFailed(i32),
    /// Backing more of the code memory (or its private copy) failed (errno), e.g. `ENOSPC`
    /// or `ENOMEM`.
    CommitFailed(i32),
    /// A region of zero bytes was asked for.
    ZeroLength,
    /// A write or shrink fell outside the region.
    OutOfBounds,
    /// The region is published; its bytes may be executing and are no longer written.
    AlreadyPublished,
    /// The region belongs to another arena.
    ForeignRegion,
}

impl CodeMemError {
    /// A stable, machine-readable name (for counters).
    pub fn name(self) -> &'static str {
        match self {
            CodeMemError::BudgetExhausted => "budget_exhausted",
            CodeMemError::OutOfAddressSpace => "out_of_address_space",
            CodeMemError::BackingFailed(_) => "backing_failed",
            CodeMemError::ReserveFailed(_) => "reserve_failed",
            CodeMemError::CommitFailed(_) => "commit_failed",
            CodeMemError::ZeroLength => "zero_length",
            CodeMemError::OutOfBounds => "out_of_bounds",
            CodeMemError::AlreadyPublished => "already_published",
            CodeMemError::ForeignRegion => "foreign_region",
        }
    }
}

impl fmt::Display for CodeMemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let os = |errno: i32| std::io::Error::from_raw_os_error(errno);
        match *self {
            CodeMemError::BudgetExhausted => write!(f, "the code-memory budget is used up"),
            CodeMemError::OutOfAddressSpace => {
                write!(f, "the reserved code address range has no free block large enough")
            }
            CodeMemError::BackingFailed(e) => {
                write!(f, "could not create a memfd or temporary file for code memory: {}", os(e))
            }
            CodeMemError::ReserveFailed(e) => {
                write!(f, "could not map the code-memory views: {}", os(e))
            }
            CodeMemError::CommitFailed(e) => write!(f, "could not grow code memory: {}", os(e)),
            CodeMemError::ZeroLength => write!(f, "a code region of zero bytes was requested"),
            CodeMemError::OutOfBounds => write!(f, "the access falls outside the code region"),
            CodeMemError::AlreadyPublished => {
                write!(f, "the code region is published and can no longer be written")
            }
            CodeMemError::ForeignRegion => write!(f, "the code region belongs to another arena"),
        }
    }
}

impl std::error::Error for CodeMemError {}

/// The address space under a [`CodeArena`], as offsets `0..reserved()`; `0..committed()` is
/// backed by memory. Every method but `reserve` and `commit` is infallible: the arena only
/// passes ranges inside `0..committed()`.
pub trait Pages {
    /// Reserves at least `len` bytes of address space (rounded up to whole pages), nothing
    /// committed yet.
    fn reserve(len: usize) -> Result<Self, CodeMemError>
    where
        Self: Sized;
    /// The granularity of [`Pages::commit`].
    fn page_size(&self) -> usize;
    /// Bytes of address space reserved (fixed; a multiple of the page size).
    fn reserved(&self) -> usize;
    /// Bytes from offset 0 that are backed by memory (only grows).
    fn committed(&self) -> usize;
    /// Backs `0..new_len`: a multiple of the page size, `committed() < new_len <= reserved()`.
    /// The new bytes read as zero. On failure nothing changes.
    fn commit(&mut self, new_len: usize) -> Result<(), CodeMemError>;
    /// Copies `bytes` to `offset` through the writable view (`offset + len <= committed()`).
    fn write(&mut self, offset: usize, bytes: &[u8]);
    /// Sets byte `o` of `offset..offset + len` to `pattern[o % 4]` through the writable view.
    fn fill(&mut self, offset: usize, len: usize, pattern: [u8; 4]);
    /// The address at which the byte at `offset` executes.
    fn exec_addr(&self, offset: usize) -> usize;
    /// The address at which the byte at `offset` is written (differs from `exec_addr` when
    /// the pages are dual-mapped).
    fn write_addr(&self, offset: usize) -> usize;
    /// Makes bytes written to `offset..offset + len` visible to instruction fetch.
    /// Makes sure writing affects this process only; see "Fork" in the module documentation.
    /// Every mutating arena operation calls it before it writes anything.
    fn make_private(&mut self) -> Result<(), CodeMemError> {
        Ok(())
    }
    fn sync_icache(&self, offset: usize, len: usize) {
        let _ = (offset, len);
    }
}

fn round_up(n: usize, to: usize) -> Option<usize> {
    debug_assert!(to.is_power_of_two());
    n.checked_add(to - 1).map(|m| m & !(to - 1))
}

/// The reserve [`CodeArena::new`] uses for `budget`: the budget rounded up to 2 MiB, at least
/// [`DEFAULT_RESERVE`] and at most [`MAX_RESERVE`].
pub fn default_reserve(budget: usize) -> usize {
    round_up(budget, 2 << 20).unwrap_or(MAX_RESERVE).clamp(DEFAULT_RESERVE, MAX_RESERVE)
}

static NEXT_ARENA_ID: AtomicU64 = AtomicU64::new(1);

/// A block of code memory handed out by [`CodeArena::alloc`]. Give it back with
/// [`CodeArena::free`]; dropping it leaks the memory (the code stays executable).
#[derive(Debug, PartialEq, Eq)]
#[must_use = "dropping a CodeRegion leaks its memory; give it back with CodeArena::free"]
pub struct CodeRegion {
    arena: u64,
    offset: usize,
    len: usize,
    size: usize,
    exec_addr: usize,
    published: bool,
}

impl CodeRegion {
    /// Where the first byte executes — known before anything is written, so code can be
    /// assembled for this base address.
    pub fn exec_addr(&self) -> usize {
        self.exec_addr
    }

    /// [`CodeRegion::exec_addr`] as a pointer (into the read-execute view).
    pub fn exec_ptr(&self) -> *const u8 {
        self.exec_addr as *const u8
    }

    /// The usable length: the bytes asked for (after [`CodeArena::shrink`], the new length).
    #[allow(clippy::len_without_is_empty)] // regions are never empty
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes the region takes from the arena and the budget: `len` rounded up to [`ALIGN`].
    pub fn allocated_len(&self) -> usize {
        self.size
    }

    /// The region's offset from the start of the arena.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Whether [`CodeArena::publish`] has been called (its bytes may be executing).
    pub fn is_published(&self) -> bool {
        self.published
    }

    /// Whether executable address `addr` lies inside the region (e.g. a faulting PC).
    pub fn contains(&self, addr: usize) -> bool {
        addr.wrapping_sub(self.exec_addr) < self.len
    }
}

/// The code-memory arena; see the module documentation.
#[derive(Debug)]
pub struct CodeArena<P: Pages> {
    pages: P,
    id: u64,
    budget: usize,
    in_use: usize,
    live_regions: usize,
    /// End of the ever-used prefix: `frontier..committed()` is free, trap-filled and not in
    /// the free maps. No free block ends at the frontier.
    frontier: usize,
    /// Free blocks below the frontier, offset → size; never two adjacent ones.
    free_by_addr: BTreeMap<usize, usize>,
    /// The same blocks as (size, offset), for best fit.
    free_by_size: BTreeSet<(usize, usize)>,
}

/// The arena over real, dual-mapped pages.
#[cfg(target_os = "linux")]
pub type CodeMemory = CodeArena<DualMappedPages>;

impl<P: Pages> CodeArena<P> {
    /// An arena with `budget` bytes, reserving [`default_reserve`]`(budget)` bytes of address
    /// space (halved on `ENOMEM` down to [`MIN_RESERVE`]).
    pub fn new(budget: usize) -> Result<Self, CodeMemError> {
        let mut reserve = default_reserve(budget);
        loop {
            match P::reserve(reserve) {
                Ok(pages) => return Ok(Self::from_pages(pages, budget)),
                Err(CodeMemError::ReserveFailed(e)) if e == libc::ENOMEM && reserve / 2 >= MIN_RESERVE => {
                    reserve /= 2;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// An arena with `budget` bytes over exactly `reserve` bytes (rounded up to pages).
    pub fn with_reserve(budget: usize, reserve: usize) -> Result<Self, CodeMemError> {
        Ok(Self::from_pages(P::reserve(reserve)?, budget))
    }

    /// An arena over `pages`, which must have nothing committed yet.
    pub fn from_pages(pages: P, budget: usize) -> Self {
        debug_assert_eq!(pages.committed(), 0);
        CodeArena {
            pages,
            id: NEXT_ARENA_ID.fetch_add(1, Ordering::Relaxed),
            budget,
            in_use: 0,
            live_regions: 0,
            frontier: 0,
            free_by_addr: BTreeMap::new(),
            free_by_size: BTreeSet::new(),
        }
    }

    /// Bytes in live regions (each rounded up to [`ALIGN`]); what the budget limits.
    pub fn bytes_in_use(&self) -> usize {
        self.in_use
    }

    /// Bytes of address space reserved for code (per view).
    pub fn bytes_reserved(&self) -> usize {
        self.pages.reserved()
    }

    /// Bytes backed by memory so far (only grows).
    pub fn bytes_committed(&self) -> usize {
        self.pages.committed()
    }

    /// Bytes in free blocks below the high-water mark (fragmentation).
    pub fn bytes_free_listed(&self) -> usize {
        self.frontier - self.in_use
    }

    /// The highest offset ever in use since the arena was last empty at its top.
    pub fn high_water(&self) -> usize {
        self.frontier
    }

    /// How many free blocks lie below the high-water mark.
    pub fn free_blocks(&self) -> usize {
        self.free_by_addr.len()
    }

    /// How many regions are allocated and not freed.
    pub fn live_regions(&self) -> usize {
        self.live_regions
    }

    /// The maximum of [`CodeArena::bytes_in_use`].
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Changes the budget. Lowering it below what is in use frees nothing; allocations fail
    /// until enough is freed.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
    }

    /// The pages under the arena (read-only: addresses and sizes).
    pub fn pages(&self) -> &P {
        &self.pages
    }

    /// The addresses code in this arena can run at (the executable view's reservation).
    pub fn exec_range(&self) -> std::ops::Range<usize> {
        let start = self.pages.exec_addr(0);
        start..start + self.pages.reserved()
    }

    /// Allocates a region of `len` bytes, [`ALIGN`]-aligned, filled with [`TRAP_PATTERN`].
    /// Fails with [`CodeMemError::BudgetExhausted`] before anything else is tried.
    pub fn alloc(&mut self, len: usize) -> Result<CodeRegion, CodeMemError> {
        if len == 0 {
            return Err(CodeMemError::ZeroLength);
        }
        let size = round_up(len, ALIGN).ok_or(CodeMemError::BudgetExhausted)?;
        if size > self.budget.saturating_sub(self.in_use) {
            return Err(CodeMemError::BudgetExhausted);
        }
        self.pages.make_private()?;
        let offset = match self.free_by_size.range((size, 0)..).next().copied() {
            Some((block_size, block)) => {
                self.remove_free(block, block_size);
                if block_size > size {
                    self.insert_free(block + size, block_size - size);
                }
                block
            }
            None => {
                let end = self.frontier.checked_add(size).ok_or(CodeMemError::OutOfAddressSpace)?;
                if end > self.pages.reserved() {
                    return Err(CodeMemError::OutOfAddressSpace);
                }
                self.ensure_committed(end)?;
                let offset = self.frontier;
                self.frontier = end;
                offset
            }
        };
        self.in_use += size;
        self.live_regions += 1;
        Ok(CodeRegion { arena: self.id, offset, len, size, exec_addr: self.pages.exec_addr(offset), published: false })
    }

    /// Copies `bytes` into `region` at `at`, through the writable view.
    pub fn write(&mut self, region: &CodeRegion, at: usize, bytes: &[u8]) -> Result<(), CodeMemError> {
        self.check_owner(region)?;
        if region.published {
            return Err(CodeMemError::AlreadyPublished);
        }
        match at.checked_add(bytes.len()) {
            Some(end) if end <= region.len => {}
            _ => return Err(CodeMemError::OutOfBounds),
        }
        self.pages.make_private()?;
        self.pages.write(region.offset + at, bytes);
        Ok(())
    }

    /// Ends writing: makes the region's bytes visible to instruction fetch (aarch64) and
    /// issues a release fence; the code may be called from now on.
    pub fn publish(&mut self, region: &mut CodeRegion) -> Result<(), CodeMemError> {
        self.check_owner(region)?;
        self.pages.sync_icache(region.offset, region.size);
        fence(Ordering::Release);
        region.published = true;
        Ok(())
    }

    /// [`CodeArena::alloc`] + [`CodeArena::write`] + [`CodeArena::publish`] of
    /// position-independent `code`.
    pub fn install(&mut self, code: &[u8]) -> Result<CodeRegion, CodeMemError> {
        let mut region = self.alloc(code.len())?;
        self.write(&region, 0, code)?;
        self.publish(&mut region)?;
        Ok(region)
    }

    /// Returns the region's bytes to the arena, refilled with [`TRAP_PATTERN`]. No thread may
    /// execute them any more (see the module documentation). If the pages cannot be made
    /// private after a fork the region is not touched and stays allocated (leaked).
    pub fn free(&mut self, region: CodeRegion) -> Result<(), CodeMemError> {
        self.check_owner(&region)?;
        self.pages.make_private()?;
        self.release(region.offset, region.size);
        self.pages.sync_icache(region.offset, region.size);
        self.in_use -= region.size;
        self.live_regions -= 1;
        Ok(())
    }

    /// Gives the tail of `region` beyond `new_len` back to the arena (e.g. after allocating an
    /// upper bound and assembling). The tail must not be executing.
    pub fn shrink(&mut self, region: &mut CodeRegion, new_len: usize) -> Result<(), CodeMemError> {
        self.check_owner(region)?;
        if new_len == 0 {
            return Err(CodeMemError::ZeroLength);
        }
        if new_len > region.len {
            return Err(CodeMemError::OutOfBounds);
        }
        let new_size = round_up(new_len, ALIGN).ok_or(CodeMemError::OutOfBounds)?;
        if new_size < region.size {
            self.pages.make_private()?;
            let tail = region.size - new_size;
            self.release(region.offset + new_size, tail);
            self.pages.sync_icache(region.offset + new_size, tail);
            self.in_use -= tail;
            region.size = new_size;
        }
        region.len = new_len;
        Ok(())
    }

    fn check_owner(&self, region: &CodeRegion) -> Result<(), CodeMemError> {
        if region.arena == self.id {
            Ok(())
        } else {
            Err(CodeMemError::ForeignRegion)
        }
    }

    /// Commits at least up to `end` (≤ reserved), trap-filling the new memory.
    fn ensure_committed(&mut self, end: usize) -> Result<(), CodeMemError> {
        let committed = self.pages.committed();
        if end <= committed {
            return Ok(());
        }
        let want = end.max(committed.saturating_add(COMMIT_CHUNK));
        let new_len = round_up(want, self.pages.page_size()).unwrap_or(usize::MAX).min(self.pages.reserved());
        self.pages.commit(new_len)?;
        self.pages.fill(committed, new_len - committed, TRAP_PATTERN);
        Ok(())
    }

    /// Trap-fills `offset..offset + size` and adds it to free space, coalescing.
    fn release(&mut self, offset: usize, size: usize) {
        self.pages.fill(offset, size, TRAP_PATTERN);
        let (mut start, mut end) = (offset, offset + size);
        if let Some((&left, &left_size)) = self.free_by_addr.range(..start).next_back() {
            if left + left_size == start {
                self.remove_free(left, left_size);
                start = left;
            }
        }
        if let Some(&right_size) = self.free_by_addr.get(&end) {
            self.remove_free(end, right_size);
            end += right_size;
        }
        if end == self.frontier {
            self.frontier = start;
        } else {
            self.insert_free(start, end - start);
        }
    }

    fn insert_free(&mut self, offset: usize, size: usize) {
        self.free_by_addr.insert(offset, size);
        self.free_by_size.insert((size, offset));
    }

    fn remove_free(&mut self, offset: usize, size: usize) {
        self.free_by_addr.remove(&offset);
        self.free_by_size.remove(&(size, offset));
    }

    /// Checks the bookkeeping invariants (tests only).
    #[cfg(test)]
    fn check_invariants(&self) {
        assert_eq!(self.free_by_addr.len(), self.free_by_size.len());
        let mut prev_end = None;
        let mut free = 0;
        for (&offset, &size) in &self.free_by_addr {
            assert!(size > 0 && offset % ALIGN == 0 && size % ALIGN == 0);
            assert!(self.free_by_size.contains(&(size, offset)));
            if let Some(prev_end) = prev_end {
                assert!(offset > prev_end, "free blocks adjacent or overlapping");
            }
            assert!(offset + size < self.frontier, "a free block touches the frontier");
            prev_end = Some(offset + size);
            free += size;
        }
        assert_eq!(free + self.in_use, self.frontier);
        assert!(self.frontier <= self.pages.committed());
    }
}

/// In-memory [`Pages`] for tests: the committed bytes live in a `Vec`, and the "executable"
/// addresses are made up (never execute them).
#[derive(Debug)]
pub struct FakePages {
    bytes: Vec<u8>,
    reserved: usize,
    page_size: usize,
    exec_base: usize,
    fail_next_commit: Option<i32>,
    commits: usize,
    /// A pretended fork happened and no private copy was made since.
    shared: bool,
    fail_next_make_private: Option<i32>,
    private_copies: usize,
}

impl FakePages {
    /// The pretend address of offset 0.
    pub const EXEC_BASE: usize = 0x7e00_0000_0000;

    /// Fake pages of `reserve` bytes (rounded up to `page_size`, a power of two).
    pub fn new(reserve: usize, page_size: usize) -> Self {
        FakePages {
            bytes: Vec::new(),
            reserved: round_up(reserve.max(1), page_size).unwrap_or(usize::MAX & !(page_size - 1)),
            page_size,
            exec_base: Self::EXEC_BASE,
            fail_next_commit: None,
            commits: 0,
            shared: false,
            fail_next_make_private: None,
            private_copies: 0,
        }
    }

    /// The committed bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Makes the next [`Pages::commit`] fail with `CommitFailed(errno)`.
    pub fn fail_next_commit(&mut self, errno: i32) {
        self.fail_next_commit = Some(errno);
    }

    /// How many commits succeeded.
    pub fn commits(&self) -> usize {
        self.commits
    }

    /// Pretends the process forked: until [`Pages::make_private`], the pages are shared
    /// with another process and any write panics.
    pub fn pretend_fork(&mut self) {
        self.shared = true;
    }

    /// Makes the next [`Pages::make_private`] of shared pages fail with `BackingFailed(errno)`.
    pub fn fail_next_make_private(&mut self, errno: i32) {
        self.fail_next_make_private = Some(errno);
    }

    /// How many private copies were made after pretended forks.
    pub fn private_copies(&self) -> usize {
        self.private_copies
    }

    fn assert_private(&self) {
        assert!(!self.shared, "code memory written while shared with another process");
    }
}

impl Pages for FakePages {
    fn reserve(len: usize) -> Result<Self, CodeMemError> {
        Ok(FakePages::new(len, 4096))
    }
    fn page_size(&self) -> usize {
        self.page_size
    }
    fn reserved(&self) -> usize {
        self.reserved
    }
    fn committed(&self) -> usize {
        self.bytes.len()
    }
    fn commit(&mut self, new_len: usize) -> Result<(), CodeMemError> {
        assert!(new_len > self.bytes.len() && new_len <= self.reserved && new_len.is_multiple_of(self.page_size));
        if let Some(errno) = self.fail_next_commit.take() {
            return Err(CodeMemError::CommitFailed(errno));
        }
        self.assert_private();
        self.bytes.resize(new_len, 0);
        self.commits += 1;
        Ok(())
    }
    fn write(&mut self, offset: usize, bytes: &[u8]) {
        self.assert_private();
        self.bytes[offset..offset + bytes.len()].copy_from_slice(bytes);
    }
    fn make_private(&mut self) -> Result<(), CodeMemError> {
        if self.shared {
            if let Some(errno) = self.fail_next_make_private.take() {
                return Err(CodeMemError::BackingFailed(errno));
            }
            self.shared = false;
            self.private_copies += 1;
        }
        Ok(())
    }
    fn fill(&mut self, offset: usize, len: usize, pattern: [u8; 4]) {
        self.assert_private();
        for (o, b) in self.bytes[offset..offset + len].iter_mut().enumerate() {
            *b = pattern[(offset + o) % 4];
        }
    }
    fn exec_addr(&self, offset: usize) -> usize {
        self.exec_base + offset
    }
    fn write_addr(&self, offset: usize) -> usize {
        self.bytes.as_ptr() as usize + offset
    }
}

#[cfg(target_os = "linux")]
pub use dual::{forks, Backing, DualMappedPages};

#[cfg(target_os = "linux")]
mod dual {
    use super::{round_up, CodeMemError, Pages};
    use std::ffi::{CString, OsString};
    use std::os::unix::ffi::OsStrExt;
    use std::ptr;
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    use std::sync::Once;

    /// Bytes written through the RW view between two drops of its page-table entries: what
    /// code memory may have resident twice at most.
    pub const WRITTEN_BEFORE_DROP: usize = 256 << 10;

    /// Forks this process has been through, as parent or as child (the child inherits the
    /// parent's count and adds one).
    static FORKS: AtomicU64 = AtomicU64::new(0);

    /// How many forks this process has been through (as parent or child) since it started.
    pub fn forks() -> u64 {
        FORKS.load(Relaxed)
    }

    extern "C" fn count_fork() {
        FORKS.fetch_add(1, Relaxed);
    }

    /// Counts a fork that did not happen: every arena in the process makes a private copy
    /// before its next write, as after a real one (tests only).
    #[cfg(test)]
    pub(super) fn count_fork_for_test() {
        count_fork();
    }

    /// Registers [`count_fork`] to run in the parent and in the child of every `fork()`, once
    /// per process (the child inherits the registration).
    fn count_forks() {
        static REGISTERED: Once = Once::new();
        REGISTERED.call_once(|| {
            // SAFETY: `count_fork` only bumps an atomic (async-signal-safe) and, like the
            // rest of this library, is never unloaded.
            unsafe { libc::pthread_atfork(None, Some(count_fork), Some(count_fork)) };
        });
    }

    /// What backs a [`DualMappedPages`]. [`Pages::reserve`] tries them in the order of
    /// [`Backing::ALL`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Backing {
        /// Shared anonymous memory (`MAP_SHARED | MAP_ANONYMOUS`) whose second view is made
        /// by `mremap` with an old size of 0 (which maps the same pages again). No file
        /// descriptor is ever open, and `/proc/PID/maps` names both views
        /// `/dev/zero (deleted)`, which perf takes for anonymous memory: perf names code in it
        /// from `/tmp/perf-PID.map`.
        SharedAnonymous,
        /// An anonymous `memfd_create` file (perf shows its code as
        /// `memfd:pyston-lite-jit-code`, without names).
        Memfd,
        /// An unlinked temporary file (`$XDG_RUNTIME_DIR`, `/dev/shm`, then the temp dir;
        /// the first whose mapping may be executable).
        TempFile,
    }

    impl Backing {
        /// Every backing, most preferred first.
        pub const ALL: [Backing; 3] = [Backing::SharedAnonymous, Backing::Memfd, Backing::TempFile];

        /// A stable, machine-readable name.
        pub fn name(self) -> &'static str {
            match self {
                Backing::SharedAnonymous => "shared_anonymous",
                Backing::Memfd => "memfd",
                Backing::TempFile => "temp_file",
            }
        }
    }

    /// The same memory mapped twice: read-write for writing, read-execute for running. Neither
    /// view changes protection once [`DualMappedPages::with_backing`] has returned. Unmapped
    /// (and with them the memory freed) on drop.
    #[derive(Debug)]
    pub struct DualMappedPages {
        rw: *mut u8,
        rx: *mut u8,
        reserved: usize,
        committed: usize,
        page_size: usize,
        backing: Backing,
        /// [`forks`] when the views were last known to be this process's alone.
        forks_seen: u64,
        /// A private copy failed half-way: the views may map different files.
        broken: bool,
        /// Bytes written since the RW view's page-table entries were last dropped.
        written_since_drop: usize,
    }

    // SAFETY: the mappings are process-wide, not tied to a thread; mutation needs `&mut self`.
    unsafe impl Send for DualMappedPages {}
    // SAFETY: `&self` methods only read plain fields, never the mapped bytes.
    unsafe impl Sync for DualMappedPages {}

    fn errno() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
    }

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if n > 0 && (n as usize).is_power_of_two() {
            n as usize
        } else {
            4096
        }
    }

    fn memfd() -> Result<libc::c_int, CodeMemError> {
        let name = c"pyston-lite-jit-code";
        // MFD_EXEC (Linux 6.3+) asks for an executable memfd explicitly, which matters under
        // vm.memfd_noexec=1; older kernels reject the flag with EINVAL, so retry without it.
        for flags in [libc::MFD_CLOEXEC | libc::MFD_EXEC, libc::MFD_CLOEXEC] {
            // SAFETY: `name` is a NUL-terminated string that outlives the call.
            let fd = unsafe { libc::memfd_create(name.as_ptr(), flags) };
            if fd >= 0 {
                return Ok(fd);
            }
            if errno() != libc::EINVAL {
                break;
            }
        }
        Err(CodeMemError::BackingFailed(errno()))
    }

    fn temp_file(dir: &OsString) -> Result<libc::c_int, CodeMemError> {
        let mut template = dir.as_bytes().to_vec();
        template.extend_from_slice(b"/pyston-lite-jit-XXXXXX");
        let template = CString::new(template).map_err(|_| CodeMemError::BackingFailed(libc::EINVAL))?;
        let mut template = template.into_bytes_with_nul();
        // SAFETY: `template` is a writable NUL-terminated buffer ending in "XXXXXX" before the NUL.
        let fd = unsafe { libc::mkostemp(template.as_mut_ptr().cast(), libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(CodeMemError::BackingFailed(errno()));
        }
        // SAFETY: mkostemp wrote the created file's name into `template`, still NUL-terminated.
        unsafe { libc::unlink(template.as_ptr().cast()) };
        Ok(fd)
    }

    fn temp_dirs() -> Vec<OsString> {
        let mut dirs = Vec::new();
        if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
            dirs.push(dir);
        }
        dirs.push(OsString::from("/dev/shm"));
        dirs.push(std::env::temp_dir().into_os_string());
        dirs.dedup();
        dirs
    }

    fn close(fd: libc::c_int) {
        // SAFETY: `fd` is a descriptor we opened and no longer use.
        unsafe { libc::close(fd) };
    }

    /// New shared anonymous memory of `len` bytes (sparse: pages cost memory only once
    /// written), mapped with `prot` at a kernel-chosen address.
    fn shared_anonymous(len: usize, prot: libc::c_int) -> Result<*mut u8, CodeMemError> {
        let flags = libc::MAP_SHARED | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
        // SAFETY: a new mapping at a kernel-chosen address, backed by no file we hold.
        let view = unsafe { libc::mmap(ptr::null_mut(), len, prot, flags, -1, 0) };
        if view == libc::MAP_FAILED {
            return Err(CodeMemError::ReserveFailed(errno()));
        }
        Ok(view.cast())
    }

    /// A second mapping of the `len` shared bytes at `view`, at a kernel-chosen address, with
    /// protection `prot`. `mremap` with an old size of 0 gives the new view the protection
    /// of `view`; it is changed to `prot` before anything can reach the new address.
    fn alias(view: *mut u8, len: usize, prot: libc::c_int) -> Result<*mut u8, CodeMemError> {
        // SAFETY: `view` is a shared mapping of `len` bytes that we own; with an old size of 0
        // mremap leaves it in place and maps its pages a second time.
        let alias = unsafe { libc::mremap(view.cast(), 0, len, libc::MREMAP_MAYMOVE) };
        if alias == libc::MAP_FAILED {
            return Err(CodeMemError::ReserveFailed(errno()));
        }
        // SAFETY: `alias` is the mapping just made, of `len` bytes, known to nobody else.
        if unsafe { libc::mprotect(alias, len, prot) } != 0 {
            let e = errno();
            unmap(alias.cast(), len);
            return Err(CodeMemError::ReserveFailed(e));
        }
        Ok(alias.cast())
    }

    /// Moves the mapping of `len` bytes at `from` to `to`, replacing whatever was mapped
    /// there in one step (other threads see the old mapping or the new one, never a hole).
    fn move_over(from: *mut u8, to: *mut u8, len: usize) -> Result<(), CodeMemError> {
        let flags = libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED;
        // SAFETY: `from` is a mapping of `len` bytes that we own and nothing uses; `to` is one
        // of our views, replaced by a mapping of the same bytes.
        let moved = unsafe { libc::mremap(from.cast(), len, len, flags, to.cast::<libc::c_void>()) };
        if moved == libc::MAP_FAILED {
            return Err(CodeMemError::ReserveFailed(errno()));
        }
        debug_assert_eq!(moved.cast::<u8>(), to);
        Ok(())
    }

    fn unmap(view: *mut u8, len: usize) {
        // SAFETY: `view` is a mapping of `len` bytes that we own and that nothing uses.
        unsafe { libc::munmap(view.cast(), len) };
    }

    /// Backs `len` bytes at `addr` (a shared, writable view) with memory now:
    /// `MADV_POPULATE_WRITE`, so running out of memory is an error rather than `SIGBUS` on a
    /// later write. Kernels before 5.14 do not know the advice (`EINVAL`): there the pages
    /// are faulted in by the write that follows.
    fn populate(addr: *mut u8, len: usize) -> Result<(), CodeMemError> {
        // SAFETY: callers pass a range inside one of our shared writable views, within the
        // size of its memory; populating it changes no byte.
        if unsafe { libc::madvise(addr.cast(), len, libc::MADV_POPULATE_WRITE) } != 0 {
            let e = errno();
            if e != libc::EINVAL {
                return Err(CodeMemError::CommitFailed(e));
            }
        }
        Ok(())
    }

    impl DualMappedPages {
        /// Reserves `len` bytes (rounded up to pages) on the given backing.
        pub fn with_backing(len: usize, backing: Backing) -> Result<Self, CodeMemError> {
            count_forks();
            let page_size = page_size();
            let reserved = round_up(len.max(1), page_size).ok_or(CodeMemError::ReserveFailed(libc::ENOMEM))?;
            match backing {
                Backing::SharedAnonymous => Self::map_shared_anonymous(reserved, page_size),
                Backing::Memfd => Self::map(memfd()?, reserved, page_size, backing),
                Backing::TempFile => {
                    let mut last = CodeMemError::BackingFailed(libc::ENOENT);
                    for dir in temp_dirs() {
                        match temp_file(&dir).and_then(|fd| Self::map(fd, reserved, page_size, backing)) {
                            Ok(pages) => return Ok(pages),
                            Err(e) => last = e,
                        }
                    }
                    Err(last)
                }
            }
        }

        /// What backs these pages.
        pub fn backing(&self) -> Backing {
            self.backing
        }

        fn from_views(rw: *mut u8, rx: *mut u8, reserved: usize, page_size: usize, backing: Backing) -> Self {
            DualMappedPages {
                rw,
                rx,
                reserved,
                committed: 0,
                page_size,
                backing,
                forks_seen: forks(),
                broken: false,
                written_since_drop: 0,
            }
        }

        /// Maps new shared anonymous memory read-execute, then the same pages again
        /// read-write (created read-execute by `mremap`, then made read-write: at no moment
        /// is a page writable and executable).
        fn map_shared_anonymous(reserved: usize, page_size: usize) -> Result<Self, CodeMemError> {
            // The executable view is made by `mmap` (not `mremap`), so that perf is told of an
            // executable mapping there, and first, next to the libraries (see `map`).
            let rx = shared_anonymous(reserved, libc::PROT_READ | libc::PROT_EXEC)?;
            match alias(rx, reserved, libc::PROT_READ | libc::PROT_WRITE) {
                Ok(rw) => Ok(Self::from_views(rw, rx, reserved, page_size, Backing::SharedAnonymous)),
                Err(e) => {
                    unmap(rx, reserved);
                    Err(e)
                }
            }
        }

        /// Maps `fd` twice; closes `fd` on failure.
        fn map(fd: libc::c_int, reserved: usize, page_size: usize, backing: Backing) -> Result<Self, CodeMemError> {
            let size = libc::off_t::try_from(reserved).map_err(|_| CodeMemError::ReserveFailed(libc::EFBIG))?;
            // SAFETY: `fd` is our new, empty file; a sparse size costs no memory.
            if unsafe { libc::ftruncate(fd, size) } != 0 {
                let e = errno();
                close(fd);
                return Err(CodeMemError::BackingFailed(e));
            }
            let flags = libc::MAP_SHARED | libc::MAP_NORESERVE;
            // The executable view is mapped first: the kernel hands out addresses top down, so
            // it lands next to the libraries loaded so far (ours and libpython), within reach
            // of `call rel32` to their functions.
            // SAFETY: a new mapping at a kernel-chosen address; this view is never written.
            let rx = unsafe { libc::mmap(ptr::null_mut(), reserved, libc::PROT_READ | libc::PROT_EXEC, flags, fd, 0) };
            if rx == libc::MAP_FAILED {
                let e = errno();
                close(fd);
                return Err(CodeMemError::ReserveFailed(e));
            }
            // SAFETY: as above; nothing is touched before `commit`.
            let rw = unsafe { libc::mmap(ptr::null_mut(), reserved, libc::PROT_READ | libc::PROT_WRITE, flags, fd, 0) };
            if rw == libc::MAP_FAILED {
                let e = errno();
                // SAFETY: `rx` is the mapping of `reserved` bytes made above, used by nothing else.
                unsafe { libc::munmap(rx, reserved) };
                close(fd);
                return Err(CodeMemError::ReserveFailed(e));
            }
            // The mappings keep the file alive; the descriptor is not needed any more.
            close(fd);
            Ok(Self::from_views(rw.cast(), rx.cast(), reserved, page_size, backing))
        }

        /// After a fork both views are `MAP_SHARED` mappings of memory other processes map
        /// too, so whatever this process wrote (new code, reused freed blocks) would change
        /// their running code. Moves this process onto a private copy — new memory with the
        /// same bytes under both views at the same addresses, so code keeps running where it
        /// is and return addresses stay valid — by the means its backing allows. The copy is
        /// exact because no process writes the shared memory after the fork: each moves off
        /// it before its first write.
        fn copy_to_private_memory(&mut self) -> Result<(), CodeMemError> {
            if self.broken {
                return Err(CodeMemError::BackingFailed(libc::EIO));
            }
            match self.backing {
                Backing::SharedAnonymous => self.copy_to_private_anonymous(),
                Backing::Memfd | Backing::TempFile => self.copy_to_private_file(),
            }
        }

        /// [`Self::copy_to_private_memory`] for [`Backing::SharedAnonymous`]: copies the
        /// committed bytes into new shared anonymous memory, makes an executable alias of it,
        /// and moves that alias over the RX view and the new memory over the RW view
        /// (`mremap` with `MREMAP_FIXED`: each view is replaced in one step).
        fn copy_to_private_anonymous(&mut self) -> Result<(), CodeMemError> {
            let len = self.reserved;
            let fresh = shared_anonymous(len, libc::PROT_READ | libc::PROT_WRITE)?;
            let exec = populate(fresh, self.committed)
                .map(|()| {
                    // SAFETY: `fresh` is writable for `len >= committed` bytes and backed by
                    // memory for `committed` (just populated); the RX view is readable for
                    // `committed` bytes, and nothing writes it while we copy (this process
                    // writes only after this returns; other processes never write the
                    // shared memory after the fork).
                    unsafe { ptr::copy_nonoverlapping(self.rx, fresh, self.committed) }
                })
                .and_then(|()| alias(fresh, len, libc::PROT_READ | libc::PROT_EXEC));
            let exec = match exec {
                Ok(exec) => exec,
                Err(e) => {
                    unmap(fresh, len);
                    return Err(e);
                }
            };
            // The executable view first, as with a file. mremap checks what it can before it
            // unmaps the target, but a failure after that cannot be ruled out: the views
            // may no longer map the same memory, so never write through them again.
            if let Err(e) = move_over(exec, self.rx, len) {
                self.broken = true;
                unmap(exec, len);
                unmap(fresh, len);
                return Err(e);
            }
            if let Err(e) = move_over(fresh, self.rw, len) {
                self.broken = true;
                unmap(fresh, len);
                return Err(e);
            }
            // The copied pages came along with their page-table entries: drop them from the
            // RW view, as after writing (code pages are resident where they run).
            self.drop_write_mapping_now();
            Ok(())
        }

        /// [`Self::copy_to_private_memory`] for a file backing: a new file of the same kind
        /// with the same bytes, mapped over both views at their addresses.
        fn copy_to_private_file(&mut self) -> Result<(), CodeMemError> {
            use std::os::unix::fs::FileExt;
            use std::os::unix::io::{AsRawFd, FromRawFd};
            let fd = match self.backing {
                Backing::Memfd => memfd()?,
                Backing::TempFile => {
                    temp_dirs().iter().find_map(|dir| temp_file(dir).ok()).ok_or(CodeMemError::BackingFailed(libc::ENOENT))?
                }
                Backing::SharedAnonymous => unreachable!("shared anonymous memory is copied by copy_to_private_anonymous"),
            };
            // SAFETY: `fd` is the new file's descriptor, owned by nothing else; `file` closes it.
            let file = unsafe { std::fs::File::from_raw_fd(fd) };
            // SAFETY: the RW view is mapped and readable for `committed` bytes, and nothing
            // writes it while we copy (this process writes only after this returns; other
            // processes never write the shared file after the fork).
            let bytes = unsafe { std::slice::from_raw_parts(self.rw, self.committed) };
            file.set_len(self.reserved as u64)
                .and_then(|()| file.write_all_at(bytes, 0))
                .map_err(|e| CodeMemError::CommitFailed(e.raw_os_error().unwrap_or(libc::EIO)))?;
            let flags = libc::MAP_SHARED | libc::MAP_NORESERVE | libc::MAP_FIXED;
            // The executable view first: if it cannot be replaced, nothing has changed.
            for (view, prot) in [(self.rx, libc::PROT_READ | libc::PROT_EXEC), (self.rw, libc::PROT_READ | libc::PROT_WRITE)] {
                // SAFETY: replaces our own view, at its own address and size, with the copy of
                // the same bytes, so code running from it sees no change.
                let mapped = unsafe { libc::mmap(view.cast(), self.reserved, prot, flags, file.as_raw_fd(), 0) };
                if mapped == libc::MAP_FAILED {
                    // The views may no longer map one file: never write through them again.
                    self.broken = true;
                    return Err(CodeMemError::ReserveFailed(errno()));
                }
            }
            Ok(())
        }

        /// Counts `len` bytes written; once [`WRITTEN_BEFORE_DROP`] have been
        /// written, unmaps the whole RW view from this process's page tables
        /// (`MADV_DONTNEED`: the bytes stay in the file, and the next write faults its page
        /// back in). Otherwise every code page would be resident twice, once per view, and
        /// count twice in the process's RSS. Batched: one system call per that many bytes,
        /// not one per compile.
        fn drop_write_mapping(&mut self, len: usize) {
            self.written_since_drop += len;
            if self.written_since_drop >= WRITTEN_BEFORE_DROP {
                self.drop_write_mapping_now();
            }
        }

        /// Drops the committed part of the RW view from the page tables now.
        fn drop_write_mapping_now(&mut self) {
            self.written_since_drop = 0;
            // SAFETY: the committed part of the RW view, whose bytes live in shared memory (a
            // file, or shmem behind shared anonymous memory); dropping its page-table
            // entries loses no data.
            unsafe { libc::madvise(self.rw.cast(), self.committed, libc::MADV_DONTNEED) };
        }

        fn check_range(&self, offset: usize, len: usize) {
            // Writing beyond the file would raise SIGBUS: a bug in the caller, not an OS failure.
            assert!(
                offset.checked_add(len).is_some_and(|end| end <= self.committed),
                "code memory access {offset}+{len} beyond committed {}",
                self.committed
            );
        }
    }

    impl Pages for DualMappedPages {
        /// Tries each of [`Backing::ALL`] in turn. When all fail, reports running out of
        /// address space if any did (so that [`CodeArena::new`](super::CodeArena::new) tries
        /// a smaller reserve), else the error of the preferred backing.
        fn reserve(len: usize) -> Result<Self, CodeMemError> {
            let mut errors = Vec::new();
            for backing in Backing::ALL {
                match Self::with_backing(len, backing) {
                    Ok(pages) => return Ok(pages),
                    Err(e) => errors.push(e),
                }
            }
            let enomem = CodeMemError::ReserveFailed(libc::ENOMEM);
            Err(if errors.contains(&enomem) { enomem } else { errors[0] })
        }

        fn page_size(&self) -> usize {
            self.page_size
        }

        fn reserved(&self) -> usize {
            self.reserved
        }

        fn committed(&self) -> usize {
            self.committed
        }

        fn commit(&mut self, new_len: usize) -> Result<(), CodeMemError> {
            assert!(new_len > self.committed && new_len <= self.reserved && new_len.is_multiple_of(self.page_size));
            // SAFETY: the range lies inside our RW view (`new_len <= reserved`, asserted).
            populate(unsafe { self.rw.add(self.committed) }, new_len - self.committed)?;
            self.committed = new_len;
            Ok(())
        }

        fn write(&mut self, offset: usize, bytes: &[u8]) {
            self.check_range(offset, bytes.len());
            // SAFETY: the range is in the committed RW view (checked), which `bytes` cannot alias.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.rw.add(offset), bytes.len()) };
            self.drop_write_mapping(bytes.len());
        }

        fn fill(&mut self, offset: usize, len: usize, pattern: [u8; 4]) {
            self.check_range(offset, len);
            if pattern.iter().all(|&b| b == pattern[0]) {
                // SAFETY: the range is inside the committed part of the RW view (checked above).
                unsafe { ptr::write_bytes(self.rw.add(offset), pattern[0], len) };
            } else {
                for o in offset..offset + len {
                    // SAFETY: `o` is inside the committed part of the RW view (checked above).
                    unsafe { self.rw.add(o).write(pattern[o % 4]) };
                }
            }
            self.drop_write_mapping(len);
        }

        fn make_private(&mut self) -> Result<(), CodeMemError> {
            let forks = forks();
            if forks != self.forks_seen {
                self.copy_to_private_memory()?;
                self.forks_seen = forks;
            }
            Ok(())
        }

        fn exec_addr(&self, offset: usize) -> usize {
            self.rx as usize + offset
        }

        fn write_addr(&self, offset: usize) -> usize {
            self.rw as usize + offset
        }

        #[cfg(not(target_arch = "aarch64"))]
        fn sync_icache(&self, offset: usize, len: usize) {
            // x86-64 keeps instruction fetch coherent with stores (the RW view maps the same
            // physical pages); only Valgrind, when present, must be told.
            crate::valgrind::discard_translations(self.rx as usize + offset, len);
        }

        #[cfg(target_arch = "aarch64")]
        fn sync_icache(&self, offset: usize, len: usize) {
            // aarch64 does not keep instruction fetch coherent with data writes: clean the
            // data cache and invalidate the instruction cache for the range, by its RX
            // addresses (the caches are physically tagged, so the RW writes are covered).
            // Untested here: only x86-64 is exercised.
            self.check_range(offset, len);
            // SAFETY: the range is in the committed, readable RX view (checked above).
            let code = unsafe { std::slice::from_raw_parts(self.rx.add(offset), len) };
            dynasmrt::cache_control::synchronize_icache(code);
            crate::valgrind::discard_translations(self.rx as usize + offset, len);
        }
    }

    impl Drop for DualMappedPages {
        fn drop(&mut self) {
            // SAFETY: both views are ours (from `map`); by contract no code runs from them now.
            unsafe {
                libc::munmap(self.rw.cast(), self.reserved);
                libc::munmap(self.rx.cast(), self.reserved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    fn fake(budget: usize, reserve: usize) -> CodeArena<FakePages> {
        CodeArena::from_pages(FakePages::new(reserve, 4096), budget)
    }

    fn is_trap(bytes: &[u8], start: usize) -> bool {
        bytes.iter().enumerate().all(|(i, &b)| b == TRAP_PATTERN[(start + i) % 4])
    }

    /// A deterministic pseudo-random sequence (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn codemem_alloc_is_aligned_and_rounded() {
        let mut arena = fake(MIB, 16 * MIB);
        let mut regions = Vec::new();
        for len in 1..=100 {
            let r = arena.alloc(len).unwrap();
            assert_eq!(r.offset() % ALIGN, 0);
            assert_eq!(r.exec_addr() % ALIGN, 0);
            assert_eq!(r.exec_addr(), FakePages::EXEC_BASE + r.offset());
            assert_eq!(r.len(), len);
            assert_eq!(r.allocated_len(), len.div_ceil(ALIGN) * ALIGN);
            assert!(r.contains(r.exec_addr()) && r.contains(r.exec_addr() + len - 1));
            assert!(!r.contains(r.exec_addr() + len) && !r.contains(r.exec_addr().wrapping_sub(1)));
            regions.push(r);
        }
        let expected: usize = (1..=100usize).map(|l| l.div_ceil(ALIGN) * ALIGN).sum();
        assert_eq!(arena.bytes_in_use(), expected);
        assert_eq!(arena.live_regions(), 100);
        // Regions do not overlap.
        regions.sort_by_key(|r| r.offset());
        for w in regions.windows(2) {
            assert!(w[0].offset() + w[0].allocated_len() <= w[1].offset());
        }
        arena.check_invariants();
        for r in regions {
            arena.free(r).unwrap();
        }
        assert_eq!(arena.bytes_in_use(), 0);
        assert_eq!(arena.high_water(), 0);
        arena.check_invariants();
    }

    #[test]
    fn codemem_every_write_after_a_fork_makes_the_pages_private_first() {
        // FakePages panics on any write while "shared", so each step below proves that the
        // operation asked for a private copy before it wrote.
        let mut arena = fake(16 * MIB, 16 * MIB);
        let a = arena.install(&[1; 40]).unwrap();
        let mut b = arena.alloc(100).unwrap();
        arena.pages.pretend_fork();
        arena.free(a).unwrap();
        assert_eq!(arena.pages.private_copies(), 1);
        arena.pages.pretend_fork();
        arena.shrink(&mut b, 10).unwrap();
        arena.pages.pretend_fork();
        arena.write(&b, 0, &[2; 10]).unwrap();
        arena.pages.pretend_fork();
        let big = arena.alloc(4 * COMMIT_CHUNK).unwrap(); // commits and trap-fills
        arena.pages.pretend_fork();
        let small = arena.alloc(16).unwrap(); // from the free list: writes nothing, still copies
        assert_eq!(arena.pages.private_copies(), 5);
        // Writes after the copy do not copy again.
        arena.write(&b, 0, &[3; 10]).unwrap();
        arena.free(small).unwrap();
        assert_eq!(arena.pages.private_copies(), 5);
        // A failed copy fails the operation and changes nothing.
        arena.pages.pretend_fork();
        arena.pages.fail_next_make_private(libc::ENOMEM);
        let in_use = arena.bytes_in_use();
        assert_eq!(arena.free(big).unwrap_err(), CodeMemError::BackingFailed(libc::ENOMEM));
        assert_eq!(arena.bytes_in_use(), in_use);
        assert_eq!(arena.pages.private_copies(), 5);
        arena.free(b).unwrap();
        assert_eq!(arena.pages.private_copies(), 6);
        arena.check_invariants();
    }

    #[test]
    fn codemem_zero_length_is_an_error() {
        let mut arena = fake(MIB, MIB);
        assert_eq!(arena.alloc(0).unwrap_err(), CodeMemError::ZeroLength);
        assert_eq!(arena.alloc(usize::MAX).unwrap_err(), CodeMemError::BudgetExhausted);
    }

    #[test]
    fn codemem_free_coalesces_neighbours_and_the_frontier() {
        let mut arena = fake(MIB, 16 * MIB);
        let a = arena.alloc(32).unwrap();
        let b = arena.alloc(48).unwrap();
        let c = arena.alloc(64).unwrap();
        let d = arena.alloc(16).unwrap();
        let e = arena.alloc(16).unwrap();
        let (b_off, d_off) = (b.offset(), d.offset());
        assert_eq!(arena.high_water(), 32 + 48 + 64 + 16 + 16);

        arena.free(b).unwrap();
        assert_eq!(arena.free_blocks(), 1);
        arena.free(d).unwrap();
        assert_eq!(arena.free_blocks(), 2);
        // c sits between two free blocks: all three become one.
        arena.free(c).unwrap();
        assert_eq!(arena.free_blocks(), 1);
        assert_eq!(arena.bytes_free_listed(), 48 + 64 + 16);
        arena.check_invariants();
        // The merged block is reused from its start.
        let f = arena.alloc(48 + 64 + 16).unwrap();
        assert_eq!(f.offset(), b_off);
        assert_eq!(arena.free_blocks(), 0);
        arena.free(f).unwrap();
        // Freeing the top region lets the frontier fall back over the free block below it.
        arena.free(e).unwrap();
        assert_eq!(arena.free_blocks(), 0);
        assert_eq!(arena.high_water(), 32);
        assert!(d_off > b_off);
        arena.free(a).unwrap();
        assert_eq!(arena.high_water(), 0);
        assert_eq!(arena.bytes_in_use(), 0);
        arena.check_invariants();
    }

    #[test]
    fn codemem_best_fit_reuses_and_splits_free_blocks() {
        let mut arena = fake(MIB, 16 * MIB);
        let big = arena.alloc(256).unwrap();
        let _sep1 = arena.alloc(16).unwrap();
        let small = arena.alloc(64).unwrap();
        let _sep2 = arena.alloc(16).unwrap();
        let (big_off, small_off) = (big.offset(), small.offset());
        arena.free(big).unwrap();
        arena.free(small).unwrap();
        // Best fit: 48 bytes go into the 64-byte block, not the 256-byte one.
        let x = arena.alloc(48).unwrap();
        assert_eq!(x.offset(), small_off);
        assert_eq!(arena.bytes_free_listed(), 256 + 16);
        // An exact fit for the 16-byte remainder.
        let y = arena.alloc(16).unwrap();
        assert_eq!(y.offset(), small_off + 48);
        // Larger than any free block: taken from the frontier.
        let top = arena.high_water();
        let z = arena.alloc(512).unwrap();
        assert_eq!(z.offset(), top);
        // Fits the 256-byte block: split from its start.
        let w = arena.alloc(100).unwrap();
        assert_eq!(w.offset(), big_off);
        assert_eq!(arena.bytes_free_listed(), 256 - 112);
        arena.check_invariants();
    }

    #[test]
    fn codemem_budget_exhaustion_and_recovery() {
        let mut arena = fake(64, 16 * MIB);
        assert_eq!(arena.budget(), 64);
        // 40 bytes take 48; then 17 bytes round to 32: over budget, although 16 are left.
        let a = arena.alloc(40).unwrap();
        assert_eq!(arena.alloc(17).unwrap_err(), CodeMemError::BudgetExhausted);
        let b = arena.alloc(16).unwrap();
        assert_eq!(arena.bytes_in_use(), 64);
        assert_eq!(arena.alloc(1).unwrap_err(), CodeMemError::BudgetExhausted);
        // A failed allocation changes nothing.
        assert_eq!(arena.bytes_in_use(), 64);
        assert_eq!(arena.live_regions(), 2);
        arena.free(a).unwrap();
        let c = arena.alloc(48).unwrap();
        assert_eq!(arena.bytes_in_use(), 64);
        // Lowering the budget below use blocks allocation until enough is freed.
        arena.set_budget(32);
        assert_eq!(arena.alloc(16).unwrap_err(), CodeMemError::BudgetExhausted);
        arena.free(c).unwrap();
        let d = arena.alloc(16).unwrap();
        arena.set_budget(1 << 20);
        let e = arena.alloc(4096).unwrap();
        for r in [b, d, e] {
            arena.free(r).unwrap();
        }
        assert_eq!(arena.bytes_in_use(), 0);
        arena.check_invariants();
    }

    #[test]
    fn codemem_out_of_address_space() {
        let mut arena = fake(usize::MAX, 8192);
        assert_eq!(arena.bytes_reserved(), 8192);
        let a = arena.alloc(4096).unwrap();
        let b = arena.alloc(4096).unwrap();
        assert_eq!(arena.alloc(16).unwrap_err(), CodeMemError::OutOfAddressSpace);
        assert_eq!(arena.alloc(1 << 40).unwrap_err(), CodeMemError::OutOfAddressSpace);
        arena.free(a).unwrap();
        // Fragmentation: 4096 free bytes, but not 4112 in one piece.
        assert_eq!(arena.alloc(4097).unwrap_err(), CodeMemError::OutOfAddressSpace);
        let c = arena.alloc(4096).unwrap();
        arena.free(b).unwrap();
        arena.free(c).unwrap();
        assert_eq!(arena.high_water(), 0);
    }

    #[test]
    fn codemem_unused_and_freed_memory_is_trap_filled() {
        let mut arena = fake(MIB, 16 * MIB);
        let a = arena.alloc(100).unwrap();
        let committed = arena.bytes_committed();
        assert!(committed >= COMMIT_CHUNK);
        // Never-used memory, the new region included, traps.
        assert!(is_trap(arena.pages().bytes(), 0));
        arena.write(&a, 0, &[0x90; 100]).unwrap();
        let b = arena.alloc(32).unwrap();
        arena.write(&b, 0, &[0x90; 32]).unwrap();
        let bytes = arena.pages().bytes();
        assert!(bytes[..100].iter().all(|&x| x == 0x90));
        assert!(is_trap(&bytes[100..112], 100), "the rounding slack of a region stays trap-filled");
        assert!(is_trap(&bytes[144..], 144));
        let a_off = a.offset();
        arena.free(a).unwrap();
        assert!(is_trap(&arena.pages().bytes()[a_off..a_off + 112], a_off));
        assert!(arena.pages().bytes()[112..144].iter().all(|&x| x == 0x90));
        // Shrinking trap-fills the tail.
        let mut c = arena.alloc(64).unwrap();
        arena.write(&c, 0, &[0x90; 64]).unwrap();
        arena.shrink(&mut c, 20).unwrap();
        let off = c.offset();
        assert!(arena.pages().bytes()[off..off + 20].iter().all(|&x| x == 0x90));
        assert!(is_trap(&arena.pages().bytes()[off + 32..off + 64], off + 32));
        arena.free(b).unwrap();
        arena.free(c).unwrap();
        assert!(is_trap(arena.pages().bytes(), 0));
        assert_eq!(arena.bytes_committed(), committed, "commits never shrink");
    }

    #[test]
    fn codemem_commit_grows_in_chunks_and_failure_changes_nothing() {
        let mut arena = fake(usize::MAX, 64 * MIB);
        assert_eq!(arena.bytes_committed(), 0);
        let a = arena.alloc(16).unwrap();
        assert_eq!(arena.bytes_committed(), COMMIT_CHUNK);
        assert_eq!(arena.pages().commits(), 1);
        // Within the chunk: no new commit.
        let b = arena.alloc(COMMIT_CHUNK - 32).unwrap();
        assert_eq!(arena.pages().commits(), 1);
        // A large region commits what it needs.
        arena.pages.fail_next_commit(libc::ENOSPC);
        assert_eq!(arena.alloc(3 * MIB).unwrap_err(), CodeMemError::CommitFailed(libc::ENOSPC));
        assert_eq!(arena.bytes_in_use(), COMMIT_CHUNK - 16);
        assert_eq!(arena.live_regions(), 2);
        arena.check_invariants();
        let c = arena.alloc(3 * MIB).unwrap();
        assert!(arena.bytes_committed() >= c.offset() + 3 * MIB);
        assert_eq!(arena.bytes_committed() % 4096, 0);
        assert!(is_trap(&arena.pages().bytes()[COMMIT_CHUNK..], COMMIT_CHUNK));
        for r in [a, b, c] {
            arena.free(r).unwrap();
        }
        arena.check_invariants();
    }

    #[test]
    fn codemem_write_and_publish_rules() {
        let mut arena = fake(MIB, MIB);
        let mut other = fake(MIB, MIB);
        let mut r = arena.alloc(10).unwrap();
        assert_eq!(arena.write(&r, 8, &[1, 2, 3]).unwrap_err(), CodeMemError::OutOfBounds);
        assert_eq!(arena.write(&r, usize::MAX, &[1]).unwrap_err(), CodeMemError::OutOfBounds);
        arena.write(&r, 7, &[1, 2, 3]).unwrap();
        assert_eq!(&arena.pages().bytes()[r.offset() + 7..r.offset() + 10], &[1, 2, 3]);
        assert_eq!(other.write(&r, 0, &[1]).unwrap_err(), CodeMemError::ForeignRegion);
        assert_eq!(other.publish(&mut r).unwrap_err(), CodeMemError::ForeignRegion);
        assert!(!r.is_published());
        arena.publish(&mut r).unwrap();
        assert!(r.is_published());
        assert_eq!(arena.write(&r, 0, &[1]).unwrap_err(), CodeMemError::AlreadyPublished);
        assert_eq!(arena.shrink(&mut r, 11).unwrap_err(), CodeMemError::OutOfBounds);
        assert_eq!(arena.shrink(&mut r, 0).unwrap_err(), CodeMemError::ZeroLength);
        let foreign = other.alloc(16).unwrap();
        assert_eq!(arena.free(foreign).unwrap_err(), CodeMemError::ForeignRegion);
        assert_eq!(other.bytes_in_use(), 16);
        let installed = arena.install(&[0xC3]).unwrap();
        assert!(installed.is_published());
        assert_eq!(arena.pages().bytes()[installed.offset()], 0xC3);
        arena.free(r).unwrap();
        arena.free(installed).unwrap();
        assert_eq!(arena.bytes_in_use(), 0);
    }

    #[test]
    fn codemem_ten_thousand_compiled_then_dropped_functions() {
        let mut arena = fake(64 * MIB, DEFAULT_RESERVE);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Long-lived code compiled before the churn.
        let keep: Vec<_> = (0..50).map(|_| arena.alloc(1 + rng.below(4000)).unwrap()).collect();
        let baseline = arena.bytes_in_use();
        let baseline_top = arena.high_water();
        let mut live: Vec<CodeRegion> = Vec::new();
        let mut peak_in_use = 0;
        for i in 0..10_000 {
            let max = if rng.below(10) == 0 { 20_000 } else { 2000 };
            let len = 1 + rng.below(max);
            let r = arena.alloc(len).unwrap();
            let fill = [(i % 251) as u8; 64];
            arena.write(&r, 0, &fill[..len.min(64)]).unwrap();
            live.push(r);
            // Code objects die in random order; about 200 are alive at a time.
            while live.len() > 200 || (!live.is_empty() && rng.below(3) == 0) {
                let victim = live.swap_remove(rng.below(live.len()));
                arena.free(victim).unwrap();
            }
            peak_in_use = peak_in_use.max(arena.bytes_in_use());
            if i % 1000 == 0 {
                arena.check_invariants();
            }
        }
        for r in live.drain(..) {
            arena.free(r).unwrap();
        }
        arena.check_invariants();
        assert_eq!(arena.bytes_in_use(), baseline);
        assert_eq!(arena.high_water(), baseline_top);
        assert_eq!(arena.free_blocks(), 0);
        assert_eq!(arena.live_regions(), keep.len());
        // Reuse keeps the committed memory within a small factor of the peak in use.
        assert!(
            arena.bytes_committed() < 3 * peak_in_use + 2 * COMMIT_CHUNK,
            "committed {} for a peak of {}",
            arena.bytes_committed(),
            peak_in_use
        );
        assert!(is_trap(&arena.pages().bytes()[baseline_top..], baseline_top));
        for r in keep {
            arena.free(r).unwrap();
        }
        assert_eq!(arena.bytes_in_use(), 0);
        assert_eq!(arena.high_water(), 0);
        assert!(is_trap(arena.pages().bytes(), 0));
    }

    #[test]
    fn codemem_default_reserve_and_errors_display() {
        assert_eq!(default_reserve(0), DEFAULT_RESERVE);
        assert_eq!(default_reserve(100 * MIB), DEFAULT_RESERVE);
        assert_eq!(default_reserve(3 * DEFAULT_RESERVE + 1), 3 * DEFAULT_RESERVE + 2 * MIB);
        assert_eq!(default_reserve(usize::MAX), MAX_RESERVE);
        let arena = CodeArena::<FakePages>::new(100 * MIB).unwrap();
        assert_eq!(arena.bytes_reserved(), DEFAULT_RESERVE);
        assert_eq!(arena.budget(), 100 * MIB);
        assert_eq!(CodeMemError::BudgetExhausted.to_string(), "the code-memory budget is used up");
        assert!(CodeMemError::CommitFailed(libc::ENOSPC).to_string().contains("No space left"));
        assert_eq!(CodeMemError::ReserveFailed(libc::ENOMEM).name(), "reserve_failed");
    }

    #[test]
    fn codemem_types_are_send_and_fit_in_a_mutex() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<CodeArena<FakePages>>();
        send_sync::<CodeRegion>();
        send_sync::<std::sync::Mutex<CodeArena<FakePages>>>();
        #[cfg(target_os = "linux")]
        send_sync::<std::sync::Mutex<CodeMemory>>();
        #[cfg(target_os = "linux")]
        send_sync::<CodeMemory>();
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    mod real {
        use super::*;
        use std::sync::atomic::{AtomicBool, AtomicU64};
        use std::time::{Duration, Instant};

        /// Held by the tests that pretend a fork (every arena of the process then makes a
        /// private copy at its next write) and by the test that measures what is resident,
        /// which such a copy in the middle would upset: cargo runs tests in parallel threads.
        static PRETENDED_FORKS: std::sync::Mutex<()> = std::sync::Mutex::new(());

        fn no_pretended_fork_meanwhile() -> std::sync::MutexGuard<'static, ()> {
            PRETENDED_FORKS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// `mov eax, imm32; ret`
        fn return_const(value: i32) -> Vec<u8> {
            let mut code = vec![0xB8];
            code.extend_from_slice(&value.to_le_bytes());
            code.push(0xC3);
            code
        }

        fn call(addr: usize) -> i32 {
            // SAFETY: callers pass a live published region holding an `extern "C" fn() -> i32`.
            let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(addr) };
            f()
        }

        fn read_rx(addr: usize, len: usize) -> Vec<u8> {
            // SAFETY: callers pass a committed range of the RX view, which is readable.
            unsafe { std::slice::from_raw_parts(addr as *const u8, len) }.to_vec()
        }

        /// The lines of /proc/self/maps overlapping `start..end`: (start, end, perms, path).
        fn mappings(start: usize, end: usize) -> Vec<(usize, usize, String, String)> {
            let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
            maps.lines()
                .filter_map(|line| {
                    let mut fields = line.split_whitespace();
                    let (lo, hi) = fields.next()?.split_once('-')?;
                    let lo = usize::from_str_radix(lo, 16).ok()?;
                    let hi = usize::from_str_radix(hi, 16).ok()?;
                    let perms = fields.next()?.to_string();
                    // offset, device, inode, then the path (which may contain spaces).
                    let path = fields.skip(3).collect::<Vec<_>>().join(" ");
                    (lo < end && start < hi).then_some((lo, hi, perms, path))
                })
                .collect()
        }

        /// An arena of `budget` bytes over 64 MiB of `backing`.
        fn arena_on(backing: Backing, budget: usize) -> CodeMemory {
            let pages = DualMappedPages::with_backing(64 * MIB, backing).unwrap_or_else(|e| panic!("{}: {e}", backing.name()));
            assert_eq!(pages.backing(), backing);
            CodeArena::from_pages(pages, budget)
        }

        #[test]
        fn codemem_real_code_runs_from_the_rx_view() {
            let mut arena = CodeMemory::new(100 * MIB).unwrap();
            // 1 GiB unless an address-space limit (ulimit -v) made `new` halve it.
            assert!(arena.bytes_reserved() <= DEFAULT_RESERVE && arena.bytes_reserved() >= MIN_RESERVE);
            let mut r = arena.alloc(6).unwrap();
            assert_ne!(arena.pages().write_addr(r.offset()), r.exec_addr());
            arena.write(&r, 0, &[0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3]).unwrap();
            arena.publish(&mut r).unwrap();
            assert_eq!(call(r.exec_addr()), 42);
            // The same bytes through both views.
            let rw = arena.pages().write_addr(r.offset());
            // SAFETY: `rw` is the committed RW-view address of the 6-byte region.
            let via_rw = unsafe { std::slice::from_raw_parts(rw as *const u8, 6) }.to_vec();
            assert_eq!(via_rw, read_rx(r.exec_addr(), 6));
            arena.free(r).unwrap();
        }

        #[test]
        fn codemem_no_mapping_is_writable_and_executable() {
            for backing in Backing::ALL {
                let mut arena = arena_on(backing, 100 * MIB);
                let r = arena.install(&return_const(1)).unwrap();
                let big = arena.alloc(COMMIT_CHUNK * 2).unwrap();
                let reserved = arena.bytes_reserved();
                let rx = arena.pages().exec_addr(0);
                let rw = arena.pages().write_addr(0);
                let rx_maps = mappings(rx, rx + reserved);
                let rw_maps = mappings(rw, rw + reserved);
                assert!(!rx_maps.is_empty() && !rw_maps.is_empty());
                for (lo, hi, perms, _) in rx_maps.iter().chain(&rw_maps) {
                    assert!(!(perms.contains('w') && perms.contains('x')), "{lo:x}-{hi:x} {perms} is writable and executable");
                }
                // Each view is exactly one mapping of the whole reservation.
                assert_eq!(rx_maps.iter().map(|m| (m.0, m.1, m.2.as_str())).collect::<Vec<_>>(), [(rx, rx + reserved, "r-xs")]);
                assert_eq!(rw_maps.iter().map(|m| (m.0, m.1, m.2.as_str())).collect::<Vec<_>>(), [(rw, rw + reserved, "rw-s")]);
                assert_eq!(call(r.exec_addr()), 1);
                arena.free(r).unwrap();
                arena.free(big).unwrap();
            }
        }

        #[test]
        fn codemem_default_backing_looks_anonymous_to_perf() {
            let _serial = no_pretended_fork_meanwhile();
            // perf reads /tmp/perf-PID.map only for mappings named `//anon`, `/dev/zero…` or
            // `/anon_hugepage…`: the RX view must be one, also after a private copy.
            let mut arena = CodeMemory::new(MIB).unwrap();
            assert_eq!(arena.pages().backing(), Backing::SharedAnonymous);
            let r = arena.install(&return_const(9)).unwrap();
            let rx = arena.exec_range();
            let named = |arena: &CodeMemory| {
                let rw = arena.pages().write_addr(0);
                (mappings(rx.start, rx.end), mappings(rw, rw + arena.bytes_reserved()))
            };
            let (rx_maps, rw_maps) = named(&arena);
            assert!(rx_maps.iter().chain(&rw_maps).all(|m| m.3 == "/dev/zero (deleted)"), "{rx_maps:?} {rw_maps:?}");
            let memfd = arena_on(Backing::Memfd, MIB);
            let memfd_rx = memfd.exec_range();
            assert!(mappings(memfd_rx.start, memfd_rx.end)[0].3.starts_with("/memfd:pyston-lite-jit-code"));
            // A pretended fork: the next write moves this process onto a private copy.
            super::dual::count_fork_for_test();
            let s = arena.install(&return_const(10)).unwrap();
            assert_eq!(named(&arena), (rx_maps.clone(), rw_maps.clone()), "the views moved or changed after the private copy");
            assert_eq!((call(r.exec_addr()), call(s.exec_addr())), (9, 10));
        }

        /// Resident kilobytes of the mapping that starts at `start` (/proc/self/smaps).
        fn resident_kib(start: usize) -> usize {
            let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
            let header = format!("{start:x}-");
            let mut lines = smaps.lines().skip_while(|l| !l.starts_with(&header));
            lines.next().expect("mapping not found");
            let rss = lines.find(|l| l.starts_with("Rss:")).unwrap();
            rss.split_whitespace().nth(1).unwrap().parse().unwrap()
        }

        #[test]
        fn codemem_code_pages_are_resident_once() {
            let _serial = no_pretended_fork_meanwhile();
            for backing in Backing::ALL {
                let mut arena = arena_on(backing, 100 * MIB);
                // Enough code and trap fill to pass the batch that triggers a drop, then one
                // more write after it: at most that one write's page is resident in the RW view.
                let regions: Vec<_> = (0..200).map(|i| arena.install(&return_const(i)).unwrap()).collect();
                let big = arena.alloc(dual::WRITTEN_BEFORE_DROP + 4096).unwrap();
                arena.write(&big, 0, &[0xCC; 16]).unwrap();
                for (i, r) in regions.iter().enumerate() {
                    assert_eq!(call(r.exec_addr()), i as i32);
                }
                let (rw, rx) = (arena.pages().write_addr(0), arena.pages().exec_addr(0));
                assert!(resident_kib(rw) <= 4, "{}: written pages stay mapped in the RW view", backing.name());
                assert!(resident_kib(rx) >= 4, "{}: the code that ran is resident in the RX view", backing.name());
                // The bytes are still there for the next write and for a private copy.
                let mut r = arena.alloc(6).unwrap();
                arena.write(&r, 0, &return_const(77)).unwrap();
                arena.publish(&mut r).unwrap();
                assert_eq!(call(r.exec_addr()), 77);
                assert_eq!(call(regions[5].exec_addr()), 5);
            }
        }

        #[test]
        fn codemem_freed_and_unused_memory_reads_int3() {
            let mut arena = CodeMemory::new(100 * MIB).unwrap();
            let r = arena.install(&return_const(7)).unwrap();
            let keep = arena.install(&return_const(8)).unwrap();
            let (addr, committed) = (r.exec_addr(), arena.bytes_committed());
            assert_eq!(call(addr), 7);
            let unused_start = keep.offset() + keep.allocated_len();
            let unused = read_rx(arena.pages().exec_addr(unused_start), committed - unused_start);
            assert!(unused.iter().all(|&b| b == 0xCC));
            arena.free(r).unwrap();
            assert_eq!(read_rx(addr, 16), vec![0xCC; 16]);
            assert_eq!(call(keep.exec_addr()), 8);
            arena.free(keep).unwrap();
        }

        #[test]
        fn codemem_every_backing_runs_code() {
            for backing in Backing::ALL {
                let mut arena = arena_on(backing, MIB);
                let r = arena.install(&return_const(-5)).unwrap();
                assert_eq!(call(r.exec_addr()), -5);
                arena.free(r).unwrap();
                assert_eq!(read_rx(arena.exec_range().start, 16), vec![0xCC; 16]);
            }
            assert_eq!(CodeMemory::new(MIB).unwrap().pages().backing(), Backing::SharedAnonymous);
        }

        #[test]
        fn codemem_code_beyond_the_first_commit_chunk_runs() {
            let mut arena = CodeMemory::with_reserve(usize::MAX, 16 * MIB).unwrap();
            assert_eq!(arena.bytes_reserved(), 16 * MIB);
            let mut regions = Vec::new();
            for i in 0..12 {
                // 100 KiB of traps with the function at its end.
                let mut r = arena.alloc(100 << 10).unwrap();
                let code = return_const(i);
                arena.write(&r, r.len() - code.len(), &code).unwrap();
                arena.publish(&mut r).unwrap();
                regions.push(r);
            }
            assert!(arena.bytes_committed() > COMMIT_CHUNK * 4);
            for (i, r) in regions.iter().enumerate() {
                assert_eq!(call(r.exec_addr() + r.len() - 6), i as i32);
            }
            for r in regions {
                arena.free(r).unwrap();
            }
            assert_eq!(CodeMemory::with_reserve(usize::MAX, MIB).unwrap().alloc(2 * MIB).unwrap_err(), CodeMemError::OutOfAddressSpace);
        }

        #[test]
        fn codemem_dynasm_assembles_at_the_region_address() {
            use dynasmrt::{dynasm, x64::X64Relocation, DynasmApi, DynasmLabelApi, VecAssembler};
            let mut arena = CodeMemory::new(100 * MIB).unwrap();
            let callee = arena.install(&return_const(42)).unwrap();
            // Allocate an upper bound, assemble for its address, shrink to fit.
            let mut r = arena.alloc(256).unwrap();
            let mut ops = VecAssembler::<X64Relocation>::new(r.exec_addr());
            let target = callee.exec_addr();
            dynasm!(ops
                ; .arch x64
                ; sub rsp, 8
                ; call extern target      // rel32 from this region to the other one
                ; add eax, 1
                ; add rsp, 8
                ; ret
            );
            let code = ops.finalize().unwrap();
            arena.shrink(&mut r, code.len()).unwrap();
            assert_eq!(code.len(), 17);
            assert_eq!(r.allocated_len(), 32);
            arena.write(&r, 0, &code).unwrap();
            arena.publish(&mut r).unwrap();
            assert_eq!(call(r.exec_addr()), 43);
            assert_eq!(arena.bytes_in_use(), 16 + 32);
        }

        /// Sets the flag when dropped: stops a calling thread even if an assertion panics, so
        /// that a failure is reported instead of hanging in the scope's join.
        struct StopOnDrop<'a>(&'a AtomicBool);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Release);
            }
        }

        #[test]
        fn codemem_code_runs_on_another_thread_while_we_allocate_and_write() {
            let arena = std::sync::Mutex::new(CodeMemory::new(100 * MIB).unwrap());
            let running = arena.lock().unwrap().install(&return_const(42)).unwrap();
            let addr = running.exec_addr();
            let stop = AtomicBool::new(false);
            let calls = AtomicU64::new(0);
            let deadline = Instant::now() + Duration::from_millis(300);
            std::thread::scope(|s| {
                s.spawn(|| {
                    while !stop.load(Ordering::Acquire) {
                        assert_eq!(call(addr), 42);
                        calls.fetch_add(1, Ordering::Relaxed);
                    }
                });
                let _stop_guard = StopOnDrop(&stop);
                let mut rng = Rng(12345);
                let mut kept = Vec::new();
                let mut rounds = 0u32;
                while Instant::now() < deadline || rounds < 100 {
                    let mut arena = arena.lock().unwrap();
                    let value = rounds as i32;
                    let mut r = arena.alloc(6 + rng.below(3000)).unwrap();
                    let code = return_const(value);
                    arena.write(&r, 0, &code).unwrap();
                    arena.publish(&mut r).unwrap();
                    assert_eq!(call(r.exec_addr()), value);
                    // Keeping at most 4096 regions (≤ 12 MiB) grows the arena over commit
                    // chunks however fast this loop runs, and stays inside the budget.
                    if rng.below(4) == 0 && kept.len() < 4096 {
                        kept.push(r);
                    } else {
                        arena.free(r).unwrap();
                    }
                    rounds += 1;
                }
                stop.store(true, Ordering::Release);
                let mut arena = arena.lock().unwrap();
                for r in kept {
                    arena.free(r).unwrap();
                }
            });
            assert!(calls.load(Ordering::Relaxed) > 0);
            let mut arena = arena.into_inner().unwrap();
            assert_eq!(call(addr), 42);
            arena.free(running).unwrap();
            assert_eq!(arena.bytes_in_use(), 0);
        }

        #[test]
        fn codemem_code_keeps_running_while_the_views_are_replaced() {
            let _serial = no_pretended_fork_meanwhile();
            // A private copy replaces both views under code that another thread is running:
            // that thread must never find its page missing or different.
            for backing in Backing::ALL {
                let mut arena = arena_on(backing, 100 * MIB);
                let running = arena.install(&return_const(5)).unwrap();
                let addr = running.exec_addr();
                let stop = AtomicBool::new(false);
                let calls = AtomicU64::new(0);
                std::thread::scope(|s| {
                    s.spawn(|| {
                        while !stop.load(Ordering::Acquire) {
                            assert_eq!(call(addr), 5);
                            calls.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                    let _stop_guard = StopOnDrop(&stop);
                    // Replace the views only while the other thread is calling: from its
                    // first call until it has made more (at least 200 replacements).
                    let deadline = Instant::now() + Duration::from_secs(10);
                    while calls.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
                        std::thread::yield_now();
                    }
                    let before = calls.load(Ordering::Relaxed);
                    let mut i = 0;
                    while i < 200 || (calls.load(Ordering::Relaxed) == before && Instant::now() < deadline) {
                        dual::count_fork_for_test();
                        let r = arena.install(&return_const(i)).unwrap();
                        assert_eq!(call(r.exec_addr()), i);
                        arena.free(r).unwrap();
                        i += 1;
                    }
                    assert!(calls.load(Ordering::Relaxed) > before, "the calling thread never ran during the replacements");
                });
                assert_eq!(call(addr), 5);
            }
        }

        /// In a forked child: frees `freed` (trap fill), compiles over it and over fresh
        /// memory, and exits 0 if its own code runs; the caller then checks its own bytes.
        fn child_writes_over(arena: &mut CodeMemory, freed: CodeRegion, kept: usize) -> ! {
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                arena.free(freed).unwrap();
                let regions: Vec<_> = (0..64).map(|i| arena.install(&return_const(1000 + i)).unwrap()).collect();
                let big = arena.alloc(2 * COMMIT_CHUNK).unwrap();
                regions.iter().enumerate().all(|(i, r)| call(r.exec_addr()) == 1000 + i as i32)
                    && call(kept) == 2
                    && big.len() == 2 * COMMIT_CHUNK
            }));
            // SAFETY: leaves the forked child without running the parent's exit handlers.
            unsafe { libc::_exit(if matches!(ok, Ok(true)) { 0 } else { 3 }) }
        }

        #[test]
        fn codemem_writes_after_fork_stay_in_their_process() {
            for backing in Backing::ALL {
                writes_after_fork_stay_in_their_process(backing);
            }
            assert!(forks() >= 60);
        }

        fn writes_after_fork_stay_in_their_process(backing: Backing) {
            // Parent and child each free and compile right after the fork; neither may see
            // the other's writes in code it runs. Repeated so that either side may write
            // first (each iteration lets the child run first, then the parent).
            let mut arena = arena_on(backing, 100 * MIB);
            let kept = arena.install(&return_const(2)).unwrap();
            for round in 0..20 {
                let freed_in_child = arena.install(&return_const(-1)).unwrap();
                let freed_in_parent = arena.install(&return_const(-2)).unwrap();
                let (child_addr, parent_addr) = (freed_in_child.exec_addr(), freed_in_parent.exec_addr());
                // SAFETY: the child only runs this test's code on its own copy of memory and
                // leaves with `_exit`.
                let pid = unsafe { libc::fork() };
                assert!(pid >= 0, "fork failed");
                if pid == 0 {
                    drop(freed_in_parent);
                    child_writes_over(&mut arena, freed_in_child, kept.exec_addr());
                }
                if round % 2 == 1 {
                    // Odd rounds: the parent writes while the child is still running.
                    arena.free(freed_in_parent).unwrap();
                    let mine = arena.install(&return_const(round)).unwrap();
                    assert_eq!(call(mine.exec_addr()), round);
                    arena.free(mine).unwrap();
                } else {
                    drop(freed_in_parent); // leaked: still -2 in this process
                }
                let mut status = 0;
                // SAFETY: waits for the child forked above.
                assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
                assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{}: child failed: status {status:#x}", backing.name());
                assert_eq!(call(child_addr), -1, "the child's free reached the parent");
                if round % 2 == 0 {
                    assert_eq!(call(parent_addr), -2);
                }
                assert_eq!(call(kept.exec_addr()), 2);
                arena.free(freed_in_child).unwrap();
            }
        }
    }
}
