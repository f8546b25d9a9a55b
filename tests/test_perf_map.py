"""The perf map: with PYSTON_LITE_PERF_MAP=1 (or enable(perf_map=True)) each compiled code
object is appended to /tmp/perf-<pid>.map as it is compiled, at the address and size of its
machine code, named py::<name>:<file>:<line>; a forked child writes a file of its own. Linux
perf applies the map because the machine code runs from memory it counts as anonymous."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import COMPILES, clean_env, run_python

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


def test_machine_code_runs_from_memory_perf_counts_as_anonymous():
    # perf (tools/perf/util/map.c) reads /tmp/perf-PID.map only for executable mappings
    # named "//anon", "/dev/zero..." or "/anon_hugepage...". Before, a memfd was mapped
    # there ("/memfd:pyston-lite-jit-code (deleted)").
    code = """
        from pyston_lite import _native
        def f():
            return 1
        f()
        start = _native._code_map(f)[0]
        for line in open("/proc/self/maps"):
            fields = line.split(None, 5)
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            if lo <= start < hi:
                print(fields[1], fields[5].strip() if len(fields) > 5 else "")
    """
    if not COMPILES:
        pytest.skip("no code generator for this Python version: nothing is compiled")
    out = run_python(code, env=clean_env(PYSTON_LITE_THRESHOLD="0"))
    assert out.returncode == 0, out.stderr
    perms, _, name = out.stdout.strip().partition(" ")
    assert perms == "r-xs", out.stdout
    assert name in ("/dev/zero (deleted)", ""), out.stdout


HOT_PROGRAM = """
import os

def hot_function(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

for _ in range(300):
    assert hot_function(20000) == 2666466670000
print(os.getpid())
"""


def perf_or_skip(tmp_path):
    """The perf command, after checking it can record a process here; skips with the
    reason when it cannot."""
    perf = shutil.which("perf")
    if perf is None:
        pytest.skip("perf is not installed")
    probe = subprocess.run(
        [perf, "record", "-q", "--no-buildid-cache", "-e", "cpu-clock", "-o", str(tmp_path / "probe.data"), "--", "true"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    if probe.returncode != 0:
        try:
            with open("/proc/sys/kernel/perf_event_paranoid") as f:
                paranoid = f.read().strip()
        except OSError:
            paranoid = "unknown"
        pytest.skip("perf cannot record here (perf_event_paranoid=%s): %s" % (paranoid, probe.stderr.strip()[-300:]))
    return perf


def test_perf_report_names_compiled_functions(tmp_path):
    if not COMPILES:
        pytest.skip("no code generator for this Python version: nothing is compiled")
    perf = perf_or_skip(tmp_path)
    program = tmp_path / "prog.py"
    program.write_text(HOT_PROGRAM)
    data = str(tmp_path / "perf.data")
    env = clean_env(PYSTON_LITE_PERF_MAP="1", PYSTON_LITE_THRESHOLD="0")
    record = subprocess.run(
        [perf, "record", "-q", "--no-buildid-cache", "-e", "cpu-clock", "-o", data, "--", sys.executable, str(program)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert record.returncode == 0, record.stderr
    pid = int(record.stdout.split()[-1])
    try:
        report = subprocess.run(
            [perf, "report", "-i", data, "--stdio", "--sort", "sym"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    finally:
        map_path = "/tmp/perf-%d.map" % pid
        if os.path.exists(map_path):
            os.remove(map_path)
    assert report.returncode == 0, report.stderr
    symbol = "py::hot_function:%s:4" % program
    lines = [line for line in report.stdout.splitlines() if line.rstrip().endswith(symbol)]
    assert lines, "perf report does not name %s:\n%s" % (symbol, report.stdout[:3000])
    # Most of the program's time is spent in or below hot_function: its own machine code
    # gets a visible share of the samples (about 10 % here), not a stray one.
    share = float(lines[0].split("%")[0])
    assert share >= 1.0, lines
