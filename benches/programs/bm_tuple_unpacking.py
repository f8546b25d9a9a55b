"""Tuple packing and unpacking: swaps, multiple return values, nested and starred unpacking, enumerate/zip loops."""

import pyperf

ITERATIONS = 17000
BATCH = 50
EXPECTED = (4420139, (1, 4, 2, 3), 86489, 0, 8, 9)


def divmod_pair(a, b):
    return a // b, a % b


def rotate(a, b, c, d):
    return b, c, d, a


def fib_pair(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) & 0xFFFF
    return a, b


def run_batch(records, state, start, stop):
    acc, (a, b, c, d) = state
    for i in range(start, stop):
        a, b = b, a
        a, b, c, d = rotate(a, b, c, d)
        q, r = divmod_pair(i + 17, c + 1)
        idx, (x, y), tag = records[i & 63]
        first, *rest = records[i & 7][1] + (q, r)
        acc = (acc + first * 3 + len(rest) + x - y + q + r + (tag == "b")) & 0xFFFFFF
    return acc, (a, b, c, d)


def workload():
    records = [(i, (i * 3 % 7, i * 5 % 11), "abc"[i % 3]) for i in range(64)]
    state = 0, (1, 2, 3, 4)
    for start in range(0, ITERATIONS, BATCH):
        state = run_batch(records, state, start, min(start + BATCH, ITERATIONS))
    acc, (a, b, c, d) = state
    pair_sum = 0
    for k, (u, v) in enumerate(zip(range(500), range(1000, 0, -2))):
        lo, hi = fib_pair(k % 20)
        pair_sum += (u ^ v) + lo - hi
    head, *middle, tail = range(10)
    return acc, (a, b, c, d), pair_sum, head, len(middle), tail


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("tuple_unpacking", bench)
