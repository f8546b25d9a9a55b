#!/usr/bin/env python3
"""Draws the benchmark runner's results (benches/run.py) as one self-contained SVG chart.

For each interpreter version a panel of horizontal bars: per benchmark, the speedup over stock
CPython of ours and of Pyston-lite 2.3.5, side by side, with error bars for their spread, a
line at 1.00x, and each suite's geometric mean at the end of the suite.

The runner calls write_chart() at the end of a run, which writes RESULTS_DIR/chart.json (the
data, see chart_data() and benches/README.md) and RESULTS_DIR/chart.svg drawn from it. The
command line redraws a chart from a saved chart.json, or from a run's summary.json:

    python3 benches/chart.py bench-results/chart.json -o chart.svg

Only the standard library is used.
"""

import argparse
import json
import math
import os
import sys
from xml.sax.saxutils import escape, quoteattr

FORMAT = "pyston-lite-bench-chart"
FORMAT_VERSION = 1

# Configurations drawn as bars, in the order of the bars of a benchmark.
BAR_CONFIGS = ("ours", "pyston")
LABELS = {"ours": "ours", "pyston": "Pyston-lite 2.3.5"}
COLORS = {"ours": "#2166ac", "pyston": "#e08214"}

SPREAD_DOC = (
    "low/high: with several rounds, the lowest and highest per-round ratio (geometric mean: "
    "per-round geometric mean); with one round, the ratio times exp(-r) and exp(+r), r = "
    "sqrt((std_a/mean_a)^2 + (std_b/mean_b)^2) from the two configurations' means and standard "
    "deviations (geometric mean: r = sqrt(sum of the benchmarks' r^2) / number of benchmarks)")


class ChartError(Exception):
    """The input is not something a chart can be drawn from; the message says why."""


# --------------------------------------------------------------------------- data

def relative_spread(a, b):
    """r of the ratio of two results, each {"mean", "std"} (see SPREAD_DOC)."""
    return math.sqrt((a["std"] / a["mean"]) ** 2 + (b["std"] / b["mean"]) ** 2)


def ratio_entry(value, numerator, denominator, rounds, is_significant):
    """One ratio with its spread: numerator time / denominator time."""
    if len(rounds) > 1:
        low, high = min(rounds), max(rounds)
    else:
        r = relative_spread(numerator, denominator)
        low, high = value * math.exp(-r), value * math.exp(r)
    return {"value": value, "low": low, "high": high, "significant": is_significant,
            "rounds": list(rounds)}


# (ratio key, numerator config, denominator config): what each ratio divides
RATIOS = (("ours", "stock", "ours"), ("pyston", "stock", "pyston"),
          ("ours_vs_pyston", "pyston", "ours"))


def chart_data(summary):
    """The chart's data from the runner's summary (the dict written as summary.json).

    Per interpreter version, per benchmark: each configuration's times (mean, std and median
    of the values in seconds, value and process counts, peak RSS in bytes) and the ratios the
    tables print (speedups over stock, ours vs pyston) with their spread; per suite, the
    geometric means with theirs. benches/README.md documents the fields."""
    if not isinstance(summary, dict) or not isinstance(summary.get("interpreters"), list):
        raise ChartError("not a benchmark summary: no 'interpreters' list")
    configs = []
    versions = []
    for interp in summary["interpreters"]:
        for config in interp.get("venvs", {}):
            if config not in configs:
                configs.append(config)
        rows = []
        for row in interp.get("benchmarks", []):
            times = {}
            for config, result in row.get("results", {}).items():
                times[config] = None if result is None else {
                    "mean": result["mean"], "std": result["std"],
                    "median": result.get("median"), "values": result.get("values"),
                    "processes": result.get("processes"), "rss": result.get("mem_max_rss")}
            speedups = {}
            for key, numerator, denominator in RATIOS:
                if key not in row.get("speedup", {}):
                    continue
                speedups[key] = ratio_entry(
                    row["speedup"][key], times[numerator], times[denominator],
                    row.get("round_speedups", {}).get(key, []),
                    row.get("significant", {}).get(key, True))
            rows.append({"benchmark": row["benchmark"], "suite": row.get("suite", "ours"),
                         "times": times, "speedups": speedups,
                         "failed": dict(row.get("errors", {}))})
        suites = []
        for suite, info in interp.get("suites", {}).items():
            names = info.get("benchmarks", [])
            geomeans = {}
            for key, numerator, denominator in RATIOS:
                geo = info.get("geomean", {}).get(key)
                if geo is None:
                    continue
                rounds = geo.get("round_geomeans", [])
                spreads = [relative_spread(r["times"][numerator], r["times"][denominator])
                           for r in rows if r["benchmark"] in names and key in r["speedups"]]
                if len(rounds) > 1:
                    low, high = min(rounds), max(rounds)
                else:
                    r = math.sqrt(sum(s * s for s in spreads)) / max(1, len(spreads))
                    low, high = geo["geomean"] * math.exp(-r), geo["geomean"] * math.exp(r)
                geomeans[key] = {"value": geo["geomean"], "low": low, "high": high,
                                 "benchmarks": geo.get("benchmarks", len(spreads)),
                                 "rounds": list(rounds)}
            rss = {key[len("rss_"):]: value["geomean"]
                   for key, value in info.get("geomean", {}).items() if key.startswith("rss_")}
            suites.append({"suite": suite, "title": info.get("title", suite),
                           "benchmarks": list(names), "geomean": geomeans,
                           "rss_vs_stock": rss})
        versions.append({
            "version": interp.get("version", "?"),
            "python": interp.get("python"),
            "packages": {c: v.get("packages", {}) for c, v in interp.get("venvs", {}).items()},
            "suites": suites,
            "benchmarks": rows,
        })
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "date": summary.get("date"), "mode": summary.get("mode"),
        "rounds": summary.get("rounds", 1), "configs": configs,
        "ratios": "speedup = stock mean time / other mean time (>1 = faster than stock); "
                  "ours_vs_pyston = pyston mean time / ours mean time (>1 = ours faster)",
        "spread": SPREAD_DOC,
        "versions": versions,
    }


def load(path):
    """Chart data from a chart.json, or made from a run's summary.json."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as exc:
        raise ChartError("cannot read %s: %s" % (path, exc.strerror or exc))
    except ValueError as exc:
        raise ChartError("%s is not JSON: %s" % (path, exc))
    if isinstance(data, dict) and data.get("format") == FORMAT:
        if data.get("format_version") != FORMAT_VERSION:
            raise ChartError("%s is chart data of format version %r; this script reads %d"
                             % (path, data.get("format_version"), FORMAT_VERSION))
        return data
    try:
        return chart_data(data)
    except ChartError as exc:
        raise ChartError("%s is neither chart data nor a runner summary (%s)" % (path, exc))
    except (KeyError, TypeError, ZeroDivisionError) as exc:
        raise ChartError("%s: malformed runner summary (%s: %s)"
                         % (path, type(exc).__name__, exc))


# --------------------------------------------------------------------------- drawing

ROW_GAP = 8           # between two benchmarks' groups of bars
BAR = 9               # height of one bar
PLOT_WIDTH = 300      # the bar area of one panel
VALUE_ROOM = 74       # right of the bar area, for the value labels of the longest bars
PANEL_GAP = 24
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


def nice_axis(largest):
    """(axis maximum, tick step) covering 0..largest with a handful of round ticks."""
    largest = max(largest, 1.0)
    for step in (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0):
        if largest / step <= 8:
            break
    return math.ceil(largest / step - 1e-9) * step, step


def fmt_ratio(value):
    return "%.2fx" % value


def layout_rows(data):
    """The rows of the chart, top to bottom, as (kind, suite, name): a "suite" title, a
    "bench" and each suite's "geomean", over the union of the versions' benchmarks."""
    order = []
    for version in data["versions"]:
        for suite in version["suites"]:
            if suite["suite"] not in [s for s, _ in order]:
                order.append((suite["suite"], suite["title"]))
    rows = []
    for suite, title in order:
        names = []
        for version in data["versions"]:
            for bench in version["benchmarks"]:
                if bench["suite"] == suite and bench["benchmark"] not in names:
                    names.append(bench["benchmark"])
        rows.append(("suite", suite, title))
        rows += [("bench", suite, name) for name in names]
        rows.append(("geomean", suite, "geometric mean"))
    return rows


def render_svg(data):
    """The chart of `data` (chart_data's format) as SVG text."""
    if not data.get("versions"):
        raise ChartError("no interpreter in the results: nothing to draw")
    configs = [c for c in BAR_CONFIGS if c in data.get("configs", [])]
    if not configs:
        raise ChartError("neither ours nor pyston was run: no speedup to draw")
    rows = layout_rows(data)
    if not any(kind == "bench" for kind, _, _ in rows):
        raise ChartError("no benchmark in the results: nothing to draw")

    largest = 1.0
    for version in data["versions"]:
        for bench in version["benchmarks"]:
            for c in configs:
                s = bench["speedups"].get(c)
                if s:
                    largest = max(largest, s["value"], s["high"])
    axis_max, step = nice_axis(largest)

    group = len(configs) * BAR + ROW_GAP
    label_width = 12 + 7 * max(len(name) for _, _, name in rows)
    panel_width = PLOT_WIDTH + VALUE_ROOM
    top = 78
    panel_top = top + 30            # below the version titles
    y_of = []
    y = panel_top
    for kind, _, _ in rows:
        y_of.append(y)
        y += 22 if kind == "suite" else group + (6 if kind == "geomean" else 0)
    plot_bottom = y
    width = label_width + len(data["versions"]) * (panel_width + PANEL_GAP) + 10
    height = plot_bottom + 34

    title = "Speedup over stock CPython (stock mean time / mean time; higher is faster)"
    details = "mode: %s" % data.get("mode", "?")
    if data.get("rounds", 1) > 1:
        details += ", %d rounds pooled; error bars: lowest to highest per-round ratio" \
            % data["rounds"]
    else:
        details += "; error bars: ratio × exp(±r), r from the two configurations' std/mean"
    if data.get("mode") == "check":
        details += "; CHECK MODE: one value per run, timings are not meaningful"
    details += "; pale bar: not significant (Welch t-test, 95%)"
    if data.get("date"):
        details = "%s, %s" % (data["date"], details)
    # Wide enough for the title (15 px bold) and the details line (11 px) as well.
    width = max(width, int(20 + 9 * len(title)), int(20 + 6.2 * len(details)))

    out = []
    add = out.append
    add('<?xml version="1.0" encoding="UTF-8"?>')
    add('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" %s '
        'font-size="11">' % (width, height, width, height, FONT))
    add('<rect x="0" y="0" width="%d" height="%d" fill="white"/>' % (width, height))
    add('<text x="10" y="20" font-size="15" font-weight="bold">%s</text>' % escape(title))
    add('<text x="10" y="38" fill="#444">%s</text>' % escape(details))
    # legend
    x = 10
    for c in configs:
        add('<rect x="%d" y="50" width="14" height="%d" fill="%s"/>' % (x, BAR, COLORS[c]))
        add('<text x="%d" y="%d">%s</text>' % (x + 18, 50 + BAR, escape(LABELS[c])))
        x += 30 + 7 * len(LABELS[c])

    # row labels
    for (kind, _, name), y in zip(rows, y_of):
        if kind == "suite":
            add('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + 15, escape(name)))
        else:
            add('<text x="%d" y="%d" text-anchor="end"%s>%s</text>' % (
                label_width - 6, y + len(configs) * BAR // 2 + 4,
                ' font-weight="bold"' if kind == "geomean" else "", escape(name)))

    for index, version in enumerate(data["versions"]):
        left = label_width + index * (panel_width + PANEL_GAP)
        scale = PLOT_WIDTH / axis_max

        def x_at(value):
            return left + min(value, axis_max) * scale

        add('<g class="panel" data-version=%s>' % quoteattr(version["version"]))
        add('<text x="%d" y="%d" font-size="13" font-weight="bold">Python %s</text>'
            % (left, panel_top - 12, escape(version["version"])))
        # grid and axis
        tick = 0.0
        while tick <= axis_max + 1e-9:
            tx = x_at(tick)
            add('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e4e4"/>'
                % (tx, panel_top - 4, tx, plot_bottom))
            add('<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%s</text>'
                % (tx, plot_bottom + 14, "%gx" % tick))
            tick += step
        add('<line class="baseline" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
            'stroke-width="1.2"/>' % (x_at(1.0), panel_top - 4, x_at(1.0), plot_bottom))
        benches = {b["benchmark"]: b for b in version["benchmarks"]}
        suites = {s["suite"]: s for s in version["suites"]}
        for (kind, suite, name), y in zip(rows, y_of):
            if kind == "suite":
                continue
            if kind == "bench":
                bench = benches.get(name)
                ratios = bench["speedups"] if bench else {}
                failed = bench["failed"] if bench else {}
            else:
                bench = None
                ratios = suites[suite]["geomean"] if suite in suites else {}
                failed = {}
                add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>'
                    % (left, y - 3, left + PLOT_WIDTH, y - 3))
            for offset, c in enumerate(configs):
                by = y + offset * BAR
                ratio = ratios.get(c)
                if ratio is None:
                    if kind == "bench" and bench is None:
                        text, colour = "not run", "#888"
                    elif c in failed or "stock" in failed:
                        text, colour = "FAILED", "#c00"
                    else:
                        text, colour = "-", "#888"
                    add('<text class="missing" x="%d" y="%d" fill="%s" font-size="9">%s</text>'
                        % (left + 3, by + BAR - 1, colour, text))
                    continue
                add(bar(kind, version["version"], name, c, ratio, left, x_at, by))
        add('</g>')
    add('</svg>')
    return "\n".join(out) + "\n"


def bar(kind, version, name, config, ratio, left, x_at, y):
    """One bar with its error bar and value label."""
    value, low, high = ratio["value"], ratio["low"], ratio["high"]
    pale = ratio.get("significant", True) is False
    label = "%s%s" % (fmt_ratio(value), " n.s." if pale else "")
    tip = "%s, Python %s, %s: %s [%s–%s]" % (name, version, LABELS[config], fmt_ratio(value),
                                              fmt_ratio(low), fmt_ratio(high))
    parts = ['<rect class=%s data-benchmark=%s data-config=%s data-value="%.4f" x="%d" y="%d" '
             'width="%.1f" height="%d" fill="%s"%s><title>%s</title></rect>'
             % (quoteattr("geomean" if kind == "geomean" else "bar"), quoteattr(name),
                quoteattr(config), value, left, y + 1, max(0.0, x_at(value) - left), BAR - 2,
                COLORS[config], ' fill-opacity="0.4"' if pale else "", escape(tip))]
    mid = y + BAR / 2.0
    x1, x2 = x_at(low), x_at(high)
    parts.append('<path class="spread" d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" '
                 'stroke="#222" stroke-width="1" fill="none"/>'
                 % (x1, mid, x2, x1, mid - 3, mid + 3, x2, mid - 3, mid + 3))
    parts.append('<text x="%.1f" y="%.1f" font-size="9" fill="#222">%s</text>'
                 % (max(x2, x_at(value)) + 4, y + BAR - 1, escape(label)))
    return "".join(parts)


def write_chart(summary, output_dir):
    """Writes chart.json (the data) and chart.svg (drawn from it) into output_dir. Returns
    (json path, svg path, None), or (json path, None, why) when there is nothing to draw (then
    an older chart.svg there is removed, so that it is not taken for this run's)."""
    data = chart_data(summary)
    json_path = os.path.join(output_dir, "chart.json")
    svg_path = os.path.join(output_dir, "chart.svg")
    with open(json_path, "w") as f:
        json.dump(data, f, indent=2)
    try:
        svg = render_svg(data)
    except ChartError as exc:
        if os.path.exists(svg_path):
            os.remove(svg_path)
        return json_path, None, str(exc)
    with open(svg_path, "w") as f:
        f.write(svg)
    return json_path, svg_path, None


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Draw the benchmark chart (SVG) from a run's chart.json or summary.json.")
    parser.add_argument("results", metavar="RESULTS.json",
                        help="chart.json or summary.json from a benches/run.py results directory")
    parser.add_argument("-o", "--output", metavar="CHART.svg",
                        help="where to write the SVG (default: chart.svg beside RESULTS.json)")
    args = parser.parse_args(argv)
    output = args.output or os.path.join(os.path.dirname(os.path.abspath(args.results)),
                                         "chart.svg")
    try:
        svg = render_svg(load(args.results))
    except ChartError as exc:
        sys.stderr.write("error: %s\n" % exc)
        return 2
    try:
        with open(output, "w") as f:
            f.write(svg)
    except OSError as exc:
        sys.stderr.write("error: cannot write %s: %s\n" % (output, exc.strerror or exc))
        return 2
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
