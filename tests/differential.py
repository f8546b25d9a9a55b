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

The JIT runs must also really compile: each writes its exit statistics to a file
(``PYSTON_LITE_STATS_FILE``), and the threshold-0 run its compiled code objects to a perf map
(``PYSTON_LITE_PERF_MAP``). A program fails when, at threshold 0, no code object of its own
file was compiled (code of the start-up, ``site`` and the standard library compiles in every
run, so a count above zero alone proves nothing), or when any JIT run had a compile failure,
unless ``EXPECTED_COMPILE_FAILURES`` lists that program and reason with why.

A program named ``something_pyXY.py`` uses syntax of Python X.Y and is skipped on older
interpreters (see ``skip_reason``).

Rules for programs of the corpus: deterministic output (no times, addresses, ids or default
object reprs; sort sets and dicts of strings before printing), runs in well under a second,
prints intermediate results generously, and calls its functions a few hundred times where
it can, so that the default threshold (200 entries) compiles them mid-run too. Programs
that depend on the mode on purpose belong in tests/inject/, never here.

Command line::

    python tests/differential.py [--python PYTHON] [--timeout S] [programs...]

prints one line per program (PASS / DIFF / FAIL / SKIP) and a unified diff for every
difference; FAIL is a program whose output agrees but whose compile check does not. Exit
status 1 when any program differs or fails. Without arguments it runs all of tests/programs/.
"""

import argparse
import collections
import concurrent.futures
import difflib
import glob
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
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

# The JIT modes, whose runs report what they compiled; in the first, every code object is
# compiled at its first entry, so the program's own code must be among the compiled.
JIT_MODES = ("threshold0", "default")
OWN_CODE_MODE = "threshold0"

# Corpus programs allowed a compile failure: {program file name: {failure reason: why the
# reason is expected there}}. Empty: every code object that any corpus program runs compiles,
# on every supported version. An entry whose failure no longer happens is reported too.
EXPECTED_COMPILE_FAILURES = {}

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


class Result(collections.namedtuple("Result", "stdout stderr returncode timed_out seconds jit")):
    """The outcome of one run: stdout and stderr as bytes, the exit status (negative: killed
    by that signal; None when the run timed out), and what the JIT compiled (a JitReport,
    None when not asked for)."""

    def __new__(cls, stdout, stderr, returncode, timed_out=False, seconds=0.0, jit=None):
        return super().__new__(cls, stdout, stderr, returncode, timed_out, seconds, jit)


class JitReport(collections.namedtuple("JitReport", "reports compiled failed own_compiled")):
    """What the JIT did in one run: the number of exit statistics reports written (one per
    process that had pyston_lite enabled), code objects compiled and {reason: count} of
    compile failures summed over them, and the number of the program's own code objects in
    the perf map (None when there was none asked for)."""


SUMMARY = re.compile(r"^pyston_lite stats: entries=\d+ code_objects=\d+ compiled=(\d+) .*failed=\{([^}]*)\}", re.M)


def parse_stats(text):
    """(reports, compiled, {reason: count}) from the text of a PYSTON_LITE_STATS_FILE,
    summed over the summary lines of all the reports in it."""
    reports, compiled, failed = 0, 0, collections.Counter()
    for match in SUMMARY.finditer(text):
        reports += 1
        compiled += int(match.group(1))
        for item in filter(None, (part.strip() for part in match.group(2).split(","))):
            reason, count = item.rsplit(":", 1)
            failed[reason.strip()] += int(count)
    return reports, compiled, dict(failed)


def own_code_in_perf_map(text, program, cwd):
    """The names of the code objects of the file `program` among the perf map lines
    `text` ('START SIZE py::<name>:<file>:<line>'; a relative file is relative to `cwd`)."""
    target = os.path.realpath(program)
    names = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].startswith("py::"):
            continue
        name_and_file = parts[2][len("py::"):].rsplit(":", 1)[0]
        name, _, filename = name_and_file.partition(":")
        if os.path.realpath(os.path.join(cwd, filename)) == target:
            names.append(name)
    return names


def perf_map_path(pid):
    """Where the JIT writes the perf map of process `pid` (src/perf_map.rs)."""
    return "/tmp/perf-%d.map" % pid


class Difference(collections.namedtuple("Difference", "program mode what detail")):
    """One way in which the run in `mode` differs from the reference run. `what` is
    'stdout', 'stderr', 'returncode' or 'timeout'; `detail` is human-readable (a unified
    diff for the streams)."""

    def __str__(self):
        return "%s: %s differs in mode %s (reference: %s)\n%s" % (
            os.path.basename(self.program), self.what, self.mode, REFERENCE, self.detail)


class CompileProblem(collections.namedtuple("CompileProblem", "program mode what detail")):
    """A JIT run whose output may agree with the reference but which did not compile as it
    must. `what` is 'stats' (no statistics were written), 'failed' (compile failures),
    'compiled' (none of the program's own code compiled at threshold 0) or 'expected' (an
    EXPECTED_COMPILE_FAILURES entry that no longer happens)."""

    def __str__(self):
        return "%s: compile check '%s' fails in mode %s\n%s" % (
            os.path.basename(self.program), self.what, self.mode, self.detail)


def _reasons(failed):
    return ", ".join("%s: %d" % (reason, failed[reason]) for reason in sorted(failed))


def compile_problems(path, results, expected=None):
    """The CompileProblems of the runs `results` ({mode: Result}) of program `path`: every
    JIT run with a report must have written statistics and have no compile failure other
    than those `expected` ({reason: why}; default: EXPECTED_COMPILE_FAILURES for the
    program), and the OWN_CODE_MODE run must have compiled code of the program's file."""
    name = os.path.basename(path)
    expected = EXPECTED_COMPILE_FAILURES.get(name, {}) if expected is None else expected
    how = ("to see them: PYSTON_LITE_THRESHOLD=0 PYSTON_LITE_STATS=1 python %s (the table "
           "at exit), or pyston_lite.info(function)['reason']" % name)
    found = []
    seen = set()
    for mode, result in results.items():
        jit = result.jit
        if jit is None or result.timed_out:
            continue
        if jit.reports == 0:
            found.append(CompileProblem(path, mode, "stats", (
                "the run wrote no pyston_lite statistics (PYSTON_LITE_STATS_FILE): pyston_lite "
                "was not enabled, or the process ended without running atexit (exit status %s)"
                % describe_status(result.returncode))))
            continue
        seen.update(jit.failed)
        unexpected = {r: n for r, n in jit.failed.items() if r not in expected}
        if unexpected:
            found.append(CompileProblem(path, mode, "failed", (
                "code objects failed to compile: %s (%d compiled); %s. A failure that is right "
                "belongs in differential.EXPECTED_COMPILE_FAILURES with the reason why"
                % (_reasons(unexpected), jit.compiled, how))))
        if mode == OWN_CODE_MODE and jit.own_compiled == 0:
            found.append(CompileProblem(path, mode, "compiled", (
                "no code object of %s was compiled at threshold 0 (%d code objects compiled, "
                "none of them from it; failures: %s)" % (name, jit.compiled, _reasons(jit.failed) or "none"))))
    checked = any(r.jit is not None and r.jit.reports and not r.timed_out for r in results.values())
    stale = sorted(set(expected) - seen)
    if checked and stale:
        found.append(CompileProblem(path, OWN_CODE_MODE, "expected", (
            "EXPECTED_COMPILE_FAILURES lists %s for %s, but no run failed so: remove the entry"
            % (", ".join(stale), name))))
    return found


def kill_group(process):
    """Kills `process` and everything it started (it leads its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()


def run_program(path, mode, python=None, timeout=TIMEOUT, extra_env=None, jit_report=False):
    """Runs the program `path` once in `mode`; returns a Result. The child runs in the
    program's directory with argv [python, file name]; after `timeout` seconds it is killed
    and the Result has timed_out=True, returncode None. With `jit_report` (a JIT mode only),
    the run writes its statistics to a temporary file (and in OWN_CODE_MODE its perf map),
    read into Result.jit and then removed."""
    path = os.path.abspath(path)
    cwd, name = os.path.split(path)
    argv = [python or sys.executable, name]
    env_extra, report_dir = {}, None
    if jit_report:
        if mode not in JIT_MODES:
            raise ValueError("mode %r runs without the JIT: no report to collect" % mode)
        report_dir = tempfile.mkdtemp(prefix="differential-")
        env_extra["PYSTON_LITE_STATS_FILE"] = os.path.join(report_dir, "stats.txt")
        if mode == OWN_CODE_MODE:
            env_extra["PYSTON_LITE_PERF_MAP"] = "1"
    env_extra.update(extra_env or {})
    start = time.monotonic()
    process = subprocess.Popen(
        argv, cwd=cwd, env=mode_env(mode, extra=env_extra), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        stdout, stderr = process.communicate()
        timed_out = True
    seconds = time.monotonic() - start
    jit = _collect_report(report_dir, process.pid, path, cwd, mode) if report_dir else None
    return Result(stdout, stderr, None if timed_out else process.returncode, timed_out, seconds, jit)


def _collect_report(report_dir, pid, path, cwd, mode):
    """The JitReport of the finished run `pid`; removes its stats file and perf map."""
    try:
        stats_path = os.path.join(report_dir, "stats.txt")
        text = ""
        if os.path.exists(stats_path):
            with open(stats_path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        reports, compiled, failed = parse_stats(text)
    finally:
        shutil.rmtree(report_dir, ignore_errors=True)
    own = None
    if mode == OWN_CODE_MODE:
        map_path = perf_map_path(pid)
        own = []
        if os.path.exists(map_path):
            try:
                with open(map_path, encoding="utf-8", errors="replace") as f:
                    own = own_code_in_perf_map(f.read(), path, cwd)
            finally:
                os.unlink(map_path)
        own = len(own)
    return JitReport(reports, compiled, failed, own)


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
    """{mode: Result} for every mode, the runs done concurrently, the JIT modes with a
    JitReport. `extra_env` maps a mode to additional environment variables for that mode's
    run only."""
    extra_env = extra_env or {}
    with concurrent.futures.ThreadPoolExecutor(len(modes)) as pool:
        futures = {mode: pool.submit(run_program, path, mode, python, timeout, extra_env.get(mode),
                                     mode in JIT_MODES)
                   for mode in modes}
        return {mode: futures[mode].result() for mode in modes}


def compare(path, python=None, timeout=TIMEOUT, extra_env=None):
    """Runs `path` in every mode; returns the list of Differences with the disabled
    (stock) run followed by the CompileProblems of the JIT runs, empty when all runs agree
    byte for byte and compiled as they must."""
    results = run_all_modes(path, python, timeout, extra_env=extra_env)
    return differences(path, results) + compile_problems(path, results)


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
        problems = compile_problems(path, results)
        if problems and not found:
            status = "FAIL"
        found += problems
        counts[status] += 1
        times = " ".join("%s %.2fs" % (mode, results[mode].seconds) for mode in MODES)
        print("%s %-*s  exit %s  %s" % (status, width, name, results[REFERENCE].returncode, times),
              flush=True)
        for difference in found:
            print(str(difference).rstrip("\n"), flush=True)
    print("differential: %d passed, %d differ, %d fail the compile check, %d skipped" % (
        counts["PASS"], counts["DIFF"], counts["FAIL"], counts["SKIP"]))
    return 1 if counts["DIFF"] or counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
