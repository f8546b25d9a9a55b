#!/usr/bin/env python3
"""Deterministic cost per benchmark call: callgrind's counts, stock vs ours vs pyston_lite.

Timings on a shared machine move by 10-25 % from one process to the next, which hides the
few-percent differences a JIT's changes make. Counting does not: under callgrind (valgrind's
simulator of the instruction stream, caches and branch predictors) a run of the same program
gives the same counts every time. This script runs every benchmark in the same three venvs
as run.py (made or reused the same way) and reports, per call of the benchmark function in
the steady state:

    Ir     instructions executed
    CEst   estimated cycles, KCachegrind's formula:
           Ir + 10 * (branch mispredictions) + 10 * (L1 misses) + 100 * (last-level misses)

Every run uses PYTHONHASHSEED=0: with random string hashes, dict layouts and so the counts
move by a few percent from one process to the next.

Steady state: each (venv, benchmark) runs twice, with W and with W + M calls of the benchmark
function (W = --warm-calls, M = --measured-calls); the difference divided by M is the cost of
one call after W calls, so interpreter start-up, imports and the JIT's compilation during
the first calls cancel out. Runs are independent, so they go --jobs at a time.

The counts are a model, not the machine: they leave out what callgrind does not simulate
(out-of-order execution, the branch target buffer, prefetching) and its caches are not this
machine's. Use them beside run.py's interleaved timings, not instead of them.

Needs `valgrind` on PATH. Results: RESULTS_DIR/counts.{md,json}; callgrind's own files under
RESULTS_DIR/3.X/<venv>/ (open them with callgrind_annotate or KCachegrind).
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as runner  # noqa: E402  (the venvs, benchmark list and table helpers)

EVENTS = ("Ir", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw", "Bc", "Bcm", "Bi", "Bim")

DRIVER = r"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("benchmark", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for _ in range(int(sys.argv[2])):
    module.bench()
"""


def estimated_cycles(e):
    """KCachegrind's cycle estimate from callgrind's event counts."""
    return (e["Ir"] + 10 * (e["Bcm"] + e["Bim"]) + 10 * (e["I1mr"] + e["D1mr"] + e["D1mw"])
            + 100 * (e["ILmr"] + e["DLmr"] + e["DLmw"]))


def read_totals(path):
    """The event totals of a callgrind output file."""
    names, totals = None, None
    with open(path) as f:
        for line in f:
            if line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("summary:") or line.startswith("totals:"):
                totals = [int(x) for x in line.split()[1:]]
    if names is None or totals is None:
        raise ValueError("no event totals in %s" % path)
    return dict(zip(names, totals))


def count(venv, bench, calls, out_dir, timeout):
    """Runs `bench` `calls` times under callgrind in `venv`; its event totals, or an error."""
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "%s.%d.callgrind" % (bench, calls))
    cmd = ["valgrind", "--tool=callgrind", "--smc-check=all", "--cache-sim=yes",
           "--branch-sim=yes", "--callgrind-out-file=" + out,
           venv.python, "-c", DRIVER, os.path.join(runner.PROGRAMS_DIR, bench + ".py"), str(calls)]
    # One hash seed for every run: string hashes decide dict layouts and probe sequences,
    # and with them a few percent of the counts.
    env = dict(runner.clean_env(), PYTHONHASHSEED="0")
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after %d s" % timeout}
    if proc.returncode != 0:
        log = out + ".log"
        with open(log, "w") as f:
            f.write("$ %s\n%s" % (" ".join(cmd), proc.stdout))
        return {"error": runner.error_summary(proc.stdout), "log": runner.shown_path(log)}
    return {"events": read_totals(out)}


def per_call(low, high, measured):
    """Events of one steady-state call from the runs with W and W + M calls."""
    if "error" in low:
        return low
    if "error" in high:
        return high
    events = {k: (high["events"].get(k, 0) - low["events"].get(k, 0)) / measured for k in EVENTS}
    events["CEst"] = estimated_cycles(events)
    return {"events": events}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Count each benchmark's instructions and estimated cycles per call under "
                    "callgrind: stock CPython vs our JIT vs pyston_lite 2.3.5.")
    parser.add_argument("--python", action="append", default=[], metavar="PATH",
                        help="a CPython 3.7-3.10 interpreter (repeat for several)")
    parser.add_argument("--wheels", metavar="DIR", help="directory with our two wheels")
    parser.add_argument("--only", metavar="A,B", help="comma-separated benchmarks (bm_ optional)")
    parser.add_argument("--no-pyston", action="store_true", help="skip the pyston_lite venv")
    parser.add_argument("--no-ours", action="store_true",
                        help="skip our wheels' venv (then --wheels is not needed)")
    parser.add_argument("--warm-calls", type=int, default=3, metavar="W",
                        help="calls before the counted ones (default 3)")
    parser.add_argument("--measured-calls", type=int, default=2, metavar="M",
                        help="calls counted (default 2)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="callgrind runs at a time (default: the number of CPUs)")
    parser.add_argument("--venv-root", default=os.path.join(runner.REPO, ".venvs"), metavar="DIR")
    parser.add_argument("-o", "--output", default=os.path.join(runner.REPO, "bench-counts"),
                        metavar="RESULTS_DIR")
    parser.add_argument("--timeout", type=float, default=3600, metavar="SECONDS",
                        help="give up on one callgrind run after this long (default 3600)")
    args = parser.parse_args(argv)
    if args.warm_calls < 1 or args.measured_calls < 1 or args.jobs < 1:
        raise runner.UsageError("--warm-calls, --measured-calls and --jobs take counts >= 1")
    # run.py's parser checks --python, --wheels and --only the same way
    run_argv = sum((["--python", p] for p in args.python), [])
    run_argv += ["--wheels", args.wheels] if args.wheels else []
    run_argv += ["--only", args.only] if args.only else []
    run_argv += ["--no-pyston"] if args.no_pyston else []
    run_argv += ["--no-ours"] if args.no_ours else []
    checked = runner.parse_args(run_argv)
    args.benchmarks, args.configs = checked.benchmarks, checked.configs
    args.output = os.path.abspath(args.output)
    return args


def ratio(a, b):
    return a / b if a and b else None


def render(interp, configs, benchmarks, results):
    short = interp["short"]
    legend = ("Per steady-state call. Speedup = stock count / other count (above 1.00x = "
              "fewer than stock)")
    if "ours" in configs and "pyston" in configs:
        legend += "; ours vs pyston = pyston count / ours count"
    lines = ["## Python %s (%s)" % (interp["full"], interp["path"]), "", legend + ".", ""]
    # (numerator config, denominator config, event): the ratio columns
    columns = [("stock", c, key) for c in ("ours", "pyston") if c in configs
               for key in (("Ir", "CEst") if c == "ours" else ("CEst",))]
    if "ours" in configs and "pyston" in configs:
        columns.append(("pyston", "ours", "CEst"))
    head = ["benchmark", "stock Ir", "stock CEst"] + [
        "ours vs pyston CEst" if num == "pyston" else "%s %s" % (den, key)
        for num, den, key in columns]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    geo = {}
    for bench in benchmarks:
        ev = {c: results.get((short, c, bench), {}).get("events") for c in configs}
        s = ev["stock"]
        cells = [bench, "%.1fM" % (s["Ir"] / 1e6) if s else "FAILED",
                 "%.1fM" % (s["CEst"] / 1e6) if s else "FAILED"]
        for num, den, key in columns:
            r = ratio(ev[num] and ev[num][key], ev[den] and ev[den][key])
            cells.append("%.2fx" % r if r else "FAILED")
            if r:
                geo.setdefault((num, den, key), []).append(r)
        lines.append("| " + " | ".join(cells) + " |")
    g = {k: runner.geomean(v) for k, v in geo.items()}
    lines.append("| " + " | ".join(["**geometric mean**", "", ""] + [
        "%.2fx" % g[c] if g.get(c) else "-" for c in columns]) + " |")
    return "\n".join(lines), {"%s_over_%s_%s" % k: v for k, v in g.items()}


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if shutil.which("valgrind") is None:
            raise runner.UsageError("valgrind is not on PATH (Debian: apt-get install valgrind)")
        interps = []
        for path in args.python:
            full_path, short, full = runner.probe_python(path)
            wheels = runner.wheel_files(args.wheels, short) if "ours" in args.configs else []
            interps.append({"path": full_path, "short": short, "full": full, "wheels": wheels})
    except runner.UsageError as exc:
        runner.log("error: %s" % exc)
        return 2
    venvs = {}
    try:
        for interp in interps:
            for config in args.configs:
                venv = runner.Venv(args.venv_root, interp["short"], config)
                venv.ensure(interp["path"], interp["full"],
                            interp["wheels"] if config == "ours" else [])
                venvs[(interp["short"], config)] = venv
    except runner.SetupError as exc:
        runner.log("error: %s" % exc)
        return 1

    jobs = []
    for interp in interps:
        for bench in args.benchmarks:
            for config in args.configs:
                for calls in (args.warm_calls, args.warm_calls + args.measured_calls):
                    jobs.append((interp["short"], config, bench, calls))
    raw = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for short, config, bench, calls in jobs:
            venv = venvs[(short, config)]
            out_dir = os.path.join(args.output, short, venv.name)
            futures[pool.submit(count, venv, bench, calls, out_dir, args.timeout)] = \
                (short, config, bench, calls)
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            key = futures[future]
            raw[key] = future.result()
            runner.log("[%d/%d] %s %s %s x%d: %s" % (
                done, len(jobs), key[0], key[1], key[2], key[3],
                raw[key].get("error") or "%.1fM Ir" % (raw[key]["events"]["Ir"] / 1e6)))

    results, failures = {}, []
    for short, config, bench, calls in jobs:
        if calls != args.warm_calls:
            continue
        low = raw[(short, config, bench, calls)]
        high = raw[(short, config, bench, calls + args.measured_calls)]
        results[(short, config, bench)] = per_call(low, high, args.measured_calls)
        if "error" in results[(short, config, bench)]:
            failures.append((short, config, bench, results[(short, config, bench)]))

    sections, summary = [], {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "warm_calls": args.warm_calls, "measured_calls": args.measured_calls,
        "cycle_estimate": "Ir + 10*(Bcm+Bim) + 10*(I1mr+D1mr+D1mw) + 100*(ILmr+DLmr+DLmw)",
        "interpreters": []}
    for interp in interps:
        text, geo = render(interp, args.configs, args.benchmarks, results)
        sections.append(text)
        summary["interpreters"].append({
            "version": interp["full"], "python": interp["path"], "geomean": geo,
            "per_call": {bench: {c: results.get((interp["short"], c, bench)) for c in args.configs}
                         for bench in args.benchmarks}})
    markdown = "# Callgrind counts (%s)\n\n%s\n" % (summary["date"], "\n\n".join(sections))
    if failures:
        markdown += "\n## Failures\n\n" + "\n".join(
            "- Python %s, %s, %s: %s" % (s, c, b, r["error"]) for s, c, b, r in failures) + "\n"
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "counts.md"), "w") as f:
        f.write(markdown)
    with open(os.path.join(args.output, "counts.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(markdown)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
