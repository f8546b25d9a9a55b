"""The perf map: with PYSTON_LITE_PERF_MAP=1 (or enable(perf_map=True)) each compiled code
object is appended to /tmp/perf-<pid>.map as it is compiled, at the address and size of its
machine code, named py::<name>:<file>:<line>; a forked child writes a file of its own."""

import os
import re

from conftest import clean_env, run_python

LINE = re.compile(r"^([0-9a-f]+) ([0-9a-f]+) (py::.*)$")

PROGRAM = """
import os, sys
from pyston_lite import _native

def hot_function(n):
    return sum(i * i for i in range(n))

hot_function(10)
start, size, _ = _native._code_map(hot_function)
print(os.getpid(), start, size, hot_function.__code__.co_firstlineno)
sys.stdout.flush()
if len(sys.argv) > 1:
    pid = os.fork()
    if pid == 0:
        def child_function():
            return 42
        child_function()
        print(os.getpid(), *_native._code_map(child_function)[:2])
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)
"""


def read_map(pid):
    path = "/tmp/perf-%d.map" % pid
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    finally:
        if os.path.exists(path):
            os.remove(path)
    for line in lines:
        assert LINE.match(line), line
    return [LINE.match(line).groups() for line in lines]


def entry(entries, symbol_start):
    found = [(int(start, 16), int(size, 16), sym) for start, size, sym in entries if sym.startswith(symbol_start)]
    assert len(found) == 1, (symbol_start, entries)
    return found[0]


def test_map_names_each_compiled_function_at_its_address():
    result = run_python(PROGRAM, env=clean_env(PYSTON_LITE_PERF_MAP="1", PYSTON_LITE_THRESHOLD="0"))
    assert result.returncode == 0, result.stderr
    pid, start, size, line = map(int, result.stdout.split())
    entries = read_map(pid)
    assert (start, size) == entry(entries, "py::hot_function:")[:2]
    assert entry(entries, "py::hot_function:")[2] == "py::hot_function:<string>:%d" % line
    # Everything compiled at threshold 0 is there: the generator expression and the
    # program's module body too.
    names = [sym for _, _, sym in entries]
    assert "py::<genexpr>:<string>:%d" % (line + 1) in names, names
    assert "py::<module>:<string>:1" in names, names


def test_forked_child_writes_its_own_map():
    result = run_python(PROGRAM, env=clean_env(PYSTON_LITE_PERF_MAP="1", PYSTON_LITE_THRESHOLD="0"), args=["fork"])
    assert result.returncode == 0, result.stderr
    parent_line, child_line = result.stdout.splitlines()
    parent = read_map(int(parent_line.split()[0]))
    child_pid, child_start, child_size = map(int, child_line.split())
    child = read_map(child_pid)
    assert (child_start, child_size) == entry(child, "py::child_function:")[:2]
    assert not [e for e in parent if e[2].startswith("py::child_function:")]


def test_enable_keyword_and_default_off():
    code = """
        import os, pyston_lite
        pyston_lite.enable(perf_map=True, threshold=0)
        def f():
            return 1
        f()
        print(os.getpid())
    """
    result = run_python(code, env=clean_env(DISABLE_PYSTON="1"))
    assert result.returncode == 0, result.stderr
    assert entry(read_map(int(result.stdout)), "py::f:")
    off = run_python("import os; print(os.getpid())", env=clean_env(PYSTON_LITE_THRESHOLD="0"))
    assert not os.path.exists("/tmp/perf-%s.map" % off.stdout.strip())


def test_bad_value_is_refused():
    result = run_python("pass", env=clean_env(PYSTON_LITE_PERF_MAP="sometimes"))
    assert "PYSTON_LITE_PERF_MAP" in result.stderr
