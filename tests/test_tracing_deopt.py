"""Tracing or profiling turned on inside a running (compiled) frame: the rest of the frame
must report exactly the events stock CPython reports — no spurious 'call' for the frame
itself, line events once `f_trace` is set (as pdb does), profile events after setprofile.
Each program runs with the JIT at threshold 0 and without the JIT; outputs must match."""

import subprocess
import sys
import textwrap

import pytest

from conftest import clean_env

COMMON = """
import sys
events = []
def tracer(frame, event, arg):
    if frame.f_code.co_name in ("work", "helper", "enable"):
        events.append((frame.f_code.co_name, event, frame.f_lineno))
    return tracer
def profiler(frame, event, arg):
    events.append((frame.f_code.co_name, event))
def helper(x):
    return x * 2
"""

PROGRAMS = {
    "settrace_in_callee": """
def enable():
    sys.settrace(tracer)
""",
    "settrace_and_caller_f_trace_like_pdb": """
def enable():
    sys._getframe(1).f_trace = tracer
    sys.settrace(tracer)
""",
    "setprofile_in_callee": """
def enable():
    sys.setprofile(profiler)
""",
}

WORK = """
def work(n):
    total = 0
    i = 0
    while i < n:
        if i == 3:
            enable()
        total = total + helper(i)
        i = i + 1
    return total
print(work(6))
sys.settrace(None)
sys.setprofile(None)
for event in events:
    print(event)
"""


def run(source, **env):
    return subprocess.run(
        [sys.executable, "-c", source],
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_events_after_midframe_tracing_match_stock(name):
    source = COMMON + textwrap.dedent(PROGRAMS[name]) + WORK
    stock = run(source, DISABLE_PYSTON="1")
    jit = run(source, PYSTON_LITE_THRESHOLD="0")
    assert stock.returncode == 0, stock.stderr
    assert (jit.returncode, jit.stdout, jit.stderr) == (stock.returncode, stock.stdout, stock.stderr)
    assert "helper" in stock.stdout  # the program does observe events


def test_work_function_is_compiled_where_the_compiler_supports_it():
    """Guards the tests above against testing nothing: on builds that compile, `work` is
    compiled (so the events come from a deoptimised frame)."""
    source = (
        COMMON + textwrap.dedent(PROGRAMS["settrace_in_callee"]) + WORK
        + "import pyston_lite\nprint(pyston_lite.info(work)['state'], pyston_lite.stats()['deopts'])\n"
    )
    result = run(source, PYSTON_LITE_THRESHOLD="0")
    assert result.returncode == 0, result.stderr
    state, deopts = result.stdout.split()[-2:]
    if sys.version_info[:2] in ((3, 7), (3, 8)):
        assert (state, int(deopts) >= 1) == ("compiled", True)
    else:
        assert (state, deopts) == ("failed", "0")


BRANCH_PROGRAMS = {
    # Tracing starts inside `__bool__` of a POP_JUMP_IF condition: the evaluator must
    # continue on the branch the condition chose.
    "settrace_in_bool": """
class Flag:
    def __init__(self, v):
        self.v = v
    def __bool__(self):
        if self.v == 3:
            sys._getframe(1).f_trace = tracer
            sys.settrace(tracer)
        return self.v % 2 == 0
def work(n):
    total = 0
    for i in range(n):
        if Flag(i):
            total = total + 10
        else:
            total = total - 1
    return total
""",
    # Tracing starts inside `__next__` (once with a value, once when exhausted).
    "settrace_in_next": """
class Numbers:
    def __init__(self, n, at):
        self.i, self.n, self.at = 0, n, at
    def __iter__(self):
        return self
    def __next__(self):
        if self.i == self.at:
            sys._getframe(1).f_trace = tracer
            sys.settrace(tracer)
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i
def work(n):
    total = 0
    for v in Numbers(n, 3):
        total = total + v
    sys.settrace(None)
    for v in Numbers(n, n):
        total = total * 2 + v
    return total
""",
}

BRANCH_MAIN = """
def helper(x):
    return x
print(work(6))
sys.settrace(None)
for event in events:
    print(event)
"""


@pytest.mark.parametrize("name", sorted(BRANCH_PROGRAMS))
def test_tracing_started_by_a_branch_condition_or_iterator_keeps_the_branch(name):
    source = COMMON + textwrap.dedent(BRANCH_PROGRAMS[name]) + BRANCH_MAIN
    stock = run(source, DISABLE_PYSTON="1")
    jit = run(source, PYSTON_LITE_THRESHOLD="0")
    assert stock.returncode == 0, stock.stderr
    assert (jit.returncode, jit.stdout, jit.stderr) == (stock.returncode, stock.stdout, stock.stderr)
    assert "'work', 'line'" in stock.stdout
