"""`pyston_lite.dis(fn)` and `python -m pyston_lite dis module:qualname`: the machine code
of a compiled function interleaved with its bytecode. Each bytecode instruction with an
entry in the offset table is followed by the machine instruction at the native offset the
table gives; the machine instructions cover the whole code; cache sites, cold blocks and
shared stubs are labelled; a function without machine code gets a line saying why."""

import json
import re
import subprocess
import sys

import pytest

from conftest import COMPILES, clean_env, run_python

pytestmark = pytest.mark.skipif(not COMPILES, reason="this build has no code generator for this interpreter")

NATIVE = re.compile(r"^ {8}\+0x([0-9a-f]{4,}) {2}(\S.*?)(?: +; (.*))?$")
BYTECODE = re.compile(r"^(?:[ \d]{4}) +(\d+) ([A-Z_0-9]+)")
NOTE = re.compile(r"^ {8}; (.*)$")

# Functions of many shapes: loops, fused compare-and-branch, try/except/finally, with,
# closures, generators, coroutines, methods, comprehensions, EXTENDED_ARG (a jump past
# 256 bytes of code and more than 256 constants).
FUNCTIONS = '''
import asyncio, contextlib

def loop(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
        elif i > 5:
            total -= 1
    while n > 0:
        n -= 1
    return total

def handlers(x):
    try:
        y = 1 / x
    except ZeroDivisionError as error:
        y = str(error)
    finally:
        x = None
    with contextlib.suppress(KeyError):
        {}[y]
    return y

def closure(a):
    def inner(b):
        return a + b
    return [inner(i) for i in range(3)]

def generator(n):
    for i in range(n):
        yield i * 2
    yield from range(2)

async def coroutine(n):
    await asyncio.sleep(0)
    return n + 1

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return abs(self.x) + abs(self.y) + len(str(self.x))

source = "def extended(x):\\n    t = 0\\n" + "".join("    t += x + %d\\n" % i for i in range(300)) + "    return t\\n"
exec(source)
'''

DRIVE = FUNCTIONS + '''
import dis, io, json, pyston_lite
from pyston_lite import _native

loop(20); handlers(0); handlers(2); closure(1); list(generator(3)); asyncio.run(coroutine(1))
Point(3, -4).norm(); extended(1)
results = {}
for f in [loop, handlers, closure, generator, coroutine, Point.__init__, Point(1, 2).norm, extended]:
    out = io.StringIO()
    pyston_lite.dis(f, file=out)
    code = getattr(f, "__func__", f).__code__
    results[code.co_name] = {
        "text": out.getvalue(),
        "map": _native._code_map(f),
        "listing": _native._disassemble(f),
        "bytecode": [[i.offset, i.opname] for i in dis.get_instructions(code)],
    }
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def listings():
    result = run_python(DRIVE, env=clean_env(PYSTON_LITE_THRESHOLD="0"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def parse(text):
    """The listing's lines as ('native', offset, text, comment), ('bytecode', offset,
    opname), ('note', label) or ('other', line)."""
    lines = []
    for line in text.splitlines():
        native, bytecode, note = NATIVE.match(line), BYTECODE.match(line), NOTE.match(line)
        if native:
            lines.append(("native", int(native.group(1), 16), native.group(2), native.group(3) or ""))
        elif note:
            lines.append(("note", note.group(1)))
        elif bytecode:
            lines.append(("bytecode", int(bytecode.group(1)), bytecode.group(2)))
        else:
            lines.append(("other", line))
    return lines


NAMES = ["loop", "handlers", "closure", "generator", "coroutine", "__init__", "norm", "extended"]


def test_every_function_compiled_and_listed(listings):
    assert sorted(listings) == sorted(NAMES)
    for name, item in listings.items():
        assert item["map"] is not None, name
        assert item["text"].startswith("Machine code of "), item["text"][:200]


@pytest.mark.parametrize("name", NAMES)
def test_each_bytecode_offset_is_followed_by_the_instruction_at_its_native_offset(listings, name):
    item = listings[name]
    lines = parse(item["text"])
    address, length, table = item["map"]
    assert len(table) > 3
    bytecode_index = {line[1]: i for i, line in enumerate(lines) if line[0] == "bytecode"}
    for offset, native in table:
        following = next(line for line in lines[bytecode_index[offset] + 1:] if line[0] == "native")
        assert following[1] == native, (name, offset, native, following)
    # The bytecode is all there, in order (EXTENDED_ARG prefixes and fused jumps included).
    assert [[line[1], line[2]] for line in lines if line[0] == "bytecode"] == item["bytecode"]


@pytest.mark.parametrize("name", NAMES)
def test_machine_instructions_cover_the_whole_code(listings, name):
    item = listings[name]
    listing = item["listing"]
    address, length, _ = item["map"]
    assert (listing["address"], listing["length"]) == (address, length)
    at = 0
    for offset, size, text, _target, _immediate, _comment in listing["instructions"]:
        assert offset == at, (name, offset, at)
        assert size > 0 and text != "(bad)", (name, offset, text)
        at += size
    assert at == length
    printed = [line[1] for line in parse(item["text"]) if line[0] == "native"]
    assert printed == [i[0] for i in listing["instructions"]]


@pytest.mark.parametrize("name", NAMES)
def test_cold_section_blocks_and_stubs_are_labelled(listings, name):
    item = listings[name]
    lines = parse(item["text"])
    cold_start = item["listing"]["cold_start"]
    header = lines.index(("other", "-- cold section --"))
    assert all(line[1] < cold_start for line in lines[:header] if line[0] == "native")
    assert all(line[1] >= cold_start for line in lines[header:] if line[0] == "native")
    assert lines[header + 1][0] == "note", "the cold section starts with a labelled block"
    opnames = dict(map(tuple, item["bytecode"]))
    notes = [line[1] for line in lines[header:] if line[0] == "note"]
    blocks = [re.match(r"cold block of (\d+) (\w+)$", n) for n in notes if n.startswith("cold block")]
    assert blocks and all(blocks), notes
    for block in blocks:
        assert opnames[int(block.group(1))] == block.group(2)
    assert any(n.startswith("shared error exit (stack ") for n in notes), notes
    prologue_notes = [line[1] for line in lines[:header] if line[0] == "note"]
    assert [n.split(":")[0] for n in prologue_notes] == ["prologue", "deopt exit", "exit"]


def test_cache_sites_are_labelled_at_their_instruction(listings):
    lines = parse(listings["norm"]["text"])
    current = None
    sites = {}
    for line in lines:
        if line[0] == "bytecode":
            current = line
        elif line[0] == "native" and "cache" in line[3] and current is not None and line[1] < listings["norm"]["listing"]["cold_start"]:
            sites.setdefault(re.search(r"(global|attribute) cache \d+", line[3]).group(0), current[2])
    assert sites["global cache 0"] == "LOAD_GLOBAL"
    assert sites["attribute cache 0"] == "LOAD_ATTR"


def test_calls_and_branch_targets_are_named(listings):
    lines = parse(listings["loop"]["text"])
    natives = [line for line in lines if line[0] == "native"]
    # A call to one of this module's helpers by its Rust name, a jump back to the loop's head.
    assert any(text.startswith("call interp::ops::") for _, _, text, _ in natives)
    assert any(re.search(r"to \d+ FOR_ITER", comment) for _, _, _, comment in natives)
    assert any("const 3" in comment for _, _, _, comment in natives)


NOT_COMPILED = '''
import io, sys, pyston_lite
def cold(): return 1
def denied(): return 2
def failed(): return 3
out = io.StringIO()
pyston_lite.dis(cold, file=out)
pyston_lite.enable(threshold=5)
cold()
pyston_lite.deny(denied)
denied()
pyston_lite.dis(cold, file=out)
pyston_lite.dis(denied, file=out)
pyston_lite.enable(threshold=0, max_code_mb=0)
failed()
pyston_lite.dis(failed, file=out)
print(out.getvalue(), end="")
try:
    pyston_lite.dis(42)
except TypeError as error:
    print("TypeError:", error)
'''


def test_a_function_without_machine_code_says_why():
    # Without the autoload, so that the first call of dis() sees the JIT disabled.
    result = run_python(NOT_COMPILED, env=clean_env(DISABLE_PYSTON="1"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5, result.stdout
    assert re.match(r"cold \(.*, line 3\): not compiled \(state: cold, reason: None, entries: 0\); the JIT is not enabled", lines[0])
    assert "(state: cold, reason: None, entries: 1); it is compiled when its entries pass the threshold" in lines[1]
    assert "not enabled" not in lines[1]
    assert "(state: denied, reason: None, entries: 1); pyston_lite.deny() excluded it" in lines[2]
    assert "(state: failed, reason: code_memory_full" in lines[3]
    assert lines[3].endswith("entries: 1); its compile failed and is not retried")
    assert lines[4] == "TypeError: pyston_lite.dis() expects a function, method or code object, got int"


def test_file_argument_receives_everything():
    out = run_python(
        """
        import io, pyston_lite
        pyston_lite.enable(threshold=0)
        def f(x): return x + 1
        f(1)
        buffer = io.StringIO()
        pyston_lite.dis(f, file=buffer)
        print(len(buffer.getvalue().splitlines()) > 10, buffer.getvalue().startswith("Machine code of f ("))
        """
    )
    assert (out.returncode, out.stdout, out.stderr) == (0, "True True\n", "")


def run_cli(args, cwd, **env):
    return subprocess.run(
        [sys.executable, "-m", "pyston_lite", "dis"] + args,
        env=clean_env(DISABLE_PYSTON="1", **env),
        cwd=str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=120,
    )


MODULE = """
import pyston_lite

class Shape:
    class Inner:
        @staticmethod
        def area(w, h):
            return w * h

    def describe(self):
        return "shape of %d" % self.sides

@pyston_lite.deny
def refused():
    return 1
"""


def test_cli_compiles_and_lists_a_function_that_has_not_run(tmp_path):
    result = run_cli(["json.decoder:JSONDecoder.decode"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Machine code of ")
    assert "decode (" in result.stdout.splitlines()[0]
    assert "-- cold section --" in result.stdout
    assert re.search(r"^ +\d+ +0 LOAD_FAST", result.stdout, re.M)


def test_cli_finds_methods_and_nested_classes_in_a_local_module(tmp_path):
    (tmp_path / "shapes.py").write_text(MODULE)
    for target, name in [("shapes:Shape.describe", "describe"), ("shapes:Shape.Inner.area", "area")]:
        result = run_cli([target], tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Machine code of %s (%s" % (name, tmp_path / "shapes.py")), result.stdout[:200]


def test_cli_reports_a_function_it_cannot_compile_and_bad_targets(tmp_path):
    (tmp_path / "shapes.py").write_text(MODULE)
    refused = run_cli(["shapes:refused"], tmp_path)
    assert refused.returncode == 1
    assert "(state: denied" in refused.stdout and "deny() excluded it" in refused.stdout
    for args, message in [
        (["shapes:Shape.missing"], "shapes:Shape has no attribute 'missing'"),
        (["shapes:Shape"], "shapes:Shape is a class; name one of its methods"),
        (["no_such_module:f"], "cannot import no_such_module"),
        (["shapes.Shape"], "dis needs module:qualname"),
        ([], "dis needs module:qualname"),
        (["--threshold", "x", "shapes:refused"], "--threshold expects a whole number"),
    ]:
        result = run_cli(args, tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_cli_help(tmp_path):
    result = run_cli(["--help"], tmp_path)
    assert result.returncode == 0
    assert "module:qualname" in result.stdout and "JSONDecoder.decode" in result.stdout
