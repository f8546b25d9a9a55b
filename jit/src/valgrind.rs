//! Valgrind client requests, which are no-ops outside Valgrind. Valgrind's tools (callgrind,
//! memcheck) translate machine code once and keep the translation; bytes written through the
//! arena's write view change code at execute-view addresses without Valgrind seeing a store
//! there, so it would go on running its stale translation (code memory is reused after a
//! code object dies). Every change of executable bytes tells it to drop its translations of
//! that range.

/// `VALGRIND_DISCARD_TRANSLATIONS(addr, len)`.
#[cfg(target_arch = "x86_64")]
pub fn discard_translations(addr: usize, len: usize) {
    /// `VG_USERREQ__DISCARD_TRANSLATIONS` (valgrind.h).
    const DISCARD_TRANSLATIONS: u64 = 0x1002;
    let args: [u64; 6] = [DISCARD_TRANSLATIONS, addr as u64, len as u64, 0, 0, 0];
    // SAFETY: valgrind.h's special instruction sequence for amd64: the four rotations of rdi
    // add up to 128 bits (rdi comes back unchanged) and `xchg rbx, rbx` does nothing, so
    // natively this only reads `args`; under Valgrind it is the client request, answering
    // in rdx.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") 0u64 => _,
            inout("rdi") 0u64 => _,
            options(nostack),
        );
    }
}

/// Other architectures: Valgrind's sequences differ; nothing to do until one is needed.
#[cfg(not(target_arch = "x86_64"))]
pub fn discard_translations(addr: usize, len: usize) {
    let _ = (addr, len);
}
