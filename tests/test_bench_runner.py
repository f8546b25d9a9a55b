"""The benchmark runner's arithmetic (benches/run.py): pooling rounds, per-round speedups and
their geometric means, and its command-line checks. No benchmark is run."""

import importlib.util
import math
import os

import pytest

from conftest import ROOT


def load_runner():
    spec = importlib.util.spec_from_file_location("bench_run", os.path.join(ROOT, "benches", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load_runner()


def result(values_per_process, rss=1000):
    """A result as load_result makes it, from per-process value lists."""
    values = [v for process in values_per_process for v in process]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return {"mean": mean, "std": std, "n": len(values),
            "run_means": [sum(p) / len(p) for p in values_per_process],
            "rss": rss, "json": "x.json"}


def test_pooling_two_rounds_equals_one_result_with_every_value():
    first = [[1.0, 1.2], [1.1, 1.3]]
    second = [[2.0, 2.2], [1.9, 2.1], [2.4, 2.0]]
    pooled = run.pool_rounds([result(first, rss=10), result(second, rss=30)])
    whole = result(first + second)
    assert pooled["n"] == whole["n"] == 10
    assert pooled["mean"] == pytest.approx(whole["mean"])
    assert pooled["std"] == pytest.approx(whole["std"])
    assert pooled["run_means"] == whole["run_means"]
    assert pooled["rss"] == 30
    assert pooled["round_means"] == [pytest.approx(1.15), pytest.approx(2.1)]


def test_one_round_is_passed_through_with_its_mean_as_the_round_mean():
    one = result([[1.0, 3.0]])
    pooled = run.pool_rounds([one])
    assert pooled["mean"] == one["mean"] and pooled["round_means"] == [2.0]


def test_a_failed_round_fails_the_pooled_result():
    failed = {"error": "AssertionError", "log": "x.log"}
    assert run.pool_rounds([result([[1.0, 2.0]]), failed]) is failed


def test_summary_shows_per_round_speedups_and_geomeans():
    stock = {"bm_a": [[[4.0, 4.0]], [[6.0, 6.0]]], "bm_b": [[[9.0, 9.0]], [[9.0, 9.0]]]}
    ours = {"bm_a": [[[2.0, 2.0]], [[4.0, 4.0]]], "bm_b": [[[9.0, 9.0]], [[4.5, 4.5]]]}
    results = {}
    for bench in stock:
        results[("3.8", "stock", bench)] = run.pool_rounds([result(r) for r in stock[bench]])
        results[("3.8", "ours", bench)] = run.pool_rounds([result(r) for r in ours[bench]])
    rows, geo = run.summarize({"short": "3.8"}, ["stock", "ours"], ["bm_a", "bm_b"], results)
    by_name = {row["benchmark"]: row for row in rows}
    assert by_name["bm_a"]["round_speedups"]["ours"] == [2.0, 1.5]
    assert by_name["bm_b"]["round_speedups"]["ours"] == [1.0, 2.0]
    assert by_name["bm_a"]["speedup"]["ours"] == pytest.approx(10.0 / 6.0)
    assert geo["ours"]["round_geomeans"] == [pytest.approx(math.sqrt(2.0)),
                                             pytest.approx(math.sqrt(3.0))]


@pytest.mark.parametrize("value", ["0", "-2"])
def test_rounds_below_one_is_a_usage_error(value):
    with pytest.raises(run.UsageError, match="--rounds takes a count >= 1"):
        run.parse_args(["--python", "python3", "--no-ours", "--rounds", value])


class FakeVenv:
    name = "bench-3.8-x"

    def describe(self):
        return "pyperf"


def test_table_shows_the_per_round_ranges():
    results = {("3.8", "stock", "bm_a"): run.pool_rounds([result([[4.0, 4.0]]), result([[6.0, 6.0]])]),
               ("3.8", "ours", "bm_a"): run.pool_rounds([result([[2.0, 2.0]]), result([[4.0, 4.0]])])}
    configs = ["stock", "ours"]
    rows, geo = run.summarize({"short": "3.8"}, configs, ["bm_a"], results)
    venvs = {("3.8", c): FakeVenv() for c in configs}
    table = run.render_table({"short": "3.8", "full": "3.8.18", "path": "python3.8"},
                             configs, rows, geo, venvs, rounds=2)
    assert "| bm_a | 5.00 s ± 1.15 s | 1.67x (n.s.) [1.50–2.00] |" in table
    assert "2 rounds pooled" in table


def load_counter():
    import sys
    sys.path.insert(0, os.path.join(ROOT, "benches"))
    spec = importlib.util.spec_from_file_location("bench_count", os.path.join(ROOT, "benches", "count.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


count = load_counter()


def test_callgrind_totals_are_read_from_the_summary_line(tmp_path):
    path = tmp_path / "out.callgrind"
    path.write_text("# callgrind format\nevents: Ir I1mr Bcm\nfn=(1) main\n0 5 0 0\n"
                    "summary: 1000 20 3\ntotals: 1000 20 3\n")
    assert count.read_totals(str(path)) == {"Ir": 1000, "I1mr": 20, "Bcm": 3}


def test_one_steady_state_call_is_the_difference_over_the_measured_calls():
    zero = {k: 0 for k in count.EVENTS}
    low = {"events": dict(zero, Ir=1000, I1mr=10, Bcm=1, ILmr=1)}
    high = {"events": dict(zero, Ir=1600, I1mr=30, Bcm=5, ILmr=3)}
    one = count.per_call(low, high, 2)["events"]
    assert one["Ir"] == 300 and one["I1mr"] == 10 and one["Bcm"] == 2 and one["ILmr"] == 1
    # KCachegrind's estimate: Ir + 10 * mispredictions + 10 * L1 misses + 100 * LL misses
    assert one["CEst"] == 300 + 10 * 2 + 10 * 10 + 100 * 1
    failed = {"error": "boom"}
    assert count.per_call(failed, high, 2) is failed


def test_counter_rejects_zero_calls():
    with pytest.raises(count.runner.UsageError, match="take counts >= 1"):
        count.parse_args(["--python", "python3", "--no-pyston", "--wheels", ".", "--measured-calls", "0"])


def test_count_table_has_one_column_per_ratio_of_the_configs_given():
    zero = {k: 0 for k in count.EVENTS}
    def events(ir):
        e = dict(zero, Ir=ir)
        e["CEst"] = count.estimated_cycles(e)
        return {"events": e}
    results = {("3.8", "stock", "bm_a"): events(300), ("3.8", "ours", "bm_a"): events(200),
               ("3.8", "pyston", "bm_a"): events(150)}
    interp = {"short": "3.8", "full": "3.8.18", "path": "python3.8"}
    text, geo = count.render(interp, ["stock", "ours", "pyston"], ["bm_a"], results)
    assert "| bm_a | 0.0M | 0.0M | 1.50x | 1.50x | 2.00x | 0.75x |" in text
    assert geo["stock_over_ours_CEst"] == pytest.approx(1.5)
    text, geo = count.render(interp, ["stock", "pyston"], ["bm_a"], results)
    assert "| bm_a | 0.0M | 0.0M | 2.00x |" in text and "ours" not in text.split("\n")[4]


def load_count_functions():
    spec = importlib.util.spec_from_file_location(
        "bench_count_functions", os.path.join(ROOT, "benches", "count_functions.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


count_functions = load_count_functions()

ANNOTATE_OUTPUT = """\
--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
1,500 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir           file:function
--------------------------------------------------------------------------------
  600 (40.0%)  /tmp/python-build.1/Python-3.8.18/Python/ceval.c:_PyEval_EvalFrameDefault [/x/libpython3.8.so.1.0]
  300 (20.0%)  ???:0x0000000058c626c0 [???]
  200 (13.3%)  ???:0x0000000058c61a00 [???]
  150 (10.0%)  /work/main/interp/src/frame.rs:interp::frame::run_compiled_frame'2 [/x/_native.so]
  100 ( 6.7%)  /work/main/interp/src/frame.rs:interp::frame::run_compiled_frame [/x/_native.so]
"""


def test_annotate_rows_become_self_costs_with_jit_code_summed_into_one_row():
    costs = count_functions.parse_annotate(ANNOTATE_OUTPUT)
    assert costs == {
        "ceval.c:_PyEval_EvalFrameDefault": 600,
        count_functions.JIT_ROW: 500,
        # recursion levels ('2) are one function
        "frame.rs:interp::frame::run_compiled_frame": 250,
    }


def test_per_function_cost_of_one_call_is_the_difference_over_the_extra_calls():
    low = {"f": 100, "g": 40}
    high = {"f": 300, "h": 10}
    assert count_functions.calls_in("d/bm_x.3.callgrind") == 3
    assert count_functions.per_call(low, high, 3, 5) == {"f": 100, "g": -20, "h": 5}
    with pytest.raises(ValueError, match="more calls"):
        count_functions.per_call(low, high, 5, 3)
    with pytest.raises(ValueError, match="bm_x.5.callgrind"):
        count_functions.calls_in("d/out.callgrind")


def test_function_table_orders_by_the_largest_cost_in_any_column():
    text = count_functions.render([{"a": 1.0, "b": 50.0}, {"a": 90.0, "c": 2.0}], top=2)
    lines = text.splitlines()
    assert lines[0].endswith("  a") and lines[1].endswith("  b") and len(lines) == 3
    assert lines[2].split() == ["51", "92", "(total)"]
