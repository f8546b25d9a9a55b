"""Shared helpers for the pytest suites. The suites run in a venv whose python has both
pyston_lite and pyston_lite_autoload installed (scripts/test.sh makes it)."""

import os
import subprocess
import sys
import textwrap

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS_DIR)
# Variables that change what the JIT does; removed from every child's environment first.
JIT_VARIABLES = ("DISABLE_PYSTON", "JIT_MIN_RUNS", "JIT_MAX_MEM", "JIT_SHOW_STATS")


# The CPython versions whose builds have a code generator (build_support/python_version.rs,
# CODEGEN_VERSIONS); on the others every code object fails with no_code_generator.
CODEGEN_VERSIONS = {(3, 7), (3, 8), (3, 9), (3, 10)}
COMPILES = tuple(sys.version_info[:2]) in CODEGEN_VERSIONS


def clean_env(**overrides):
    """os.environ without any JIT-related variable, plus `overrides`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYSTON_LITE_") and k not in JIT_VARIABLES
    }
    env.update(overrides)
    return env


def run_python(code, env=None, args=(), python=None, cwd=None, timeout=120):
    """Runs `code` (dedented) in a fresh interpreter; returns the CompletedProcess (text)."""
    return subprocess.run(
        [python or sys.executable, "-c", textwrap.dedent(code)] + list(args),
        env=env if env is not None else clean_env(),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=timeout,
    )


def run_cli(args, cwd, timeout=60):
    """Runs `python ARGS...` (this interpreter) in `cwd` with the autoload off; the
    CompletedProcess (text)."""
    return subprocess.run(
        [sys.executable] + list(args),
        env=clean_env(DISABLE_PYSTON="1"),
        cwd=str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=timeout,
    )


def check_python(code, **kwargs):
    """run_python that must succeed; returns stdout."""
    result = run_python(code, **kwargs)
    assert result.returncode == 0, "child failed:\n" + result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def stock_env():
    """Environment of a child where the autoload does nothing (pyston_lite not imported)."""
    return clean_env(DISABLE_PYSTON="1")
