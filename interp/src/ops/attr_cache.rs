//! Per-instruction attribute caches for `LOAD_ATTR`, `LOAD_METHOD` and `STORE_ATTR` (3.7–3.10).
//!
//! A cache remembers how the attribute was found, for each of up to four owner types (or
//! modules), and each entry is trusted only while that type's version tag is unchanged (CPython
//! invalidates it on any change to the type or its bases) — or, for a module, while its
//! dict's version is. The kinds cover the cases where the generic lookup is equivalent to a
//! short cut:
//! - `SLOT`: a `__slots__` member (`T_OBJECT_EX`, no flags) read or written at its offset;
//! - `INSTANCE_DICT`: the type has no attribute of that name, so only the instance dict
//!   can hold it; the entry index where the name was last found (`hint`) is tried first,
//!   through `PyDict_Next`, which reads that one entry without hashing (CPython 3.10's own
//!   LOAD_ATTR cache does the same with `_PyDict_GetItemHint`). When the dict shares its
//!   keys with the class (a split dict) and those keys have the name at that entry (size,
//!   entry count and key compared; never the keys' address, and no reference is kept to
//!   them: CPython re-shares a class's keys only while nothing else holds them), the value
//!   is `ma_values[hint]`, which loads read (the first entry's in machine code) and stores
//!   write in place, as `insertdict` would;
//! - `METHOD`: (`LOAD_METHOD`) the type has a method descriptor, and the instance dict does
//!   not shadow it: there is none, or its split keys' probe sequence (identity compares,
//!   no code run) does not find the name, or a lookup that runs no code finds nothing;
//! - `MODULE`: a module's global, for `module.name`;
//! - `CLASS_VALUE`: (`LOAD_ATTR`) the type has a plain value (a class attribute without
//!   `__get__`) and the instance dict does not shadow it;
//! - `DATA_DESCR`, `NONDATA_DESCR`: (`LOAD_ATTR`) the type has a descriptor, whose
//!   `tp_descr_get` is called as the generic lookup would (a non-data one only when the
//!   instance dict does not shadow it). These run code, so only [`load_attr_cached`] does
//!   them, never the side-effect-free [`load_attr_hit`].
//!
//! Anything else — and every miss — takes the generic helper, and refills the cache.
//! Only types whose `tp_getattro`/`tp_setattro` are the generic ones are cached, so
//! `__getattr__`, `__getattribute__` and `__setattr__` always take the generic path.

use super::attr::{load_attr, load_method, name, store_attr};
use crate::cpython::{layout, PyFrameObject};
use pyo3_ffi::*;
use std::os::raw::c_ulong;

extern "C" {
    fn _PyType_Lookup(ty: *mut PyTypeObject, name: *mut PyObject) -> *mut PyObject;
    fn _PyObject_GetDictPtr(obj: *mut PyObject) -> *mut *mut PyObject;
    fn _PyDict_GetItem_KnownHash(dict: *mut PyObject, key: *mut PyObject, hash: Py_hash_t) -> *mut PyObject;
    #[cfg(any(py37, py38))]
    fn _PyObjectDict_SetItem(ty: *mut PyTypeObject, dictptr: *mut *mut PyObject, name: *mut PyObject, value: *mut PyObject) -> i32;
    #[cfg(not(any(py37, py38)))]
    fn _PyObject_GenericSetAttrWithDict(obj: *mut PyObject, name: *mut PyObject, value: *mut PyObject, dict: *mut PyObject) -> i32;
}

impl Entry {
    /// After a wrong hint: searches `dict` for the name's index, until the site has been
    /// wrong [`MAX_HINT_MISSES`] times.
    unsafe fn relearn_hint(&mut self, dict: *mut PyObject, name: *mut PyObject) {
        if self.hint_misses < MAX_HINT_MISSES {
            self.hint_misses += 1;
            // SAFETY: live dict (caller).
            self.hint = unsafe { entry_index(dict, name) };
            // Where the old hint's entry sat says nothing about the new one.
            self.dk_size = 0;
        }
    }

    /// `INSTANCE_DICT`, after a store the cache did not do itself (the name new in the dict,
    /// or the dict just created): where the name now is, so that the next store to a dict
    /// sharing these keys (the next instance, built in the same order), or to this combined
    /// dict again, is done in place.
    unsafe fn learn_after_store(&mut self, owner: *mut PyObject, name: *mut PyObject) {
        // SAFETY: live object (caller); its dict, if any, is a live dict.
        unsafe {
            let dict = instance_dict(owner);
            if dict.is_null() || PyDict_CheckExact(dict) == 0 {
                return;
            }
            if self.split_value(owner).is_some_and(|v| !v.is_null()) {
                return;
            }
            self.relearn_hint(dict, name);
            if self.hint >= 0 {
                self.remember_entry(dict);
            }
        }
    }

    /// Records where entry `hint` of `dict` sits, for the machine code (or forgets it).
    unsafe fn remember_entry(&mut self, dict: *mut PyObject) {
        // SAFETY: live dict, GIL held (caller).
        let entry = unsafe { PyDict_CheckExact(dict) != 0 }.then(|| unsafe { super::dict_keys::entry_offset(dict, self.hint) }).flatten();
        (self.dk_size, self.entry_offset) = match entry {
            Some((dk_size, offset)) => (dk_size, offset as isize),
            None => (0, 0),
        };
    }

    /// `INSTANCE_DICT`: the value slot `ma_values[hint]` of `owner`'s instance dict when it
    /// is a split dict whose keys have the name at entry `hint` where this entry remembers
    /// it (`dk_size`, `entry_offset`): the value, NULL when this instance has not set the
    /// attribute. `None` when that is not so and the dict must be searched. Keys are
    /// compared by what they hold, never by address (an address says nothing once the keys
    /// it named are freed).
    #[inline]
    unsafe fn split_value(&self, owner: *mut PyObject) -> Option<*mut PyObject> {
        use super::dict_keys::{keys_field, keys_of, values_of, DK_NENTRIES, DK_SIZE, ME_KEY};
        // SAFETY: live object whose type the caller checked (a positive `tp_dictoffset` is
        // its dict slot); `dk_size` is non-zero only after the layout was verified, and keys
        // of that size have entry `hint` (< dk_nentries) at `entry_offset`.
        unsafe {
            if self.offset <= 0 || self.dk_size == 0 {
                return None;
            }
            let dict = *owner.cast::<u8>().offset(self.offset).cast::<*mut PyObject>();
            if dict.is_null() || PyDict_CheckExact(dict) == 0 {
                return None;
            }
            let values = values_of(dict);
            let keys = keys_of(dict);
            if values.is_null() || keys_field(keys, DK_SIZE) != self.dk_size || self.hint >= keys_field(keys, DK_NENTRIES) {
                return None;
            }
            if *keys.offset(self.entry_offset).add(ME_KEY).cast::<usize>() != self.name {
                return None;
            }
            Some(*values.offset(self.hint))
        }
    }
}

/// What an [`AttrCache`] holds.
pub mod kind {
    pub const EMPTY: u32 = 0;
    pub const SLOT: u32 = 1;
    pub const INSTANCE_DICT: u32 = 2;
    pub const METHOD: u32 = 3;
    pub const MODULE: u32 = 4;
    /// Refilled too often (the site sees many types): go straight to the generic path.
    pub const MEGAMORPHIC: u32 = 5;
    /// (`LOAD_ATTR`) the type has a plain value (no `__get__`) under the name, which the
    /// instance gets unless its dict shadows it.
    pub const CLASS_VALUE: u32 = 6;
    /// (`LOAD_ATTR`) the type has a data descriptor (`__get__` and `__set__`: a property,
    /// a getset or member descriptor), which answers.
    pub const DATA_DESCR: u32 = 7;
    /// (`LOAD_ATTR`) the type has a descriptor with `__get__` only (a function: a bound
    /// method), which answers unless the instance dict shadows it.
    pub const NONDATA_DESCR: u32 = 8;
}

/// Refills after which a site is treated as megamorphic.
const MAX_REFILLS: u32 = 16;

/// One attribute instruction's cache: up to [`WAYS`] entries, one per owner type seen
/// (polymorphic sites: a method called on instances of several subclasses). The machine
/// code checks the first inline and asks [`load_attr_hit`] and [`load_method_hit`], which
/// check them all, as do the helpers. Most sites only ever see one owner type, so the
/// other entries are allocated when a second one is filled (an entry is 96 bytes, and
/// code has one cache per attribute instruction).
#[repr(C)]
#[derive(Debug, Default)]
pub struct AttrCache {
    /// Entry 0, at the offsets [`first_entry`] gives the machine code.
    first: Entry,
    /// Entries 1.., once one was filled.
    more: Option<Box<[Entry; WAYS - 1]>>,
    /// How often an entry was refilled; past [`MAX_REFILLS`] the site is megamorphic.
    refills: u32,
    /// The entry the next refill replaces when none is empty (round robin).
    next_victim: u32,
}

impl AttrCache {
    /// The entry filled for `key` (an owner type, or a module object), if any: an owner has
    /// at most one (refill replaces it).
    #[inline]
    fn entry_of(&mut self, key: usize) -> Option<&mut Entry> {
        if self.first.owner == key {
            return Some(&mut self.first);
        }
        // Unrolled: polymorphic sites hit here on every call.
        let [a, b, c] = self.more.as_deref_mut()?;
        if a.owner == key {
            Some(a)
        } else if b.owner == key {
            Some(b)
        } else if c.owner == key {
            Some(c)
        } else {
            None
        }
    }

    /// `(kind, owner)` of entry `index` (`< WAYS`), an unallocated one reading as empty.
    fn kind_and_owner(&self, index: usize) -> (u32, usize) {
        let entry = match index {
            0 => Some(&self.first),
            _ => self.more.as_ref().map(|more| &more[index - 1]),
        };
        entry.map_or((kind::EMPTY, 0), |e| (e.kind, e.owner))
    }

    /// Entry `index` (`< WAYS`), allocating entries 1.. when it is one of them.
    fn entry_mut(&mut self, index: usize) -> &mut Entry {
        match index {
            0 => &mut self.first,
            _ => &mut self.more.get_or_insert_with(Default::default)[index - 1],
        }
    }
}

/// Entries per attribute cache.
pub const WAYS: usize = 4;
const _: () = assert!(WAYS == 4, "AttrCache::entry_of checks entries 1-3 one by one");

/// Byte offsets of the first entry's fields in an [`AttrCache`], for machine code that
/// reads them (the `INSTANCE_DICT` split-dict hit, see [`Entry::split_value`]).
pub mod first_entry {
    use super::{AttrCache, Entry};
    use std::mem::offset_of;
    const BASE: usize = offset_of!(AttrCache, first);
    pub const OWNER: usize = BASE + offset_of!(Entry, owner);
    pub const VERSION: usize = BASE + offset_of!(Entry, version);
    pub const KIND: usize = BASE + offset_of!(Entry, kind);
    pub const OFFSET: usize = BASE + offset_of!(Entry, offset);
    pub const HINT: usize = BASE + offset_of!(Entry, hint);
    pub const NAME: usize = BASE + offset_of!(Entry, name);
    pub const DK_SIZE: usize = BASE + offset_of!(Entry, dk_size);
    pub const ENTRY_OFFSET: usize = BASE + offset_of!(Entry, entry_offset);
    pub const VALUE: usize = BASE + offset_of!(Entry, value);
    pub const LACKING_KEYS: usize = BASE + offset_of!(Entry, lacking_keys);
    pub const LACKING_NENTRIES: usize = BASE + offset_of!(Entry, lacking_nentries);
}

/// One owner's entry. Empty when `kind` is EMPTY.
#[repr(C)]
#[derive(Debug)]
pub struct Entry {
    /// The owner's type (or, for `MODULE`, the module itself).
    owner: usize,
    /// The type's `tp_version_tag` (or the module dict's version).
    version: u64,
    kind: u32,
    /// `SLOT`: the member's offset in the object; `METHOD`: the type's `tp_dictoffset`.
    offset: isize,
    /// `METHOD`: the descriptor; `CLASS_VALUE`, `MODULE`: the value (all borrowed, held by
    /// the type's or module's dict, which the version check proves unchanged).
    value: usize,
    /// `INSTANCE_DICT`: the entry index of the name in the last instance dict that had it,
    /// or -1.
    hint: isize,
    /// `INSTANCE_DICT`: how often the hint was wrong; past [`MAX_HINT_MISSES`] the site
    /// stops looking for one (its instance dicts differ in layout).
    hint_misses: u32,
    /// `INSTANCE_DICT`: the attribute name (borrowed from the code's `co_names`, which
    /// outlives its caches), compared by identity with the entry's key.
    name: usize,
    /// `INSTANCE_DICT`, for [`load_attr_hit`] and the machine code: the `dk_size` of the keys
    /// in which entry `hint` sits at byte `entry_offset` (see [`super::dict_keys`]); 0 when
    /// unknown. Always describes the current `hint`.
    dk_size: isize,
    entry_offset: isize,
    /// `METHOD`, `CLASS_VALUE`, `NONDATA_DESCR`: the owner type's shared instance-dict keys
    /// (its `ht_cached_keys`), found not to hold the name when they had
    /// `lacking_nentries` entries; 0 when not known. The entry holds a reference to them
    /// (released when it is dropped), so no other keys object can appear at this address.
    /// Keys only ever grow by appending, so while the type still shares them, an instance
    /// dict with these keys and as many entries cannot shadow the method: the machine
    /// code's hit needs nothing more.
    lacking_keys: usize,
    lacking_nentries: isize,
}

impl Drop for Entry {
    /// Gives back the reference [`Entry::remember_lacking_keys`] took. Entries are dropped
    /// (replaced, or freed with their code's caches) with the GIL held.
    fn drop(&mut self) {
        if self.lacking_keys != 0 {
            // SAFETY: `lacking_keys` holds the reference taken when it was set.
            unsafe { super::dict_keys::release_keys(self.lacking_keys as *mut u8) };
        }
    }
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            owner: 0,
            version: 0,
            kind: kind::EMPTY,
            offset: 0,
            value: 0,
            hint: -1,
            hint_misses: 0,
            name: 0,
            dk_size: 0,
            entry_offset: 0,
            lacking_keys: 0,
            lacking_nentries: 0,
        }
    }
}

/// Wrong hints after which a site stops trying them.
const MAX_HINT_MISSES: u32 = 64;

/// Instance dicts up to this many entries are searched for the name's index after a
/// hashed lookup found it (a bigger dict is too slow to search).
const MAX_HINT_SEARCH: isize = 32;

const T_OBJECT_EX: i32 = 16;

unsafe fn dict_version(dict: *mut PyObject) -> u64 {
    // SAFETY: `dict` is a live dict (caller); the offset is probed.
    unsafe { *dict.cast::<u8>().add(layout::DICT_MA_VERSION_TAG).cast::<u64>() }
}

/// The version of a module's dict; None for a module made by `ModuleType.__new__` alone
/// (no dict yet).
unsafe fn module_dict_version(module: *mut PyObject) -> Option<u64> {
    // SAFETY: `module` is an exact module (caller); its dict, when set, is a live dict.
    unsafe {
        let dict = PyModule_GetDict(module);
        (!dict.is_null()).then(|| dict_version(dict))
    }
}

/// Whether `ty` has a valid version tag equal to `version`.
unsafe fn type_version_is(ty: *mut PyTypeObject, version: u64) -> bool {
    // SAFETY: live type object (caller).
    unsafe { (*ty).tp_flags & (Py_TPFLAGS_VALID_VERSION_TAG as c_ulong) != 0 && (*ty).tp_version_tag as u64 == version }
}

/// The entry's kind if it is valid for this owner.
unsafe fn valid_for(cache: &Entry, owner: *mut PyObject) -> Option<u32> {
    // SAFETY: live object (caller).
    unsafe {
        match cache.kind {
            kind::EMPTY | kind::MEGAMORPHIC => None,
            kind::MODULE => (owner as usize == cache.owner
                && Py_TYPE(owner) == std::ptr::addr_of_mut!(PyModule_Type)
                && module_dict_version(owner) == Some(cache.version))
            .then_some(kind::MODULE),
            k => {
                let ty = Py_TYPE(owner);
                (ty as usize == cache.owner && type_version_is(ty, cache.version)).then_some(k)
            }
        }
    }
}

/// The instance dict of `owner`, or NULL.
#[inline]
unsafe fn instance_dict(owner: *mut PyObject) -> *mut PyObject {
    // SAFETY: live object (caller); a positive `tp_dictoffset` is the dict slot's offset.
    unsafe {
        let offset = (*Py_TYPE(owner)).tp_dictoffset;
        if offset > 0 {
            return *owner.cast::<u8>().offset(offset).cast::<*mut PyObject>();
        }
        let dictptr = _PyObject_GetDictPtr(owner);
        if dictptr.is_null() {
            std::ptr::null_mut()
        } else {
            *dictptr
        }
    }
}

/// `dict[name]` (borrowed) or NULL; -1 on an error raised by the lookup.
#[inline]
unsafe fn dict_lookup(dict: *mut PyObject, name: *mut PyObject) -> Result<*mut PyObject, ()> {
    // SAFETY: live dict and exact str (caller); a str caches its hash (-1 until computed).
    unsafe {
        let cached = *name.cast::<u8>().add(layout::ASCII_OBJECT_HASH).cast::<Py_hash_t>();
        let hash = if cached != -1 { cached } else { PyObject_Hash(name) };
        if hash == -1 {
            return Err(());
        }
        let found = _PyDict_GetItem_KnownHash(dict, name, hash);
        if found.is_null() && !PyErr_Occurred().is_null() {
            return Err(());
        }
        Ok(found)
    }
}

/// The `__slots__` member descriptor's offset when `descr` is a plain object slot.
unsafe fn plain_slot_offset(descr: *mut PyObject) -> Option<isize> {
    // SAFETY: live object (caller); a member descriptor's `d_member` is probed.
    unsafe {
        if Py_TYPE(descr) != std::ptr::addr_of_mut!(PyMemberDescr_Type) {
            return None;
        }
        let member = *descr.cast::<u8>().add(layout::MEMBER_DESCR_D_MEMBER).cast::<*const PyMemberDef>();
        ((*member).type_code == T_OBJECT_EX && (*member).flags == 0).then_some((*member).offset)
    }
}

/// The entry of `cache` valid for `owner`, with its kind.
unsafe fn lookup(cache: &mut AttrCache, owner: *mut PyObject) -> Option<(&mut Entry, u32)> {
    // Entry 0 first, on its own: it answers most lookups.
    // SAFETY: live object (caller).
    if let Some(k) = unsafe { valid_for(&cache.first, owner) } {
        return Some((&mut cache.first, k));
    }
    // SAFETY: live object (caller).
    cache.more.as_mut()?.iter_mut().find_map(|entry| unsafe { valid_for(entry, owner) }.map(|k| (entry, k)))
}

/// After a miss: refills an entry of `cache` (an empty one, else round robin) from how the
/// generic lookup finds `name` on `owner`, unless the site is megamorphic (then the first
/// entry says so and the others stay empty).
unsafe fn refill(cache: &mut AttrCache, owner: *mut PyObject, name: *mut PyObject, for_method: bool, for_store: bool) {
    if cache.first.kind == kind::MEGAMORPHIC {
        return;
    }
    cache.refills += 1;
    if cache.refills > MAX_REFILLS {
        cache.first = Entry::default();
        cache.more = None;
        cache.first.kind = kind::MEGAMORPHIC;
        return;
    }
    // The owner's own entry if it has one (its type changed), so that an owner never has
    // two; else an empty one; else round robin.
    // SAFETY: live owner (caller).
    let owner_type = unsafe { Py_TYPE(owner) };
    let owner_key = if owner_type == std::ptr::addr_of_mut!(PyModule_Type) { owner as usize } else { owner_type as usize };
    let own = (0..WAYS).find(|&i| matches!(cache.kind_and_owner(i), (k, o) if k != kind::EMPTY && o == owner_key));
    let victim = match own.or_else(|| (0..WAYS).find(|&i| cache.kind_and_owner(i).0 == kind::EMPTY)) {
        Some(index) => index,
        None => {
            cache.next_victim = (cache.next_victim + 1) % WAYS as u32;
            cache.next_victim as usize
        }
    };
    // SAFETY: forwarded from the caller.
    unsafe { fill(cache.entry_mut(victim), owner, name, for_method, for_store) }
}

/// Fills `cache` from how the generic lookup would find `name` on `owner` (`for_method`:
/// as `LOAD_METHOD` would). Leaves it empty when no short cut applies.
unsafe fn fill(cache: &mut Entry, owner: *mut PyObject, name: *mut PyObject, for_method: bool, for_store: bool) {
    *cache = Entry::default();
    // SAFETY: live objects, GIL held (caller). `_PyType_Lookup` runs no Python code.
    unsafe {
        if PyUnicode_CheckExact(name) == 0 {
            return;
        }
        let ty = Py_TYPE(owner);
        if ty == std::ptr::addr_of_mut!(PyModule_Type) && !for_store {
            if !_PyType_Lookup(ty, name).is_null() {
                return;
            }
            let dict = PyModule_GetDict(owner);
            if dict.is_null() {
                return;
            }
            let version = dict_version(dict);
            if let Ok(value) = dict_lookup(dict, name) {
                if !value.is_null() && dict_version(dict) == version {
                    *cache =
                        Entry { owner: owner as usize, version, kind: kind::MODULE, offset: 0, value: value as usize, ..Entry::default() };
                }
            }
            PyErr_Clear();
            return;
        }
        let generic = if for_store {
            (*ty).tp_setattro.map(|f| f as usize) == Some(PyObject_GenericSetAttr as *const () as usize)
        } else {
            (*ty).tp_getattro.map(|f| f as usize) == Some(PyObject_GenericGetAttr as *const () as usize)
        };
        if !generic {
            return;
        }
        let descr = _PyType_Lookup(ty, name);
        if (*ty).tp_flags & (Py_TPFLAGS_VALID_VERSION_TAG as c_ulong) == 0 {
            return;
        }
        let (k, offset, value) = if descr.is_null() {
            if (*ty).tp_dictoffset == 0 {
                return;
            }
            (kind::INSTANCE_DICT, (*ty).tp_dictoffset, 0)
        } else if let Some(offset) = plain_slot_offset(descr) {
            (kind::SLOT, offset, 0)
        } else if for_method && is_method_descriptor(descr) {
            (kind::METHOD, (*ty).tp_dictoffset, descr as usize)
        } else if !for_method && !for_store && (*Py_TYPE(descr)).tp_descr_get.is_none() {
            (kind::CLASS_VALUE, (*ty).tp_dictoffset, descr as usize)
        } else if !for_method && !for_store && (*Py_TYPE(descr)).tp_descr_set.is_some() {
            (kind::DATA_DESCR, 0, descr as usize)
        } else if !for_method && !for_store {
            (kind::NONDATA_DESCR, (*ty).tp_dictoffset, descr as usize)
        } else {
            return;
        };
        let version = (*ty).tp_version_tag as u64;
        *cache = Entry { owner: ty as usize, version, kind: k, offset, value, name: name as usize, ..Entry::default() };
    }
}

/// `dict[name]` (borrowed) or NULL, trying the entry at `cache.hint` first. `PyDict_Next`
/// from position `hint` returns that entry only when it is occupied (it skips empty ones, so
/// the position it moves to tells), and keys are compared by identity, so a hit is exactly
/// the entry a hashed lookup would find. On a wrong hint the hashed lookup runs, and the
/// name's new index is searched for in small dicts.
unsafe fn hinted_lookup(cache: &mut Entry, dict: *mut PyObject, name: *mut PyObject) -> Result<*mut PyObject, ()> {
    // SAFETY: live dict and exact str (caller).
    unsafe {
        if let Some(value) = value_at_hint(cache, dict, name) {
            cache.remember_entry(dict);
            return Ok(value);
        }
        let found = dict_lookup(dict, name)?;
        if !found.is_null() {
            cache.relearn_hint(dict, name);
            cache.remember_entry(dict);
        }
        Ok(found)
    }
}

/// The value of entry `cache.hint` of `dict` when that entry holds the key `name`
/// (identity) with a value.
unsafe fn value_at_hint(cache: &Entry, dict: *mut PyObject, name: *mut PyObject) -> Option<*mut PyObject> {
    let hint = cache.hint;
    let (mut pos, mut key, mut value) = (hint, std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: live dict (caller); PyDict_Next runs no Python code.
    let found = hint >= 0 && unsafe { PyDict_Next(dict, &mut pos, &mut key, &mut value) } != 0 && pos == hint + 1 && key == name;
    found.then_some(value)
}

/// The entry index of the key `name` (by identity) in a small `dict`, or -1.
unsafe fn entry_index(dict: *mut PyObject, name: *mut PyObject) -> isize {
    // SAFETY: live dict (caller); PyDict_Next runs no Python code.
    unsafe {
        if PyDict_Size(dict) > MAX_HINT_SEARCH {
            return -1;
        }
        let (mut pos, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        while PyDict_Next(dict, &mut pos, &mut key, &mut value) != 0 {
            if key == name {
                return pos - 1;
            }
        }
        -1
    }
}

/// The machine code's first try for `LOAD_ATTR`: the attribute of `owner` as an entry of
/// `cache` says, without side effects — a new reference, or NULL (nothing set) when no
/// entry applies or the short cut cannot answer (then [`load_attr_cached`] runs). Kept
/// out of line so that every `LOAD_ATTR` site shares one copy of this code.
///
/// # Safety
/// GIL held; `owner` live; `cache` is the instruction's cache.
pub unsafe extern "C" fn load_attr_hit(owner: *mut PyObject, cache: *mut AttrCache) -> *mut PyObject {
    // SAFETY: live object and cache (caller); entries are read only after their guards.
    unsafe {
        let ty = Py_TYPE(owner);
        let found = if let Some(entry) = (*cache).entry_of(ty as usize) {
            if !type_version_is(ty, entry.version) {
                return std::ptr::null_mut();
            }
            match entry.kind {
                kind::SLOT => *owner.cast::<u8>().offset(entry.offset).cast::<*mut PyObject>(),
                kind::INSTANCE_DICT => instance_dict_entry(owner, entry),
                kind::CLASS_VALUE => entry.unshadowed_value(owner),
                _ => return std::ptr::null_mut(),
            }
        } else if let Some(entry) = (*cache).entry_of(owner as usize) {
            if entry.kind != kind::MODULE
                || ty != std::ptr::addr_of_mut!(PyModule_Type)
                || module_dict_version(owner) != Some(entry.version)
            {
                return std::ptr::null_mut();
            }
            entry.value as *mut PyObject
        } else {
            return std::ptr::null_mut();
        };
        if !found.is_null() {
            Py_INCREF(found);
        }
        found
    }
}

/// The machine code's first try for `LOAD_METHOD`: the cached method descriptor (borrowed)
/// when an entry of `cache` is a `METHOD` entry for `obj`'s type and `obj`'s instance dict
/// cannot shadow it — there is none, or it is a split dict (string keys only, so the lookup
/// runs no code) without the name. NULL otherwise, nothing changed. Out of line so that
/// every `LOAD_METHOD` site shares one copy of this code.
///
/// # Safety
/// GIL held; `obj` live; `cache` is the instruction's cache.
pub unsafe extern "C" fn load_method_hit(obj: *mut PyObject, cache: *mut AttrCache) -> *mut PyObject {
    // SAFETY: live object and cache (caller); the dict is read only after its type's guard.
    unsafe {
        let ty = Py_TYPE(obj);
        let Some(entry) = (*cache).entry_of(ty as usize) else {
            return std::ptr::null_mut();
        };
        if entry.kind != kind::METHOD || !type_version_is(ty, entry.version) || entry.offset < 0 {
            return std::ptr::null_mut();
        }
        entry.unshadowed_value(obj)
    }
}

impl Entry {
    /// `METHOD`, `CLASS_VALUE`, `NONDATA_DESCR`: `dict` (an instance dict of `ty`, the
    /// entry's owner) has the keys this entry
    /// remembers as lacking the name, still shared by the type and not grown since (what
    /// the machine code's inline hit checks).
    #[inline]
    unsafe fn keys_known_lacking(&self, ty: *mut PyTypeObject, dict: *mut PyObject) -> bool {
        use super::dict_keys::{keys_field, keys_of, DK_NENTRIES};
        // SAFETY: live type and dict (caller); `lacking_keys` is only set for a heap type
        // (this entry's owner, which the caller checked `ty` is), which has the field.
        unsafe {
            let keys = keys_of(dict);
            self.lacking_keys != 0
                && keys as usize == self.lacking_keys
                && *ty.cast::<u8>().add(layout::HEAPTYPE_HT_CACHED_KEYS).cast::<*mut u8>() == keys
                && keys_field(keys, DK_NENTRIES) == self.lacking_nentries
        }
    }

    /// `METHOD`, `CLASS_VALUE`, `NONDATA_DESCR`, after `dict` (an instance dict of `ty`, the
    /// entry's owner) was found not to
    /// shadow the name: remembers its keys when they are the type's shared keys and do not
    /// hold the name at all (see `lacking_keys`).
    unsafe fn remember_lacking_keys(&mut self, ty: *mut PyTypeObject, dict: *mut PyObject) {
        use super::dict_keys::{keys_field, keys_of, DK_NENTRIES};
        // SAFETY: live type and exact dict (caller); a heap type's object is a
        // PyHeapTypeObject, whose `ht_cached_keys` (probed offset) is its shared keys or NULL.
        unsafe {
            if (*ty).tp_flags & (layout::TPFLAGS_HEAPTYPE as c_ulong) == 0 || PyDict_CheckExact(dict) == 0 {
                return;
            }
            let keys = keys_of(dict);
            let shared = *ty.cast::<u8>().add(layout::HEAPTYPE_HT_CACHED_KEYS).cast::<*mut u8>();
            if keys != shared || keys.is_null() {
                return;
            }
            let name = self.name as *mut PyObject;
            let hash = *name.cast::<u8>().add(layout::ASCII_OBJECT_HASH).cast::<Py_hash_t>();
            if hash != -1 && super::dict_keys::keys_lack(keys, name, hash) && super::dict_keys::retain_keys(keys) {
                if self.lacking_keys != 0 {
                    super::dict_keys::release_keys(self.lacking_keys as *mut u8);
                }
                self.lacking_keys = keys as usize;
                self.lacking_nentries = keys_field(keys, DK_NENTRIES);
            }
        }
    }

    /// `METHOD` and `CLASS_VALUE`: the type's object for the name (borrowed; the type's
    /// version guard keeps its dict, which holds it, unchanged) when `obj`'s instance dict
    /// does not shadow it — there is none, or it lacks the name without running code — else
    /// NULL. A `CLASS_VALUE` whose type grew a `__get__` (a `__class__` assignment on the
    /// value) is NULL too.
    #[inline]
    unsafe fn unshadowed_value(&mut self, obj: *mut PyObject) -> *mut PyObject {
        // SAFETY: live object whose type the caller checked (a positive `tp_dictoffset` is
        // its dict slot; negative ones take the generic path).
        unsafe {
            if self.offset < 0 {
                return std::ptr::null_mut();
            }
            if self.offset > 0 {
                let dict = *obj.cast::<u8>().offset(self.offset).cast::<*mut PyObject>();
                if !dict.is_null() && !self.keys_known_lacking(Py_TYPE(obj), dict) {
                    if !instance_dict_lacks(dict, self.name as *mut PyObject) {
                        return std::ptr::null_mut();
                    }
                    self.remember_lacking_keys(Py_TYPE(obj), dict);
                }
            }
            let value = self.value as *mut PyObject;
            if self.kind == kind::CLASS_VALUE && (*Py_TYPE(value)).tp_descr_get.is_some() {
                return std::ptr::null_mut();
            }
            value
        }
    }
}

/// Whether the exact `dict` lacks `name`, decided without running code: a split dict (string
/// keys only) by its probe or, failing that, a lookup; a combined dict by its probe alone
/// (a lookup there may call a key's `__eq__`, which the generic path would call again).
/// False when that cannot be told.
unsafe fn instance_dict_lacks(dict: *mut PyObject, name: *mut PyObject) -> bool {
    use super::dict_keys;
    // SAFETY: live dict and str (caller); a split dict's lookup compares str keys only.
    unsafe {
        if PyDict_CheckExact(dict) == 0 {
            return false;
        }
        let hash = *name.cast::<u8>().add(layout::ASCII_OBJECT_HASH).cast::<Py_hash_t>();
        if hash == -1 {
            return false;
        }
        match dict_keys::dict_lacks(dict, name, hash) {
            Some(lacks) => lacks,
            None if dict_keys::values_of(dict).is_null() => false,
            None => _PyDict_GetItem_KnownHash(dict, name, hash).is_null() && PyErr_Occurred().is_null(),
        }
    }
}

/// The value at the entry the cache remembers (`hint`, at `entry_offset` in keys of
/// `dk_size`) of `owner`'s instance dict when that entry holds the name, else NULL. Reads
/// the dict keys through their verified layout ([`super::dict_keys`]); a split dict's value
/// is in `ma_values`.
#[inline]
unsafe fn instance_dict_entry(owner: *mut PyObject, entry: &Entry) -> *mut PyObject {
    use super::dict_keys;
    // SAFETY: live object whose type the caller checked (a positive `tp_dictoffset` is its
    // dict slot); `dk_size` is non-zero only after the layout was verified, and a keys
    // object of that size has entry `hint` (< dk_nentries) at `entry_offset`.
    unsafe {
        if entry.offset <= 0 || entry.dk_size == 0 {
            return std::ptr::null_mut();
        }
        let dict = *owner.cast::<u8>().offset(entry.offset).cast::<*mut PyObject>();
        if dict.is_null() || PyDict_CheckExact(dict) == 0 {
            return std::ptr::null_mut();
        }
        let keys = dict_keys::keys_of(dict);
        if dict_keys::keys_field(keys, dict_keys::DK_SIZE) != entry.dk_size
            || entry.hint >= dict_keys::keys_field(keys, dict_keys::DK_NENTRIES)
        {
            return std::ptr::null_mut();
        }
        let slot = keys.offset(entry.entry_offset);
        if *slot.add(dict_keys::ME_KEY).cast::<usize>() != entry.name {
            return std::ptr::null_mut();
        }
        let values = dict_keys::values_of(dict);
        if values.is_null() {
            *slot.add(dict_keys::ME_VALUE).cast::<*mut PyObject>()
        } else {
            *values.offset(entry.hint)
        }
    }
}

/// The `tp_descr_get` of `descr`'s type, and whether it has a `tp_descr_set` (a data
/// descriptor).
unsafe fn descriptor_getter(descr: *mut PyObject) -> (Option<descrgetfunc>, bool) {
    // SAFETY: live object (caller).
    unsafe {
        let ty = Py_TYPE(descr);
        ((*ty).tp_descr_get, (*ty).tp_descr_set.is_some())
    }
}

/// `get(descr, owner, type(owner))` (the descriptor's `__get__`) for the owner at `sp[-1]`, which the result (or
/// NULL, with the exception set) replaces: what the generic lookup does with a descriptor it
/// found on the type. The descriptor is borrowed from the type's dict; it is held across
/// the call, which may change the type.
unsafe fn call_descriptor(descr: *mut PyObject, get: descrgetfunc, sp: *mut *mut PyObject) -> i32 {
    // SAFETY: live descriptor and owner (caller); the owner's slot is owned.
    unsafe {
        let owner = *sp.sub(1);
        Py_INCREF(descr);
        let result = get(descr, owner, Py_TYPE(owner).cast());
        Py_DECREF(descr);
        Py_DECREF(owner);
        *sp.sub(1) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `LOAD_ATTR namei` through `cache` (see the module doc); as [`load_attr`] otherwise.
///
/// # Safety
/// As [`load_attr`]; `cache` is this instruction's cache.
pub unsafe extern "C" fn load_attr_cached(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32, cache: *mut AttrCache) -> i32 {
    // SAFETY: as the contract; the cache is only touched with the GIL held.
    unsafe {
        let owner = *sp.sub(1);
        let cache = &mut *cache;
        let found = match lookup(cache, owner) {
            Some((entry, kind::SLOT)) => *owner.cast::<u8>().offset(entry.offset).cast::<*mut PyObject>(),
            Some((entry, kind::MODULE)) => entry.value as *mut PyObject,
            Some((entry, kind::INSTANCE_DICT)) => {
                let dict = instance_dict(owner);
                if dict.is_null() {
                    std::ptr::null_mut()
                } else {
                    match hinted_lookup(entry, dict, name(frame, namei)) {
                        Ok(v) => v,
                        Err(()) => {
                            Py_DECREF(owner);
                            *sp.sub(1) = std::ptr::null_mut();
                            return -1;
                        }
                    }
                }
            }
            // The descriptor's own type may have changed since (a heap type losing or gaining
            // `__set__`): only the profile the entry was made for is handled here.
            Some((entry, kind::DATA_DESCR)) => match descriptor_getter(entry.value as *mut PyObject) {
                (Some(get), true) => return call_descriptor(entry.value as *mut PyObject, get, sp),
                _ => std::ptr::null_mut(),
            },
            Some((entry, kind::NONDATA_DESCR)) => match descriptor_getter(entry.value as *mut PyObject) {
                (Some(get), false) if !entry.unshadowed_value(owner).is_null() => {
                    return call_descriptor(entry.value as *mut PyObject, get, sp);
                }
                _ => std::ptr::null_mut(),
            },
            Some(_) => std::ptr::null_mut(),
            None => {
                refill(cache, owner, name(frame, namei), false, false);
                std::ptr::null_mut()
            }
        };
        if found.is_null() {
            super::cache_counts::miss(super::cache_counts::LOAD_ATTR);
            return load_attr(frame, sp, namei);
        }
        Py_INCREF(found);
        Py_DECREF(owner);
        *sp.sub(1) = found;
        0
    }
}

/// `LOAD_METHOD namei` through `cache`; as [`load_method`] otherwise.
///
/// # Safety
/// As [`load_method`]; `cache` is this instruction's cache.
pub unsafe extern "C" fn load_method_cached(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32, cache: *mut AttrCache) -> i32 {
    // SAFETY: as the contract; the cache is only touched with the GIL held.
    unsafe {
        let obj = *sp.sub(1);
        let cache = &mut *cache;
        match lookup(cache, obj) {
            Some((entry, kind::METHOD)) => {
                let dict = instance_dict(obj);
                let shadowed = if dict.is_null() {
                    false
                } else {
                    match dict_lookup(dict, name(frame, namei)) {
                        Ok(v) => !v.is_null(),
                        Err(()) => return -1,
                    }
                };
                if !shadowed {
                    let method = entry.value as *mut PyObject;
                    Py_INCREF(method);
                    *sp.sub(1) = method;
                    *sp = obj;
                    return 0;
                }
            }
            Some((entry, kind::MODULE)) => {
                let value = entry.value as *mut PyObject;
                Py_INCREF(value);
                Py_DECREF(obj);
                *sp.sub(1) = std::ptr::null_mut();
                *sp = value;
                return 0;
            }
            Some(_) => {}
            None => refill(cache, obj, name(frame, namei), true, false),
        }
        super::cache_counts::miss(super::cache_counts::LOAD_METHOD);
        load_method(frame, sp, namei)
    }
}

/// `STORE_ATTR namei` through `cache`; as [`store_attr`] otherwise.
///
/// # Safety
/// As [`store_attr`]; `cache` is this instruction's cache.
pub unsafe extern "C" fn store_attr_cached(frame: *mut PyFrameObject, sp: *mut *mut PyObject, namei: u32, cache: *mut AttrCache) -> i32 {
    // SAFETY: as the contract; the cache is only touched with the GIL held.
    unsafe {
        let owner = *sp.sub(1);
        let value = *sp.sub(2);
        let cache = &mut *cache;
        match lookup(cache, owner) {
            Some((entry, kind::SLOT)) => {
                let slot = owner.cast::<u8>().offset(entry.offset).cast::<*mut PyObject>();
                let old = *slot;
                *slot = value;
                Py_XDECREF(old);
                Py_DECREF(owner);
                return 0;
            }
            Some((entry, kind::INSTANCE_DICT)) => {
                let name = name(frame, namei);
                let mut dict = instance_dict(owner);
                if dict.is_null() && entry.offset > 0 && make_instance_dict(owner) {
                    dict = instance_dict(owner);
                }
                let stored_in_place = match entry.split_value(owner) {
                    Some(current) if current.is_null() => super::dict_keys::insert_pending_split_value(dict, entry.hint, value),
                    Some(_) => super::dict_keys::replace_split_value(dict, entry.hint, value),
                    None => false,
                };
                if stored_in_place {
                    Py_DECREF(owner);
                    return 0;
                }
                if !dict.is_null() && PyDict_CheckExact(dict) != 0 {
                    // The entry the machine code's loads read (when remembered), else the
                    // hint's entry through PyDict_Next.
                    if !instance_dict_entry(owner, entry).is_null() || value_at_hint(entry, dict, name).is_some() {
                        if entry.dk_size == 0 {
                            entry.remember_entry(dict);
                        }
                        if super::dict_keys::replace_split_value(dict, entry.hint, value)
                            || super::dict_keys::replace_combined_value(dict, entry.hint, name, value)
                        {
                            Py_DECREF(owner);
                            return 0;
                        }
                        // The name is already in the dict, so `_PyObjectDict_SetItem` would
                        // do just this (no resize, so no change to the shared keys).
                        let err = PyDict_SetItem(dict, name, value);
                        Py_DECREF(value);
                        Py_DECREF(owner);
                        return if err == 0 { 0 } else { -1 };
                    }
                }
                let dictptr = _PyObject_GetDictPtr(owner);
                if !dictptr.is_null() {
                    let err = set_in_instance_dict(owner, dictptr, name, value);
                    Py_DECREF(value);
                    if err == 0 {
                        entry.learn_after_store(owner, name);
                    }
                    Py_DECREF(owner);
                    return if err == 0 { 0 } else { -1 };
                }
            }
            Some(_) => {}
            None => refill(cache, owner, name(frame, namei), false, true),
        }
        super::cache_counts::miss(super::cache_counts::STORE_ATTR);
        store_attr(frame, sp, namei)
    }
}

/// Stores `obj.name = value` into the instance dict at `dictptr` (the cache proved the type
/// has no data descriptor for `name`): `_PyObjectDict_SetItem` on 3.7/3.8 (shared-key dicts
/// included); 3.9 stopped exporting it, so there the generic setattr does the same store
/// (its type lookup finds no data descriptor and it calls the same function internally).
unsafe fn set_in_instance_dict(obj: *mut PyObject, dictptr: *mut *mut PyObject, name: *mut PyObject, value: *mut PyObject) -> i32 {
    #[cfg(any(py37, py38))]
    // SAFETY: live object, its dict pointer and a str name; GIL held (caller).
    unsafe {
        _PyObjectDict_SetItem(Py_TYPE(obj), dictptr, name, value)
    }
    #[cfg(not(any(py37, py38)))]
    // SAFETY: live object and str name; GIL held (caller).
    unsafe {
        let _ = dictptr;
        _PyObject_GenericSetAttrWithDict(obj, name, value, std::ptr::null_mut())
    }
}

/// Gives a new instance its dict the way CPython's first attribute store does
/// (`PyObject_GenericGetDict`: one that shares its type's keys when the type has them),
/// so that the store can fill it in place. False (no exception set) when that failed; the
/// generic store then tries again and raises.
unsafe fn make_instance_dict(owner: *mut PyObject) -> bool {
    // SAFETY: live object with a dict slot (caller); GIL held.
    unsafe {
        let dict = PyObject_GenericGetDict(owner, std::ptr::null_mut());
        if dict.is_null() {
            PyErr_Clear();
            return false;
        }
        Py_DECREF(dict);
        true
    }
}

/// Whether `_PyObject_GetMethod` returns `descr` unbound (a method call without a bound
/// method object): its type has `Py_TPFLAGS_METHOD_DESCRIPTOR` (3.8+).
#[cfg(not(py37))]
unsafe fn is_method_descriptor(descr: *mut PyObject) -> bool {
    // SAFETY: live object (caller).
    unsafe { (*Py_TYPE(descr)).tp_flags & (Py_TPFLAGS_METHOD_DESCRIPTOR as c_ulong) != 0 }
}

/// Whether `_PyObject_GetMethod` returns `descr` unbound: 3.7 has no type flag for it and
/// tests for a Python function or a method descriptor (`PyMethodDescr_Type`) exactly.
#[cfg(py37)]
unsafe fn is_method_descriptor(descr: *mut PyObject) -> bool {
    // SAFETY: live object (caller); the two types are static objects of libpython.
    unsafe {
        let ty = Py_TYPE(descr);
        ty == std::ptr::addr_of_mut!(PyFunction_Type) || ty == std::ptr::addr_of_mut!(PyMethodDescr_Type)
    }
}
