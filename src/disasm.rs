//! The machine-code half of `pyston_lite.dis` on x86-64: decodes a compiled function's code
//! with iced-x86 into Intel-syntax lines, with branch targets inside the function written as
//! offsets from its start, calls named after the function they call, and a comment for an
//! embedded address that names what it points at (an inline cache, a CPython object or
//! function, one of this module's helpers). Python (`pyston_lite/_dis.py`) interleaves the
//! lines with the bytecode.

use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter, OpKind, SymbolResolver, SymbolResult};
use once_cell::sync::OnceCell;

/// One decoded machine instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Offset from the start of the code.
    pub offset: usize,
    pub len: usize,
    /// The instruction in Intel syntax.
    pub text: String,
    /// Where a branch inside the code goes, as an offset from its start.
    pub target: Option<usize>,
    /// A 64-bit immediate (the code embeds addresses so); Python names `co_consts` items.
    pub immediate: Option<u64>,
    /// What an embedded address points at, when known.
    pub comment: Option<String>,
}

/// Decodes all of `code`, which runs at `address`. `describe` names an address the code
/// embeds when the caller knows it (an inline cache); symbols are looked up otherwise.
/// Bytes that do not decode become a `(bad)` line of one byte, so the lines always cover
/// the code exactly.
pub fn disassemble(code: &[u8], address: usize, describe: &dyn Fn(u64) -> Option<String>) -> Vec<Line> {
    let (start, end) = (address as u64, (address + code.len()) as u64);
    let mut formatter = IntelFormatter::with_options(Some(Box::new(Targets { start, end })), None);
    let options = formatter.options_mut();
    options.set_hex_prefix("0x");
    options.set_hex_suffix("");
    options.set_uppercase_hex(false);
    options.set_space_after_operand_separator(true);
    let mut decoder = Decoder::with_ip(64, code, start, DecoderOptions::NONE);
    let mut instruction = Instruction::default();
    let mut lines = Vec::new();
    while decoder.can_decode() {
        decoder.decode_out(&mut instruction);
        let offset = (instruction.ip() - start) as usize;
        let mut text = String::new();
        if instruction.is_invalid() {
            text.push_str("(bad)");
        } else {
            formatter.format(&instruction, &mut text);
        }
        let mut line = Line { offset, len: instruction.len(), text, target: None, immediate: None, comment: None };
        for operand in 0..instruction.op_count() {
            match instruction.op_kind(operand) {
                OpKind::NearBranch64 => {
                    let target = instruction.near_branch64();
                    if (start..end).contains(&target) {
                        line.target = Some((target - start) as usize);
                    }
                }
                OpKind::Immediate64 => {
                    let value = instruction.immediate64();
                    line.immediate = Some(value);
                    line.comment = describe(value).or_else(|| symbol_at(value as usize));
                }
                _ => {}
            }
        }
        lines.push(line);
    }
    lines
}

/// Writes branch targets inside the code as `+0x1a4` and calls out of it by name.
struct Targets {
    start: u64,
    end: u64,
}

impl SymbolResolver for Targets {
    fn symbol(&mut self, instruction: &Instruction, _: u32, operand: Option<u32>, address: u64, _: u32) -> Option<SymbolResult<'_>> {
        let operand = operand?;
        if !matches!(instruction.op_kind(operand), OpKind::NearBranch64) {
            return None;
        }
        if (self.start..self.end).contains(&address) {
            return Some(SymbolResult::with_string(address, format!("+{:#06x}", address - self.start)));
        }
        symbol_at(address as usize).map(|name| SymbolResult::with_string(address, name))
    }
}

/// The name of the function or object that starts at `address`: from this module's own
/// symbol table (its helpers are not exported), else from the dynamic symbols (CPython's).
pub fn symbol_at(address: usize) -> Option<String> {
    if let Some(name) = own_symbols().and_then(|s| s.starting_at(address)) {
        return Some(name);
    }
    // SAFETY: dladdr only reads the loader's tables; `info` is a plain out-parameter.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: as above; any address may be asked about.
    if unsafe { libc::dladdr(address as *const libc::c_void, &mut info) } == 0 || info.dli_sname.is_null() {
        return None;
    }
    if info.dli_saddr as usize != address {
        return None;
    }
    // SAFETY: dladdr set `dli_sname` to a NUL-terminated name in the loader's tables.
    Some(unsafe { std::ffi::CStr::from_ptr(info.dli_sname) }.to_string_lossy().into_owned())
}

/// The functions of this extension module, by run-time address.
struct OwnSymbols {
    /// `(address, size, mangled name)`, sorted by address.
    functions: Vec<(usize, usize, Box<str>)>,
}

impl OwnSymbols {
    /// The demangled name of the function that starts at `address` (without its hash).
    fn starting_at(&self, address: usize) -> Option<String> {
        let index = self.functions.binary_search_by_key(&address, |f| f.0).ok()?;
        Some(format!("{:#}", rustc_demangle::demangle(&self.functions[index].2)))
    }
}

/// This module's symbol table, read from its file on first use; `None` when the file cannot
/// be read or has none (a stripped build names only CPython's functions).
fn own_symbols() -> Option<&'static OwnSymbols> {
    static SYMBOLS: OnceCell<Option<OwnSymbols>> = OnceCell::new();
    SYMBOLS.get_or_init(read_own_symbols).as_ref()
}

fn read_own_symbols() -> Option<OwnSymbols> {
    use object::{Object, ObjectSymbol, SymbolKind};
    // SAFETY: as in `symbol_at`; the address is that of a function of this module.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::dladdr(read_own_symbols as *const libc::c_void, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr set `dli_fname` to a NUL-terminated path.
    let path = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }.to_str().ok()?.to_owned();
    let data = std::fs::read(path).ok()?;
    let file = object::File::parse(&*data).ok()?;
    // Shared objects (this module) are linked at 0 and loaded at `dli_fbase`; a test
    // executable may be linked where it runs.
    let base = if file.kind() == object::ObjectKind::Executable { 0 } else { info.dli_fbase as usize };
    let mut functions: Vec<(usize, usize, Box<str>)> = file
        .symbols()
        .filter(|s| s.kind() == SymbolKind::Text && s.address() != 0)
        .filter_map(|s| Some((base + s.address() as usize, s.size() as usize, s.name().ok()?.into())))
        .collect();
    functions.sort_unstable_by_key(|f| f.0);
    functions.dedup_by_key(|f| f.0);
    Some(OwnSymbols { functions })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cover_the_code_and_name_targets() {
        // mov rax, imm64; jne +0 (to the start); call rel32 to the start; ret; one byte
        // that does not decode (0x06, push es, is invalid in 64-bit mode).
        let mut code = vec![0x48, 0xb8];
        code.extend_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        code.extend_from_slice(&[0x0f, 0x85]);
        code.extend_from_slice(&(-16i32).to_le_bytes());
        code.push(0xe8);
        code.extend_from_slice(&(-21i32).to_le_bytes());
        code.extend_from_slice(&[0xc3, 0x06]);
        let describe = |value: u64| (value == 0x1122_3344_5566_7788).then(|| "the cache".to_string());
        let lines = disassemble(&code, 0x1000, &describe);
        let offsets: Vec<usize> = lines.iter().map(|l| l.offset).collect();
        assert_eq!(offsets, [0, 10, 16, 21, 22]);
        assert_eq!(lines.iter().map(|l| l.len).sum::<usize>(), code.len());
        assert_eq!(lines[0].text, "mov rax, 0x1122334455667788");
        assert_eq!(lines[0].immediate, Some(0x1122_3344_5566_7788));
        assert_eq!(lines[0].comment.as_deref(), Some("the cache"));
        assert_eq!(lines[1].text, "jne +0x0000");
        assert_eq!(lines[1].target, Some(0));
        assert_eq!(lines[2].text, "call +0x0000");
        assert_eq!(lines[3].text, "ret");
        assert_eq!(lines[4].text, "(bad)");
    }

    #[test]
    fn functions_are_named_by_their_start_only() {
        let own = read_own_symbols as *const () as usize;
        let name = symbol_at(own).expect("this test binary has a symbol table");
        assert!(name.ends_with("disasm::read_own_symbols"), "{name}");
        assert_eq!(symbol_at(own + 1), None);
        let exported = libc::malloc as *const () as usize;
        assert_eq!(symbol_at(exported).as_deref(), Some("malloc"));
    }
}
