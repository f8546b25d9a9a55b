"""The differential corpus: every tests/programs/*.py must print the same stdout and stderr
and exit with the same status with the JIT at threshold 0, with the JIT at its default
threshold, and with the JIT disabled (see differential.py). Plus meta-tests showing that the
runner does report differences and timeouts."""

import os
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
