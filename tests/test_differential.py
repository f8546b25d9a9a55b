"""The differential corpus: every tests/programs/*.py must print the same stdout and stderr
and exit with the same status with the JIT at threshold 0, with the JIT at its default
threshold, and with the JIT disabled (see differential.py), and its JIT runs must compile
without failure, at threshold 0 code of the program itself. Plus meta-tests showing that the
runner does report differences, timeouts and compile problems."""

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential  # noqa: E402

INJECT_DIR = os.path.join(differential.TESTS_DIR, "inject")
PROGRAMS = differential.programs()


@pytest.mark.parametrize("path", PROGRAMS, ids=[os.path.basename(p) for p in PROGRAMS])
def test_program(path):
    reason = differential.skip_reason(path)
    if reason:
        pytest.skip(reason)
    found = differential.compare(path)
    assert not found, "\n\n".join(str(d) for d in found)


def test_corpus_size():
    names = [os.path.basename(p) for p in PROGRAMS]
    assert len(names) >= 30, names
    for name in os.listdir(INJECT_DIR):
        assert name not in names, "%s belongs to tests/inject only" % name


def test_version_suffix_skips():
    assert differential.required_version("match_py310.py") == (3, 10)
    assert differential.required_version("walrus_py38.py") == (3, 8)
    assert differential.required_version("plain.py") is None
    assert differential.skip_reason("match_py310.py", (3, 9, 0)) == "needs Python 3.10 syntax"
    assert differential.skip_reason("match_py310.py", (3, 10, 0)) is None
    assert differential.skip_reason("walrus_py38.py", (3, 7, 16)) == "needs Python 3.8 syntax"
    assert differential.skip_reason("plain.py", (3, 7, 0)) is None


def test_mode_environments_differ_only_in_jit_variables(monkeypatch):
    monkeypatch.setenv("PYSTON_LITE_THRESHOLD", "17")
    monkeypatch.setenv("JIT_MIN_RUNS", "3")
    monkeypatch.setenv("DISABLE_PYSTON", "1")
    envs = {mode: differential.mode_env(mode) for mode in differential.MODES}
    assert envs["disabled"]["DISABLE_PYSTON"] == "1"
    assert envs["threshold0"]["PYSTON_LITE_THRESHOLD"] == "0"
    assert "DISABLE_PYSTON" not in envs["threshold0"]
    assert not any(differential.is_jit_variable(k) for k in envs["default"])
    assert "JIT_MIN_RUNS" not in envs["threshold0"] and "JIT_MIN_RUNS" not in envs["disabled"]
    for env in envs.values():
        assert env["PYTHONHASHSEED"] == "0"
    strip = {mode: {k: v for k, v in env.items() if not differential.is_jit_variable(k)}
             for mode, env in envs.items()}
    assert strip["disabled"] == strip["threshold0"] == strip["default"]


def test_runner_reports_a_mode_dependent_program():
    """tests/inject/mode_dependent.py prints whether pyston_lite was imported, writes it to
    stderr and exits with 4 under the JIT: every JIT mode must be reported as differing in
    all three of stdout, stderr and exit status."""
    path = os.path.join(INJECT_DIR, "mode_dependent.py")
    stock = differential.run_program(path, "disabled")
    assert stock.returncode == 0 and b"pyston_lite imported: False" in stock.stdout, stock
    found = differential.compare(path)
    kinds = sorted((d.mode, d.what) for d in found)
    assert kinds == sorted((mode, what) for mode in ("threshold0", "default")
                           for what in ("returncode", "stdout", "stderr")), found
    text = "\n".join(str(d) for d in found)
    assert "-pyston_lite imported: False" in text and "+pyston_lite imported: True" in text, text
    assert "+threshold variable: 0" in text, text  # the threshold-0 run really had it set


def test_runner_reports_a_timeout():
    path = os.path.join(INJECT_DIR, "sleeps.py")
    result = differential.run_program(path, "disabled", timeout=2)
    assert result.timed_out and result.returncode is None
    assert result.stdout == b"about to sleep\n"
    found = differential.compare(path, timeout=2)
    assert sorted(d.mode for d in found) == sorted(differential.MODES)
    assert all(d.what == "timeout" and "timeout" in str(d) for d in found), found


LOOPS = os.path.join(differential.PROGRAMS_DIR, "loops.py")


def test_jit_runs_report_what_they_compiled():
    results = differential.run_all_modes(LOOPS)
    assert results["disabled"].jit is None
    own = results["threshold0"].jit
    assert own.reports == 1 and own.failed == {} and own.own_compiled >= 1, own
    assert own.compiled > own.own_compiled, own  # start-up and site code compile too
    default = results["default"].jit
    assert default.reports == 1 and default.own_compiled is None, default
    assert differential.compile_problems(LOOPS, results) == []


def test_runner_reports_compile_failures():
    """A code budget of 0 MB makes every compile fail (code_memory_full): the threshold-0
    run is reported for the failures and for having compiled none of the program."""
    found = differential.compare(LOOPS, extra_env={"threshold0": {"PYSTON_LITE_MAX_CODE_MB": "0"}})
    assert sorted((d.mode, d.what) for d in found) == [("threshold0", "compiled"), ("threshold0", "failed")], found
    text = "\n".join(str(d) for d in found)
    assert "loops.py: compile check 'failed' fails in mode threshold0" in text, text
    assert re.search(r"failed to compile: code_memory_full: \d+ \(0 compiled\)", text), text
    assert "no code object of loops.py was compiled at threshold 0" in text, text


def test_runner_reports_a_program_whose_own_code_is_not_compiled():
    """Denying __main__ leaves only start-up code compiled: compiled > 0, but not the program."""
    found = differential.compare(LOOPS, extra_env={"threshold0": {"PYSTON_LITE_DENY": "__main__"}})
    assert [(d.mode, d.what) for d in found] == [("threshold0", "compiled")], found
    assert re.search(r"\(\d+ code objects compiled, none of them from it; failures: none\)", found[0].detail), found


def test_runner_reports_a_run_without_statistics():
    """With the autoload disabled in a JIT mode nothing writes statistics."""
    found = differential.compare(LOOPS, extra_env={"default": {"DISABLE_PYSTON": "1"}})
    assert [(d.mode, d.what) for d in found] == [("default", "stats")], found
    assert "wrote no pyston_lite statistics" in found[0].detail


def test_expected_failures_are_allowed_and_stale_ones_reported():
    results = differential.run_all_modes(LOOPS, extra_env={"threshold0": {"PYSTON_LITE_MAX_CODE_MB": "0"}})
    allowed = differential.compile_problems(LOOPS, results, expected={"code_memory_full": "test"})
    assert [(d.mode, d.what) for d in allowed] == [("threshold0", "compiled")], allowed
    clean = differential.run_all_modes(LOOPS)
    stale = differential.compile_problems(LOOPS, clean, expected={"unsupported_opcode": "test"})
    assert [(d.mode, d.what) for d in stale] == [("threshold0", "expected")], stale
    assert "lists unsupported_opcode for loops.py" in stale[0].detail


def test_expected_compile_failures_name_corpus_programs_with_a_reason():
    names = {os.path.basename(p) for p in PROGRAMS}
    for program, reasons in differential.EXPECTED_COMPILE_FAILURES.items():
        assert program in names, program
        assert reasons and all(isinstance(why, str) and why.strip() for why in reasons.values()), program


def test_parse_stats_sums_the_reports_of_all_processes():
    text = (
        "pyston_lite stats: entries=10 code_objects=5 compiled=4 code_bytes=100 compile_ms=0.1 "
        "failed={unsupported_opcode: 1} denied=0\n  code objects       ...\n"
        "pyston_lite stats: entries=7 code_objects=3 compiled=2 code_bytes=50 compile_ms=0.1 "
        "failed={unsupported_opcode: 2, code_memory_full: 1} denied=0\n")
    assert differential.parse_stats(text) == (2, 6, {"unsupported_opcode": 3, "code_memory_full": 1})
    assert differential.parse_stats("") == (0, 0, {})


def test_own_code_in_perf_map_matches_the_program_file_only():
    text = "\n".join([
        "7f00 10 py::<module>:/x/progs/p.py:1",
        "7f10 10 py::f:p.py:3",
        "7f20 10 py::g:/usr/lib/python3.10/os.py:5",
        "7f30 10 py::h:/x/progs/other/p.py:5",
        "garbage",
    ])
    assert differential.own_code_in_perf_map(text, "/x/progs/p.py", "/x/progs") == ["<module>", "f"]
