#!/usr/bin/env python3
"""Benchmark runner: stock CPython vs pyston-lite-in-Rust ("ours") vs the real pyston_lite 2.3.5.

For each interpreter given with --python it makes (or reuses) three venvs under --venv-root:

    bench-3.X-stock    pyperf + pyperformance 1.10.0
    bench-3.X-ours     the same + our pyston_lite and pyston_lite_autoload wheels (from --wheels)
    bench-3.X-pyston   the same + pyston_lite_autoload==2.3.5 from PyPI (pulls pyston_lite==2.3.5)

The autoload packages enable the JIT in every process of their venv (a .pth file), so running
a pyperf script with the venv's python measures the JIT, pyperf's worker processes included.

Two suites of pyperf scripts (--suite): "ours", the programs in benches/programs/ (table rows
bm_*), and "pyperformance", the interpreter-bound benchmarks of pyperformance 1.10.0, run from
the venv's installed package (data-files/benchmarks/bm_*/run_benchmark.py, with their
arguments and their directory as the working directory; table rows pp_*).

Benchmarks are interleaved: for each benchmark, each interpreter, the three venvs run one after
the other, the order rotating from one benchmark to the next, so machine noise hits all alike.
Each run writes RESULTS_DIR/3.X/<venv>/<bench>.json (pyperf's format). At the end a table per
interpreter and suite is printed and RESULTS_DIR/summary.{md,json} are written.

Exit status: 0 when every run succeeded, 1 when any failed (listed at the end), 2 for bad usage
(bad --python, missing wheels, unknown benchmark name).

Only the standard library is needed to run this script (any Python 3.7+); pyperf does the timing
inside the venvs.
"""

import argparse
import datetime
import glob
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402  (the SVG chart and its JSON, written at the end of a run)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS_DIR = os.path.join(REPO, "benches", "programs")

SUPPORTED = ("3.7", "3.8", "3.9", "3.10")
CONFIGS = ("stock", "ours", "pyston")

# pyperf 2.8.0 claims Requires-Python >= 3.7 but imports importlib.metadata (3.8+), so it breaks
# on 3.7; 2.7.0 is the newest release that works on all four. One version everywhere keeps the
# measurements comparable across interpreters (a per-version pin would go here).
PYPERF_PIN = {version: "pyperf==2.7.0" for version in SUPPORTED}
PYSTON_PIN = "pyston_lite_autoload==2.3.5"
PYSTON_VERSION = "2.3.5"

# pyperformance 1.10.0 is the last release whose benchmarks run on 3.7 (its pyproject files say
# >= 3.8, but the ones below run on 3.7 too); it installs with pip on 3.7-3.10 and ships the
# benchmarks inside the package, under pyperformance/data-files/benchmarks/bm_*/.
PYPERFORMANCE_VERSION = "1.10.0"
PYPERFORMANCE_PIN = "pyperformance==" + PYPERFORMANCE_VERSION

SUITES = ("ours", "pyperformance")
SUITE_TITLES = {"ours": "our programs (benches/programs/)",
                "pyperformance": "pyperformance %s" % PYPERFORMANCE_VERSION}

# pyperformance's interpreter-bound benchmarks: pure Python, no package beyond what
# pyperformance itself requires. One entry per run of a run_benchmark.py:
#   (its name in pyperformance's MANIFEST, its directory under data-files/benchmarks/,
#    arguments after the script, the pyperf benchmarks the run writes, what it exercises)
# Each pyperf benchmark is a table row named "pp_" + its name. A script that runs several
# sub-benchmarks is given one on its command line when it takes one (scimark, logging), so each
# run is one row; deepcopy takes none, so its one run gives three rows.
# Left out (see benches/README.md): json_dumps, json_loads (the C accelerator of json),
# regex_v8 and the other regex_* (the C regex engine), sqlite_synth (SQLite's C code), and the
# benchmarks that need other packages.
PYPERFORMANCE_RUNS = (
    ("chaos", "bm_chaos", (), ("chaos",),
     "chaos game fractal: spline objects, float arithmetic, random"),
    ("deltablue", "bm_deltablue", (), ("deltablue",),
     "DeltaBlue incremental constraint solver: object graphs, method calls"),
    ("fannkuch", "bm_fannkuch", (), ("fannkuch",),
     "fannkuch-redux on 9 elements: list slicing, reversal, int loops"),
    ("float", "bm_float", (), ("float",),
     "Point objects with __slots__: float math, normalisation, max"),
    ("go", "bm_go", (), ("go",),
     "Go on a 9x9 board by Monte Carlo tree search: many small objects"),
    ("hexiom", "bm_hexiom", (), ("hexiom",),
     "Hexiom puzzle solver: constraint propagation and backtracking"),
    ("nbody", "bm_nbody", (), ("nbody",),
     "n-body simulation: float arithmetic on lists"),
    ("nqueens", "bm_nqueens", (), ("nqueens",),
     "8 queens by brute force: a pure-Python permutations() generator, sets"),
    ("pickle_pure_python", "bm_pickle", ("--pure-python", "pickle"), ("pickle_pure_python",),
     "pickle.dumps with the pure-Python pickler (no _pickle)"),
    ("pyflate", "bm_pyflate", (), ("pyflate",),
     "pure-Python bzip2 decompressor: bit reading, Huffman tables (reads data/ beside it)"),
    ("raytrace", "bm_raytrace", (), ("raytrace",),
     "ray tracer: vector objects, operator methods, float math"),
    ("richards", "bm_richards", (), ("richards",),
     "Richards' OS task scheduler simulation: objects, method calls"),
    ("scimark", "bm_scimark", ("fft",), ("scimark_fft",),
     "SciMark fast Fourier transform: float loops over lists"),
    ("scimark", "bm_scimark", ("lu",), ("scimark_lu",),
     "SciMark LU factorisation: nested loops over lists of lists"),
    ("scimark", "bm_scimark", ("monte_carlo",), ("scimark_monte_carlo",),
     "SciMark Monte Carlo integration: a pure-Python random generator"),
    ("scimark", "bm_scimark", ("sor",), ("scimark_sor",),
     "SciMark successive over-relaxation: a 2-D float stencil"),
    ("scimark", "bm_scimark", ("sparse_mat_mult",), ("scimark_sparse_mat_mult",),
     "SciMark sparse matrix-vector multiplication: indexed loops"),
    ("spectral_norm", "bm_spectral_norm", (), ("spectral_norm",),
     "spectral norm of an infinite matrix: nested loops, float arithmetic"),
    ("unpack_sequence", "bm_unpack_sequence", (), ("unpack_sequence",),
     "tuple and list unpacking, 400 unpackings per loop"),
    ("generators", "bm_generators", (), ("generators",),
     "in-order walk of a binary tree by recursive generators (yield from)"),
    ("coroutines", "bm_coroutines", (), ("coroutines",),
     "recursive Fibonacci in async def coroutines driven by send()"),
    ("deepcopy", "bm_deepcopy", (), ("deepcopy", "deepcopy_reduce", "deepcopy_memo"),
     "copy.deepcopy, one run for three rows: nested containers; __reduce__ objects; a memo"),
    ("logging", "bm_logging", ("silent",), ("logging_silent",),
     "logger.debug calls below the logger's level (discarded)"),
    ("logging", "bm_logging", ("simple",), ("logging_simple",),
     "logger.warning of a plain message to a StringIO handler"),
    ("logging", "bm_logging", ("format",), ("logging_format",),
     "logger.warning with a %s argument to a StringIO handler"),
    ("pathlib", "bm_pathlib", (), ("pathlib",),
     "pathlib on 2000 files in a temporary directory: iterdir, glob, stat (system calls too)"),
)
PP_PREFIX = "pp_"

# pyperf runs a process that has `pyston_lite` in sys.modules as a JIT: 6 workers x 10 values
# (20 x 3 otherwise), and it calibrates the number of warmup values until timings look stable,
# which on a noisy machine can take over a hundred values per worker (minutes per benchmark).
# The programs keep their hot code in functions entered many times per call, so a JIT that
# compiles after a few hundred entries is warm within a few calls; a fixed count bounds the time.
DEFAULT_JIT_WARMUPS = 8

MARKER = "bench-venv.json"   # written into each venv: what it was made from
MARKER_FORMAT = 1

# Environment variables that must not leak into the measured processes.
DROP_ENV = ("DISABLE_PYSTON", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT")
# Prefixes of variables handed on to pyperf's workers (JIT settings of ours and of pyston_lite).
INHERIT_PREFIXES = ("PYSTON_LITE_", "JIT_")

# Printed by each venv's python at setup; decides whether a venv is usable.
PROBE = r"""
import json, os, sys
loaded = 'pyston_lite' in sys.modules        # imported at startup by the autoload .pth
versions = {}
for entry in sys.path:
    if not os.path.isdir(entry):
        continue
    for name in os.listdir(entry):
        if name.endswith('.dist-info'):
            project, _, version = name[:-len('.dist-info')].partition('-')
            project = project.lower().replace('-', '_')
            if project in ('pyperf', 'pyperformance', 'pyston_lite', 'pyston_lite_autoload'):
                versions.setdefault(project, version)
enabled = None
if loaded:
    fn = getattr(sys.modules['pyston_lite'], 'is_enabled', None)
    if fn is not None:
        try:
            enabled = bool(fn())
        except Exception:
            enabled = None
import pyperf
try:
    import pyperformance    # its benchmarks are files inside the package
    performance = {'version': pyperformance.__version__,
                   'dir': os.path.dirname(os.path.abspath(pyperformance.__file__))}
except Exception as exc:
    performance = {'error': '%s: %s' % (type(exc).__name__, exc)}
print(json.dumps({'loaded': loaded, 'enabled': enabled, 'versions': versions,
                  'pyperf': pyperf.__version__, 'pyperformance': performance,
                  'prefix': sys.prefix}))
"""


class UsageError(Exception):
    """Bad command line: reported in one line, exit status 2."""


class SetupError(Exception):
    """A venv could not be made: reported, exit status 1."""


def shown_path(path):
    """A path as the user would type it: relative to the current directory when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------- arguments

def available_benchmarks():
    paths = sorted(glob.glob(os.path.join(PROGRAMS_DIR, "bm_*.py")))
    return [os.path.splitext(os.path.basename(p))[0] for p in paths]


class Job(object):
    """One pyperf script run per venv, and the table rows it gives.

    suite "ours": benches/programs/<name>.py, one row named like the file (bm_*).
    suite "pyperformance": <pyperformance package>/data-files/benchmarks/<directory>/
    run_benchmark.py with `args`, run in that directory; rows are (row name, name of the pyperf
    benchmark in the run's output), e.g. ("pp_scimark_sor", "scimark_sor"). `group` is the name
    --only takes for all the runs of one pyperformance benchmark (pp_scimark, pp_logging)."""

    def __init__(self, name, suite, rows, group=None, directory=None, args=(), description=""):
        self.name = name                  # result file stem and progress label
        self.suite = suite
        self.rows = list(rows)            # [(row name, pyperf benchmark name or None = all)]
        self.group = group or name
        self.directory = directory
        self.args = list(args)
        self.description = description

    def row_names(self):
        return [row for row, _ in self.rows]

    def with_rows(self, names):
        """The same run reporting only the rows named (in the run's own order)."""
        return Job(self.name, self.suite, [r for r in self.rows if r[0] in names], self.group,
                   self.directory, self.args, self.description)

    def script(self, benchmarks_dir=None):
        """The script to run; for pyperformance, under the venv's data-files/benchmarks/."""
        if self.suite == "ours":
            return os.path.join(PROGRAMS_DIR, self.name + ".py")
        return os.path.join(benchmarks_dir, self.directory, "run_benchmark.py")

    def cwd(self, script):
        """Working directory of the run: a pyperformance benchmark's own directory (some read
        data files beside them); ours inherit the runner's."""
        return None if self.suite == "ours" else os.path.dirname(script)

    def __repr__(self):
        return "Job(%r, rows=%r)" % (self.name, self.row_names())


def suite_jobs(suite):
    """Every run of one suite, in table order."""
    if suite == "ours":
        return [Job(name, "ours", [(name, None)], description=docstring(name))
                for name in available_benchmarks()]
    if suite == "pyperformance":
        return [Job(PP_PREFIX + benches[0], suite, [(PP_PREFIX + b, b) for b in benches],
                    group=PP_PREFIX + group, directory=directory, args=args,
                    description=description)
                for group, directory, args, benches, description in PYPERFORMANCE_RUNS]
    raise ValueError("unknown suite %r" % suite)


def only_candidates(raw, suites):
    """The names a --only entry may mean, most likely first.

    'pp_x' and 'pyperformance/x' are pyperformance's x; 'bm_x' and 'ours/x' are our program;
    a bare 'x' is our bm_x if --suite takes ours, else pyperformance's pp_x."""
    name = raw[:-3] if raw.endswith(".py") else raw
    if name.startswith("pyperformance/"):
        name = name[len("pyperformance/"):]
        return [name if name.startswith(PP_PREFIX) else PP_PREFIX + name]
    if name.startswith("ours/"):
        name = name[len("ours/"):]
        return [name if name.startswith("bm_") else "bm_" + name]
    if name.startswith(PP_PREFIX) or name.startswith("bm_"):
        return [name]
    prefixes = {"ours": "bm_", "pyperformance": PP_PREFIX}
    return [prefixes[s] + name for s in SUITES if s in suites] + \
           [prefixes[s] + name for s in SUITES if s not in suites]


def select_jobs(only, suites):
    """The runs of the suites given, or (with --only "a,b") the runs of the benchmarks named,
    each reporting just the rows asked for, in the order first named. A group name
    (pp_scimark, pp_logging, pp_deepcopy) takes all its rows."""
    everything = [job for suite in SUITES for job in suite_jobs(suite)]
    if only is None:
        return [job for job in everything if job.suite in suites]
    by_row, by_group = {}, {}
    for job in everything:
        by_group.setdefault(job.group, []).append(job)
        for row in job.row_names():
            by_row[row] = job
    wanted = []       # (job, row) in the order asked for
    for raw in only.split(","):
        raw = raw.strip()
        if not raw:
            continue
        for key in only_candidates(raw, suites):
            if key in by_group:
                picked = [(job, row) for job in by_group[key] for row in job.row_names()]
                break
            if key in by_row:
                picked = [(by_row[key], key)]
                break
        else:
            known = [row for job in everything if job.suite in suites for row in job.row_names()]
            raise UsageError("unknown benchmark %r in --only (available: %s)"
                             % (raw, ", ".join(known)))
        suite = picked[0][0].suite
        if suite not in suites:
            raise UsageError("%r in --only is in the %s suite, which --suite %s leaves out"
                             % (raw, suite, "/".join(suites)))
        for pair in picked:
            if pair not in wanted:
                wanted.append(pair)
    if not wanted:
        raise UsageError("--only names no benchmark")
    jobs = []
    for job, _ in wanted:
        if job not in jobs:
            jobs.append(job)
    return [job.with_rows({row for j, row in wanted if j is job}) for job in jobs]


def parse_args(argv, default_suite="ours"):
    """The checked command line. `default_suite` is what no --suite means: main() passes "all";
    count.py, which runs only our programs, parses its --only here with the default."""
    parser = argparse.ArgumentParser(
        description="Run the benchmark suite: stock CPython vs our JIT vs pyston_lite 2.3.5.",
        epilog="Speedups are stock time / other time: above 1.00x is faster than stock.")
    parser.add_argument("--python", action="append", default=[], metavar="PATH",
                        help="a CPython 3.7-3.10 interpreter (repeat for several)")
    parser.add_argument("--wheels", metavar="DIR",
                        help="directory with our pyston_lite and pyston_lite_autoload wheels")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fast", action="store_true", help="pass --fast to pyperf (rough, quick)")
    mode.add_argument("--rigorous", action="store_true",
                      help="pass --rigorous to pyperf (slow, more accurate)")
    mode.add_argument("--check", action="store_true",
                      help="correctness only: one value per benchmark (pyperf "
                           "--debug-single-value); timings are not meaningful")
    parser.add_argument("--rounds", type=int, default=1, metavar="N",
                        help="run the whole interleaved schedule N times (default 1) and "
                             "pool the rounds; the table also shows the range of the "
                             "per-round speedups")
    parser.add_argument("--suite", choices=("ours", "pyperformance", "all"), default=None,
                        help="our programs (benches/programs/, rows bm_*), pyperformance "
                             "%s's interpreter-bound benchmarks (rows pp_*), or both "
                             "(default: %s)" % (PYPERFORMANCE_VERSION, default_suite))
    parser.add_argument("--only", metavar="A,B",
                        help="comma-separated benchmarks to run: bm_x or ours/x for our "
                             "programs, pp_x or pyperformance/x for pyperformance's (a group "
                             "such as pp_scimark takes all its parts); a bare x is ours if "
                             "there is one")
    parser.add_argument("--no-pyston", action="store_true",
                        help="skip the pyston_lite 2.3.5 venv")
    parser.add_argument("--no-ours", action="store_true",
                        help="skip our wheels' venv (then --wheels is not needed)")
    parser.add_argument("--venv-root", metavar="DIR", default=os.path.join(REPO, ".venvs"),
                        help="where the venvs live (default: .venvs/ in the repo)")
    parser.add_argument("-o", "--output", metavar="RESULTS_DIR",
                        default=os.path.join(REPO, "bench-results"),
                        help="results directory (default: bench-results/ in the repo)")
    parser.add_argument("--jit-warmups", default=str(DEFAULT_JIT_WARMUPS), metavar="N|auto",
                        help="warmup values per worker in the ours and pyston venvs (default "
                             "%d); 'auto' lets pyperf calibrate them, which can take minutes "
                             "per benchmark" % DEFAULT_JIT_WARMUPS)
    parser.add_argument("--timeout", type=float, default=1800, metavar="SECONDS",
                        help="give up on one benchmark run after this long (default 1800)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    suite = args.suite or default_suite
    args.suites = SUITES if suite == "all" else (suite,)
    args.jobs = select_jobs(args.only, args.suites)
    # table rows, in order (for our programs, the program names)
    args.benchmarks = [row for job in args.jobs for row in job.row_names()]

    args.configs = [c for c in CONFIGS
                    if not (c == "ours" and args.no_ours) and not (c == "pyston" and args.no_pyston)]
    if not args.list:
        if not args.python:
            raise UsageError("give at least one --python PATH (CPython 3.7-3.10)")
        if "ours" in args.configs and not args.wheels:
            raise UsageError("--wheels DIR is required (the directory holding our pyston_lite "
                             "and pyston_lite_autoload wheels), or pass --no-ours")
    if args.rounds < 1:
        raise UsageError("--rounds takes a count >= 1, not %d" % args.rounds)
    if args.jit_warmups == "auto":
        args.jit_warmups = None
    else:
        try:
            args.jit_warmups = int(args.jit_warmups)
            if args.jit_warmups < 0:
                raise ValueError
        except ValueError:
            raise UsageError("--jit-warmups takes a count >= 0 or 'auto', not %r"
                             % args.jit_warmups)
    args.venv_root = os.path.abspath(args.venv_root)
    args.output = os.path.abspath(args.output)
    return args


def probe_python(path):
    """Returns (path, 'X.Y', full version) of a usable interpreter, or raises UsageError."""
    candidate = path
    if os.sep not in path:
        candidate = shutil.which(path) or path
    if not os.path.exists(candidate):
        raise UsageError("--python %s: no such file" % path)
    if os.path.isdir(candidate) or not os.access(candidate, os.X_OK):
        raise UsageError("--python %s: not an executable file" % path)
    code = ("import sys, platform; print('%d.%d' % sys.version_info[:2]); "
            "print(platform.python_implementation()); print(platform.python_version())")
    try:
        out = subprocess.run([candidate, "-c", code], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError("--python %s: could not run it (%s)" % (path, exc))
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) != 3:
        raise UsageError("--python %s: could not run it (exit status %d)" % (path, out.returncode))
    short, impl, full = lines
    if impl != "CPython":
        raise UsageError("--python %s is %s %s; only CPython 3.7-3.10 is supported"
                         % (path, impl, full))
    if short not in SUPPORTED:
        raise UsageError("--python %s is Python %s; only 3.7, 3.8, 3.9 and 3.10 are supported"
                         % (path, full))
    return os.path.abspath(candidate), short, full


def wheel_files(wheels_dir, short):
    """Our wheels for one interpreter, or raises UsageError naming the directory."""
    if not os.path.isdir(wheels_dir):
        raise UsageError("--wheels %s: no such directory (build the wheels first, e.g. make bench)"
                         % wheels_dir)
    tag = "cp" + short.replace(".", "")
    core = sorted(glob.glob(os.path.join(wheels_dir, "pyston_lite-*-%s-*.whl" % tag)))
    if not core:
        raise UsageError("no pyston_lite wheel for Python %s (pyston_lite-*-%s-*.whl) in %s"
                         % (short, tag, os.path.abspath(wheels_dir)))
    auto = [p for p in sorted(glob.glob(os.path.join(wheels_dir, "pyston_lite_autoload-*.whl")))
            if "-py3-none-any" in p or "-%s-" % tag in p]
    if not auto:
        raise UsageError("no pyston_lite_autoload wheel usable by Python %s in %s"
                         % (short, os.path.abspath(wheels_dir)))
    return core + auto


# --------------------------------------------------------------------------- venvs

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clean_env():
    env = dict(os.environ)
    for name in DROP_ENV:
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run_checked(cmd, what, timeout=1800):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, env=clean_env(), timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError("%s failed: %s" % (what, exc))
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.strip().splitlines()[-15:])
        raise SetupError("%s failed (exit status %d):\n%s" % (what, proc.returncode, tail))
    return proc.stdout


class Venv(object):
    def __init__(self, root, short, config):
        self.short = short
        self.config = config
        self.name = "bench-%s-%s" % (short, config)
        self.path = os.path.join(root, self.name)
        self.python = os.path.join(self.path, "bin", "python")
        self.info = {}
        self.probe_error = None

    def marker_path(self):
        return os.path.join(self.path, MARKER)

    def read_marker(self):
        try:
            with open(self.marker_path()) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def probe(self):
        """The venv's own view of itself (see PROBE), or None when it does not run."""
        self.probe_error = "%s does not exist" % self.python
        if not os.path.exists(self.python):
            return None
        env = clean_env()
        # pyperf's workers see a reduced environment: check the JIT loads there too.
        env = {k: env[k] for k in ("PATH", "HOME", "TEMP") if k in env}
        try:
            proc = subprocess.run([self.python, "-c", PROBE], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True, env=env,
                                  timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.probe_error = str(exc)
            return None
        if proc.returncode != 0:
            self.probe_error = error_summary(proc.stderr)
            return None
        try:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.probe_error = "unexpected output %r" % proc.stdout[-200:]
            return None

    def problem(self, info):
        """Why a probed venv is not what this config needs, or None."""
        if info is None:
            return "its python fails to import pyperf (%s)" % self.probe_error
        performance = info.get("pyperformance") or {}
        if performance.get("version") != PYPERFORMANCE_VERSION:
            return "pyperformance %s is not importable (%s)" % (
                PYPERFORMANCE_VERSION, performance.get("error")
                or "version %s" % performance.get("version"))
        versions = info.get("versions", {})
        if self.config == "stock":
            if info["loaded"] or "pyston_lite" in versions:
                return "pyston_lite is installed in the stock venv"
            return None
        if not info["loaded"]:
            return "pyston_lite is not loaded at startup (autoload .pth missing or failing)"
        if info.get("enabled") is False:
            return "pyston_lite is loaded but not enabled at startup"
        if self.config == "pyston" and versions.get("pyston_lite") != PYSTON_VERSION:
            return "pyston_lite %s is installed, not %s" % (versions.get("pyston_lite"),
                                                           PYSTON_VERSION)
        return None

    def ensure(self, base_python, full_version, wheels):
        """Makes the venv unless the one there was made from the same inputs and still works."""
        spec = {
            "format": MARKER_FORMAT,
            "base_python": os.path.realpath(base_python),
            "python_version": full_version,
            "config": self.config,
            "requirements": [PYPERF_PIN[self.short], PYPERFORMANCE_PIN]
                            + ([PYSTON_PIN] if self.config == "pyston" else []),
        }
        wheel_hashes = {os.path.basename(w): sha256(w) for w in wheels}
        marker = self.read_marker()
        if marker is not None and {k: marker.get(k) for k in spec} == spec:
            if marker.get("wheels", {}) == wheel_hashes:
                info = self.probe()
                if self.problem(info) is None:
                    self.info = info
                    log("venv %s: reusing %s" % (self.name, self.describe()))
                    return
            elif self.config == "ours" and self.probe() is not None:
                # Same venv otherwise, our wheels were rebuilt: reinstall just those.
                log("venv %s: wheels changed, reinstalling them" % self.name)
                run_checked([self.python, "-m", "pip", "uninstall", "-q", "-y", "pyston_lite",
                             "pyston_lite_autoload"], "uninstalling the old wheels from %s"
                            % self.name)
                self.install_ours(wheels)
                self.finish(spec, wheel_hashes)
                return
        log("venv %s: creating with %s" % (self.name, base_python))
        if os.path.exists(self.path):
            shutil.rmtree(self.path)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        run_checked([base_python, "-m", "venv", self.path], "creating venv %s" % self.path)
        pip = [self.python, "-m", "pip", "install", "-q"]
        # together, so that pyperformance's unpinned dependency on pyperf keeps the pin
        run_checked(pip + [PYPERF_PIN[self.short], PYPERFORMANCE_PIN], "installing %s and %s "
                    "into %s" % (PYPERF_PIN[self.short], PYPERFORMANCE_PIN, self.name))
        if self.config == "ours":
            self.install_ours(wheels)
        elif self.config == "pyston":
            run_checked(pip + [PYSTON_PIN], "installing %s into %s (pyston_lite only ships "
                        "x86_64 Linux wheels for CPython 3.7-3.10; --no-pyston skips it)"
                        % (PYSTON_PIN, self.name))
        self.finish(spec, wheel_hashes)

    def install_ours(self, wheels):
        wheels_dir = os.path.dirname(wheels[0])
        cmd = [self.python, "-m", "pip", "install", "-q", "--no-index", "--find-links", wheels_dir]
        run_checked(cmd + ["pyston_lite", "pyston_lite_autoload"],
                    "installing our wheels from %s into %s" % (wheels_dir, self.name))

    def finish(self, spec, wheel_hashes):
        info = self.probe()
        problem = self.problem(info)
        if problem is not None:
            raise SetupError("venv %s is not usable: %s" % (self.path, problem))
        self.info = info
        marker = dict(spec)
        marker["wheels"] = wheel_hashes
        marker["created"] = datetime.datetime.now().isoformat(timespec="seconds")
        with open(self.marker_path(), "w") as f:
            json.dump(marker, f, indent=2)
        log("venv %s: ready, %s" % (self.name, self.describe()))

    def pyperformance_benchmarks(self):
        """pyperformance's benchmark directory in this venv (found by its python at setup)."""
        return os.path.join(self.info["pyperformance"]["dir"], "data-files", "benchmarks")

    def describe(self):
        versions = self.info.get("versions", {})
        text = "pyperf %s" % self.info.get("pyperf", "?")
        if "pyperformance" in versions:
            text += ", pyperformance %s" % versions["pyperformance"]
        if "pyston_lite" in versions:
            text += ", pyston_lite %s" % versions["pyston_lite"]
        if "pyston_lite_autoload" in versions:
            text += ", pyston_lite_autoload %s" % versions["pyston_lite_autoload"]
        return text


# --------------------------------------------------------------------------- results

def load_result(path, name=None):
    """Timing values (seconds, per loop iteration) and peak RSS from a pyperf JSON file: of the
    benchmark called `name` in it, or of all of it when name is None."""
    with open(path) as f:
        data = json.load(f)
    suite_meta = data.get("metadata", {})
    values = []
    run_means = []
    rss = []
    found = False
    for bench in data.get("benchmarks", []):
        bench_meta = bench.get("metadata", {})
        # a file of one benchmark keeps its name with the metadata common to the file
        if name is not None and bench_meta.get("name", suite_meta.get("name")) != name:
            continue
        found = True
        for run in bench.get("runs", []):
            meta = dict(suite_meta)
            meta.update(bench_meta)
            meta.update(run.get("metadata", {}))
            if "mem_max_rss" in meta:
                rss.append(meta["mem_max_rss"])
            run_values = run.get("values", [])      # calibration runs have no values
            if run_values:
                values.extend(run_values)
                run_means.append(sum(run_values) / len(run_values))
    if name is not None and not found:
        raise ValueError("no benchmark %r in %s" % (name, path))
    if not values:
        raise ValueError("no timing values%s in %s" % ("" if name is None else " of %r" % name,
                                                      path))
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) \
        if len(values) > 1 else 0.0
    return {"mean": mean, "std": std, "n": len(values), "run_means": run_means,
            "median": statistics.median(values), "values": values,
            "rss": max(rss) if rss else None}


T95 = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14,
       2.13, 2.12, 2.11, 2.10, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05,
       2.05, 2.04]


def significant(a, b):
    """Welch's t-test at 95% on the per-process means of two results: do they differ?

    Values from one worker process are correlated (same hash seed, same memory layout, same
    compiled code), so the process, not the value, is the independent sample."""
    xs, ys = a["run_means"], b["run_means"]
    na, nb = len(xs), len(ys)
    if na < 2 or nb < 2:
        return True
    ma, mb = sum(xs) / na, sum(ys) / nb
    va = sum((x - ma) ** 2 for x in xs) / (na - 1) / na
    vb = sum((y - mb) ** 2 for y in ys) / (nb - 1) / nb
    if va + vb == 0:
        return ma != mb
    t = abs(ma - mb) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    df = max(1, int(df))
    critical = T95[df - 1] if df <= len(T95) else 1.96 + 2.5 / df
    return t > critical


def fmt_time(seconds, like=None):
    """'52.3 ms', three significant digits; with like=, in the unit and precision that suit
    `like` (to print a std beside its mean)."""
    pick = seconds if like is None else like
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if pick >= scale or unit == "ns":
            ref = pick / scale
            decimals = 0 if ref >= 100 else 1 if ref >= 10 else 2
            return "%.*f %s" % (decimals, seconds / scale, unit)


def fmt_mean_std(result):
    return "%s ± %s" % (fmt_time(result["mean"]), fmt_time(result["std"], like=result["mean"]))


def fmt_ratio(ratio, is_significant):
    if ratio is None:
        return "-"
    return "%.2fx%s" % (ratio, "" if is_significant else " (n.s.)")


def fmt_round_range(per_round):
    """' [lowest–highest]' of per-round ratios; empty for a single round."""
    if len(per_round) < 2:
        return ""
    return " [%.2f–%.2f]" % (min(per_round), max(per_round))


def fmt_rss(value):
    return "-" if value is None else "%.1f MiB" % (value / 1048576.0)


def geomean(values):
    values = [v for v in values if v]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def pool_rounds(rounds):
    """One result from a benchmark's rounds in one venv: values and per-process means pooled,
    the rounds' own means kept (`round_means`) for the per-round speedups. A failed round
    makes the whole result failed."""
    for result in rounds:
        if result.get("error"):
            return result
    n = sum(r["n"] for r in rounds)
    mean = sum(r["mean"] * r["n"] for r in rounds) / n
    # pooled variance: within-round sums of squares plus between-round spread of the means
    squares = sum((r["n"] - 1) * r["std"] ** 2 + r["n"] * (r["mean"] - mean) ** 2
                  for r in rounds)
    rss = [r["rss"] for r in rounds if r["rss"] is not None]
    # the median of every value of every round (None when a result came without its values)
    values = [v for r in rounds for v in r["values"]] \
        if all(r.get("values") for r in rounds) else []
    return {"mean": mean, "std": math.sqrt(squares / (n - 1)) if n > 1 else 0.0, "n": n,
            "run_means": [m for r in rounds for m in r["run_means"]],
            "median": statistics.median(values) if values else None,
            "rss": max(rss) if rss else None, "json": rounds[0]["json"],
            "round_means": [r["mean"] for r in rounds]}


def round_speedups(numerator, denominator):
    """Per-round ratios numerator time / denominator time (rounds paired by position)."""
    return [a / b for a, b in zip(numerator["round_means"], denominator["round_means"])]


def summarize(interp, configs, benchmarks, results):
    """Rows of ratios for one interpreter plus geometric means."""
    short = interp["short"]
    rows = []
    for bench in benchmarks:
        cell = {c: results.get((short, c, bench)) for c in configs}
        row = {"benchmark": bench, "results": {}, "speedup": {}, "significant": {}}
        for c in configs:
            r = cell[c]
            row["results"][c] = None if r is None or r.get("error") else {
                "mean": r["mean"], "std": r["std"], "median": r.get("median"),
                "values": r["n"],
                "processes": len(r["run_means"]), "mem_max_rss": r["rss"], "json": r["json"]}
            if r is not None and r.get("error"):
                row.setdefault("errors", {})[c] = r["error"]
        stock = row["results"].get("stock")
        for c in configs:
            other = row["results"].get(c)
            if c == "stock" or stock is None or other is None:
                continue
            row["speedup"][c] = stock["mean"] / other["mean"]
            row["significant"][c] = significant(cell["stock"], cell[c])
            row.setdefault("round_speedups", {})[c] = round_speedups(cell["stock"], cell[c])
        if row["results"].get("ours") and row["results"].get("pyston"):
            row["speedup"]["ours_vs_pyston"] = (row["results"]["pyston"]["mean"]
                                                / row["results"]["ours"]["mean"])
            row["significant"]["ours_vs_pyston"] = significant(cell["pyston"], cell["ours"])
            row.setdefault("round_speedups", {})["ours_vs_pyston"] = round_speedups(
                cell["pyston"], cell["ours"])
        rows.append(row)
    geo = {}
    for key in ("ours", "pyston", "ours_vs_pyston"):
        ratios = [r["speedup"][key] for r in rows if key in r["speedup"]]
        if ratios:
            geo[key] = {"geomean": geomean(ratios), "benchmarks": len(ratios)}
            per_round = [r["round_speedups"][key] for r in rows if key in r["speedup"]]
            if len({len(p) for p in per_round}) == 1 and len(per_round[0]) > 1:
                geo[key]["round_geomeans"] = [geomean(list(column))
                                              for column in zip(*per_round)]
    for c in configs:
        if c == "stock":
            continue
        ratios = []
        for r in rows:
            s, o = r["results"].get("stock"), r["results"].get(c)
            if s and o and s["mem_max_rss"] and o["mem_max_rss"]:
                ratios.append(o["mem_max_rss"] / float(s["mem_max_rss"]))
        if ratios:
            geo["rss_" + c] = {"geomean": geomean(ratios), "benchmarks": len(ratios)}
    return rows, geo


def render_table(interp, configs, rows, geo, venvs, rounds=1):
    """One interpreter's section with a single table."""
    return render_section(interp, configs, venvs, [(None, rows, geo)], rounds)


def render_section(interp, configs, venvs, tables, rounds=1):
    """One interpreter's section: its venvs, the legend, then a table per (title, rows, geo)
    of `tables` (one per suite), each with its own geometric mean."""
    out = []
    out.append("## Python %s (%s)" % (interp["full"], interp["path"]))
    out.append("")
    for c in configs:
        v = venvs[(interp["short"], c)]
        out.append("- %s: `%s` (%s)" % (c, v.name, v.describe()))
    out.append("")
    out.append("Speedup = stock time / other time (above 1.00x = faster than stock); "
               "ours vs pyston = pyston time / ours time (above 1.00x = ours faster). "
               "(n.s.) = not significant (Welch t-test on per-process means, 95%). RSS = peak RSS of a pyperf "
               "worker (max over workers)." + (
                   " %d rounds pooled; [a–b] = lowest and highest per-round speedup."
                   % rounds if rounds > 1 else ""))
    for title, rows, geo in tables:
        out.append("")
        if title:
            out += ["### " + title, ""]
        out += table_lines(configs, rows, geo)
    return "\n".join(out)


def table_lines(configs, rows, geo):
    has = set(configs)
    out = []
    head = ["benchmark", "stock (mean ± std)"]
    if "ours" in has:
        head.append("ours speedup")
    if "pyston" in has:
        head.append("pyston speedup")
    if "ours" in has and "pyston" in has:
        head.append("ours vs pyston")
    head += ["RSS %s" % c for c in configs]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for row in rows:
        res = row["results"]
        errors = row.get("errors", {})

        def timing(c):
            if c in errors:
                return "FAILED"
            r = res.get(c)
            return "-" if r is None else fmt_mean_std(r)

        def ratio(key):
            if key in errors:
                return "FAILED"
            text = fmt_ratio(row["speedup"].get(key), row["significant"].get(key, True))
            return text + fmt_round_range(row.get("round_speedups", {}).get(key, []))

        cells = [row["benchmark"], timing("stock")]
        if "ours" in has:
            cells.append(ratio("ours"))
        if "pyston" in has:
            cells.append(ratio("pyston"))
        if "ours" in has and "pyston" in has:
            cells.append(ratio("ours_vs_pyston"))
        for c in configs:
            r = res.get(c)
            cells.append("FAILED" if c in errors else fmt_rss(r and r["mem_max_rss"]))
        out.append("| " + " | ".join(cells) + " |")

    def g(key):
        item = geo.get(key)
        if item is None:
            return "-"
        return "%.2fx" % item["geomean"] + fmt_round_range(item.get("round_geomeans", []))

    cells = ["**geometric mean**", ""]
    if "ours" in has:
        cells.append(g("ours"))
    if "pyston" in has:
        cells.append(g("pyston"))
    if "ours" in has and "pyston" in has:
        cells.append(g("ours_vs_pyston"))
    for c in configs:
        cells.append("1.00x" if c == "stock" else
                     ("-" if ("rss_" + c) not in geo else "%.2fx stock" % geo["rss_" + c]["geomean"]))
    out.append("| " + " | ".join(cells) + " |")
    return out


# --------------------------------------------------------------------------- running

def fmt_duration(seconds):
    """'42 s', '3 min 05 s', '1 h 02 min': a duration as a person reads it."""
    seconds = int(round(seconds))
    if seconds < 60:
        return "%d s" % seconds
    if seconds < 3600:
        return "%d min %02d s" % divmod(seconds, 60)
    return "%d h %02d min" % (seconds // 3600, seconds % 3600 // 60)


def progress_status(number, total, run_seconds, elapsed_seconds):
    """The end of the progress line of run `number` of `total` (counted from 1): that run's
    time, the time since the first run began, how many runs are left and, from the average run
    so far, roughly how long they will take."""
    left = total - number
    text = "(%.1f s; %s elapsed, " % (run_seconds, fmt_duration(elapsed_seconds))
    if left == 0:
        return text + "all %d runs done)" % total
    estimate = elapsed_seconds / number * left
    return text + "%d of %d runs left, about %s more)" % (left, total, fmt_duration(estimate))


def run_outcome(job, by_row):
    """What one finished run gave, for its progress line: the mean ± std of each row, or
    FAILED with the reason."""
    first = by_row[job.row_names()[0]]
    if first.get("error"):
        return "FAILED: %s" % first["error"]
    if job.row_names() == [job.name]:
        return fmt_mean_std(first)
    return ", ".join("%s %s" % (row, fmt_mean_std(by_row[row])) for row in job.row_names())


def error_summary(text):
    """The most telling line of a failed run's output (an exception line if there is one)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for line in reversed(lines):
        if "AssertionError" in line or "self-check failed" in line:
            return line
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line
    return lines[-1] if lines else "no output"


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def job_command(venv, job, json_path, mode_args, environ=None):
    """(command, working directory) of one run of `job` in `venv`: the script, its own
    arguments, then the runner's pyperf options."""
    environ = os.environ if environ is None else environ
    script = job.script(venv.pyperformance_benchmarks() if job.suite != "ours" else None)
    cmd = [venv.python, script] + job.args + ["-o", json_path] + mode_args.get(venv.config, [])
    inherit = sorted(k for k in environ if k.startswith(INHERIT_PREFIXES))
    if inherit:
        cmd.append("--inherit-environ=" + ",".join(inherit))
    return cmd, job.cwd(script)


def run_one(venv, job, json_path, mode_args, timeout):
    """Runs `job` once in `venv`; returns {row name: result}, every row the same error result
    when the run failed."""
    if os.path.exists(json_path):
        os.remove(json_path)
    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    cmd, cwd = job_command(venv, job, json_path, mode_args)
    log_path = os.path.splitext(json_path)[0] + ".log"
    # Own process group, so that a timeout or ^C also ends pyperf's worker processes.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, env=clean_env(), cwd=cwd,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc)
        output, _ = proc.communicate()
        output += "\ntimed out after %d s" % timeout
        status = None
    except BaseException:
        kill_group(proc)
        proc.wait()
        raise
    reason = None
    if status == 0 and os.path.exists(json_path):
        try:
            results = {row: load_result(json_path, name) for row, name in job.rows}
        except ValueError as exc:
            reason = str(exc)
            output += "\n" + reason
        else:
            if os.path.exists(log_path):
                os.remove(log_path)
            for result in results.values():
                result["json"] = shown_path(json_path)
            return results
    with open(log_path, "w") as f:
        f.write("$ %s%s\n%s" % ("cd %s && " % cwd if cwd else "", " ".join(cmd), output))
    if os.path.exists(json_path) and reason is None:
        os.remove(json_path)
    if reason is None:
        reason = "timed out after %d s" % timeout if status is None else error_summary(output)
    failed = {"error": reason, "log": shown_path(log_path)}
    return {row: failed for row in job.row_names()}


def missing_scripts(venvs, jobs):
    """(venv name, path) of every pyperformance script that is not where the runs expect it."""
    missing = []
    for venv in venvs:
        for job in jobs:
            if job.suite != "ours":
                script = job.script(venv.pyperformance_benchmarks())
                if not os.path.isfile(script):
                    missing.append((venv.name, script))
    return missing


def list_jobs(jobs):
    """--list: the rows of each suite, with what they run."""
    lines = []
    for suite in SUITES:
        chosen = [job for job in jobs if job.suite == suite]
        if not chosen:
            continue
        lines.append("%s%s:" % ("\n" if lines else "", SUITE_TITLES[suite]))
        for job in chosen:
            if suite == "ours":
                lines.append("  %-28s %s" % (job.name, job.description))
                continue
            run = " ".join(["%s/run_benchmark.py" % job.directory] + job.args)
            for row in job.row_names():
                lines.append("  %-28s %s [%s]" % (row, job.description, run))
    return "\n".join(lines)


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv, default_suite="all")
        if args.list:
            print(list_jobs(args.jobs))
            return 0
        interps = []
        seen = {}
        for path in args.python:
            full_path, short, full = probe_python(path)
            if short in seen:
                raise UsageError("--python %s and %s are both Python %s; give one per version"
                                 % (seen[short], path, short))
            seen[short] = path
            wheels = wheel_files(args.wheels, short) if "ours" in args.configs else []
            interps.append({"path": full_path, "short": short, "full": full, "wheels": wheels})
    except UsageError as exc:
        log("error: %s" % exc)
        return 2

    if any(k in os.environ for k in DROP_ENV):
        log("note: ignoring %s for the measured processes"
            % ", ".join(k for k in DROP_ENV if k in os.environ))

    venvs = {}
    try:
        for interp in interps:
            for config in args.configs:
                venv = Venv(args.venv_root, interp["short"], config)
                venv.ensure(interp["path"], interp["full"],
                            interp["wheels"] if config == "ours" else [])
                venvs[(interp["short"], config)] = venv
        missing = missing_scripts(venvs.values(), args.jobs)
        if missing:
            raise SetupError("pyperformance benchmark scripts missing:\n" + "\n".join(
                "  %s: %s" % item for item in missing))
    except SetupError as exc:
        log("error: %s" % exc)
        return 1

    common_args = ["--fast"] if args.fast else ["--rigorous"] if args.rigorous else \
        ["--debug-single-value"] if args.check else []
    mode_args = {}
    for config in args.configs:
        mode_args[config] = list(common_args)
        if config != "stock" and not args.check and args.jit_warmups is not None:
            mode_args[config] += ["--warmups", str(args.jit_warmups)]
    mode_name = "fast" if args.fast else "rigorous" if args.rigorous else \
        "check" if args.check else "default"
    os.makedirs(args.output, exist_ok=True)

    schedule = build_schedule(args.jobs, interps, args.configs, args.rounds)

    results = {}
    failures = []
    started = time.time()
    width = len(str(len(schedule)))
    name_width = max(len(job.name) for job in args.jobs)
    try:
        for number, (round_number, interp, config, job) in enumerate(schedule, 1):
            venv = venvs[(interp["short"], config)]
            stem = job.name if args.rounds == 1 else "%s.round%d" % (job.name, round_number)
            json_path = os.path.join(args.output, interp["short"], venv.name, stem + ".json")
            sys.stderr.write("[%*d/%d] %-4s %-6s %-*s ... " % (
                width, number, len(schedule), interp["short"], config, name_width, job.name))
            sys.stderr.flush()
            t0 = time.time()
            by_row = run_one(venv, job, json_path, mode_args, args.timeout)
            now = time.time()
            for row in job.row_names():
                results.setdefault((interp["short"], config, row), []).append(by_row[row])
            first = by_row[job.row_names()[0]]
            if first.get("error"):
                failures.append((interp["short"], config, job.name, first))
            log(run_outcome(job, by_row) + " "
                + progress_status(number, len(schedule), now - t0, now - started))
    except KeyboardInterrupt:
        log("\ninterrupted")
        return 130

    sections = []
    summary = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "mode": mode_name,
        "rounds": args.rounds,
        "suites": list(s for s in SUITES if any(job.suite == s for job in args.jobs)),
        "pyperf_args": mode_args,
        "jit_warmups": "auto" if args.jit_warmups is None else args.jit_warmups,
        "host": {"machine": platform.machine(), "system": platform.system(),
                 "node": platform.node()},
        "elapsed_seconds": round(time.time() - started, 1),
        "ratio_convention": "speedup = stock mean time / other mean time (>1 = faster than "
                            "stock); ours_vs_pyston = pyston time / ours time (>1 = ours faster)",
        "interpreters": [],
    }
    pooled = {key: pool_rounds(rounds) for key, rounds in results.items()}
    for interp in interps:
        entry, tables = interpreter_summary(interp, args.configs, args.jobs, venvs, pooled)
        sections.append(render_section(interp, args.configs, venvs, tables, args.rounds))
        summary["interpreters"].append(entry)

    title = "# Benchmark results (%s, mode: %s)" % (summary["date"], mode_name)
    if args.check:
        title += "\n\nCheck mode: one value per run, timings are not meaningful."
    markdown = title + "\n\n" + "\n\n".join(sections) + "\n"
    if failures:
        markdown += "\n## Failures\n\n" + "\n".join(
            "- Python %s, %s, %s: %s (log: %s)" % (s, c, b, r["error"], r["log"])
            for s, c, b, r in failures) + "\n"
    with open(os.path.join(args.output, "summary.md"), "w") as f:
        f.write(markdown)
    with open(os.path.join(args.output, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    chart_json, chart_svg, not_drawn = chart.write_chart(summary, args.output)
    print(markdown)
    log("results: %s/{summary.md,summary.json} and %s/3.X/<venv>/<bench>.json"
        % (args.output, args.output))
    if chart_svg:
        log("chart: %s, drawn from %s (redraw: python3 benches/chart.py %s -o CHART.svg)"
            % (chart_svg, chart_json, shown_path(chart_json)))
    else:
        log("chart: not drawn (%s); its data: %s" % (not_drawn, chart_json))
    if failures:
        log("%d run(s) FAILED:" % len(failures))
        for short, config, bench, result in failures:
            log("  %s %s %s: %s (see %s)" % (short, config, bench, result["error"], result["log"]))
        return 1
    return 0


def interpreter_summary(interp, configs, jobs, venvs, pooled):
    """One interpreter's part of summary.json, and its tables as render_section takes them
    (title, rows, geometric means), one per suite. `pooled` maps (version, config, row) to the
    result of pool_rounds."""
    tables = []
    entry = {
        "python": interp["path"], "version": interp["full"],
        "venvs": {c: {"name": venvs[(interp["short"], c)].name,
                      "path": venvs[(interp["short"], c)].path,
                      "packages": venvs[(interp["short"], c)].info.get("versions", {})}
                  for c in configs},
        "benchmarks": [], "suites": {},
    }
    for suite in SUITES:
        names = [row for job in jobs if job.suite == suite for row in job.row_names()]
        if not names:
            continue
        rows, geo = summarize(interp, configs, names, pooled)
        tables.append((SUITE_TITLES[suite], rows, geo))
        for row in rows:
            row["suite"] = suite
        entry["benchmarks"] += rows
        entry["suites"][suite] = {"title": SUITE_TITLES[suite], "benchmarks": names,
                                  "geomean": geo}
    return entry, tables


def build_schedule(jobs, interps, configs, rounds):
    """The interleaved order of the runs: (round, interpreter, config, job).

    Job by job, interpreter by interpreter, the venvs' order rotating per job so that no
    config always runs first (or last). With several rounds the whole schedule repeats, so each
    job's rounds are spread over the session, and the rotation continues from one round to the
    next."""
    configs = list(configs)
    schedule = []
    for round_number in range(1, rounds + 1):
        for index, job in enumerate(jobs):
            shift = (index + round_number - 1) % len(configs)
            order = configs[shift:] + configs[:shift]
            for interp in interps:
                for config in order:
                    schedule.append((round_number, interp, config, job))
    return schedule


def docstring(bench):
    with open(os.path.join(PROGRAMS_DIR, bench + ".py")) as f:
        for line in f:
            line = line.strip()
            if line.startswith('"""'):
                return line.strip('"')
    return ""


if __name__ == "__main__":
    sys.exit(main())
