"""What one whole process costs: wall time and peak RSS of `python -c CODE` (or of a
script), for several interpreters/configurations run alternately, one after the other in
every round, so that a noisy stretch of the machine hits them all alike.

    python3 benches/process_cost.py --runs 41 \\
        --config stock=/path/to/stock-venv/bin/python \\
        --config old=/path/to/our-venv/bin/python,PYSTON_LITE_LOOP_THRESHOLD=20 \\
        --config ours=/path/to/our-venv/bin/python \\
        -c pass

The first configuration is the baseline of the ratios. Prints the median wall time (with
its quartiles) and the median peak RSS of each. With --script,
the script's own first output word (a time in seconds it measured itself) is reported
instead of the process's wall time. The peak RSS is the process's own (`VmHWM`, which the
measured code reports at its end). Linux only; standard library only."""

import argparse
import os
import statistics
import subprocess
import sys
import time


def parse_config(text):
    name, _, rest = text.partition("=")
    python, *pairs = rest.split(",")
    if not name or not python:
        raise argparse.ArgumentTypeError("expected NAME=PYTHON[,VAR=VALUE...], got %r" % text)
    env = {}
    for pair in pairs:
        var, sep, value = pair.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError("expected VAR=VALUE, got %r" % pair)
        env[var] = value
    if not os.access(python, os.X_OK):
        raise argparse.ArgumentTypeError("%s is not an executable" % python)
    return name, python, env


# Appended to the measured code: reports the process's own peak RSS on stderr. (Not
# ru_maxrss from wait4: Linux carries the peak of the process image before exec over, so
# a child forked from this 10-15 MB runner would never report less.)
REPORT_PEAK_RSS = (
    "\nimport sys as _s\n"
    "_s.stderr.write('\\nVmHWM %s\\n' % [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
)


def run_once(argv, env, own_time):
    """(seconds, peak RSS in KiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit("%s failed (status %d):\n%s" % (" ".join(argv), proc.returncode, proc.stderr))
    peak = int(proc.stderr.split("VmHWM ")[-1].split()[0])
    return (float(proc.stdout.split()[0]) if own_time else elapsed), peak


def quartiles(values):
    values = sorted(values)
    return values[len(values) // 4], statistics.median(values), values[(3 * len(values)) // 4]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=parse_config, action="append", required=True)
    parser.add_argument("--runs", type=int, default=21)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("-c", dest="code")
    what.add_argument("--script")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.code is not None:
        tail = ["-c", args.code + REPORT_PEAK_RSS]
    else:
        # Run as __main__ (its globals are __main__'s), then report.
        run_script = "__file__ = %r\nexec(compile(open(__file__).read(), __file__, 'exec'))" % args.script
        tail = ["-c", run_script + REPORT_PEAK_RSS]
    results = {name: ([], []) for name, _, _ in args.config}
    for _ in range(args.runs):
        for name, python, extra in args.config:
            seconds, rss = run_once([python] + tail, dict(os.environ, **extra), args.script is not None)
            results[name][0].append(seconds)
            results[name][1].append(rss)
    base_time = statistics.median(results[args.config[0][0]][0])
    base_rss = statistics.median(results[args.config[0][0]][1])
    for name, (times, rss) in results.items():
        q1, median, q3 = quartiles(times)
        print("%-16s %8.2f ms  %.3fx  (q1-q3 %.2f-%.2f)   peak RSS %7d KiB  %.3fx" % (
            name, median * 1e3, median / base_time, q1 * 1e3, q3 * 1e3,
            statistics.median(rss), statistics.median(rss) / base_rss))


if __name__ == "__main__":
    main()
