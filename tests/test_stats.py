"""`stats()` as data and the exit report (`PYSTON_LITE_STATS=1`) as a table: code objects
by outcome, machine-code size, compile time per instruction, entries of compiled code that
ran in the interpreter by cause, and the most entered code objects (live and freed)."""

import json
import re

import pytest

from conftest import COMPILES, check_python, clean_env, run_python

pytestmark = pytest.mark.skipif(not COMPILES, reason="no code generator for this version: nothing compiles")


def test_counts_by_outcome_size_and_compile_time(stock_env):
    out = check_python(
        """
        import json, pyston_lite as p
        p.enable(threshold=0, deny=["__main__:kept_out"])
        def f(x):
            return x + 1
        def kept_out():
            return 0
        @p.deny
        def also_kept_out():
            return 0
        for i in range(10):
            f(i); kept_out(); also_kept_out()
        s = p.stats()
        s["f_bytes"] = p.info(f)["code_bytes"]
        print(json.dumps(s))
        """,
        env=stock_env,
    )
    s = json.loads(out)
    assert s["denied"] == 2
    assert s["compiled"] >= 1 and s["failed"] == {}
    assert s["code_bytes_emitted"] >= s["code_bytes"] >= s["f_bytes"] > 0
    assert s["code_bytes_per_compiled"] == pytest.approx(s["code_bytes_emitted"] / s["compiled"])
    assert s["compiled_instructions"] >= 4  # f alone has four: LOAD_FAST, LOAD_CONST, BINARY_ADD, RETURN_VALUE
    assert s["compile_ns_per_instruction"] == pytest.approx(s["compile_ns"] / s["compiled_instructions"])
    assert s["inline_cache_hit_rates"] is None
    assert set(s["interpreted"]) == {"tracing", "throw", "globals_not_dict", "recursion_limit", "not_at_resume_point"}


def test_entries_that_ran_in_the_interpreter_although_compiled_by_cause(stock_env):
    out = check_python(
        """
        import json, sys, pyston_lite as p
        p.enable(threshold=0)
        def counts():
            return dict(p.stats()["interpreted"])
        def gen():
            yield 1
            yield 2
        def f():
            return 1
        def deep(n):
            return deep(n + 1)
        before = counts()
        g = gen(); next(g)                      # compiled at its first entry
        try:
            g.throw(KeyError)                   # the resumption goes to the evaluator
        except KeyError:
            pass
        f()
        sys.settrace(lambda *a: None); f(); sys.settrace(None)
        namespace = type("Globals", (dict,), {})()
        exec("def h():\\n    return 2", namespace)
        namespace["h"](); namespace["h"]()
        sys.setrecursionlimit(200)
        try:
            deep(0)
        except RecursionError:
            pass
        after = counts()
        print(json.dumps({k: after[k] - before[k] for k in after}))
        """,
        env=stock_env,
    )
    delta = json.loads(out)
    assert delta["throw"] == 1
    assert delta["tracing"] >= 1
    assert delta["globals_not_dict"] >= 1
    assert delta["recursion_limit"] >= 1
    assert delta["not_at_resume_point"] == 0


def test_most_entered_lists_live_and_freed_code_objects(stock_env):
    out = check_python(
        """
        import gc, json, pyston_lite as p
        p.enable(threshold=0)
        def hot():
            return 1
        for _ in range(5000):
            hot()
        namespace = {}
        exec("def short_lived():\\n    return 2", namespace, namespace)
        for _ in range(3000):
            namespace["short_lived"]()
        del namespace
        gc.collect()
        print(json.dumps(p.stats()["most_entered"]))
        """,
        env=stock_env,
    )
    top = json.loads(out)
    assert 1 <= len(top) <= 10
    assert [e["entries"] for e in top] == sorted((e["entries"] for e in top), reverse=True)
    by_name = {e["name"]: e for e in top}
    assert by_name["hot"] == {"name": "hot", "file": "<string>", "line": 4, "entries": 5000, "state": "compiled",
                              "alive": True}
    assert by_name["short_lived"] == {"name": "short_lived", "file": "<string>", "line": 1, "entries": 3000,
                                      "state": "compiled", "alive": False}
    assert top[0]["name"] == "hot"


def test_exit_report_is_a_table(tmp_path):
    (tmp_path / "prog.py").write_text(
        "import pyston_lite\n"
        "def fib(n):\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "@pyston_lite.deny\n"
        "def slow():\n"
        "    return 1\n"
        "fib(15); slow()\n"
    )
    result = run_python(
        "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')",
        args=[str(tmp_path / "prog.py")],
        env=clean_env(PYSTON_LITE_STATS="1", PYSTON_LITE_THRESHOLD="0"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.match(r"pyston_lite stats: entries=\d+ code_objects=\d+ compiled=\d+ .* failed=\{\} denied=1$", lines[0])
    labels = [line[2:21].strip() for line in lines[1:]]
    assert [label for label in labels if label][:9] == ["code objects", "failed by reason", "machine code", "compile time",
                                                        "frame entries", "interpreted", "left machine code",
                                                        "inline caches", "most entered"]
    rows = dict(zip(labels, (line[21:] for line in lines[1:])))
    assert re.match(r"[\d,]+ seen \([\d,]+ alive\): [\d,]+ compiled, 0 failed, 1 denied$", rows["code objects"])
    assert rows["failed by reason"] == "none"
    assert re.match(r"[\d,]+ bytes alive; [\d,]+ bytes compiled, [\d,]+ per compiled code object$", rows["machine code"])
    assert re.match(r"[\d.]+ ms for [\d,]+ compiles: [\d.]+ us each, [\d.]+ us per bytecode instruction \([\d,]+\)$",
                    rows["compile time"])
    assert re.match(r"although compiled: tracing 0, throw \d+, globals not dicts 0, recursion limit 0, no resume point 0$",
                    rows["interpreted"]), rows["interpreted"]
    assert rows["left machine code"] == "tracing started 0"
    # Counting is on with the report (numbers checked in test_inline_cache_hit_rates).
    cache_rows = lines[labels.index("inline caches") + 1:labels.index("inline caches") + 5]
    assert [row[21:].split()[0] for row in cache_rows] == ["LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR"]
    rate, executions, misses = re.match(r"LOAD_GLOBAL +([\d.]+)% hits of ([\d,]+) \(([\d,]+) misses\)$", cache_rows[0][21:]).groups()
    assert int(executions.replace(",", "")) >= 2 * 986 > int(misses.replace(",", "")) and 0 < float(rate) <= 100
    assert rows["most entered"].split() == ["entries", "state", "code"]
    # fib(15) enters fib 1973 times: the most entered code object, listed first.
    first = lines[labels.index("most entered") + 2]
    assert first.split() == ["1,973", "compiled", "fib", "(%s:2)" % (tmp_path / "prog.py")]


def test_a_file_name_that_is_not_utf8_shows_as_a_question_mark(stock_env):
    # A surrogate-escaped file name (bytes that were not UTF-8) cannot be encoded: the
    # ranking shows "?" instead, for live and freed code, and leaves no exception behind.
    out = check_python(
        """
        import gc, json, pyston_lite as p
        p.enable(threshold=0)
        namespace = {}
        exec(compile("def odd():\\n    return 3", "odd\\udcff.py", "exec"), namespace)
        for _ in range(4000):
            namespace["odd"]()
        live = [e for e in p.stats()["most_entered"] if e["name"] == "odd"]
        del namespace
        gc.collect()
        freed = [e for e in p.stats()["most_entered"] if e["name"] == "odd"]
        print(json.dumps([live, freed]))
        """,
        env=stock_env,
    )
    live, freed = json.loads(out)
    assert [(e["file"], e["entries"], e["alive"]) for e in live] == [("?", 4000, True)]
    assert [(e["file"], e["entries"], e["alive"]) for e in freed] == [("?", 4000, False)]


def test_inline_cache_hit_rates(stock_env):
    # Counting is on while the exit report is: every cached instruction compiled meanwhile
    # counts its executions, and the generic lookups it falls back to count as misses.
    out = check_python(
        """
        import json, pyston_lite as p
        p.enable(threshold=0, stats=True)
        class Box:
            def __init__(self, v):
                self.v = v
            def get(self):
                return self.v
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        def use(n):
            b = Box(n)
            for _ in range(n):
                b.v = b.get() + b.v
            return b
        fib(2); use(1)
        before = p.stats()["inline_cache_hit_rates"]
        fib(15); use(100)
        after = p.stats()["inline_cache_hit_rates"]
        print(json.dumps({k: [after[k][m] - before[k][m] for m in ("executions", "misses")] + [after[k]["hit_rate"]]
                          for k in after}))
        """,
        env=stock_env,
    )
    counts = json.loads(out.splitlines()[0])
    # fib(15): 986 calls that look fib up twice; use(100): Box and range once, then per
    # iteration b.get (method), b.v (load), b.v = (store), and self.v in get. Storing
    # `before` changed the module's dict, so each of the four LOAD_GLOBAL sites misses once.
    assert counts["LOAD_GLOBAL"][:2] == [2 * 986 + 2, 4]
    assert counts["LOAD_METHOD"][:2] == [100, 0]
    assert counts["LOAD_ATTR"][:2] == [200, 0]
    assert counts["STORE_ATTR"][:2] == [101, 0]
    assert all(0 < rate <= 1 for _, _, rate in counts.values())
