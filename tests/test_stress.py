"""Stress: deep recursion, abandoned generators, threads sharing compiled code, and
compiled code objects created and dropped by the thousand (fork: test_fork.py). Each runs at threshold 0 in a fresh interpreter, so (where this version
has a code generator) everything below runs in machine code."""

import sys

import pytest

from conftest import COMPILES, check_python, clean_env


def jit_env(**extra):
    return clean_env(PYSTON_LITE_THRESHOLD="0", **extra)


def test_deep_recursion_as_deep_as_stock():
    # Stock 3.7-3.10 survive 10 000 nested Python calls with the default 8 MiB stack; the
    # JIT's frames must not use more native stack than that allows.
    code = """
        import sys
        sys.setrecursionlimit(10100)
        def down(n):
            if n == 0:
                return 0
            return down(n - 1) + 1
        print(down(10000))
        def forever(n):
            return forever(n + 1)
        sys.setrecursionlimit(1000)
        try:
            forever(0)
        except RecursionError as e:
            print(type(e).__name__, e)
        print(down(900))
    """
    stock = check_python(code, env=clean_env(DISABLE_PYSTON="1"))
    assert check_python(code, env=jit_env()) == stock
    assert stock.split()[0] == "10000"


def test_abandoned_generators_run_their_cleanup():
    out = check_python(
        """
        import gc
        cleaned = []

        class Resource:
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                cleaned.append("with")

        def gen(i):
            with Resource():
                try:
                    while True:
                        yield i
                finally:
                    cleaned.append("finally")

        async def coro():
            try:
                await Awaitable()
            finally:
                cleaned.append("coro")

        class Awaitable:
            def __await__(self):
                yield "suspended"

        for i in range(10000):
            g = gen(i)
            next(g)
            if i % 2:
                next(g)
            del g                   # closed by its finalizer, suspended in compiled code
            c = coro()
            c.send(None)
            c.close()
        gc.collect()
        print(len(cleaned), cleaned.count("with"), cleaned.count("finally"), cleaned.count("coro"))
        """,
        env=jit_env(),
    )
    assert out.split() == ["30000", "10000", "10000", "10000"]


def test_threads_share_compiled_code():
    out = check_python(
        """
        import sys, threading
        sys.setswitchinterval(1e-5)

        def work(seed):
            total = 0
            for i in range(20000):
                total = (total * 31 + i + seed) % 1000003
            return total

        expected = [work(s) for s in range(8)]
        results = [None] * 8

        def run(s):
            results[s] = work(s)

        threads = [threading.Thread(target=run, args=(s,)) for s in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(results == expected)
        """,
        env=jit_env(),
    )
    assert out.split() == ["True"]


@pytest.mark.skipif(not COMPILES, reason="no code generator for this version yet (issue 4)")
def test_dropped_code_returns_its_code_memory():
    out = check_python(
        """
        import gc, pyston_lite as p
        gc.collect()
        base = p.stats()
        peak = 0
        for i in range(10000):
            ns = {}
            exec("def f(x):\\n    return x * %d + 1" % i, ns)
            assert ns["f"](2) == 2 * i + 1
            peak = max(peak, p.stats()["code_bytes"])
            del ns
        gc.collect()
        end = p.stats()
        print(end["compiled"] - base["compiled"] >= 10000)
        print(peak > base["code_bytes"])
        print(end["code_bytes"] == base["code_bytes"])
        """,
        env=jit_env(),
    )
    assert out.split() == ["True", "True", "True"]


def test_no_file_descriptor_is_left_open():
    # Programs (and CPython's test_subprocess) list their open descriptors; code memory
    # must not add one.
    code = """
        import os
        def work(n):
            return sum(i * i for i in range(n))
        work(100)
        print(sorted(os.listdir("/proc/self/fd")))
    """
    stock = check_python(code, env=clean_env(DISABLE_PYSTON="1"))
    assert check_python(code, env=jit_env()) == stock
