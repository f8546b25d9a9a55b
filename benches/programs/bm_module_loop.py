"""A hot loop at module level: a module body exec()'d in fresh __main__ globals, loading and storing globals, list and dict operations."""

import pyperf

ITERATIONS = 60000
BUCKETS = 97
EXPECTED = (15015483, 4217307, 105, 229339686, 12)

# The body of a script. Every name in it is a global of the exec()'d module (module-level
# code has no fast locals), so each load and store in the loop is a dict operation on the
# module's namespace. bench() runs it as the __main__ module, the way `python script.py`
# would, in fresh globals each time: the same code object is entered once per call.
SOURCE = """
total = 0
odd_sum = 0
state = SEED
history = []
counts = {}
buckets = [0] * BUCKETS
last_key = None
for i in range(ITERATIONS):
    state = (state * 69069 + 1) & 0xFFFFFFFF
    key = state % BUCKETS
    buckets[key] += 1
    if key in counts:
        counts[key] = counts[key] + i
    else:
        counts[key] = i
    if state & 1:
        odd_sum += key * 3 - (i & 7)
    else:
        total += (state >> 8) % 1000
    if i % 64 == 0:
        history.append(total - odd_sum)
        if len(history) > 20:
            del history[0]
    last_key = key
spread = max(buckets) - min(buckets)
weighted = 0
for key in sorted(counts):
    weighted = (weighted * 131 + counts[key]) & 0xFFFFFFF
result = (total, odd_sum, spread, (weighted ^ sum(history)) & 0xFFFFFFF, last_key)
"""

# Compiled once at import, under a file name of its own (not this file's).
CODE = compile(SOURCE, "<bm_module_loop main>", "exec")


def workload():
    namespace = {"__name__": "__main__", "SEED": 2463534242, "ITERATIONS": ITERATIONS,
                 "BUCKETS": BUCKETS}
    exec(CODE, namespace)
    return namespace["result"]


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("module_loop", bench)
