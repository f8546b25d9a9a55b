#!/usr/bin/env python3
"""CPython regression tests with and without the JIT.

For each module of a list, runs the interpreter's own regression test,
``python -m test -v --junit-xml FILE <module>`` (the stdlib ``test`` package of that
interpreter), once with the JIT compiling every code object (``PYSTON_LITE_THRESHOLD=0``)
and once with the JIT disabled (``DISABLE_PYSTON=1``), and compares:

* the outcome of every test case: ok / FAIL / ERROR / skipped / expected failure /
  unexpected success. They come from the JUnit XML file, which regrtest writes on 3.7-3.10
  alike, completed from the verbose log with what the XML leaves out (failing subtests,
  errors in setUpClass/setUpModule, doctests run by ``support.run_doctest``); if the XML is
  missing (the child crashed) the verbose ``... ok`` lines are parsed instead;
* the module result: passed / failed / skipped / resource denied / env changed /
  no tests run / crashed / timeout, and the exit status.

Any difference is a failure. The environment of both runs is the same apart from the JIT
variables (see regr_env): inherited PYSTON_LITE_*, JIT_* and DISABLE_PYSTON are removed and
PYTHONHASHSEED=0 is set. Each run has its own temporary directory (also regrtest's
``--tempdir``) and a timeout (300 s; regrtest's ``--timeout`` dumps the stacks 15 s before).

The module list is tests/cpython_regr_modules.txt: one module per line, ``#`` starts a
comment, and a module may be followed by version conditions such as ``>=3.8`` or ``<3.10``
(all must hold).

Command line::

    python tests/cpython_regr.py [--jobs 2] [--python PY] [--timeout 300] [--log-dir DIR]
                                 [--modes threshold0,disabled] [--stats-file FILE] [modules...]

runs the modules (default: every module of the list for this interpreter), two runs at a
time, and prints one summary line per module as it completes, followed by the differences
if any; exit status 1 when any module differs. ``--modes disabled,disabled`` checks that the
outcomes are deterministic without the JIT.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from differential import is_jit_variable, MODE_ENV  # noqa: E402

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
MODULE_LIST = os.path.join(TESTS_DIR, "cpython_regr_modules.txt")
TIMEOUT = 300  # seconds per module and mode
DEFAULT_MODES = ("threshold0", "disabled")  # the run with the JIT, then the reference
COMMON_ENV = {"PYTHONHASHSEED": "0"}

OK, FAIL, ERROR, SKIPPED = "ok", "FAIL", "ERROR", "skipped"
EXPECTED_FAILURE, UNEXPECTED_SUCCESS = "expected failure", "unexpected success"
MISSING = "missing"  # the test case did not report in this run


def regr_env(mode, base=None, extra=None):
    """Environment of a regrtest child in `mode` ('threshold0', 'default' or 'disabled')."""
    if mode not in MODE_ENV:
        raise ValueError("unknown mode %r (one of %s)" % (mode, ", ".join(MODE_ENV)))
    base = os.environ if base is None else base
    env = {k: v for k, v in base.items() if not is_jit_variable(k)}
    env.update(COMMON_ENV)
    env.update(MODE_ENV[mode])
    if extra:
        env.update(extra)
    return env


# ---------------------------------------------------------------------------------------
# The module list

Entry = collections.namedtuple("Entry", "module conditions line")
CONDITION = re.compile(r"^(>=|<=|==|<|>)(\d+)\.(\d+)$")
COMPARATORS = {
    ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b,
}


def parse_module_list(text, source="<list>"):
    """[Entry] from the text of a module list (see the module docstring for the syntax)."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        tokens = raw.split("#", 1)[0].split()
        if not tokens:
            continue
        module, conditions = tokens[0], []
        if not re.match(r"^test_\w+$", module):
            raise ValueError("%s:%d: not a test module name: %r" % (source, number, module))
        for token in tokens[1:]:
            match = CONDITION.match(token)
            if not match:
                raise ValueError("%s:%d: bad version condition %r (write e.g. >=3.8)" % (
                    source, number, token))
            conditions.append((match.group(1), (int(match.group(2)), int(match.group(3)))))
        entries.append(Entry(module, tuple(conditions), number))
    return entries


def load_module_list(path=MODULE_LIST):
    with open(path) as f:
        return parse_module_list(f.read(), path)


def version_reason(entry, version_info=None):
    """Why `entry` does not apply to this interpreter version, or None."""
    version = tuple((version_info or sys.version_info)[:2])
    for op, wanted in entry.conditions:
        if not COMPARATORS[op](version, wanted):
            return "%s is listed for Python %s%d.%d only" % (entry.module, op, wanted[0], wanted[1])
    return None


_test_dirs = {}


def stdlib_test_dir(python=None):
    """Directory of the stdlib ``test`` package of `python` (cached)."""
    python = python or sys.executable
    if python not in _test_dirs:
        _test_dirs[python] = subprocess.check_output(
            [python, "-c", "import os, test; print(os.path.dirname(test.__file__))"],
            env=regr_env("disabled"), universal_newlines=True).strip()
    return _test_dirs[python]


def module_exists(module, python=None):
    directory = stdlib_test_dir(python)
    return (os.path.isfile(os.path.join(directory, module + ".py"))
            or os.path.isfile(os.path.join(directory, module, "__init__.py")))


def python_version(python=None):
    out = subprocess.check_output(
        [python or sys.executable, "-c", "import sys; print(*sys.version_info[:3])"],
        env=regr_env("disabled"), universal_newlines=True)
    return tuple(int(v) for v in out.split())


def selected_modules(python=None, entries=None):
    """(to_run, skipped): the modules of the list that apply to `python` and exist in its
    test package, and [(module, reason)] for the others."""
    entries = load_module_list() if entries is None else entries
    version = python_version(python)
    run, skipped = [], []
    for entry in entries:
        reason = version_reason(entry, version)
        if reason is None and not module_exists(entry.module, python):
            reason = "%s does not exist in Python %d.%d's test package" % ((entry.module,) + version[:2])
        if reason:
            skipped.append((entry.module, reason))
        else:
            run.append(entry.module)
    return run, skipped


# ---------------------------------------------------------------------------------------
# Parsing one run

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
DESCRIPTION = re.compile(r"^(\S+) \(([\w.]+)\)(.*)$")
RESULT_LINE = re.compile(
    r" \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$")
RESULT_WORDS = {"ok": OK, "FAIL": FAIL, "ERROR": ERROR, "expected failure": EXPECTED_FAILURE,
                "unexpected success": UNEXPECTED_SUCCESS}
SEPARATOR1 = "=" * 70
SEPARATOR2 = "-" * 70


def normalize(name):
    return ADDRESS.sub("0x...", name.strip())


def key_of_description(description):
    """The test id of a unittest description ``method (module.Class)[ subtest]``:
    ``module.Class.method[ subtest]``, so it matches the XML names."""
    match = DESCRIPTION.match(description.strip())
    if not match:
        return normalize(description)
    return normalize("%s.%s%s" % (match.group(2), match.group(1), match.group(3)))


def parse_junit(path):
    """{test id: outcome} from a regrtest JUnit XML file; None if it is missing or broken.
    Test cases without a name (a test whose only failures were in subtests) are left out."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return None
    outcomes = {}
    for case in tree.iter("testcase"):
        name = case.get("name")
        if not name:
            continue
        tags = {child.tag: child for child in case}
        if "error" in tags:
            outcome = ERROR
        elif "failure" in tags:
            outcome = FAIL
        elif "skipped" in tags:
            outcome = SKIPPED
        elif "outcome" in tags and "UNEXPECTED" in (tags["outcome"].text or ""):
            outcome = UNEXPECTED_SUCCESS
        elif "output" in tags:  # what addExpectedFailure records
            outcome = EXPECTED_FAILURE
        else:
            outcome = OK
        add_outcome(outcomes, normalize(name), outcome)
    return outcomes


def add_outcome(outcomes, key, outcome):
    if key in outcomes and outcomes[key] != outcome:
        # the same id twice (e.g. a test class run twice): keep both, in order
        n = 2
        while "%s #%d" % (key, n) in outcomes:
            n += 1
        key = "%s #%d" % (key, n)
    outcomes[key] = outcome


def parse_error_list(log):
    """{test id: FAIL/ERROR/unexpected success} from the ``FAIL: ...`` headers of
    unittest's error report: includes failing subtests and errors of setUpClass and
    setUpModule, which the XML does not name."""
    found = {}
    lines = log.splitlines()
    for i in range(len(lines) - 1):
        if lines[i] == SEPARATOR1:
            match = re.match(r"^(ERROR|FAIL|UNEXPECTED SUCCESS): (.+)$", lines[i + 1])
            if match:
                outcome = {"ERROR": ERROR, "FAIL": FAIL}.get(match.group(1), UNEXPECTED_SUCCESS)
                found[key_of_description(match.group(2))] = outcome
    return found


def _result_word(segment):
    segment = segment.strip()
    if segment in RESULT_WORDS:
        return RESULT_WORDS[segment]
    if segment == "skipped" or segment.startswith("skipped "):
        return SKIPPED
    return None


def _is_description(text):
    return DESCRIPTION.match(text) is not None and not text.startswith((" ", "\t"))


def _scan_verbose(log):
    """Yields (test id, outcome or None) for the verbose ``name (module.Class) ... result``
    lines; None for a test that started but reported no result. Other output may share
    the line (``a (m.C) ... b (m.C)`` when a test with failing subtests printed no result
    word) or come before the result word; a docstring line may come between the name and
    the result."""
    waiting = None  # the test whose result word has not been seen yet
    doc_next = False  # the previous line was a bare ``name (module.Class)``
    for line in log.splitlines():
        was_doc_next, doc_next = doc_next, False
        stripped = line.rstrip()
        parts = line.split(" ... ")
        if len(parts) == 1 and stripped.endswith(" ..."):
            parts = [stripped[:-4], ""]
        if len(parts) == 1:
            word = _result_word(line)
            if word is not None and waiting is not None:
                yield waiting, word
                waiting = None
            elif _is_description(line):
                if waiting is not None:
                    yield waiting, None
                waiting, doc_next = key_of_description(line), True
            continue
        head = parts[0]
        if _is_description(head):
            if waiting is not None:
                yield waiting, None
            current = key_of_description(head)
        elif was_doc_next:
            current = waiting  # ``docstring line ... result``
        else:
            continue  # output of a test that happens to contain " ... "
        for segment in parts[1:]:
            word = _result_word(segment)
            if word is not None and current is not None:
                yield current, word
                current = None
            elif _is_description(segment.strip()):
                if current is not None:
                    yield current, None
                current = key_of_description(segment)
                doc_next = segment is parts[-1]  # a docstring line may follow
        waiting = current
    if waiting is not None:
        yield waiting, None


def parse_verbose(log):
    """{test id: outcome} from the verbose lines (see _scan_verbose): the fallback when
    there is no XML (the child died)."""
    outcomes = {}
    for key, outcome in _scan_verbose(log):
        if outcome is not None:
            add_outcome(outcomes, key, outcome)
    return outcomes


def last_started_test(log):
    """The last test that started and reported no result, or None."""
    last = None
    for key, outcome in _scan_verbose(log):
        last = key if outcome is None else None
    return last


def parse_doctest_summaries(log):
    """{'doctest NAME': ok/FAIL} from doctest's verbose summaries (``support.run_doctest``)."""
    outcomes = {}
    section = None
    for line in log.splitlines():
        if re.match(r"^\d+ items? passed all tests:$", line):
            section = OK
            continue
        if re.match(r"^\d+ items? had failures:$", line):
            section = FAIL
            continue
        if section == OK:
            match = re.match(r"^\s+\d+ tests? in (\S+)$", line)
        elif section == FAIL:
            match = re.match(r"^\s+\d+ of\s+\d+ in (\S+)$", line)
        else:
            continue
        if match:
            outcomes["doctest " + match.group(1)] = section
        else:
            section = None
    return outcomes


def parse_outcomes(log, xml_path):
    """All the per-test outcomes of one run."""
    outcomes = parse_junit(xml_path)
    if outcomes is None:
        outcomes = parse_verbose(log)
    for key, outcome in parse_error_list(log).items():
        if outcomes.get(key) in (None, OK):
            outcomes[key] = outcome
    outcomes.update(parse_doctest_summaries(log))
    return outcomes


def module_result(log, module, returncode, timed_out):
    """The module-level result of one regrtest run."""
    if timed_out:
        return "timeout"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return "crashed (%s)" % name
    if re.search(r"Timeout \(\d+:\d\d:\d\d\)!$", log, re.MULTILINE):
        return "timeout"  # regrtest's --timeout fired (faulthandler)
    results = re.findall(r"^(?:== )?Tests result: (.+?)(?: ==)?$", log, re.MULTILINE)
    if not results:
        return "crashed (no result printed)"
    if "INTERRUPTED" in results[-1]:
        return "interrupted"
    tail = log[log.rfind("== Tests result:"):] if "== Tests result:" in log else log
    summary = lambda pattern: re.search(pattern, tail, re.MULTILINE) is not None  # noqa: E731
    if summary(r"^\d+ tests? failed:$"):
        if re.search(r"^%s crashed" % re.escape(module), log, re.MULTILINE):
            return "crashed"
        if re.search(r"^%s timed out" % re.escape(module), log, re.MULTILINE):
            return "timeout"
        return "failed"
    if summary(r"altered the execution environment"):
        return "env changed"
    if re.search(r"^%s skipped \(resource denied\)" % re.escape(module), log, re.MULTILINE):
        return "resource denied"
    if summary(r"^\d+ tests? skipped:$"):
        return "skipped"
    if summary(r"^\d+ tests? run no tests:$") or "NO TEST" in results[-1]:
        return "no tests run"
    if summary(r"^\d+ tests? OK\.$"):
        return "passed"
    return "unknown (Tests result: %s)" % results[-1]


# ---------------------------------------------------------------------------------------
# Running

class Run(collections.namedtuple(
        "Run", "module mode result returncode outcomes seconds log timed_out last_started")):
    """One regrtest run of one module in one mode."""

    def counts(self):
        return collections.Counter(self.outcomes.values())

    def describe(self):
        counts = self.counts()
        parts = ["%d %s" % (counts[k], k) for k in
                 (OK, FAIL, ERROR, SKIPPED, EXPECTED_FAILURE, UNEXPECTED_SUCCESS) if counts[k]]
        return "%s (exit %s), %d results%s" % (
            self.result, self.returncode, len(self.outcomes),
            ": " + ", ".join(parts) if parts else "")


def kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()


_live = set()  # the regrtest processes running now, killed by kill_all()
_live_lock = threading.Lock()


def kill_all():
    with _live_lock:
        for process in list(_live):
            kill_group(process)


def labels(modes):
    """Names for the runs of `modes`: the mode itself, or ``mode#N`` when it repeats."""
    return [m if modes.count(m) == 1 else "%s#%d" % (m, modes[:i + 1].count(m))
            for i, m in enumerate(modes)]


def run_module(module, mode, python=None, timeout=TIMEOUT, extra_env=None):
    """Runs ``python -m test -v --junit-xml FILE module`` in `mode`; returns a Run. The
    child runs in a fresh temporary directory, in its own session; regrtest's own
    ``--timeout`` dumps the stacks 15 s before `timeout`, after which the child is killed
    with everything it started."""
    python = python or sys.executable
    workdir = tempfile.mkdtemp(prefix="regr_%s_%s_" % (module, mode))
    try:
        xml_path = os.path.join(workdir, "junit.xml")
        log_path = os.path.join(workdir, "log.txt")
        tempdir = os.path.join(workdir, "tmp")  # regrtest's own scratch dir, removed with workdir
        os.mkdir(tempdir)
        argv = [python, "-m", "test", "-v", "--junit-xml", xml_path, "--tempdir", tempdir]
        if timeout > 30:
            # regrtest's faulthandler dumps where it hangs, before we kill it
            argv += ["--timeout", str(int(timeout - 15))]
        argv.append(module)
        start = time.monotonic()
        timed_out = False
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                argv, cwd=workdir, env=regr_env(mode, extra=extra_env), stdin=subprocess.DEVNULL,
                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
            with _live_lock:
                _live.add(process)
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(process)
                process.wait()
                returncode, timed_out = None, True
            finally:
                with _live_lock:
                    _live.discard(process)
        seconds = time.monotonic() - start
        with open(log_path, "rb") as f:
            log = f.read().decode("utf-8", "backslashreplace")
        if timed_out:
            log += "\n[cpython_regr: killed after %d s]\n" % timeout
        outcomes = parse_outcomes(log, xml_path)
        result = module_result(log, module, returncode, timed_out)
        last = last_started_test(log) if result.startswith(("crashed", "timeout")) else None
        return Run(module, mode, result, returncode, outcomes, seconds, log, timed_out, last)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


Comparison = collections.namedtuple("Comparison", "module runs differences")


def differences(runs):
    """Differences between the runs of one module ({label: Run}, the reference last; see
    labels()) as readable lines; empty when module result, exit status and every test
    agree."""
    modes = list(runs)
    reference = modes[-1]
    ref = runs[reference]
    found = []
    for mode in modes[:-1]:
        run = runs[mode]
        if (run.result, run.returncode) != (ref.result, ref.returncode):
            found.append("module result: %s %s (exit %s), %s %s (exit %s)" % (
                mode, run.result, run.returncode, reference, ref.result, ref.returncode))
        for label, one in ((mode, run), (reference, ref)):
            if one.last_started and one.last_started != (ref if one is run else run).last_started:
                found.append("%s was running when the %s run ended (%s)" % (
                    one.last_started, label, one.result))
        unreported = {label: [] for label in (mode, reference)}
        for key in sorted(set(run.outcomes) | set(ref.outcomes)):
            ours, theirs = run.outcomes.get(key, MISSING), ref.outcomes.get(key, MISSING)
            if ours == theirs:
                continue
            # a run that died early: summarize the tests it never reached in one line
            if ours == MISSING and run.result.startswith(("crashed", "timeout")):
                unreported[mode].append(key)
            elif theirs == MISSING and ref.result.startswith(("crashed", "timeout")):
                unreported[reference].append(key)
            else:
                found.append("%s: %s %s, %s %s" % (key, mode, ours, reference, theirs))
        for label, keys in unreported.items():
            if keys:
                found.append("%d tests did not report in the %s run, from %s to %s" % (
                    len(keys), label, keys[0], keys[-1]))
    return found


def compare_module(module, python=None, modes=DEFAULT_MODES, timeout=TIMEOUT, extra_env=None):
    """Runs `module` in each of `modes` (concurrently) and compares them with the last one.
    `extra_env` maps a mode to additional environment variables for that run only."""
    extra_env = extra_env or {}
    modes = list(modes)
    with concurrent.futures.ThreadPoolExecutor(len(modes)) as pool:
        futures = [pool.submit(run_module, module, mode, python, timeout, extra_env.get(mode))
                   for mode in modes]
        runs = collections.OrderedDict(
            (label, future.result()) for label, future in zip(labels(modes), futures))
    return Comparison(module, runs, differences(runs))


def failure_excerpt(log, key, max_lines=30):
    """The traceback unittest printed for the test `key`, if any (at most max_lines)."""
    lines = log.splitlines()
    for i in range(len(lines) - 1):
        if lines[i] == SEPARATOR1 and re.match(r"^(ERROR|FAIL|UNEXPECTED SUCCESS): ", lines[i + 1]):
            if key_of_description(lines[i + 1].split(": ", 1)[1]) == key:
                block = []
                for line in lines[i + 1:]:
                    if (line == SEPARATOR1 and block) or line.startswith("Ran ") or len(block) >= max_lines:
                        break
                    block.append(line)
                return "\n".join(block)
    return None


def report(comparison, max_differences=40):
    """The differences of a Comparison with the failure tracebacks of the runs that failed."""
    lines = list(comparison.differences[:max_differences])
    if len(comparison.differences) > max_differences:
        lines.append("... and %d more differences" % (len(comparison.differences) - max_differences))
    shown = 0
    for mode, run in comparison.runs.items():
        for key, outcome in sorted(run.outcomes.items()):
            if outcome in (FAIL, ERROR) and shown < 5 and any(
                    other.outcomes.get(key) != outcome for other in comparison.runs.values()):
                excerpt = failure_excerpt(run.log, key)
                if excerpt:
                    shown += 1
                    lines.append("--- %s run, %s:\n%s" % (mode, key, excerpt))
    for mode, run in comparison.runs.items():
        if run.result not in ("passed", "skipped", "resource denied") and not any(
                line.startswith("--- %s run" % mode) for line in lines):
            log_lines = run.log.splitlines()
            fatal = [i for i, line in enumerate(log_lines)
                     if "Fatal Python error" in line or re.search(r"Timeout \(\d+:\d\d:\d\d\)!$", line)]
            if fatal:  # faulthandler's report: the innermost frames come first
                excerpt, where = log_lines[fatal[0]:fatal[0] + 25], "from faulthandler's report"
            else:
                excerpt, where = log_lines[-25:], "end of its log"
            lines.append("--- %s run (%s), %s:\n%s" % (mode, run.result, where, "\n".join(excerpt)))
    return "\n".join(lines)


def save_logs(comparison, directory):
    os.makedirs(directory, exist_ok=True)
    paths = []
    for mode, run in comparison.runs.items():
        path = os.path.join(directory, "%s.%s.log" % (comparison.module, mode))
        with open(path, "w") as f:
            f.write(run.log)
        paths.append(path)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to run (default: the list for this interpreter)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="runs at a time (default %(default)s)")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with pyston_lite and its autoload (default: this one)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run (default %(default)s)")
    parser.add_argument("--modes", default=",".join(DEFAULT_MODES),
                        help="comma-separated modes, the last is the reference (default %(default)s)")
    parser.add_argument("--list", default=MODULE_LIST, help="module list (default tests/cpython_regr_modules.txt)")
    parser.add_argument("--stats-file", help="append the JIT's exit statistics of every run that has "
                                             "the JIT enabled to this file (PYSTON_LITE_STATS_FILE), "
                                             "to count compile failures over the list")
    parser.add_argument("--log-dir", help="write every run's log there (default: only the logs of "
                                          "differing modules, to a new temporary directory)")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    for mode in modes:
        if mode not in MODE_ENV:
            parser.error("unknown mode %r (one of %s)" % (mode, ", ".join(MODE_ENV)))
    if len(modes) < 2:
        parser.error("--modes needs at least two modes")
    version = python_version(args.python)
    if args.modules:
        modules, skipped = args.modules, []
    else:
        modules, skipped = selected_modules(args.python, load_module_list(args.list))
    print("cpython_regr: %s (Python %s), %d modules, modes %s (reference %s), %d jobs" % (
        args.python, ".".join(map(str, version)), len(modules), "/".join(modes), modes[-1], args.jobs),
        flush=True)
    for module, reason in skipped:
        print("SKIP %s: %s" % (module, reason), flush=True)
    start = time.monotonic()
    width = max([len(m) for m in modules] + [10])
    names = labels(modes)
    pending = {m: {} for m in modules}
    failed_dir = None
    counts = collections.Counter()
    pool = concurrent.futures.ThreadPoolExecutor(max(1, args.jobs))
    futures = {}
    for module in modules:
        for label, mode in zip(names, modes):
            extra = None
            if args.stats_file and mode != "disabled":
                extra = {"PYSTON_LITE_STATS_FILE": os.path.abspath(args.stats_file)}
            future = pool.submit(run_module, module, mode, args.python, args.timeout, extra)
            futures[future] = (module, label)
    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)  # kill the children too when we are killed
    try:
        for future in concurrent.futures.as_completed(futures):
            module, label = futures[future]
            try:
                pending[module][label] = future.result()
            except Exception as error:  # e.g. the interpreter vanished: report, go on
                pending[module][label] = Run(module, label, "runner error (%s: %s)" % (
                    type(error).__name__, error), None, {}, 0.0, "", False, None)
            if len(pending[module]) < len(modes):
                continue
            runs = collections.OrderedDict((n, pending[module][n]) for n in names)
            comparison = Comparison(module, runs, differences(runs))
            status = "DIFF" if comparison.differences else "PASS"
            counts[status] += 1
            ref = runs[names[-1]]
            tally = ref.counts()
            line = "%s %-*s %s; %d tests%s" % (
                status, width, module,
                "  ".join("%s %s %.1fs" % (n, r.result, r.seconds) for n, r in runs.items()),
                len(ref.outcomes), "".join(", %d %s" % (tally[k], k) for k in sorted(tally) if k != OK))
            out = [line]
            if comparison.differences:
                out.append("    " + report(comparison).replace("\n", "\n    "))
            if args.log_dir:
                save_logs(comparison, args.log_dir)
            elif comparison.differences:
                failed_dir = failed_dir or tempfile.mkdtemp(prefix="cpython_regr_logs_")
                out.append("    logs: " + " ".join(save_logs(comparison, failed_dir)))
            print("\n".join(out), flush=True)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        kill_all()
        pool.shutdown(wait=True)
        print("cpython_regr: interrupted")
        return 130
    pool.shutdown(wait=True)
    print("cpython_regr: %d modules passed, %d differ, %d skipped, wall time %.1f s" % (
        counts["PASS"], counts["DIFF"], len(skipped), time.monotonic() - start))
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
