#!/usr/bin/env python3
"""Differential testing: run a program with the JIT and without it, and demand identical
stdout, stderr and exit status, byte for byte.

Each program of ``tests/programs/`` is run three times with the interpreter that has both
``pyston_lite`` and ``pyston_lite_autoload`` installed (``sys.executable`` by default):

* ``threshold0``: ``PYSTON_LITE_THRESHOLD=0``, every code object is compiled on first entry;
* ``default``:    the JIT with its default options (only hot code is compiled);
* ``disabled``:   ``DISABLE_PYSTON=1``, the autoload does nothing: stock CPython, the reference.

Every run gets the same environment apart from those variables: any inherited
``PYSTON_LITE_*``, ``JIT_*`` and ``DISABLE_PYSTON`` variable is removed first, and
``PYTHONHASHSEED=0``, ``PYTHONIOENCODING=utf-8`` and ``PYTHONDONTWRITEBYTECODE=1`` are set.
The working directory is the program's directory and argv is
``[python, <file name relative to that directory>]``.

A program named ``something_pyXY.py`` uses syntax of Python X.Y and is skipped on older
interpreters (see ``skip_reason``).

Rules for programs of the corpus: deterministic output (no times, addresses, ids or default
object reprs; sort sets and dicts of strings before printing), runs in well under a second,
prints intermediate results generously, and calls its functions a few hundred times where
it can, so that the default threshold (200 entries) compiles them mid-run too. Programs
that depend on the mode on purpose belong in tests/inject/, never here.

Command line::

    python tests/differential.py [--python PYTHON] [--timeout S] [programs...]

prints one line per program (PASS / DIFF / SKIP) and a unified diff for every difference;
exit status 1 when any program differs. Without arguments it runs all of tests/programs/.
"""

import argparse
import collections
import concurrent.futures
import difflib
import glob
import os
import re
import signal
import subprocess
import sys
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
PROGRAMS_DIR = os.path.join(TESTS_DIR, "programs")

# Seconds one run of one program may take before it counts as a failure.
TIMEOUT = 60

# The reference mode comes first; every other mode is compared with it.
REFERENCE = "disabled"
MODES = ("disabled", "threshold0", "default")

# Set identically for every mode.
COMMON_ENV = {
    "PYTHONHASHSEED": "0",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONDONTWRITEBYTECODE": "1",
}
MODE_ENV = {
    "disabled": {"DISABLE_PYSTON": "1"},
    "threshold0": {"PYSTON_LITE_THRESHOLD": "0"},
    "default": {},
}

VERSION_SUFFIX = re.compile(r"_py(\d)(\d+)\.py$")


def is_jit_variable(name):
    """True for an environment variable that may change what the JIT does."""
    return name.startswith("PYSTON_LITE_") or name.startswith("JIT_") or name == "DISABLE_PYSTON"


def mode_env(mode, base=None, extra=None):
    """The environment of a child run in `mode` ('disabled', 'threshold0' or 'default'):
    `base` (default os.environ) without JIT variables, plus COMMON_ENV, the mode's own
    variables and `extra`."""
    if mode not in MODE_ENV:
        raise ValueError("unknown mode %r (one of %s)" % (mode, ", ".join(MODES)))
    base = os.environ if base is None else base
    env = {k: v for k, v in base.items() if not is_jit_variable(k)}
    env.update(COMMON_ENV)
    env.update(MODE_ENV[mode])
    if extra:
        env.update(extra)
    return env


def required_version(path):
    """(X, Y) for a program named ``*_pyXY.py``, else None."""
    match = VERSION_SUFFIX.search(os.path.basename(path))
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)))


def skip_reason(path, version_info=None):
    """Why `path` cannot run on this interpreter (a ``_pyXY`` program on an older one),
    else None."""
    needed = required_version(path)
    version = tuple((version_info or sys.version_info)[:2])
    if needed is not None and version < needed:
        return "needs Python %d.%d syntax" % needed
    return None


def programs(directory=PROGRAMS_DIR):
    """The sorted paths of the corpus."""
    return sorted(glob.glob(os.path.join(directory, "*.py")))


class Result(collections.namedtuple("Result", "stdout stderr returncode timed_out seconds")):
    """The outcome of one run: stdout and stderr as bytes, the exit status (negative: killed
    by that signal; None when the run timed out)."""

    def __new__(cls, stdout, stderr, returncode, timed_out=False, seconds=0.0):
        return super().__new__(cls, stdout, stderr, returncode, timed_out, seconds)


class Difference(collections.namedtuple("Difference", "program mode what detail")):
    """One way in which the run in `mode` differs from the reference run. `what` is
    'stdout', 'stderr', 'returncode' or 'timeout'; `detail` is human-readable (a unified
    diff for the streams)."""

    def __str__(self):
        return "%s: %s differs in mode %s (reference: %s)\n%s" % (
            os.path.basename(self.program), self.what, self.mode, REFERENCE, self.detail)


def kill_group(process):
    """Kills `process` and everything it started (it leads its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()


def run_program(path, mode, python=None, timeout=TIMEOUT, extra_env=None):
    """Runs the program `path` once in `mode`; returns a Result. The child runs in the
    program's directory with argv [python, file name]; after `timeout` seconds it is killed
    and the Result has timed_out=True, returncode None."""
    path = os.path.abspath(path)
    cwd, name = os.path.split(path)
    argv = [python or sys.executable, name]
    start = time.monotonic()
    process = subprocess.Popen(
        argv, cwd=cwd, env=mode_env(mode, extra=extra_env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        stdout, stderr = process.communicate()
        return Result(stdout, stderr, None, True, time.monotonic() - start)
    return Result(stdout, stderr, process.returncode, False, time.monotonic() - start)


def describe_status(returncode):
    """An exit status, with the signal's name when the process was killed by one."""
    if returncode is not None and returncode < 0:
        try:
            return "%d (%s)" % (returncode, signal.Signals(-returncode).name)
        except ValueError:
            pass
    return str(returncode)


def _diff(name, reference, other, mode):
    lines = difflib.unified_diff(
        reference.decode("utf-8", "backslashreplace").splitlines(True),
        other.decode("utf-8", "backslashreplace").splitlines(True),
        "%s (%s)" % (name, REFERENCE), "%s (%s)" % (name, mode))
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    if not text:  # only possible when the bytes differ in invalid UTF-8
        text = "bytes differ: %r != %r\n" % (reference[:200], other[:200])
    return text


def differences(path, results):
    """The Differences between results[REFERENCE] and every other mode's result."""
    found = []
    reference = results[REFERENCE]
    for mode in results:
        result = results[mode]
        if result.timed_out:
            found.append(Difference(path, mode, "timeout", "the run was killed after %.0f s "
                                    "(timeout); output so far:\n%s%s" % (
                                        result.seconds,
                                        result.stdout.decode("utf-8", "backslashreplace"),
                                        result.stderr.decode("utf-8", "backslashreplace"))))
    if reference.timed_out:
        return found
    for mode in results:
        if mode == REFERENCE or results[mode].timed_out:
            continue
        result = results[mode]
        if result.returncode != reference.returncode:
            found.append(Difference(path, mode, "returncode", "exit status %s, reference %s" % (
                describe_status(result.returncode), describe_status(reference.returncode))))
        for stream in ("stdout", "stderr"):
            ours, theirs = getattr(result, stream), getattr(reference, stream)
            if ours != theirs:
                found.append(Difference(path, mode, stream, _diff(
                    "<%s of %s>" % (stream, os.path.basename(path)), theirs, ours, mode)))
    return found


def run_all_modes(path, python=None, timeout=TIMEOUT, modes=MODES, extra_env=None):
    """{mode: Result} for every mode, the runs done concurrently. `extra_env` maps a mode
    to additional environment variables for that mode's run only."""
    extra_env = extra_env or {}
    with concurrent.futures.ThreadPoolExecutor(len(modes)) as pool:
        futures = {mode: pool.submit(run_program, path, mode, python, timeout, extra_env.get(mode))
                   for mode in modes}
        return {mode: futures[mode].result() for mode in modes}


def compare(path, python=None, timeout=TIMEOUT, extra_env=None):
    """Runs `path` in every mode; returns the list of Differences with the disabled
    (stock) run, empty when all runs agree byte for byte."""
    return differences(path, run_all_modes(path, python, timeout, extra_env=extra_env))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("programs", nargs="*", help="program files (default: tests/programs/*.py)")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with pyston_lite and pyston_lite_autoload installed "
                             "(default: this one, %(default)s)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help="seconds per run (default %(default)s)")
    args = parser.parse_args(argv)
    paths = args.programs or programs()
    version = subprocess.check_output(
        [args.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        env=mode_env(REFERENCE), universal_newlines=True).strip()
    version_info = tuple(int(part) for part in version.split("."))
    print("differential: %s (Python %s), %d programs, modes %s vs reference %s" % (
        args.python, version, len(paths), "/".join(m for m in MODES if m != REFERENCE), REFERENCE))
    counts = collections.Counter()
    width = max(len(os.path.basename(p)) for p in paths) if paths else 0
    for path in paths:
        name = os.path.basename(path)
        reason = skip_reason(path, version_info)
        if reason:
            counts["SKIP"] += 1
            print("SKIP %-*s  (%s)" % (width, name, reason), flush=True)
            continue
        results = run_all_modes(path, args.python, args.timeout)
        found = differences(path, results)
        status = "DIFF" if found else "PASS"
        counts[status] += 1
        times = " ".join("%s %.2fs" % (mode, results[mode].seconds) for mode in MODES)
        print("%s %-*s  exit %s  %s" % (status, width, name, results[REFERENCE].returncode, times),
              flush=True)
        for difference in found:
            print(str(difference).rstrip("\n"), flush=True)
    print("differential: %d passed, %d differ, %d skipped" % (
        counts["PASS"], counts["DIFF"], counts["SKIP"]))
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
