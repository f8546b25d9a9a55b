//! Our state for one code object, kept in the one `co_extra` slot we request, and freed by
//! CPython (through [`free_code_state`]) when the code object dies.

use crate::stats;
use interp::cpython::{_PyCode_GetExtra, _PyCode_SetExtra, _PyEval_RequestCodeExtraIndex, PyCodeObject};
use jit::{CompileFailure, CompiledCode};
use once_cell::sync::OnceCell;
use pyo3::ffi::Py_ssize_t;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::sync::Arc;

/// Where a code object stands with the compiler.
#[derive(Debug)]
pub enum CompileState {
    /// Not compiled yet; entries are being counted.
    Cold,
    /// Machine code is in [`CodeState::machine_code`].
    Compiled,
    /// Compilation failed; never retried.
    Failed(CompileFailure),
    /// The user asked that this code never be compiled: by a deny pattern (its text), or by
    /// `pyston_lite.deny()` (`None`).
    Denied(Option<Arc<str>>),
}

impl CompileState {
    /// The name `info()` reports.
    pub fn name(&self) -> &'static str {
        match self {
            CompileState::Cold => "cold",
            CompileState::Compiled => "compiled",
            CompileState::Failed(_) => "failed",
            CompileState::Denied(_) => "denied",
        }
    }
}

/// Per-code-object state. Only touched with the GIL held. `#[repr(C)]` with `direct`
/// first: calls in compiled code read that part through the `co_extra` slot
/// (`interp::direct`).
#[derive(Debug)]
#[repr(C)]
pub struct CodeState {
    /// Frame entries while enabled, and how a call starts a frame in machine code (set
    /// while the state is [`CompileState::Compiled`]).
    pub direct: interp::direct::DirectEntry,
    /// The code object this is the state of (it owns the state, so it outlives it).
    code: *mut PyCodeObject,
    pub compile: CompileState,
    /// The machine code, kept until the code object dies even if the state changes later
    /// (`deny()`), since a frame may be running it.
    pub machine_code: Option<CompiledCode>,
    /// Whether the bytecode jumps backwards (it is compiled after fewer entries, see the
    /// hook); `None` until [`CodeState::loops`] is first asked, which start-up's code,
    /// compiled by the plain threshold, never is.
    loops: Option<bool>,
    /// Nanoseconds spent compiling it (analysis, code generation, installation).
    pub compile_ns: u64,
}

impl CodeState {
    /// Marks the code as never to be compiled (by `pattern`, or by `deny()` when `None`),
    /// counted once per code object.
    pub fn deny(&mut self, pattern: Option<Arc<str>>) {
        if !matches!(self.compile, CompileState::Denied(_)) {
            stats::bump(&stats::DENIED);
        }
        self.compile = CompileState::Denied(pattern);
        self.direct.machine = None;
    }

    /// Whether `code`, the code object this is the state of, jumps backwards anywhere.
    ///
    /// # Safety
    /// `code` is live and owns this state; the GIL is held.
    pub unsafe fn loops(&mut self, code: *mut PyCodeObject) -> bool {
        // SAFETY: live code object (caller); the bytes are only read during this call.
        *self.loops.get_or_insert_with(|| jit::has_backward_jump(unsafe { interp::cpython::co_code_bytes(code) }))
    }
}

impl Drop for CodeState {
    fn drop(&mut self) {
        stats::LIVE_CODE_STATES.fetch_sub(1, Relaxed);
        if let Some(code) = &self.machine_code {
            stats::CODE_BYTES.fetch_sub(code.code_bytes as u64, Relaxed);
        }
        // The code's deallocator frees its extras (us) before its name and file.
        // SAFETY: dropped by the code object's deallocator or before attaching, GIL held.
        unsafe { registry::remove(self) };
    }
}

/// The live states, and the most entered of those already freed: what `stats()` ranks
/// its most entered code objects from. Updated only when a state is created or freed
/// (under the GIL), never at frame entry.
mod registry {
    use super::CodeState;
    use crate::stats::TopEntry;
    use parking_lot::Mutex;
    use std::collections::HashSet;
    use std::hash::{BuildHasherDefault, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

    /// How many code objects `stats()` lists.
    pub const TOP: usize = 10;

    /// A hash of a pointer: one multiplication (SipHash would cost more than the rest of
    /// creating a state).
    #[derive(Default)]
    pub struct PointerHasher(u64);

    impl Hasher for PointerHasher {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    /// Addresses of the live states.
    static LIVE: Mutex<HashSet<usize, BuildHasherDefault<PointerHasher>>> = Mutex::new(HashSet::with_hasher(BuildHasherDefault::new()));
    /// The most entered freed states, most entered first, at most [`TOP`].
    static FREED: Mutex<Vec<TopEntry>> = Mutex::new(Vec::new());
    /// Entries a freed state needs to enter [`FREED`] (the smallest there once it is full).
    static FREED_MIN: AtomicU64 = AtomicU64::new(0);

    pub fn insert(state: *const CodeState) {
        LIVE.lock().insert(state as usize);
    }

    /// Forgets `state`, keeping what `stats()` shows of it if it is among the most entered
    /// freed ones.
    ///
    /// # Safety
    /// `state`'s code object is live enough to read its name, file and first line; GIL held.
    pub unsafe fn remove(state: &CodeState) {
        if !LIVE.lock().remove(&(state as *const CodeState as usize)) || state.direct.entries <= FREED_MIN.load(Relaxed) {
            return;
        }
        // SAFETY: forwarded from the caller.
        let entry = unsafe { TopEntry::of(state.code, state.direct.entries, state.compile.name(), false) };
        let mut freed = FREED.lock();
        let at = freed.partition_point(|e| e.entries >= entry.entries);
        freed.insert(at, entry);
        freed.truncate(TOP);
        if freed.len() == TOP {
            FREED_MIN.store(freed[TOP - 1].entries, Relaxed);
        }
    }

    /// The [`TOP`] most entered code objects, live and freed, most entered first.
    ///
    /// # Safety
    /// GIL held (the live states and their code objects stay alive meanwhile).
    pub unsafe fn most_entered() -> Vec<TopEntry> {
        let live = LIVE.lock();
        let mut states: Vec<&CodeState> = live
            .iter()
            // SAFETY: a registered address is a live state (removed before it is freed).
            .map(|&address| unsafe { &*(address as *const CodeState) })
            .collect();
        let top = TOP.min(states.len());
        if top > 0 {
            states.select_nth_unstable_by(top - 1, |a, b| b.direct.entries.cmp(&a.direct.entries));
        }
        let mut entries: Vec<TopEntry> = states[..top]
            .iter()
            // SAFETY: live states of live code objects, GIL held.
            .map(|state| unsafe { TopEntry::of(state.code, state.direct.entries, state.compile.name(), true) })
            .collect();
        drop(live);
        entries.extend(FREED.lock().iter().cloned());
        entries.sort_by_key(|e| std::cmp::Reverse(e.entries));
        entries.truncate(TOP);
        entries
    }
}

pub use registry::most_entered;

static EXTRA_INDEX: OnceCell<Py_ssize_t> = OnceCell::new();

/// Whether `co_extra` blocks were checked to be `{Py_ssize_t ce_size; void *ce_extras[]}`
/// (CPython's private `_PyCodeObjectExtra`, the same in 3.7–3.10), so that
/// [`attach`] may create a block sized for our index only.
static EXTRA_LAYOUT_CHECKED: OnceCell<bool> = OnceCell::new();

/// Our index once the layout is checked, else -1: what the frame-entry path reads, one load
/// instead of two `OnceCell`s.
static DIRECT_INDEX: AtomicIsize = AtomicIsize::new(-1);

/// Requests our `co_extra` index (once per process; CPython offers 255 of them).
pub fn extra_index() -> Result<Py_ssize_t, &'static str> {
    EXTRA_INDEX
        .get_or_try_init(|| {
            // SAFETY: called with the GIL held (from Python-visible functions); the free
            // function accepts any pointer we stored, and NULL.
            let index = unsafe { _PyEval_RequestCodeExtraIndex(free_code_state) };
            if index < 0 {
                Err("no co_extra index left (too many PEP 523 users in this process)")
            } else {
                // SAFETY: GIL held (as above).
                if *EXTRA_LAYOUT_CHECKED.get_or_init(|| unsafe { check_extra_layout(index) }) {
                    DIRECT_INDEX.store(index as isize, Relaxed);
                    interp::direct::publish_extra_index(index);
                }
                Ok(index)
            }
        })
        .copied()
}

/// Stores a sentinel through `_PyCode_SetExtra` on a scratch code object and checks where
/// it landed: the runtime probe of a layout no header declares.
///
/// # Safety
/// GIL held; `index` is ours.
unsafe fn check_extra_layout(index: Py_ssize_t) -> bool {
    // SAFETY: a new empty code object we own; the sentinel is removed before it dies (our
    // free function is never called with it), or the object is kept alive.
    unsafe {
        let code = pyo3::ffi::PyCode_NewEmpty(c"<probe>".as_ptr(), c"<probe>".as_ptr(), 1);
        if code.is_null() {
            pyo3::ffi::PyErr_Clear();
            return false;
        }
        let code = code.cast::<PyCodeObject>();
        let sentinel = 0x5eed_usize as *mut c_void;
        let mut ok = _PyCode_SetExtra(code.cast(), index, sentinel) == 0;
        if ok {
            let block = (*code).co_extra.cast::<Py_ssize_t>();
            ok = !block.is_null() && *block > index && *block.add(1 + index as usize) == sentinel as Py_ssize_t;
            // Clear the slot by hand: _PyCode_SetExtra would pass the sentinel to our free
            // function. Without a verified layout, leak the scratch code object instead.
            if ok {
                *block.add(1 + index as usize) = 0;
            } else {
                return false;
            }
        }
        pyo3::ffi::PyErr_Clear();
        pyo3::ffi::Py_DECREF(code.cast());
        ok
    }
}

/// Stores `state` in our slot of `code`. CPython's `_PyCode_SetExtra` sizes a new block for
/// every index registered so far, and `code_dealloc` then calls *every* registered free
/// function, also for empty slots — so another `co_extra` user registered after us would be
/// called (with NULL) for each code object we touched, where without us it is not called at
/// all (CPython's test_code frees through a Python function and crashes on that). When the
/// code object has no block yet and the layout check passed, the block is made just large
/// enough for our index.
///
/// # Safety
/// Live code object, GIL held, `index` ours.
unsafe fn attach(code: *mut PyCodeObject, index: Py_ssize_t, state: *mut c_void) -> bool {
    // SAFETY: as the contract; the block is allocated with PyMem (code_dealloc frees it so).
    unsafe {
        if (*code).co_extra.is_null() && EXTRA_LAYOUT_CHECKED.get() == Some(&true) {
            let slots = index as usize + 1;
            let block = pyo3::ffi::PyMem_Malloc(std::mem::size_of::<Py_ssize_t>() * (1 + slots)).cast::<Py_ssize_t>();
            if block.is_null() {
                return false;
            }
            *block = slots as Py_ssize_t;
            for i in 0..slots {
                *block.add(1 + i) = 0;
            }
            *block.add(1 + index as usize) = state as Py_ssize_t;
            (*code).co_extra = block.cast();
            return true;
        }
        if _PyCode_SetExtra(code.cast(), index, state) != 0 {
            pyo3::ffi::PyErr_Clear();
            return false;
        }
        true
    }
}

/// Frees a `CodeState`; CPython calls it when the code object is deallocated.
unsafe extern "C" fn free_code_state(state: *mut c_void) {
    if !state.is_null() {
        // SAFETY: every non-NULL pointer in our slot came from `Box::into_raw` below and is
        // freed only here, once, by the code object's deallocator.
        drop(unsafe { Box::from_raw(state.cast::<CodeState>()) });
    }
}

/// The state of `code`, if it has one.
///
/// # Safety
/// `code` must be a live code object; the GIL must be held for as long as the returned
/// reference is used, and no other reference to the same state may be alive.
#[inline]
pub unsafe fn get<'a>(code: *mut PyCodeObject) -> Option<&'a mut CodeState> {
    let direct = DIRECT_INDEX.load(Relaxed);
    if direct >= 0 {
        // The frame-entry path: read the block `_PyCode_GetExtra` would (layout checked).
        // SAFETY: live code object (caller); a non-NULL `co_extra` is a block of `ce_size`
        // slots, and a non-NULL pointer in our slot is a live Box<CodeState> it owns.
        unsafe {
            let block = (*code).co_extra.cast::<Py_ssize_t>();
            if block.is_null() || *block <= direct as Py_ssize_t {
                return None;
            }
            return (*block.add(1 + direct as usize) as *mut CodeState).as_mut();
        }
    }
    let index = *EXTRA_INDEX.get()?;
    let mut extra: *mut c_void = std::ptr::null_mut();
    // SAFETY: live code object, valid index, GIL held (caller).
    if unsafe { _PyCode_GetExtra(code.cast(), index, &mut extra) } != 0 {
        // SAFETY: GIL held; a failed lookup must not leave an exception behind.
        unsafe { pyo3::ffi::PyErr_Clear() };
        return None;
    }
    // SAFETY: a non-NULL pointer in our slot is a live Box<CodeState> owned by the code.
    unsafe { extra.cast::<CodeState>().as_mut() }
}

/// The state of `code`, created (cold, no entries) if it has none yet. `None` only when
/// CPython cannot store it (out of memory), with no exception left set.
///
/// # Safety
/// As for [`get`].
#[inline]
pub unsafe fn get_or_create<'a>(code: *mut PyCodeObject) -> Option<&'a mut CodeState> {
    // SAFETY: forwarded from the caller.
    if let Some(state) = unsafe { get(code) } {
        return Some(state);
    }
    // SAFETY: forwarded from the caller.
    unsafe { create(code) }
}

/// A new (cold) state attached to `code`, which has none.
///
/// # Safety
/// As for [`get`].
#[cold]
#[inline(never)]
unsafe fn create<'a>(code: *mut PyCodeObject) -> Option<&'a mut CodeState> {
    let index = extra_index().ok()?;
    let state = Box::into_raw(Box::new(CodeState {
        direct: Default::default(),
        code,
        compile: CompileState::Cold,
        machine_code: None,
        loops: None,
        compile_ns: 0,
    }));
    // Counted before the state can be dropped, which uncounts it.
    stats::bump(&stats::LIVE_CODE_STATES);
    // SAFETY: live code object, valid index, GIL held (caller).
    if !unsafe { attach(code, index, state.cast()) } {
        // SAFETY: the code object did not take the pointer; we still own it.
        drop(unsafe { Box::from_raw(state) });
        return None;
    }
    stats::bump(&stats::CODE_OBJECTS);
    registry::insert(state);
    // SAFETY: the slot now owns the Box; it lives as long as the code object.
    Some(unsafe { &mut *state })
}
