"""The Python API: enable / disable / is_enabled / stats / info / deny, options and their
errors. Each test runs in a fresh interpreter, since the hook is process-wide state."""

import re
import sys

import pytest

from conftest import ROOT, check_python, clean_env, run_python


def test_autoload_enables_with_default_options():
    out = check_python("import sys; print(sys.modules['pyston_lite'].is_enabled())")
    assert out.strip() == "True"


def test_enable_disable_are_idempotent(stock_env):
    out = check_python(
        """
        import warnings, pyston_lite as p
        warnings.simplefilter("error")
        states = [p.is_enabled()]
        p.enable(); p.enable(); states.append(p.is_enabled())
        p.disable(); states.append(p.is_enabled())
        p.disable(); states.append(p.is_enabled())
        p.enable(); states.append(p.is_enabled())
        print(states)
        """,
        env=stock_env,
    )
    assert out.strip() == "[False, True, False, False, True]"


def test_stats_counts_frames_entered_through_the_hook(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        before = p.stats()
        p.enable(threshold=1000)
        def f(): pass
        start = p.stats()
        for _ in range(25): f()
        end = p.stats()
        p.disable()
        for _ in range(25): f()
        after = p.stats()
        print(before["entries"], end["entries"] - start["entries"], after["entries"] - end["entries"])
        print(sorted(end), end["code_objects"] > start["code_objects"])
        """,
        env=stock_env,
    )
    first, second = out.splitlines()
    before, during, after_disable = map(int, first.split())
    assert before == 0  # nothing counted before enable()
    assert during == 25  # exactly the 25 calls of f (no other frame ran in between)
    assert after_disable == 0
    keys = ("['code_bytes', 'code_bytes_emitted', 'code_bytes_per_compiled', 'code_objects', 'compile_ns', "
            "'compile_ns_per_instruction', 'compiled', 'compiled_instructions', 'denied', 'deopts', 'dict_layout_verified', 'direct_entries', "
            "'entries', 'failed', 'inline_cache_hit_rates', 'interpreted', 'live_code_states', 'most_entered']")
    assert second == keys + " True"


def test_calls_between_compiled_functions_are_counted(stock_env):
    # A compiled caller starts a compiled callee's frames in machine code without the
    # evaluator hook (interp/src/direct.rs); they count as entries all the same, and a
    # callee denied after it was compiled goes back to being entered through the hook.
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0)
        def callee(x): return x
        def caller(n):
            for i in range(n): callee(i)
        caller(1)
        start = p.stats()["entries"]
        caller(1000)
        middle = p.stats()["entries"]
        p.deny(callee)
        caller(10)
        end = p.stats()["entries"]
        print(p.info(callee)["entries"], middle - start, end - middle, p.info(callee)["state"])
        """,
        env=stock_env,
    )
    assert out.split() == ["1011", "1001", "11", "denied"]


def test_dict_keys_layout_is_verified_before_the_first_compile(stock_env):
    # The attribute caches' inline instance-dict reads depend on this check passing
    # against the running interpreter (3.7-3.10 all declare the same keys layout). It runs
    # at the first compile, not in enable(), which start-up pays for.
    out = check_python(
        """
        import pyston_lite as p
        print(p.stats()["dict_layout_verified"])
        p.enable(threshold=1)
        print(p.stats()["dict_layout_verified"])
        def f(): pass
        f(); f()
        print(p.info(f)["state"], p.stats()["dict_layout_verified"])
        """,
        env=stock_env,
    )
    assert out.split() == ["False", "False", "compiled", "True"]


def test_info_of_a_cold_function(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=10)
        def f(): pass
        print(p.info(f))
        for _ in range(10): f()
        print(p.info(f))
        """,
        env=stock_env,
    )
    never, ten = out.splitlines()
    assert never == "{'state': 'cold', 'reason': None, 'denied_by': None, 'entries': 0, 'code_bytes': 0, 'compile_ns': 0}"
    assert ten == "{'state': 'cold', 'reason': None, 'denied_by': None, 'entries': 10, 'code_bytes': 0, 'compile_ns': 0}"


def test_looping_functions_are_compiled_at_first_entry(stock_env):
    # A function entered once whose loop runs long must run compiled: code that loops is
    # compiled at its first entry (loop_threshold, default 0); straight-line code waits for
    # the threshold; a class body or an imported module's body waits too, however it loops.
    out = check_python(
        """
        import sys, types, pyston_lite as p
        p.enable(threshold=100)
        def loops(n):
            for _ in range(n):
                pass
        def straight():
            pass
        loops(1)
        straight()
        print(p.info(loops)["state"], p.info(straight)["state"])
        print(p.info(loops)["compile_ns"] > 0, p.stats()["compile_ns"] >= p.info(loops)["compile_ns"])
        class C:
            for i in range(3):
                pass
            body = sys._getframe().f_code
        print(p.info(C.body)["state"])
        module = types.ModuleType("imported")
        exec("import sys\\nfor i in range(3): pass\\nbody = sys._getframe().f_code", module.__dict__)
        print(p.info(module.body)["state"])
        main = {"__name__": "__main__"}
        exec("import sys\\nfor i in range(3): pass\\nbody = sys._getframe().f_code", main)
        print(p.info(main["body"])["state"])
        p.enable(threshold=100, loop_threshold=3)
        def later(n):
            for _ in range(n):
                pass
        states = []
        for _ in range(4):
            later(1)
            states.append(p.info(later)["state"])
        print(states)
        """,
        env=stock_env,
    )
    assert out.splitlines() == [
        "compiled cold", "True True", "cold", "cold", "compiled",
        "['cold', 'cold', 'cold', 'compiled']",
    ]


@pytest.mark.parametrize("threshold", [0, 1, 7])
def test_compile_is_attempted_once_past_the_threshold(stock_env, threshold):
    out = check_python(
        """
        import sys, pyston_lite as p
        threshold = int(sys.argv[1])
        p.enable(threshold=threshold)
        def f(): pass
        for _ in range(threshold): f()
        print(p.info(f)["state"])
        f()
        info = p.info(f)
        print(info["state"], info["entries"])
        print(info["reason"] or "")
        print(p.stats())
        """,
        env=stock_env,
        args=[str(threshold)],
    )
    lines = out.splitlines()
    assert lines[0] == "cold"
    state, entries = lines[1].split()
    assert int(entries) == threshold + 1
    stats = eval(lines[3])
    if state == "failed":
        name = lines[2].split(":")[0]
        assert re.match(r"^[a-z_]+: .+", lines[2]), lines[2]
        assert stats["failed"].get(name, 0) >= 1
    else:
        assert state == "compiled", state
        assert stats["compiled"] >= 1 and stats["code_bytes"] > 0


def test_failed_compile_is_not_retried(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0, max_code_mb=0)
        def f(): pass
        for _ in range(50): f()
        print(p.info(f)["state"], p.info(f)["reason"].split(":")[0])
        print(p.stats()["failed"]["code_memory_full"])
        """,
        env=stock_env,
    )
    state_line, count = out.splitlines()
    assert state_line == "failed code_memory_full"
    # one failure per code object that reached the threshold, not one per entry
    assert int(count) < 50


def test_deny_keeps_a_function_out_of_the_compiler(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0)
        def f(): pass
        p.deny(f)
        for _ in range(5): f()
        print(p.info(f))
        """,
        env=stock_env,
    )
    assert out.strip() == "{'state': 'denied', 'reason': None, 'denied_by': None, 'entries': 5, 'code_bytes': 0, 'compile_ns': 0}"


def test_deny_works_as_a_decorator(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0)
        @p.deny
        def f(x):
            return x * 2
        class C:
            @p.deny
            def m(self):
                return "m"
        print(f(21), C().m(), p.deny(f) is f, p.deny(f.__code__) is f.__code__)
        print(p.info(f)["state"], p.info(C.m)["state"])
        """,
        env=stock_env,
    )
    assert out.splitlines() == ["42 m True True", "denied denied"]


def test_info_accepts_functions_methods_lambdas_and_code(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        class C:
            def m(self): pass
        g = lambda: 0
        for obj in (C.m, C().m, g, g.__code__):
            print(p.info(obj)["state"])
        for bad in (1, "f", len):
            try:
                p.info(bad)
            except TypeError as e:
                print("TypeError:", e)
        """,
        env=stock_env,
    )
    lines = out.splitlines()
    assert lines[:4] == ["cold"] * 4
    assert lines[4:] == [
        "TypeError: expected a function, method or code object, got int",
        "TypeError: expected a function, method or code object, got str",
        "TypeError: expected a function, method or code object, got builtin_function_or_method",
    ]


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ("threshold=-1", "ValueError: pyston_lite: invalid value \"-1\" for threshold: expected a non-negative integer"),
        ("threshold='5'", "ValueError: pyston_lite: invalid value \"'5'\" for threshold: expected a non-negative integer"),
        ("threshold=1.5", "ValueError: pyston_lite: invalid value \"1.5\" for threshold: expected a non-negative integer"),
        ("threshold=10**40", "ValueError: pyston_lite: invalid value \"10000000000000000000000000000000000000000\" for threshold: expected a non-negative integer"),
        ("max_code_mb=-2", "ValueError: pyston_lite: invalid value \"-2\" for max_code_mb: expected a number of megabytes from 0 to 65536"),
        ("max_code_mb=float('nan')", "ValueError: pyston_lite: invalid value \"NaN\" for max_code_mb: expected a number of megabytes from 0 to 65536"),
        ("stats=1", "ValueError: pyston_lite: invalid value \"1\" for stats: expected True or False"),
        ("treshold=5", "TypeError: enable() got an unexpected keyword argument 'treshold' (options: threshold, loop_threshold, max_code_mb, stats, perf_map, deny, deny_file)"),
    ],
)
def test_bad_keyword_values_raise_clear_errors(stock_env, kwargs, error):
    out = check_python(
        """
        import sys, pyston_lite as p
        try:
            eval("p.enable(%s)" % sys.argv[1])
        except (ValueError, TypeError) as e:
            print("%s: %s" % (type(e).__name__, e))
        print(p.is_enabled())
        """,
        env=stock_env,
        args=[kwargs],
    )
    assert out.splitlines() == [error, "False"]


@pytest.mark.parametrize(
    "variable, value",
    [
        ("PYSTON_LITE_THRESHOLD", "abc"),
        ("PYSTON_LITE_THRESHOLD", "-3"),
        ("JIT_MIN_RUNS", "1e3"),
        ("PYSTON_LITE_MAX_CODE_MB", "lots"),
        ("JIT_MAX_MEM", "-1"),
        ("PYSTON_LITE_STATS", "maybe"),
    ],
)
def test_bad_environment_values_raise_from_enable(variable, value):
    out = check_python(
        """
        import pyston_lite as p
        try:
            p.enable()
        except ValueError as e:
            print(e)
        print(p.is_enabled())
        """,
        env=clean_env(DISABLE_PYSTON="1", **{variable: value}),
    )
    message, enabled = out.splitlines()
    assert message.startswith('pyston_lite: invalid value "%s" for %s: expected ' % (value, variable))
    assert enabled == "False"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"PYSTON_LITE_THRESHOLD": "3"}, "cold cold cold failed"),
        ({"JIT_MIN_RUNS": "2"}, "cold cold failed failed"),
        ({"JIT_MIN_RUNS": "2", "PYSTON_LITE_THRESHOLD": "3"}, "cold cold cold failed"),
    ],
)
def test_threshold_from_environment_and_alias(env, expected):
    out = check_python(
        """
        import pyston_lite as p
        def f(): pass
        states = []
        for _ in range(4):
            f(); states.append(p.info(f)["state"])
        print(" ".join(states))
        """,
        env=clean_env(**env),
    )
    # "failed" stands for "left the cold state"; the compiler's verdict is checked elsewhere.
    assert out.strip().replace("compiled", "failed") == expected


def test_keywords_override_environment():
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0)
        def f(): pass
        f()
        print(p.info(f)["state"] != "cold")
        """,
        env=clean_env(DISABLE_PYSTON="1", PYSTON_LITE_THRESHOLD="1000"),
    )
    assert out.strip() == "True"


def test_max_code_alias_is_in_bytes():
    out = check_python(
        """
        import pyston_lite as p
        def f(): pass
        f()
        print(p.info(f)["reason"].split(":")[0])
        """,
        env=clean_env(PYSTON_LITE_THRESHOLD="0", JIT_MAX_MEM="0"),
    )
    assert out.strip() == "code_memory_full"


@pytest.mark.parametrize(
    "env, code",
    [
        ({"PYSTON_LITE_STATS": "1"}, "pass"),
        ({"JIT_SHOW_STATS": "1"}, "pass"),
        ({"DISABLE_PYSTON": "1"}, "import pyston_lite; pyston_lite.enable(stats=True)"),
    ],
)
def test_stats_printed_at_exit(env, code):
    result = run_python(code, env=clean_env(**env))
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^pyston_lite stats: entries=\d+ code_objects=\d+ compiled=\d+ code_bytes=\d+ compile_ms=[0-9.]+ failed=\{.*\} denied=\d+$",
        result.stderr,
        re.M,
    ), result.stderr
    assert result.stderr.count("pyston_lite stats:") == 1


def test_no_stats_at_exit_by_default():
    result = run_python("pass")
    assert result.returncode == 0 and result.stderr == ""


def test_version_matches_the_crate():
    import pyston_lite

    with open(ROOT + "/Cargo.toml") as f:
        cargo_version = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)
    assert pyston_lite.__version__ == cargo_version
    assert pyston_lite._native.BUILD_PYTHON_VERSION == tuple(sys.version_info[:2])


def test_code_state_is_freed_with_its_code_object(stock_env):
    out = check_python(
        """
        import gc, pyston_lite as p
        p.enable(threshold=0)
        gc.collect()
        base = p.stats()
        for i in range(10000):
            namespace = {}
            exec("def f%d(x):\\n    return x + %d" % (i, i), namespace)
            namespace["f%d" % i](i)
        del namespace
        gc.collect()
        end = p.stats()
        print(end["code_objects"] - base["code_objects"] >= 10000)
        print(end["live_code_states"] - base["live_code_states"] < 100)
        print(end["code_bytes"] == base["code_bytes"])
        """,
        env=stock_env,
    )
    assert out.split() == ["True", "True", "True"]


def test_stats_file_collects_one_report_per_process(tmp_path):
    path = tmp_path / "stats.txt"
    env = clean_env(PYSTON_LITE_STATS_FILE=str(path), PYSTON_LITE_THRESHOLD="0")
    for _ in range(2):
        result = run_python("print(sum(i for i in range(10)))", env=env)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    # One report per process: its summary line first, then the table's indented rows.
    lines = path.read_text().splitlines()
    summaries = [i for i, line in enumerate(lines) if line.startswith("pyston_lite stats: entries=")]
    assert len(summaries) == 2 and summaries[0] == 0, lines
    assert all(line.startswith("  ") for i, line in enumerate(lines) if i not in summaries), lines
    assert lines[summaries[1] - 1].startswith("  ") and lines[1].startswith("  code objects ")


def test_code_budget_out_of_range_is_the_same_error_from_keyword_and_environment():
    # 2**44 MB is 2**64 bytes, which once wrapped to a zero budget through the keyword.
    code = """
        import pyston_lite as p
        try:
            p.enable(%s)
        except ValueError as e:
            print(str(e).split(": expected ")[1])
        print(p.is_enabled())
        """
    from_keyword = check_python(code % "max_code_mb=2**44", env=clean_env(DISABLE_PYSTON="1"))
    from_env = check_python(code % "", env=clean_env(DISABLE_PYSTON="1", PYSTON_LITE_MAX_CODE_MB=str(2**44)))
    assert from_keyword == from_env == "a number of megabytes from 0 to 65536\nFalse\n"
    largest = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0, max_code_mb=65536)
        def f(): pass
        f()
        print(p.info(f)["state"], p.stats()["failed"])
        """,
        env=clean_env(DISABLE_PYSTON="1"),
    )
    assert largest.split() == ["compiled", "{}"]


def test_compiled_counts_only_code_objects_with_machine_code(stock_env):
    # A budget that runs out part way: each code object is either compiled (with machine
    # code) or failed with code_memory_full, and stats() agrees with info() of each.
    out = check_python(
        """
        import pyston_lite as p
        fs = []
        for k in range(300):
            ns = {}
            exec("def f(x):\\n    return x + %d" % k, ns)
            fs.append(ns["f"])
        p.enable(threshold=0, max_code_mb=0.05)
        before = p.stats()
        for f in fs:
            f(1)
        after = p.stats()
        infos = [p.info(f) for f in fs]
        compiled = [i for i in infos if i["state"] == "compiled"]
        failed = [i for i in infos if i["state"] == "failed"]
        print(after["compiled"] - before["compiled"] == len(compiled) > 0)
        full = after["failed"].get("code_memory_full", 0) - before["failed"].get("code_memory_full", 0)
        print(full == len(failed) > 0, len(compiled) + len(failed) == 300)
        print(all(i["code_bytes"] > 0 for i in compiled), all(i["code_bytes"] == 0 for i in failed))
        print(after["code_bytes"] - before["code_bytes"] == sum(i["code_bytes"] for i in compiled))
        """,
        env=stock_env,
    )
    assert out.split() == ["True"] * 6


SUBINTERPRETER = """
import pyston_lite as p, warnings
warnings.simplefilter("error")
print("sub", p.is_enabled())
p.disable()
try:
    p.enable()
except RuntimeError as e:
    print("sub RuntimeError", "main interpreter only" in str(e))
try:
    p.deny(lambda: 0)
except RuntimeError as e:
    print("sub RuntimeError", "main interpreter only" in str(e))
print("sub", p.is_enabled())
"""


def test_sub_interpreters_leave_the_main_interpreters_jit_alone(stock_env):
    out = check_python(
        """
        import sys, warnings, pyston_lite as p
        from test.support import run_in_subinterp
        warnings.simplefilter("error")
        p.enable(threshold=0)
        sys.stdout.flush()
        print("rc", run_in_subinterp(CODE))
        print("main", p.is_enabled())
        def g(): pass
        g()
        print("main", p.info(g)["state"])
        p.disable()
        print("main", p.is_enabled())
        """.replace("CODE", repr(SUBINTERPRETER)),
        env=stock_env,
    )
    assert out.splitlines() == [
        "sub False", "sub RuntimeError True", "sub RuntimeError True", "sub False",
        "rc 0", "main True", "main compiled", "main False",
    ]


def test_autoload_does_nothing_in_a_sub_interpreter():
    # A sub-interpreter's site processes the autoload's .pth file again: it must neither
    # enable there nor print a warning, and the main interpreter stays enabled.
    result = run_python(
        """
        import sys, pyston_lite as p
        from test.support import run_in_subinterp
        sys.stdout.flush()
        print(run_in_subinterp("import pyston_lite as p; print('sub', p.is_enabled())"))
        print("main", p.is_enabled())
        """
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "sub False\n0\nmain True\n", "")
