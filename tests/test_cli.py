"""`python -m pyston_lite`: runs a script or module with the JIT on, as `python script.py`
would: same argv, same __main__, same traceback and exit status."""

import os
import sys

import pytest

from conftest import run_cli

SCRIPT = """\
import sys
import pyston_lite
print(__name__, sys.argv[1:], pyston_lite.is_enabled())
def fail():
    raise ValueError("boom")
if sys.argv[1:] == ["fail"]:
    fail()
if sys.argv[1:] == ["exit"]:
    sys.exit(3)
"""


def run(args, cwd):
    return run_cli(args, cwd)


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(SCRIPT)
    return path


def test_help_explains_options(tmp_path):
    result = run(["-m", "pyston_lite", "--help"], tmp_path)
    assert result.returncode == 0
    for word in ("--threshold", "PYSTON_LITE_THRESHOLD", "JIT_MIN_RUNS", "--loop-threshold",
                 "PYSTON_LITE_LOOP_THRESHOLD", "--max-code-mb", "--stats", "-m module"):
        assert word in result.stdout


def test_runs_script_with_jit_enabled(script):
    result = run(["-m", "pyston_lite", "--threshold", "0", "prog.py", "a", "b"], script.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "__main__ ['a', 'b'] True\n", "")


def test_loop_threshold_option(tmp_path):
    (tmp_path / "loops.py").write_text(
        "import pyston_lite\n"
        "def f():\n    for i in range(3): pass\n"
        "f(); f()\n"
        "print(pyston_lite.info(f)['state'])\n"
    )
    assert run(["-m", "pyston_lite", "loops.py"], tmp_path).stdout == "compiled\n"
    assert run(["-m", "pyston_lite", "--loop-threshold", "2", "loops.py"], tmp_path).stdout == "cold\n"
    bad = run(["-m", "pyston_lite", "--loop-threshold", "x", "loops.py"], tmp_path)
    assert (bad.returncode, "--loop-threshold expects a whole number" in bad.stderr) == (2, True)


def test_uncaught_exception_looks_like_plain_python(script):
    plain = run(["prog.py", "fail"], script.parent)
    ours = run(["-m", "pyston_lite", "prog.py", "fail"], script.parent)
    assert plain.returncode == ours.returncode == 1
    assert ours.stderr == plain.stderr
    assert "ValueError: boom" in ours.stderr


def test_exit_status_propagates(script):
    assert run(["-m", "pyston_lite", "prog.py", "exit"], script.parent).returncode == 3


def test_runs_module(script):
    result = run(["-m", "pyston_lite", "--stats", "-m", "prog", "x"], script.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "__main__ ['x'] True\n"
    assert "pyston_lite stats: entries=" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--threshold", "x", "prog.py"], "--threshold expects a whole number, got 'x'"),
        (["--threshold", "-1", "prog.py"], 'invalid value "-1" for threshold'),
        (["--max-code-mb"], "--max-code-mb needs a value"),
        (["--frobnicate", "prog.py"], "unknown option --frobnicate"),
        ([], "no script or module given"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(script, args, message):
    result = run(["-m", "pyston_lite"] + args, script.parent)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
