#!/usr/bin/env python3
"""Where one steady-state call's counts go, function by function.

count.py keeps callgrind's files for the runs with W and W + M calls of each benchmark
(RESULTS_DIR/3.X/<venv>/<bench>.<calls>.callgrind). This script subtracts the two runs'
per-function self costs (callgrind_annotate's, so calls into other functions are not
included) and divides by M, which leaves one call in the steady state. Machine code the JIT
emitted has no symbol and lands at different addresses in every run: it is summed into one
row, "(no symbol: JIT code)". Given a second pair (e.g. stock's), both are shown side by side.

    benches/count_functions.py DIR/bm_x.3.callgrind DIR/bm_x.5.callgrind \\
        [OTHER/bm_x.3.callgrind OTHER/bm_x.5.callgrind] [--event I1mr] [--top 30]

M is read from the file names (5 - 3 = 2 here). Needs callgrind_annotate (valgrind).
"""

import argparse
import collections
import re
import subprocess
import sys

JIT_ROW = "(no symbol: JIT code)"

# A function row of `callgrind_annotate --show=EVENT --auto=no`: "1,234 (12.3%)  file:function [object]"
ROW = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$")


def function_name(text):
    """The row's function, without its object file and callgrind's recursion suffixes."""
    name = re.sub(r"\s+\[[^\]]*\]$", "", text.strip())
    name = re.sub(r"'\d+", "", name)
    if re.match(r"^\?\?\?:0x[0-9a-fA-F]+$", name):
        return JIT_ROW
    # Paths of a build tree say nothing: keep the file's name.
    return re.sub(r"^\S*/([^/:]+:)", r"\1", name)


def parse_annotate(text):
    """Self cost per function from callgrind_annotate's output."""
    costs = collections.Counter()
    for line in text.splitlines():
        m = ROW.match(line)
        if m and "PROGRAM TOTALS" not in line and ":" in m.group(2):
            costs[function_name(m.group(2))] += int(m.group(1).replace(",", ""))
    return costs


def self_costs(path, event):
    out = subprocess.run(["callgrind_annotate", "--show=" + event, "--auto=no",
                          "--threshold=100", "--inclusive=no", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    return parse_annotate(out)


def calls_in(path):
    m = re.search(r"\.(\d+)\.callgrind$", path)
    if not m:
        raise ValueError("%s: expected a name like bm_x.5.callgrind (count.py's)" % path)
    return int(m.group(1))


def per_call(low, high, low_calls, high_calls):
    """Per-function cost of one call: (high - low) / (high_calls - low_calls)."""
    if high_calls <= low_calls:
        raise ValueError("the second run must have more calls than the first")
    measured = high_calls - low_calls
    return {k: (high.get(k, 0) - low.get(k, 0)) / measured for k in set(low) | set(high)}


def render(columns, top):
    """Rows by the largest cost in any column, then a total row."""
    names = set().union(*columns)
    rows = sorted(names, key=lambda k: -max(abs(c.get(k, 0)) for c in columns))[:top]
    lines = []
    for name in rows:
        lines.append(" ".join("%12.0f" % c.get(name, 0) for c in columns) + "  " + name)
    lines.append(" ".join("%12.0f" % sum(c.values()) for c in columns) + "  (total)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="two count.py callgrind files (W and W+M calls), optionally two more")
    parser.add_argument("--event", default="Ir", help="callgrind event (Ir, I1mr, D1mr, Bim, ...)")
    parser.add_argument("--top", type=int, default=30, help="rows shown (default 30)")
    args = parser.parse_args(argv)
    if len(args.files) not in (2, 4):
        parser.error("give two files (one pair) or four (two pairs)")
    columns = []
    try:
        for low, high in zip(args.files[::2], args.files[1::2]):
            columns.append(per_call(self_costs(low, args.event), self_costs(high, args.event),
                                    calls_in(low), calls_in(high)))
    except (ValueError, OSError, subprocess.CalledProcessError) as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    print("%s per steady-state call; columns: %s" % (
        args.event, ", ".join(a for a in args.files[::2])))
    print(render(columns, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
