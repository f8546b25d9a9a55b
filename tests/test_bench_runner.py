"""The benchmark runner's arithmetic (benches/run.py): pooling rounds, per-round speedups and
their geometric means, and its command-line checks. No benchmark is run."""

import importlib.util
import json
import math
import os
import sys

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
            "median": sorted(values)[len(values) // 2] if len(values) % 2 else
            sum(sorted(values)[len(values) // 2 - 1:len(values) // 2 + 1]) / 2,
            "values": values, "rss": rss, "json": "x.json"}


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


# --------------------------------------------------------------------------- suites

PYPERFORMANCE_ROWS = [
    "pp_chaos", "pp_deltablue", "pp_fannkuch", "pp_float", "pp_go", "pp_hexiom", "pp_nbody",
    "pp_nqueens", "pp_pickle_pure_python", "pp_pyflate", "pp_raytrace", "pp_richards",
    "pp_scimark_fft", "pp_scimark_lu", "pp_scimark_monte_carlo", "pp_scimark_sor",
    "pp_scimark_sparse_mat_mult", "pp_spectral_norm", "pp_unpack_sequence", "pp_generators",
    "pp_coroutines", "pp_deepcopy", "pp_deepcopy_reduce", "pp_deepcopy_memo",
    "pp_logging_silent", "pp_logging_simple", "pp_logging_format", "pp_pathlib",
]


def parsed(*argv, default_suite="all"):
    """The command line as main() parses it (--list: no interpreter needed)."""
    return run.parse_args(["--list"] + list(argv), default_suite=default_suite)


def test_pyperformance_is_pinned_and_its_rows_are_the_documented_set():
    assert run.PYPERFORMANCE_PIN == "pyperformance==1.10.0"
    args = parsed("--suite", "pyperformance")
    assert args.benchmarks == PYPERFORMANCE_ROWS
    # the ones that time C code are left out
    for dropped in ("pp_json_dumps", "pp_json_loads", "pp_regex_v8", "pp_sqlite_synth"):
        assert dropped not in args.benchmarks
    # every row is documented in the README's list
    with open(os.path.join(ROOT, "benches", "README.md")) as f:
        readme = f.read()
    for row in PYPERFORMANCE_ROWS:
        assert "`%s`" % row in readme, row


def test_both_suites_by_default_with_unambiguous_row_names():
    args = parsed()
    ours = run.available_benchmarks()
    assert args.suites == ("ours", "pyperformance")
    assert args.benchmarks == ours + PYPERFORMANCE_ROWS
    assert len(set(args.benchmarks)) == len(args.benchmarks)
    assert "bm_nbody" in args.benchmarks and "pp_nbody" in args.benchmarks
    assert all(name.startswith("bm_") for name in ours)
    # count.py parses its --only with the runner's parser and runs only our programs
    assert run.parse_args(["--list"]).benchmarks == ours
    assert parsed("--suite", "ours").benchmarks == ours


@pytest.mark.parametrize("only, suite, expected", [
    ("nbody", "all", ["bm_nbody"]),                       # a bare name is ours first
    ("nbody", "pyperformance", ["pp_nbody"]),
    ("bm_nbody.py", "all", ["bm_nbody"]),
    ("ours/nbody", "all", ["bm_nbody"]),
    ("chaos", "all", ["pp_chaos"]),                       # no bm_chaos: pyperformance's
    ("pyperformance/nbody", "all", ["pp_nbody"]),
    ("pp_nbody,nbody,pp_nbody", "all", ["pp_nbody", "bm_nbody"]),
    ("pp_scimark", "pyperformance", ["pp_scimark_fft", "pp_scimark_lu", "pp_scimark_monte_carlo",
                                     "pp_scimark_sor", "pp_scimark_sparse_mat_mult"]),
    ("logging", "all", ["pp_logging_silent", "pp_logging_simple", "pp_logging_format"]),
    ("pp_deepcopy", "all", ["pp_deepcopy", "pp_deepcopy_reduce", "pp_deepcopy_memo"]),
    ("pp_deepcopy_memo", "all", ["pp_deepcopy_memo"]),
])
def test_only_names_resolve_across_suites(only, suite, expected):
    assert parsed("--suite", suite, "--only", only).benchmarks == expected


@pytest.mark.parametrize("argv, message", [
    (["--suite", "ours", "--only", "pp_chaos"], "in the pyperformance suite"),
    (["--suite", "ours", "--only", "chaos"], "in the pyperformance suite"),
    (["--suite", "pyperformance", "--only", "bm_sudoku"], "in the ours suite"),
    (["--only", "pp_json_dumps"], "unknown benchmark 'pp_json_dumps'"),
    (["--only", "bm_chaos"], "unknown benchmark 'bm_chaos'"),
    (["--only", " , "], "names no benchmark"),
])
def test_only_outside_the_suites_is_a_usage_error(argv, message):
    with pytest.raises(run.UsageError, match=message):
        parsed(*argv)


def test_sub_benchmarks_are_runs_with_their_argument_or_rows_of_one_run():
    jobs = {job.name: job for job in parsed("--suite", "pyperformance").jobs}
    assert len(jobs) == len(PYPERFORMANCE_ROWS) - 2    # deepcopy's three rows are one run
    sor = jobs["pp_scimark_sor"]
    assert (sor.directory, sor.args, sor.rows) == ("bm_scimark", ["sor"],
                                                   [("pp_scimark_sor", "scimark_sor")])
    pickle = jobs["pp_pickle_pure_python"]
    assert (pickle.directory, pickle.args) == ("bm_pickle", ["--pure-python", "pickle"])
    assert jobs["pp_deepcopy"].rows == [("pp_deepcopy", "deepcopy"),
                                        ("pp_deepcopy_reduce", "deepcopy_reduce"),
                                        ("pp_deepcopy_memo", "deepcopy_memo")]
    assert jobs["pp_unpack_sequence"].args == []
    # asking for one row of deepcopy runs the same script, reporting that row only
    only_memo = parsed("--only", "pp_deepcopy_memo").jobs
    assert [(j.name, j.rows) for j in only_memo] == [("pp_deepcopy",
                                                      [("pp_deepcopy_memo", "deepcopy_memo")])]


class PerformanceVenv:
    name = "bench-3.10-ours"
    config = "ours"
    python = "/venvs/bench-3.10-ours/bin/python"

    def __init__(self, package_dir):
        self.info = {"pyperformance": {"version": "1.10.0", "dir": package_dir}}

    pyperformance_benchmarks = run.Venv.pyperformance_benchmarks


def test_commands_carry_the_scripts_arguments_cwd_and_the_runners_pyperf_options():
    venv = PerformanceVenv("/venvs/site-packages/pyperformance")
    bench_dir = "/venvs/site-packages/pyperformance/data-files/benchmarks/bm_pickle"
    mode_args = {"stock": ["--fast"], "ours": ["--fast", "--warmups", "8"]}
    job = parsed("--only", "pp_pickle_pure_python").jobs[0]
    cmd, cwd = run.job_command(venv, job, "/out/pp_pickle_pure_python.json", mode_args,
                               environ={"PYSTON_LITE_THRESHOLD": "0", "HOME": "/root"})
    assert cmd == [venv.python, bench_dir + "/run_benchmark.py", "--pure-python", "pickle",
                   "-o", "/out/pp_pickle_pure_python.json", "--fast", "--warmups", "8",
                   "--inherit-environ=PYSTON_LITE_THRESHOLD"]
    assert cwd == bench_dir
    ours = parsed("--only", "nbody").jobs[0]
    cmd, cwd = run.job_command(venv, ours, "/out/bm_nbody.json", mode_args, environ={})
    assert cmd == [venv.python, os.path.join(run.PROGRAMS_DIR, "bm_nbody.py"),
                   "-o", "/out/bm_nbody.json", "--fast", "--warmups", "8"]
    assert cwd is None


def test_a_venv_without_pyperformance_is_not_usable():
    venv = run.Venv("/venvs", "3.10", "stock")
    info = {"loaded": False, "enabled": None, "versions": {}, "pyperf": "2.7.0"}
    missing = dict(info, pyperformance={"error": "ModuleNotFoundError: No module named 'x'"})
    assert "pyperformance 1.10.0 is not importable (ModuleNotFoundError" in venv.problem(missing)
    other = dict(info, pyperformance={"version": "1.11.0", "dir": "/x"})
    assert "version 1.11.0" in venv.problem(other)
    assert venv.problem(dict(info, pyperformance={"version": "1.10.0", "dir": "/x"})) is None


def pyperf_file(path, benchmarks):
    """A pyperf JSON file: benchmarks is [(name, [[values of one process], ...])]. As pyperf
    writes it, a file of one benchmark has its name in the file-wide metadata."""
    data = {"version": "1.0", "metadata": {"python_version": "3.10"}, "benchmarks": []}
    for name, processes in benchmarks:
        runs = [{"metadata": {"mem_max_rss": 1000}, "warmups": [[1, 9.0]]}]   # calibration
        runs += [{"values": values, "metadata": {"mem_max_rss": 2000}} for values in processes]
        data["benchmarks"].append({"metadata": {"name": name}, "runs": runs})
    if len(benchmarks) == 1:
        data["metadata"].update(data["benchmarks"][0].pop("metadata"))
    with open(path, "w") as f:
        json.dump(data, f)
    return str(path)


def test_results_of_a_run_are_read_per_named_benchmark(tmp_path):
    path = pyperf_file(tmp_path / "pp_deepcopy.json",
                       [("deepcopy", [[1.0, 1.0], [3.0, 3.0]]), ("deepcopy_memo", [[10.0, 20.0]])])
    memo = run.load_result(path, "deepcopy_memo")
    assert (memo["mean"], memo["n"], memo["run_means"]) == (15.0, 2, [15.0])
    assert run.load_result(path, "deepcopy")["run_means"] == [1.0, 3.0]
    assert run.load_result(path)["n"] == 6                     # no name: the whole file
    with pytest.raises(ValueError, match="no benchmark 'deepcopy_reduce'"):
        run.load_result(path, "deepcopy_reduce")
    single = pyperf_file(tmp_path / "pp_chaos.json", [("chaos", [[2.0, 4.0]])])
    assert run.load_result(single, "chaos")["mean"] == 3.0
    with pytest.raises(ValueError, match="no benchmark 'go'"):
        run.load_result(single, "go")


FAKE_BENCHMARK = r"""
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
assert os.getcwd() == here, (os.getcwd(), here)         # runs in its own directory
with open(os.path.join("data", "input.txt")) as f:      # like pyflate's data file
    scale = float(f.read())
args = sys.argv[1:]
out = args[args.index("-o") + 1]
assert args[0] == "--mode=fake" and "--debug-single-value" in args, args
benches = [{"metadata": {"name": n}, "runs": [{"values": [v * scale], "metadata": {}}]}
           for n, v in (("fake", 1.0), ("fake_memo", 2.0), ("fake_reduce", 4.0))]
if os.environ.get("FAKE_FAIL"):
    sys.exit("AssertionError: fake self-check failed")
with open(out, "w") as f:
    json.dump({"version": "1.0", "metadata": {}, "benchmarks": benches}, f)
"""


def test_one_run_gives_each_of_its_rows_and_a_failure_fails_them_all(tmp_path, monkeypatch):
    package = tmp_path / "pyperformance"
    bench_dir = package / "data-files" / "benchmarks" / "bm_fake"
    (bench_dir / "data").mkdir(parents=True)
    (bench_dir / "data" / "input.txt").write_text("10")
    (bench_dir / "run_benchmark.py").write_text(FAKE_BENCHMARK)
    venv = PerformanceVenv(str(package))
    venv.python = sys.executable
    job = run.Job("pp_fake", "pyperformance", [("pp_fake", "fake"), ("pp_fake_reduce", "fake_reduce")],
                  directory="bm_fake", args=["--mode=fake"])
    mode_args = {"ours": ["--debug-single-value"]}
    json_path = str(tmp_path / "out" / "pp_fake.json")
    results = run.run_one(venv, job, json_path, mode_args, timeout=60)
    assert sorted(results) == ["pp_fake", "pp_fake_reduce"]
    assert results["pp_fake"]["mean"] == 10.0 and results["pp_fake_reduce"]["mean"] == 40.0
    assert results["pp_fake"]["json"].endswith("pp_fake.json")
    monkeypatch.setenv("FAKE_FAIL", "1")
    failed = run.run_one(venv, job, json_path, mode_args, timeout=60)
    assert failed["pp_fake"] is failed["pp_fake_reduce"]
    assert "fake self-check failed" in failed["pp_fake"]["error"]
    with open(failed["pp_fake"]["log"]) as f:      # shown relative to the current directory
        assert f.readline().startswith("$ cd %s && " % bench_dir)


def test_schedule_rotates_the_venvs_from_run_to_run_and_round_to_round():
    jobs = parsed("--only", "nbody,pp_deepcopy").jobs
    interp = {"short": "3.10"}
    schedule = run.build_schedule(jobs, [interp], ["stock", "ours", "pyston"], rounds=2)
    order = [(r, c, job.name) for r, _, c, job in schedule]
    assert order == [
        (1, "stock", "bm_nbody"), (1, "ours", "bm_nbody"), (1, "pyston", "bm_nbody"),
        (1, "ours", "pp_deepcopy"), (1, "pyston", "pp_deepcopy"), (1, "stock", "pp_deepcopy"),
        (2, "ours", "bm_nbody"), (2, "pyston", "bm_nbody"), (2, "stock", "bm_nbody"),
        (2, "pyston", "pp_deepcopy"), (2, "stock", "pp_deepcopy"), (2, "ours", "pp_deepcopy"),
    ]


def test_each_suite_has_its_own_table_and_geometric_mean():
    results = {("3.8", "stock", "bm_a"): run.pool_rounds([result([[4.0, 4.0]])]),
               ("3.8", "ours", "bm_a"): run.pool_rounds([result([[2.0, 2.0]])]),
               ("3.8", "stock", "pp_a"): run.pool_rounds([result([[9.0, 9.0]])]),
               ("3.8", "ours", "pp_a"): run.pool_rounds([result([[3.0, 3.0]])])}
    configs = ["stock", "ours"]
    interp = {"short": "3.8", "full": "3.8.18", "path": "python3.8"}
    tables = []
    for title, names in (("our programs", ["bm_a"]), ("pyperformance 1.10.0", ["pp_a"])):
        rows, geo = run.summarize(interp, configs, names, results)
        tables.append((title, rows, geo))
    venvs = {("3.8", c): FakeVenv() for c in configs}
    text = run.render_section(interp, configs, venvs, tables)
    ours, performance = text.split("### pyperformance 1.10.0")
    assert "### our programs" in ours and "| bm_a |" in ours and "pp_a" not in ours
    assert "| **geometric mean** |  | 2.00x |" in ours
    assert "| pp_a |" in performance and "| **geometric mean** |  | 3.00x |" in performance
    assert text.count("## Python 3.8.18") == 1


def test_list_shows_both_suites_with_what_each_row_runs():
    text = run.list_jobs(parsed("--only", "nbody,pp_scimark_sor,pp_deepcopy_memo").jobs)
    lines = text.splitlines()
    assert lines[0] == "our programs (benches/programs/):"
    assert lines[1].split()[0] == "bm_nbody"
    assert "pyperformance 1.10.0:" in lines
    sor = [l for l in lines if l.split()[:1] == ["pp_scimark_sor"]]
    assert len(sor) == 1 and sor[0].endswith("[bm_scimark/run_benchmark.py sor]")
    assert any(l.split()[:1] == ["pp_deepcopy_memo"] for l in lines)


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


# --------------------------------------------------------------------------- chart and progress

sys.path.insert(0, os.path.join(ROOT, "benches"))
import chart  # noqa: E402  (run.py imports it the same way)


def test_pooled_median_is_the_median_of_every_value_of_every_round():
    pooled = run.pool_rounds([result([[1.0, 9.0]]), result([[2.0, 3.0], [4.0, 100.0]])])
    assert pooled["median"] == 3.5
    without_values = dict(result([[1.0, 2.0]]), values=None)
    assert run.pool_rounds([without_values])["median"] is None


class ChartVenv:
    def __init__(self, short, config):
        self.name = "bench-%s-%s" % (short, config)
        self.path = "/venvs/" + self.name
        self.info = {"versions": {"pyperf": "2.7.0"}}

    def describe(self):
        return "pyperf 2.7.0"


def fake_summary(rounds_of, configs=("stock", "ours", "pyston"), only="nbody,closures,pp_chaos",
                 versions=(("3.8", "3.8.18"),), rounds=1):
    """A summary as main() builds it, from results rounds_of(short, config, row) gives: a list
    of per-round per-process value lists, or a failure dict."""
    jobs = parsed("--only", only).jobs
    summary = {"date": "2024-05-01T12:00:00", "mode": "fast", "rounds": rounds,
               "interpreters": []}
    for short, full in versions:
        interp = {"short": short, "full": full, "path": "/usr/bin/python" + short}
        pooled = {}
        for job in jobs:
            for row in job.row_names():
                for config in configs:
                    given = rounds_of(short, config, row)
                    pooled[(short, config, row)] = given if isinstance(given, dict) else \
                        run.pool_rounds([result(r) for r in given])
        venvs = {(short, c): ChartVenv(short, c) for c in configs}
        entry, _ = run.interpreter_summary(interp, list(configs), jobs, venvs, pooled)
        summary["interpreters"].append(entry)
    return json.loads(json.dumps(summary))      # as read back from summary.json


# stock 4 s, ours 2 s, pyston 1 s per value; each with a standard deviation of sqrt(2)
SIMPLE = {"stock": [[[3.0, 5.0]]], "ours": [[[1.0, 3.0]]], "pyston": [[[0.0, 2.0]]]}


def test_chart_json_has_times_ratios_spreads_and_geomeans():
    def rounds_of(short, config, row):
        if row == "pp_chaos" and config == "pyston":
            return {"error": "AssertionError: self-check failed", "log": "x.log"}
        return SIMPLE[config]
    data = chart.chart_data(fake_summary(rounds_of))
    assert data["format"] == chart.FORMAT and data["configs"] == ["stock", "ours", "pyston"]
    assert data["mode"] == "fast" and data["rounds"] == 1
    (version,) = data["versions"]
    assert version["version"] == "3.8.18"
    names = [b["benchmark"] for b in version["benchmarks"]]
    assert names == ["bm_nbody", "bm_closures", "pp_chaos"]
    nbody = version["benchmarks"][0]
    assert nbody["suite"] == "ours"
    assert nbody["times"]["stock"] == {"mean": 4.0, "std": pytest.approx(math.sqrt(2)),
                                       "median": 4.0, "values": 2, "processes": 1, "rss": 1000}
    assert nbody["times"]["ours"]["median"] == 2.0
    ours = nbody["speedups"]["ours"]
    r = math.sqrt((math.sqrt(2) / 4) ** 2 + (math.sqrt(2) / 2) ** 2)
    assert ours["value"] == 2.0 and ours["rounds"] == [2.0]
    assert (ours["low"], ours["high"]) == (pytest.approx(2 * math.exp(-r)),
                                           pytest.approx(2 * math.exp(r)))
    assert nbody["speedups"]["pyston"]["value"] == 4.0
    assert nbody["speedups"]["ours_vs_pyston"]["value"] == 0.5
    assert nbody["failed"] == {}
    chaos = version["benchmarks"][2]
    assert chaos["times"]["pyston"] is None
    assert chaos["failed"] == {"pyston": "AssertionError: self-check failed"}
    assert sorted(chaos["speedups"]) == ["ours"]
    suites = {s["suite"]: s for s in version["suites"]}
    assert suites["ours"]["benchmarks"] == ["bm_nbody", "bm_closures"]
    geo = suites["ours"]["geomean"]["ours"]
    assert geo["value"] == pytest.approx(2.0) and geo["benchmarks"] == 2
    # two benchmarks with the same r: sqrt(2 r^2) / 2
    assert geo["high"] == pytest.approx(2.0 * math.exp(r / math.sqrt(2)))
    assert suites["pyperformance"]["geomean"]["ours"]["benchmarks"] == 1
    assert "pyston" not in suites["pyperformance"]["geomean"]


def test_with_rounds_the_spread_is_the_per_round_range():
    per_round = {"stock": [[[4.0, 4.0]], [[6.0, 6.0]]], "ours": [[[2.0, 2.0]], [[4.0, 4.0]]]}
    data = chart.chart_data(fake_summary(lambda s, c, r: per_round[c], configs=("stock", "ours"),
                                         only="nbody", rounds=2))
    ours = data["versions"][0]["benchmarks"][0]["speedups"]["ours"]
    assert ours["value"] == pytest.approx(10.0 / 6.0)
    assert (ours["low"], ours["high"], ours["rounds"]) == (1.5, 2.0, [2.0, 1.5])
    geo = data["versions"][0]["suites"][0]["geomean"]["ours"]
    assert (geo["low"], geo["high"]) == (1.5, 2.0)


def parse_svg(text):
    import xml.etree.ElementTree as ET
    return ET.fromstring(text.encode("utf-8"))    # raises on XML that is not well-formed


SVG = "{http://www.w3.org/2000/svg}"


def bars(root, cls="bar"):
    return [(panel.get("data-version"), rect.get("data-benchmark"), rect.get("data-config"),
             float(rect.get("data-value")))
            for panel in root.iter(SVG + "g") for rect in panel.iter(SVG + "rect")
            if rect.get("class") == cls]


def test_svg_has_one_bar_per_benchmark_and_configuration_per_version():
    def rounds_of(short, config, row):
        if (short, row, config) == ("3.10", "pp_chaos", "ours"):
            return {"error": "boom", "log": "x.log"}
        return SIMPLE[config]
    data = chart.chart_data(fake_summary(rounds_of, versions=(("3.8", "3.8.18"),
                                                              ("3.10", "3.10.13"))))
    root = parse_svg(chart.render_svg(data))
    assert [g.get("data-version") for g in root.iter(SVG + "g")] == ["3.8.18", "3.10.13"]
    expected = [(v, b, c, {"ours": 2.0, "pyston": 4.0}[c])
                for v in ("3.8.18", "3.10.13")
                for b in ("bm_nbody", "bm_closures", "pp_chaos") for c in ("ours", "pyston")
                if (v, b, c) != ("3.10.13", "pp_chaos", "ours")]
    assert bars(root) == expected
    # a geometric mean per suite, version and configuration, but none of no benchmark
    geomeans = bars(root, "geomean")
    assert len(geomeans) == 2 * 2 * 2 - 1
    assert ("3.10.13", "geometric mean", "ours", 2.0) in geomeans
    text = "".join(root.itertext())
    assert "FAILED" in text and "Python 3.10.13" in text and "geometric mean" in text
    # an error bar for every bar; the line at 1.0x in each panel
    spreads = [p for p in root.iter(SVG + "path") if p.get("class") == "spread"]
    assert len(spreads) == len(expected) + len(geomeans)
    assert len([l for l in root.iter(SVG + "line") if l.get("class") == "baseline"]) == 2


def test_svg_escapes_names_and_draws_only_the_configurations_run():
    data = chart.chart_data(fake_summary(lambda s, c, r: SIMPLE[c], configs=("stock", "pyston"),
                                         only="nbody"))
    data["versions"][0]["benchmarks"][0]["benchmark"] = "a<b&c"
    data["versions"][0]["suites"][0]["benchmarks"] = ["a<b&c"]
    root = parse_svg(chart.render_svg(data))
    assert [(b, c) for _, b, c, _ in bars(root)] == [("a<b&c", "pyston")]
    assert "Pyston-lite 2.3.5" in "".join(root.itertext())
    nothing = chart.chart_data(fake_summary(lambda s, c, r: SIMPLE[c], configs=("stock",),
                                            only="nbody"))
    with pytest.raises(chart.ChartError, match="neither ours nor pyston"):
        chart.render_svg(nothing)


def run_chart_cli(*argv):
    import subprocess
    return subprocess.run([sys.executable, os.path.join(ROOT, "benches", "chart.py")]
                          + list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def test_chart_cli_redraws_from_chart_json_or_summary_json(tmp_path):
    summary = fake_summary(lambda s, c, r: SIMPLE[c])
    json_path, svg_path, problem = chart.write_chart(summary, str(tmp_path))
    assert problem is None
    with open(svg_path) as f:
        written = f.read()
    out = tmp_path / "again.svg"
    proc = run_chart_cli(json_path, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    assert out.read_text() == written
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    proc = run_chart_cli(str(tmp_path / "summary.json"), "-o", str(tmp_path / "from_summary.svg"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "from_summary.svg").read_text() == written


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("{not json", "is not JSON"),
    ('{"benchmarks": []}', "neither chart data nor a runner summary"),
    ('{"format": "pyston-lite-bench-chart", "format_version": 99}', "format version 99"),
    ('{"interpreters": [{"venvs": {"stock": {}, "ours": {}}, "benchmarks": [], "suites": {}}]}',
     "no benchmark in the results"),
])
def test_chart_cli_reports_bad_input_in_one_line(tmp_path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    proc = run_chart_cli(str(path), "-o", str(tmp_path / "x.svg"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.svg").exists()


def test_progress_status_counts_the_runs_left_and_estimates_their_time():
    assert run.progress_status(7, 120, 22.94, 151.0) == \
        "(22.9 s; 2 min 31 s elapsed, 113 of 120 runs left, about 40 min 38 s more)"
    assert run.progress_status(1, 3, 5.0, 3700.0) == \
        "(5.0 s; 1 h 01 min elapsed, 2 of 3 runs left, about 2 h 03 min more)"
    assert run.progress_status(120, 120, 1.0, 42.0) == "(1.0 s; 42 s elapsed, all 120 runs done)"


def test_run_outcome_shows_each_row_or_the_failure():
    nbody, deepcopy = parsed("--only", "nbody,pp_deepcopy").jobs
    assert run.run_outcome(nbody, {"bm_nbody": result([[0.02, 0.03]])}) == "25.0 ms ± 7.1 ms"
    rows = {row: result([[1e-6, 1e-6]]) for row in deepcopy.row_names()}
    assert run.run_outcome(deepcopy, rows) == \
        "pp_deepcopy 1.00 us ± 0.00 us, pp_deepcopy_reduce 1.00 us ± 0.00 us, " \
        "pp_deepcopy_memo 1.00 us ± 0.00 us"
    failed = {"error": "AssertionError", "log": "x.log"}
    assert run.run_outcome(deepcopy, {row: failed for row in rows}) == "FAILED: AssertionError"


def test_main_prints_a_progress_line_per_run_and_writes_the_chart(tmp_path, monkeypatch, capsys):
    """The whole of main() with the interpreter probe, the venvs and the runs replaced."""
    monkeypatch.setattr(run, "probe_python", lambda path: (path, "3.10", "3.10.13"))
    monkeypatch.setattr(run, "wheel_files", lambda directory, short: [])

    def ensure(self, base_python, full_version, wheels):
        self.info = {"versions": {"pyperf": "2.7.0"}}
    monkeypatch.setattr(run.Venv, "ensure", ensure)
    times = {"stock": 4.0, "ours": 2.0, "pyston": 1.0}

    def run_one(venv, job, json_path, mode_args, timeout):
        if (venv.config, job.name) == ("pyston", "bm_closures"):
            return {row: {"error": "boom", "log": "x.log"} for row in job.row_names()}
        value = times[venv.config]
        return {row: result([[value, value]]) for row in job.row_names()}
    monkeypatch.setattr(run, "run_one", run_one)
    out = tmp_path / "results"
    status = run.main(["--python", "python3.10", "--wheels", str(tmp_path), "--fast",
                       "--only", "nbody,closures", "-o", str(out),
                       "--venv-root", str(tmp_path / "venvs")])
    assert status == 1                  # one run failed
    captured = capsys.readouterr()
    lines = [l for l in captured.err.splitlines() if l.startswith("[")]
    assert len(lines) == 6
    for number, line in enumerate(lines, 1):
        assert line.startswith("[%d/6] 3.10 " % number)
        left = 6 - number
        assert line.endswith("all 6 runs done)" if left == 0 else "more)")
        if left:
            assert " elapsed, %d of 6 runs left, about " % left in line
    assert sum("FAILED: boom" in l for l in lines) == 1
    assert "| bm_nbody |" in captured.out          # the tables are still printed
    assert "chart: %s, drawn from %s" % (out / "chart.svg", out / "chart.json") in captured.err
    data = json.loads((out / "chart.json").read_text())
    nbody = data["versions"][0]["benchmarks"][0]
    assert nbody["speedups"]["ours"]["value"] == 2.0 and nbody["speedups"]["pyston"]["value"] == 4.0
    assert data["versions"][0]["benchmarks"][1]["failed"] == {"pyston": "boom"}
    assert len(bars(parse_svg((out / "chart.svg").read_text()))) == 3
