#!/usr/bin/env python3
"""How the call threshold trades compile time against speed, on short-lived processes.

Runs a few workloads whose processes live for well under a second to a few seconds — where
compiling too eagerly costs more than it saves — once per configuration, interleaved round by
round (stock, then each threshold, order rotating), and prints the median wall time of each
configuration with its ratio to stock and the spread (min–max over rounds).

    python benches/threshold.py --python .venvs/test-3.8/bin/python [--rounds 7]
        [--thresholds 0,50,200,1000]

The interpreter must have our pyston_lite installed (the test venvs do). Stock runs set
DISABLE_PYSTON=1; the others set PYSTON_LITE_THRESHOLD. Only the standard library is used.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

# Short programs: much code run a few times (imports, a test module), and a small hot loop.
WORKLOADS = {
    "import_stdlib": [
        "-c",
        "import json, email.parser, argparse, logging, decimal, fractions, difflib, "
        "textwrap, unittest, http.client, xml.dom.minidom, csv, pathlib; "
        "argparse.ArgumentParser().parse_args([])",
    ],
    "test_json": ["-m", "test", "-q", "test_json"],
    "test_difflib": ["-m", "test", "-q", "test_difflib"],
    "short_loop": [
        "-c",
        "def f(n):\n s = 0\n for i in range(n): s += i * i\n return s\n"
        "print(sum(f(k) for k in range(2000)))",
    ],
}


def run_once(python, args, env):
    start = time.perf_counter()
    subprocess.run([python] + args, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="a python with our pyston_lite installed")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--thresholds", default="0,50,200,1000")
    options = parser.parse_args()
    if not os.path.exists(options.python):
        parser.error("no interpreter at %s" % options.python)
    thresholds = [int(t) for t in options.thresholds.split(",")]
    configs = ["stock"] + ["t=%d" % t for t in thresholds]

    def env_for(config):
        env = dict(os.environ)
        env.pop("PYSTON_LITE_THRESHOLD", None)
        if config == "stock":
            env["DISABLE_PYSTON"] = "1"
        else:
            env.pop("DISABLE_PYSTON", None)
            env["PYSTON_LITE_THRESHOLD"] = config[2:]
        return env

    times = {(w, c): [] for w in WORKLOADS for c in configs}
    for round_no in range(options.rounds):
        for w_index, (workload, args) in enumerate(WORKLOADS.items()):
            shift = (round_no + w_index) % len(configs)
            for config in configs[shift:] + configs[:shift]:
                times[workload, config].append(run_once(options.python, args, env_for(config)))
        print("round %d/%d done" % (round_no + 1, options.rounds), file=sys.stderr)

    print("| workload | " + " | ".join(configs) + " |")
    print("|---|" + "---|" * len(configs))
    for workload in WORKLOADS:
        base = statistics.median(times[workload, "stock"])
        cells = []
        for config in configs:
            values = times[workload, config]
            median = statistics.median(values)
            cells.append("%.3fs (%.2fx, %.3f–%.3f)" % (median, base / median, min(values), max(values)))
        print("| %s | %s |" % (workload, " | ".join(cells)))
    print("\nratio = stock median / configuration median (above 1: faster than stock)")


if __name__ == "__main__":
    main()
