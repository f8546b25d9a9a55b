"""``pyston_lite.dis(fn)``: the machine code of a compiled function, disassembled and
interleaved with its bytecode.

Each bytecode instruction (line number, offset, name, argument, as ``dis`` prints them) is
followed by the machine code it was compiled to, from the native offset the code's offset
table gives for it. An ``EXTENDED_ARG`` prefix and the instruction it prefixes share one
piece of machine code, and so do a comparison and the conditional jump fused with it.
After the last instruction comes the cold section: slow paths, error exits and shared
stubs, each block labelled with the instruction it serves. Native offsets are written
``+0x1a4`` from the start of the code; branch targets inside the code too.
"""

import dis as _dis
import sys

from . import _native

# Column of the native instructions (under the bytecode's name column).
_NATIVE_INDENT = " " * 8
# Column at which a native instruction's comment starts.
_COMMENT_COLUMN = 56


def dis(fn, file=None):
    """Prints the machine code of ``fn`` (a function, method or code object) interleaved
    with its bytecode to ``file`` (default ``sys.stdout``). A function that has no machine
    code gets one line saying why (its ``info()`` state and reason) instead.

    Raises TypeError for anything but a function, method or code object, and
    NotImplementedError on an architecture without a disassembler."""
    out = sys.stdout if file is None else file
    code = _code_of(fn)
    listing = _native._disassemble(fn)
    if listing is None:
        out.write(not_compiled_message(fn, code) + "\n")
        return
    _Listing(code, listing, out).write()


def not_compiled_message(fn, code):
    """Why ``fn`` has no machine code, from what ``info()`` reports."""
    info = _native.info(fn)
    state, reason = info["state"], info["reason"]
    head = "%s: not compiled (state: %s, reason: %s, entries: %d)" % (_describe(code), state, reason, info["entries"])
    if state == "cold":
        why = (
            "it is compiled when its entries pass the threshold (PYSTON_LITE_THRESHOLD, "
            "enable(threshold=N); 0 compiles at first entry)"
        )
        if not _native.is_enabled():
            why = "the JIT is not enabled (pyston_lite.enable()); " + why
    elif state == "failed":
        why = "its compile failed and is not retried"
    elif state == "denied":
        why = "pyston_lite.deny() excluded it"
    else:
        why = "this build has no code generator for this platform"
    return "%s; %s" % (head, why)


def _code_of(fn):
    code = getattr(getattr(fn, "__func__", fn), "__code__", fn)
    if not hasattr(code, "co_code"):
        raise TypeError("pyston_lite.dis() expects a function, method or code object, got %s" % type(fn).__name__)
    return code


def _describe(code):
    return "%s (%s, line %d)" % (code.co_name, code.co_filename, code.co_firstlineno)


# What each kind of note says where its code starts, and as a jump's target.
_NOTE_LABELS = {
    "prologue": ("prologue: saves registers; frame, stack pointer, thread state, locals into r12-r15; jumps to rcx", "prologue"),
    "deopt": ("deopt exit: the interpreter runs the rest of the frame", "deopt exit"),
    "exit": ("exit: restores registers, returns the status in eax to the driver", "exit"),
    "cold": ("cold block of %s", "cold block of %s"),
    "error_exit": ("shared error exit (stack %+d)", "error exit (stack %+d)"),
    "dealloc": ("shared stub: calls the deallocator of the object in rdi", "dealloc stub"),
    "owning_jump": ("shared stub: takes references to borrowed stack slots, then exits", "owning stub"),
}


def _note_label(kind, value, opnames, short=False):
    label = _NOTE_LABELS.get(kind, (kind, kind))[short]
    if kind == "cold":
        return label % ("%d %s" % (value, opnames.get(value, "?")))
    return label % value if "%" in label else label


class _Listing:
    def __init__(self, code, listing, out):
        self.code = code
        self.listing = listing
        self.out = out
        self.bytecode = list(_dis.get_instructions(code))
        # The name an offset is known by: that of the instruction an EXTENDED_ARG prefixes.
        self.opnames = {}
        name = "EXTENDED_ARG"
        for instr in reversed(self.bytecode):
            if instr.opname != "EXTENDED_ARG":
                name = instr.opname
            self.opnames[instr.offset] = name
        self.native_of = dict(listing["offsets"])
        # Which bytecode instruction starts at a native offset (the first of a group).
        self.bytecode_at = {}
        for offset, native in listing["offsets"]:
            self.bytecode_at.setdefault(native, offset)
        self.notes = sorted(listing["notes"], key=lambda n: n[0])
        self.note_at = {}
        for native, kind, value in self.notes:
            self.note_at[native] = _note_label(kind, value, self.opnames, short=True)
        self.consts = {id(c): c for c in code.co_consts}
        self.instructions = listing["instructions"]
        self.next_instruction = 0
        self.next_note = 0

    def write(self):
        listing = self.listing
        self.out.write(
            "Machine code of %s: %d bytes at %#x, cold section from +%#06x\n"
            % (_describe(self.code), listing["length"], listing["address"], listing["cold_start"])
        )
        for instr in self.bytecode:
            native = self.native_of.get(instr.offset)
            if native is not None:
                self.native_until(native)
            self.out.write(self.bytecode_line(instr) + "\n")
        self.native_until(listing["cold_start"])
        self.out.write("\n-- cold section --\n")
        self.native_until(listing["length"])

    def bytecode_line(self, instr):
        line = "%4d" % instr.starts_line if instr.starts_line is not None else "    "
        text = "%s %6d %-24s" % (line, instr.offset, instr.opname)
        if instr.arg is not None:
            text += " %5d" % instr.arg
            if instr.argrepr:
                text += " (%s)" % instr.argrepr
        return text.rstrip()

    def native_until(self, limit):
        """Writes the machine instructions (and the labels of the notes among them) that
        start before native offset ``limit``."""
        while self.next_instruction < len(self.instructions):
            offset, _length, text, target, immediate, comment = self.instructions[self.next_instruction]
            if offset >= limit:
                return
            while self.next_note < len(self.notes) and self.notes[self.next_note][0] <= offset:
                native, kind, value = self.notes[self.next_note]
                self.out.write("%s; %s\n" % (_NATIVE_INDENT, _note_label(kind, value, self.opnames)))
                self.next_note += 1
            self.next_instruction += 1
            comments = [comment] if comment else []
            if immediate is not None and immediate in self.consts:
                comments.append("const %s" % _short_repr(self.consts[immediate]))
            if target is not None and self.target_name(target):
                comments.append("to " + self.target_name(target))
            line = "%s+%#06x  %s" % (_NATIVE_INDENT, offset, text)
            if comments:
                line = "%-*s ; %s" % (_COMMENT_COLUMN - 1, line, "; ".join(comments))
            self.out.write(line + "\n")

    def target_name(self, target):
        if target in self.bytecode_at:
            offset = self.bytecode_at[target]
            return "%d %s" % (offset, self.opnames.get(offset, "?"))
        return self.note_at.get(target)


def _short_repr(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
