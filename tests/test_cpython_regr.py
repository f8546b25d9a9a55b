"""CPython's own regression tests with the JIT (threshold 0) and without it: every module
of tests/cpython_regr_modules.txt must give the same per-test outcomes and the same module
result in both runs (see cpython_regr.py).

The per-module tests carry the marker ``cpython_regr`` (about 1-2 minutes per interpreter
in total): deselect them with ``pytest -m "not cpython_regr"``, run only them with
``pytest -m cpython_regr``. The environment variable ``CPYTHON_REGR_MODULES`` (comma-separated
module names) narrows the run to those modules. The meta-tests (no marker) check that the
runner reports an injected difference and parses the module list."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cpython_regr  # noqa: E402

ENTRIES = cpython_regr.load_module_list()
INJECT_DIR = os.path.join(cpython_regr.TESTS_DIR, "inject")


@pytest.mark.cpython_regr
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.module for e in ENTRIES])
def test_module(entry):
    wanted = os.environ.get("CPYTHON_REGR_MODULES")
    if wanted and entry.module not in [m.strip() for m in wanted.split(",")]:
        pytest.skip("not selected by CPYTHON_REGR_MODULES")
    reason = cpython_regr.version_reason(entry)
    if reason:
        pytest.skip(reason)
    if not cpython_regr.module_exists(entry.module):
        pytest.skip("%s does not exist in Python %d.%d's test package" % (
            (entry.module,) + sys.version_info[:2]))
    comparison = cpython_regr.compare_module(entry.module)
    assert not comparison.differences, "%s differs with the JIT:\n%s" % (
        entry.module, cpython_regr.report(comparison))
    reference = comparison.runs[cpython_regr.DEFAULT_MODES[-1]]
    assert reference.outcomes or reference.result != "passed", (
        "no test outcome parsed from a passing run:\n" + reference.log[-3000:])


def test_runner_reports_an_injected_difference():
    """tests/inject/sitecustomize.py, on PYTHONPATH of the JIT run only, breaks
    string.capwords: the runner must report exactly test_capwords and the module result."""
    no_pyc = {"PYTHONDONTWRITEBYTECODE": "1"}  # keep tests/inject free of __pycache__
    comparison = cpython_regr.compare_module("test_string", timeout=120, extra_env={
        "threshold0": dict(no_pyc, PYTHONPATH=INJECT_DIR), "disabled": no_pyc})
    jit, stock = comparison.runs["threshold0"], comparison.runs["disabled"]
    assert stock.result == "passed" and stock.returncode == 0, stock.log[-3000:]
    assert jit.result == "failed" and jit.returncode == 2, jit.log[-3000:]
    key = "test.test_string.ModuleTest.test_capwords"
    assert stock.outcomes[key] == "ok" and jit.outcomes[key] == "FAIL"
    assert comparison.differences == [
        "module result: threshold0 failed (exit 2), disabled passed (exit 0)",
        "%s: threshold0 FAIL, disabled ok" % key,
    ]
    text = cpython_regr.report(comparison)
    assert "FAIL: test_capwords" in text and "AssertionError" in text, text
    # every other test case agrees
    assert len(stock.outcomes) > 20
    assert {k: v for k, v in jit.outcomes.items() if k != key} == \
        {k: v for k, v in stock.outcomes.items() if k != key}


def test_module_list_syntax():
    entries = cpython_regr.parse_module_list(
        "# comment\n\ntest_a\ntest_b  >=3.8   # trailing comment\ntest_c >=3.8 <3.10\n")
    assert [e.module for e in entries] == ["test_a", "test_b", "test_c"]
    reason = cpython_regr.version_reason
    assert reason(entries[0], (3, 7)) is None
    assert reason(entries[1], (3, 7)) == "test_b is listed for Python >=3.8 only"
    assert reason(entries[1], (3, 8)) is None
    assert reason(entries[2], (3, 10)) == "test_c is listed for Python <3.10 only"
    for bad in ("test_a 3.8\n", "test_a >=three\n", "notatest\n"):
        with pytest.raises(ValueError):
            cpython_regr.parse_module_list(bad)


def test_module_list_is_big_enough_and_exists():
    modules = [e.module for e in ENTRIES]
    assert len(modules) >= 25 and len(set(modules)) == len(modules)
    run, skipped = cpython_regr.selected_modules()
    assert len(run) >= 25, skipped
    for module, reason in skipped:
        assert "listed for Python" in reason, (module, reason)  # no typo in the list


def test_outcome_parsing():
    """The parts of the parser the injected-difference test cannot reach: failing subtests,
    setUpClass errors, docstrings, doctest summaries, crashes, module results."""
    log = "\n".join([
        "0:00:00 load avg: 0.50 [1/1] test_x",
        "test_a (test.test_x.C) ... ok",
        "test_b (test.test_x.C) ... test_c (test.test_x.C)",
        "The docstring of c. ... FAIL",
        "test_d (test.test_x.C) ... skipped 'no reason'",
        "test_e (test.test_x.C) ... expected failure",
        "",
        "=" * 70,
        "ERROR: setUpClass (test.test_x.D)",
        "-" * 70,
        "Traceback (most recent call last):",
        "RuntimeError: setup",
        "",
        "=" * 70,
        "FAIL: test_b (test.test_x.C) (i=1)",
        "-" * 70,
        "AssertionError: 1 != 0",
        "",
        "=" * 70,
        "FAIL: test_c (test.test_x.C)",
        "The docstring of c.",
        "-" * 70,
        "AssertionError",
        "",
        "Ran 5 tests in 0.01s",
        "1 items passed all tests:",
        "   3 tests in test.test_x.__test__.good",
        "1 items had failures:",
        "   1 of   2 in test.test_x.__test__.bad",
        "5 tests in 2 items.",
        "test_x failed",
        "",
        "== Tests result: FAILURE ==",
        "",
        "1 test failed:",
        "    test_x",
        "",
        "Total duration: 49 ms",
        "Tests result: FAILURE",
    ])
    outcomes = cpython_regr.parse_outcomes(log, "/nonexistent.xml")
    assert outcomes == {
        "test.test_x.C.test_a": "ok",
        "test.test_x.C.test_b (i=1)": "FAIL",
        "test.test_x.C.test_c": "FAIL",
        "test.test_x.C.test_d": "skipped",
        "test.test_x.C.test_e": "expected failure",
        "test.test_x.D.setUpClass": "ERROR",
        "doctest test.test_x.__test__.good": "ok",
        "doctest test.test_x.__test__.bad": "FAIL",
    }
    assert cpython_regr.module_result(log, "test_x", 2, False) == "failed"
    crashed = log.split("test_d")[0] + "test_d (test.test_x.C) ... "
    assert cpython_regr.module_result(crashed, "test_x", -11, False) == "crashed (SIGSEGV)"
    assert cpython_regr.last_started_test(crashed) == "test.test_x.C.test_d"
    assert cpython_regr.module_result(crashed, "test_x", None, True) == "timeout"
    ok_tail = "\n== Tests result: SUCCESS ==\n\n1 test OK.\n\nTotal duration: 5 ms\nTests result: SUCCESS\n"
    assert cpython_regr.module_result(ok_tail, "test_x", 0, False) == "passed"
    skipped = ("test_x skipped -- Use of the 'network' resource not enabled\n"
               "test_x skipped (resource denied)\n\n== Tests result: SUCCESS ==\n\n"
               "1 test skipped:\n    test_x\n\nTests result: SUCCESS\n")
    assert cpython_regr.module_result(skipped, "test_x", 0, False) == "resource denied"
    assert cpython_regr.module_result(skipped.replace(" (resource denied)", ""), "test_x", 0, False) == "skipped"
