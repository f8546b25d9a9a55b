"""Tools built on tracing and profiling report the same with the JIT as without it:
coverage.py (from PyPI, C tracer), cProfile and pdb driven by a script. Each tool starts
before or inside code that the JIT has already compiled (threshold 0)."""

import os
import re
import subprocess
import sys

import pytest

from conftest import clean_env

PROGRAM = """
import sys

def classify(n):
    if n % 15 == 0:
        return "fizzbuzz"
    if n % 3 == 0:
        return "fizz"
    if n % 5 == 0:
        return "buzz"
    return str(n)

def gen(n):
    for i in range(n):
        yield classify(i)

def main():
    out = [classify(i) for i in range(30)]
    out += list(gen(10))
    try:
        int("x")
    except ValueError:
        out.append("caught")
    return out

print(len(main()))
"""


def run(args, env, cwd):
    return subprocess.run(
        [sys.executable] + args,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=120,
    )


def both(args, tmp_path):
    """Runs `args` without and with the JIT; returns the two CompletedProcesses."""
    (tmp_path / "prog.py").write_text(PROGRAM)
    stock = run(args, clean_env(DISABLE_PYSTON="1"), tmp_path)
    jit = run(args, clean_env(PYSTON_LITE_THRESHOLD="0"), tmp_path)
    assert stock.returncode == 0, stock.stderr
    return stock, jit


def test_coverage_reports_the_same_lines(tmp_path):
    pytest.importorskip("coverage", reason="coverage is installed in the test venv by scripts/test.sh")
    reports = []
    for env in (clean_env(DISABLE_PYSTON="1"), clean_env(PYSTON_LITE_THRESHOLD="0")):
        (tmp_path / "prog.py").write_text(PROGRAM)
        for data in tmp_path.glob(".coverage*"):
            data.unlink()
        ran = run(["-m", "coverage", "run", "--branch", "prog.py"], env, tmp_path)
        assert ran.returncode == 0, ran.stderr
        report = run(["-m", "coverage", "report", "-m"], env, tmp_path)
        assert report.returncode == 0, report.stderr
        reports.append(report.stdout)
    assert reports[0] == reports[1]
    assert "prog.py" in reports[0]


def test_cprofile_counts_the_same_calls(tmp_path):
    stock, jit = both(["-m", "cProfile", "-s", "ncalls", "prog.py"], tmp_path)
    # Timings differ run to run, and so does the order of rows with equal counts; the rows
    # (call counts and function names) must not.
    strip = lambda out: sorted(re.sub(r"\d+\.\d+", "T", line) for line in out.splitlines())
    assert strip(jit.stdout) == strip(stock.stdout)
    assert "classify" in stock.stdout


def test_pdb_session_is_the_same(tmp_path):
    commands = "b classify\nc\nbt\nn\nn\np n\nreturn\nclear 1\nc\n"
    (tmp_path / "prog.py").write_text(PROGRAM)
    results = []
    for env in (clean_env(DISABLE_PYSTON="1"), clean_env(PYSTON_LITE_THRESHOLD="0")):
        proc = subprocess.run(
            [sys.executable, "-m", "pdb", "prog.py"],
            input=commands,
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=120,
        )
        results.append((proc.returncode, proc.stdout, proc.stderr))
    assert results[1] == results[0]
    assert "classify" in results[0][1]
