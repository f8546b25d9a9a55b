//! Where a dict entry lives, for the attribute caches' inline instance-dict reads.
//!
//! `PyDictKeysObject` is private to CPython (`Objects/dict-common.h`, not installed), so
//! the C probe cannot see it. 3.7–3.10 all declare it as `{dk_refcnt, dk_size, dk_lookup,
//! dk_usable, dk_nentries, dk_indices[]}`, the indices (1, 2, 4 or 8 bytes each, by
//! `dk_size`) followed by the entries `{me_hash, me_key, me_value}`. [`verify`] checks that
//! layout against live dicts — small and large combined dicts and a class instance's
//! split dict — before anything relies on it, index table included (every key is reached by
//! the probe sequence `lookdict` follows); until it has passed, [`entry_offset`] and
//! [`dict_lacks`] answer `None` and the caches read entries only
//! through `PyDict_Next` and `PyDict_GetItem`.

use crate::cpython::layout;
use pyo3_ffi::*;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Byte offsets inside a keys object and its entries.
const DK_REFCNT: usize = 0;
pub const DK_SIZE: usize = 8;
pub const DK_NENTRIES: usize = 32;
const DK_INDICES: usize = 40;
const ENTRY_SIZE: usize = 24;
const ME_HASH: usize = 0;
pub const ME_KEY: usize = 8;
pub const ME_VALUE: usize = 16;

static VERIFIED: AtomicBool = AtomicBool::new(false);
/// Whether [`verify`] has run (it runs once, before the first compile).
static CHECKED: AtomicBool = AtomicBool::new(false);

/// Whether [`verify`] has passed.
pub fn is_verified() -> bool {
    VERIFIED.load(Relaxed)
}

/// Whether the split keys' reference count (`dk_refcnt`) counted as [`verify`] checked it.
static REFCNT_VERIFIED: AtomicBool = AtomicBool::new(false);

/// Takes a reference to a keys object (`dictkeys_incref`), so that it stays alive, at the
/// same address, until [`release_keys`]. False, with nothing done, when the reference
/// count's place was not verified.
///
/// # Safety
/// Live keys object, GIL held.
pub unsafe fn retain_keys(keys: *mut u8) -> bool {
    if !REFCNT_VERIFIED.load(Relaxed) {
        return false;
    }
    // SAFETY: as the contract; `dk_refcnt` sits at the verified offset.
    unsafe { *keys.add(DK_REFCNT).cast::<isize>() += 1 };
    true
}

/// Drops a reference taken by [`retain_keys`] (`dictkeys_decref`): the last one frees the
/// keys as `free_keys_object` does, releasing each entry's key and value (a split table's
/// values are NULL) and the memory (`PyObject_Free`; CPython's free list of small keys is
/// only a cache of such blocks).
///
/// # Safety
/// `keys` was retained and not yet released; GIL held.
pub unsafe fn release_keys(keys: *mut u8) {
    // SAFETY: as the contract: we hold a reference, so the keys are alive; the entries
    // below `dk_nentries` hold owned keys and values or NULL.
    unsafe {
        let refcnt = keys.add(DK_REFCNT).cast::<isize>();
        *refcnt -= 1;
        if *refcnt != 0 {
            return;
        }
        let dk_size = keys_field(keys, DK_SIZE);
        for index in 0..keys_field(keys, DK_NENTRIES) {
            let entry = keys.add(entry_offset_for(dk_size, index));
            Py_XDECREF(*entry.add(ME_KEY).cast::<*mut PyObject>());
            Py_XDECREF(*entry.add(ME_VALUE).cast::<*mut PyObject>());
        }
        PyObject_Free(keys.cast());
    }
}

/// `dict->ma_keys`.
///
/// # Safety
/// `dict` is a live dict.
pub unsafe fn keys_of(dict: *mut PyObject) -> *mut u8 {
    // SAFETY: live dict (caller); the offset is probed.
    unsafe { *dict.cast::<u8>().add(layout::DICT_MA_KEYS).cast::<*mut u8>() }
}

/// `dict->ma_values` (NULL for a combined dict).
///
/// # Safety
/// `dict` is a live dict.
pub unsafe fn values_of(dict: *mut PyObject) -> *mut *mut PyObject {
    // SAFETY: live dict (caller); the offset is probed.
    unsafe { *dict.cast::<u8>().add(layout::DICT_MA_VALUES).cast::<*mut *mut PyObject>() }
}

/// Reads the `isize` at `offset` ([`DK_SIZE`], [`DK_NENTRIES`]) in a keys object.
///
/// # Safety
/// `keys` is a live dict-keys object; `offset` one of its header fields.
pub unsafe fn keys_field(keys: *mut u8, offset: usize) -> isize {
    // SAFETY: live keys object (caller), offset inside its header.
    unsafe { *keys.add(offset).cast::<isize>() }
}

/// `DK_ENTRIES(keys) + index` as a byte offset from `keys`, given its `dk_size`.
fn entry_offset_for(dk_size: isize, index: isize) -> usize {
    let width = match dk_size {
        ..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    };
    DK_INDICES + dk_size as usize * width + index as usize * ENTRY_SIZE
}

/// `dk_indices[slot]` of keys of `dk_size` (-1 is an empty slot, -2 a deleted one).
unsafe fn index_at(keys: *mut u8, dk_size: isize, slot: usize) -> isize {
    // SAFETY: live keys object of `dk_size` (caller), `slot < dk_size`.
    unsafe {
        let indices = keys.add(DK_INDICES);
        match dk_size {
            ..=0xff => *indices.cast::<i8>().add(slot) as isize,
            0x100..=0xffff => *indices.cast::<i16>().add(slot) as isize,
            0x1_0000..=0xffff_ffff => *indices.cast::<i32>().add(slot) as isize,
            _ => *indices.cast::<i64>().add(slot) as isize,
        }
    }
}

/// Whether the open-addressing probe for `hash` (`i = hash & mask`, then
/// `i = (5 i + perturb + 1) & mask` with `perturb >>= 5`, as in every version's `lookdict`)
/// reaches entry `index` before an empty slot: the check [`verify`] runs on the index table.
unsafe fn probe_reaches(keys: *mut u8, hash: Py_hash_t, index: isize) -> bool {
    // SAFETY: live keys object (caller).
    unsafe {
        let dk_size = keys_field(keys, DK_SIZE);
        let mask = dk_size as usize - 1;
        let mut perturb = hash as usize;
        let mut slot = hash as usize & mask;
        for _ in 0..dk_size {
            match index_at(keys, dk_size, slot) {
                found if found == index => return true,
                -1 => return false,
                _ => {}
            }
            perturb >>= 5;
            slot = (slot * 5 + perturb + 1) & mask;
        }
        false
    }
}

/// Whether `dict` holds no value for `name` (an exact str whose `hash` is known), found by
/// following `lookdict`'s probe sequence and comparing keys by identity: an empty slot ends
/// it (the name is not a key), the name's own entry settles it (a split dict's value slot
/// tells; a combined dict keeps a key only with its value, deletion clears both). `None`
/// when only a full lookup can decide: a key with the same hash that is another object (it
/// may compare equal, and in a combined dict its `__eq__` may run code), or the layout is
/// not verified.
///
/// # Safety
/// Live dict, GIL held.
#[inline]
pub unsafe fn dict_lacks(dict: *mut PyObject, name: *mut PyObject, hash: Py_hash_t) -> Option<bool> {
    // SAFETY: a live dict's keys object (caller); a split dict's keys have `dk_nentries`
    // entries whose values are in `ma_values`, and a found index is one of them.
    unsafe {
        match probe(keys_of(dict), name, hash) {
            Probe::Absent => Some(true),
            Probe::Found(index) => {
                let values = values_of(dict);
                Some(!values.is_null() && (*values.add(index as usize)).is_null())
            }
            Probe::Undecided => None,
        }
    }
}

/// What `lookdict`'s probe sequence for `name` finds in `keys`, keys compared by identity.
enum Probe {
    /// An empty slot ends the sequence: the name is not a key.
    Absent,
    /// The name's entry.
    Found(isize),
    /// A key with the same hash that is another object (it may compare equal), a full
    /// table, or the layout is not verified: only a real lookup can tell.
    Undecided,
}

/// # Safety
/// Live keys object, GIL held; `hash` is the hash of `name`, an exact str. Keys of other
/// types are only compared by identity and hash, as `lookdict` does before calling `__eq__`.
unsafe fn probe(keys: *mut u8, name: *mut PyObject, hash: Py_hash_t) -> Probe {
    if !VERIFIED.load(Relaxed) {
        return Probe::Undecided;
    }
    // SAFETY: the layout is verified; the index table holds indices below `dk_nentries`
    // or -1/-2 for empty and deleted slots.
    unsafe {
        let dk_size = keys_field(keys, DK_SIZE);
        let mask = dk_size as usize - 1;
        let mut perturb = hash as usize;
        let mut slot = hash as usize & mask;
        for _ in 0..dk_size {
            let index = index_at(keys, dk_size, slot);
            if index == -1 {
                return Probe::Absent;
            }
            if index >= 0 {
                let entry = keys.add(entry_offset_for(dk_size, index));
                if *entry.add(ME_KEY).cast::<*mut PyObject>() == name {
                    return Probe::Found(index);
                }
                if *entry.add(ME_HASH).cast::<Py_hash_t>() == hash {
                    return Probe::Undecided;
                }
            }
            perturb >>= 5;
            slot = (slot * 5 + perturb + 1) & mask;
        }
        Probe::Undecided
    }
}

/// The next version tag for a dict this crate modifies in place. PEP 509 asks that a
/// dict's `ma_version_tag` change on every modification and never take a value it had
/// before; CPython's own counter is private to `dictobject.c`. Ours counts up from 2**63, a
/// range CPython's counter (one step per dict creation or change) never reaches, so a
/// version from either counter is new for the dict it is given to. Users of the tag
/// (CPython's `LOAD_GLOBAL` cache, ours, Cython's) only compare it for equality.
pub fn next_private_version() -> u64 {
    // Callers hold the GIL, which orders the updates.
    let version = NEXT_PRIVATE_VERSION.load(Relaxed);
    NEXT_PRIVATE_VERSION.store(version + 1, Relaxed);
    version
}

/// The counter behind [`next_private_version`]; machine code that stores into a dict in
/// place takes its version from here the same way (load, store it in the dict, add one).
pub static NEXT_PRIVATE_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1 << 63);

/// Whether the garbage collector tracks `op` (a GC object), read from its GC header
/// (3.8+: `_gc_next` is non-zero exactly when tracked).
#[cfg(not(py37))]
unsafe fn is_gc_tracked(op: *mut PyObject) -> bool {
    // SAFETY: a GC object has its header right before it (caller); offsets probed.
    unsafe { *op.cast::<u8>().sub(layout::SIZEOF_GC_HEAD).add(layout::GC_HEAD_NEXT).cast::<usize>() != 0 }
}

/// Whether storing `value` into `dict` would have to start the dict's GC tracking
/// (`MAINTAIN_TRACKING`); on 3.7, any GC value counts (its header is not read there).
#[inline]
unsafe fn store_needs_tracking(dict: *mut PyObject, value: *mut PyObject) -> bool {
    // SAFETY: live objects (caller).
    unsafe {
        if PyType_IS_GC(Py_TYPE(value)) == 0 {
            return false;
        }
        #[cfg(py37)]
        {
            let _ = dict;
            true
        }
        #[cfg(not(py37))]
        {
            !is_gc_tracked(dict)
        }
    }
}

/// Sets the value of entry `index` of the split `dict`, which has none yet, to `value`
/// (whose reference it takes) the way `insertdict` does for a shared key in insertion order
/// (`ma_used == index`, the "pending" slot): value stored, `ma_used` + 1, new version tag.
/// `false`, with nothing done, when that is not the case (out of order, a store that would
/// convert the dict to a combined one) or when GC tracking would have to start.
///
/// # Safety
/// Live exact dict, GIL held; when `ma_values` is not NULL, `index < dk_nentries`.
pub unsafe fn insert_pending_split_value(dict: *mut PyObject, index: isize, value: *mut PyObject) -> bool {
    // SAFETY: as the contract; `ma_used` and the version tag at probed offsets.
    unsafe {
        let values = values_of(dict);
        let used = dict.cast::<u8>().add(layout::DICT_MA_USED).cast::<isize>();
        if values.is_null() || index < 0 || *used != index || !(*values.add(index as usize)).is_null() {
            return false;
        }
        if store_needs_tracking(dict, value) {
            return false;
        }
        *values.add(index as usize) = value;
        *used += 1;
        *dict.cast::<u8>().add(layout::DICT_MA_VERSION_TAG).cast::<u64>() = next_private_version();
        true
    }
}

/// Replaces the value of entry `index` of the split `dict` by `value` (whose reference it
/// takes) the way `insertdict` does for a key that is there with a value: new value, new
/// version tag, old value released last (its finalizer may run code). `false`, with nothing
/// done, when that is not the case or when storing `value` would have to start GC tracking
/// of the dict (`MAINTAIN_TRACKING`; 3.7: for any GC value, whose header this does not read).
///
/// # Safety
/// Live exact dict, GIL held; when `ma_values` is not NULL, `index < dk_nentries`.
pub unsafe fn replace_split_value(dict: *mut PyObject, index: isize, value: *mut PyObject) -> bool {
    // SAFETY: as the contract: `index` is one of the split dict's entries.
    unsafe {
        let values = values_of(dict);
        if values.is_null() || index < 0 {
            return false;
        }
        replace_in_slot(dict, values.add(index as usize), value)
    }
}

/// The store both replacements share, on the value slot `slot` of `dict`: when it holds a
/// value and `value` needs no GC tracking to start, `insertdict`'s order — new value, new
/// version tag, old value released last. `false`, with nothing done, otherwise.
///
/// # Safety
/// Live exact dict, GIL held; `slot` is one of its value slots.
unsafe fn replace_in_slot(dict: *mut PyObject, slot: *mut *mut PyObject, value: *mut PyObject) -> bool {
    // SAFETY: as the contract; the version tag's offset is probed.
    unsafe {
        let old = *slot;
        if old.is_null() || store_needs_tracking(dict, value) {
            return false;
        }
        *slot = value;
        *dict.cast::<u8>().add(layout::DICT_MA_VERSION_TAG).cast::<u64>() = next_private_version();
        Py_DECREF(old);
        true
    }
}

/// Replaces the value of entry `index` of the combined `dict` by `value` (whose reference
/// it takes) when that entry holds `name` with a value, as `insertdict` does for a key that
/// is there: new value, new version tag, old value released last (its finalizer may run
/// code). `false`, with nothing done, when that is not the case, when the layout is not
/// verified or when storing `value` would have to start GC tracking of the dict.
///
/// # Safety
/// Live exact dict, GIL held.
pub unsafe fn replace_combined_value(dict: *mut PyObject, index: isize, name: *mut PyObject, value: *mut PyObject) -> bool {
    // SAFETY: `entry_offset` checked `index < dk_nentries` of the verified layout; the
    // version tag's offset is probed.
    unsafe {
        if !values_of(dict).is_null() {
            return false;
        }
        let Some((_, offset)) = entry_offset(dict, index) else {
            return false;
        };
        let entry = keys_of(dict).add(offset);
        *entry.add(ME_KEY).cast::<*mut PyObject>() == name && replace_in_slot(dict, entry.add(ME_VALUE).cast(), value)
    }
}

/// Whether `keys` (a live keys object of string keys) certainly does not hold `name` as
/// a key: its probe sequence reaches an empty slot first. False when the layout is not
/// verified, when the name is there, or when a key of the same hash is another object.
///
/// # Safety
/// Live keys object, GIL held; `hash` is the name's hash.
pub unsafe fn keys_lack(keys: *mut u8, name: *mut PyObject, hash: Py_hash_t) -> bool {
    // SAFETY: forwarded from the caller.
    matches!(unsafe { probe(keys, name, hash) }, Probe::Absent)
}

/// `(dk_size, byte offset of entry index)` of `dict`'s keys, when the layout is verified
/// and `index` is one of its entries.
///
/// # Safety
/// Live dict, GIL held.
pub unsafe fn entry_offset(dict: *mut PyObject, index: isize) -> Option<(isize, usize)> {
    if !VERIFIED.load(Relaxed) || index < 0 {
        return None;
    }
    // SAFETY: live dict (caller); the header layout is verified.
    unsafe {
        let keys = keys_of(dict);
        let dk_size = keys_field(keys, DK_SIZE);
        (index < keys_field(keys, DK_NENTRIES)).then(|| (dk_size, entry_offset_for(dk_size, index)))
    }
}

/// Whether entry `index` of `dict` holds exactly `key` and `value` (as the declared layout
/// says, with the key's hash).
unsafe fn entry_is(dict: *mut PyObject, index: isize, key: *mut PyObject, value: *mut PyObject) -> bool {
    // SAFETY: live dict whose keys have more than `index` entries (checked by the caller
    // through dk_nentries being plausible first).
    unsafe {
        let keys = keys_of(dict);
        let entry = keys.add(entry_offset_for(keys_field(keys, DK_SIZE), index));
        let stored_value = match values_of(dict) {
            values if values.is_null() => *entry.add(ME_VALUE).cast::<*mut PyObject>(),
            values => *values.add(index as usize),
        };
        let hash = PyObject_Hash(key);
        *entry.add(ME_HASH).cast::<Py_hash_t>() == hash
            && *entry.add(ME_KEY).cast::<*mut PyObject>() == key
            && stored_value == value
            && probe_reaches(keys, hash, index)
    }
}

/// Checks that every entry of `dict` (visited by `PyDict_Next`, which knows the real
/// layout) is where the declared layout puts it, that `dk_nentries` reads back as the
/// number of entries and `dk_size` as a power of two in `sizes`.
unsafe fn dict_matches(dict: *mut PyObject, sizes: std::ops::RangeInclusive<isize>, split: bool) -> bool {
    // SAFETY: live dict, GIL held (caller).
    unsafe {
        let keys = keys_of(dict);
        let entries = PyDict_Size(dict);
        let dk_size = keys_field(keys, DK_SIZE);
        if !sizes.contains(&dk_size)
            || dk_size.count_ones() != 1
            || keys_field(keys, DK_NENTRIES) != entries
            || values_of(dict).is_null() == split
        {
            return false;
        }
        let (mut pos, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        while PyDict_Next(dict, &mut pos, &mut key, &mut value) != 0 {
            if !entry_is(dict, pos - 1, key, value) {
                return false;
            }
        }
        pos == entries
    }
}

/// A dict of `n` int keys (`i -> i`), or NULL.
unsafe fn int_dict(n: isize) -> *mut PyObject {
    // SAFETY: GIL held (caller); every new reference is released or returned.
    unsafe {
        let dict = PyDict_New();
        for i in 0..n {
            let key = PyLong_FromSsize_t(i);
            if dict.is_null() || key.is_null() || PyDict_SetItem(dict, key, key) != 0 {
                Py_XDECREF(key);
                Py_XDECREF(dict);
                return std::ptr::null_mut();
            }
            Py_DECREF(key);
        }
        dict
    }
}

/// The split `__dict__` of an instance of a fresh class, given attributes `a`, `b`, `c`
/// (new reference), or NULL.
unsafe fn split_instance_dict() -> *mut PyObject {
    // SAFETY: GIL held (caller); `type("_", (object,), {})` runs no Python code.
    unsafe {
        let cls = PyObject_CallFunction(
            std::ptr::addr_of_mut!(PyType_Type).cast(),
            c"s(O){}".as_ptr(),
            c"_pyston_lite_layout_check".as_ptr(),
            std::ptr::addr_of_mut!(PyBaseObject_Type),
        );
        if cls.is_null() {
            return std::ptr::null_mut();
        }
        let instance = PyObject_CallObject(cls, std::ptr::null_mut());
        let second = PyObject_CallObject(cls, std::ptr::null_mut());
        Py_DECREF(cls);
        if instance.is_null() || second.is_null() {
            Py_XDECREF(instance);
            Py_XDECREF(second);
            return std::ptr::null_mut();
        }
        for (i, name) in [c"a", c"b", c"c"].into_iter().enumerate() {
            let value = PyLong_FromSsize_t(1000 + i as isize);
            let failed = value.is_null() || PyObject_SetAttrString(instance, name.as_ptr(), value) != 0;
            Py_XDECREF(value);
            if failed {
                Py_DECREF(instance);
                Py_DECREF(second);
                return std::ptr::null_mut();
            }
        }
        let dict = PyObject_GenericGetDict(instance, std::ptr::null_mut());
        Py_DECREF(instance);
        // The keys are shared by the type and this dict; the second instance's new dict
        // takes one more reference, and its release gives it back.
        if !dict.is_null() && !values_of(dict).is_null() {
            let refcnt = keys_of(dict).add(DK_REFCNT).cast::<isize>();
            let before = *refcnt;
            let second_dict = PyObject_GenericGetDict(second, std::ptr::null_mut());
            let shared = !second_dict.is_null() && keys_of(second_dict) == keys_of(dict) && *refcnt == before + 1;
            Py_XDECREF(second_dict);
            Py_DECREF(second);
            REFCNT_VERIFIED.store(shared && *refcnt == before && before >= 1, Relaxed);
        } else {
            Py_DECREF(second);
        }
        dict
    }
}

/// Checks the declared layout against live dicts (once; GIL held) and, when it matches,
/// lets [`entry_offset`] answer. Returns whether it matched.
///
/// # Safety
/// GIL held.
pub unsafe fn verify() -> bool {
    if CHECKED.load(Relaxed) {
        return VERIFIED.load(Relaxed);
    }
    // SAFETY: GIL held (caller); the candidates are our own new dicts, released below.
    let ok = unsafe {
        // 3 entries in the minimum size (1-byte indices), 300 (2-byte indices), and a
        // class instance's split dict.
        let candidates = [(int_dict(3), 8..=8, false), (int_dict(300), 512..=4096, false), (split_instance_dict(), 4..=64, true)];
        let ok = candidates
            .iter()
            .all(|(dict, sizes, split)| !dict.is_null() && PyDict_CheckExact(*dict) != 0 && dict_matches(*dict, sizes.clone(), *split));
        for (dict, _, _) in &candidates {
            let dict = *dict;
            Py_XDECREF(dict);
        }
        PyErr_Clear();
        ok
    };
    VERIFIED.store(ok, Relaxed);
    CHECKED.store(true, Relaxed);
    ok
}
