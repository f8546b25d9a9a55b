"""Generators: chained generator pipelines, yield from over a recursive tree, send()-driven coroutines and generator expressions."""

import pyperf

N = 40000
CHUNK = 800
EXPECTED = (5135210164, 19643, 49)


def numbers(lo, hi):
    i = lo
    while i < hi:
        yield i
        i += 1


def only_odd(it):
    for x in it:
        if x & 1:
            yield x


def squares_mod(it, m):
    for x in it:
        yield (x * x) % m


def windows(it, size):
    window = []
    for x in it:
        window.append(x)
        if len(window) == size:
            yield tuple(window)
            del window[0]


def walk(tree):
    # tree: (value, [children])
    value, children = tree
    yield value
    for child in children:
        yield from walk(child)


def make_tree(depth, fanout, start):
    if depth == 0:
        return (start, [])
    return (start, [make_tree(depth - 1, fanout, start * fanout + k) for k in range(fanout)])


def averager():
    total = 0
    count = 0
    average = None
    while True:
        value = yield average
        total += value
        count += 1
        average = total // count


def pipeline_sum(lo, hi):
    total = 0
    for a, b, c in windows(squares_mod(only_odd(numbers(lo, hi)), 1009), 3):
        total += a * b - c
    return total


def feed(avg, lo, hi):
    last = None
    for v in numbers(lo, hi):
        last = avg.send(v * 3 % 101)
    return last


def workload():
    pipe_total = 0
    for lo in range(0, N, CHUNK):
        pipe_total += pipeline_sum(lo, lo + CHUNK)
    tree = make_tree(7, 3, 1)
    tree_total = sum(v % 13 for v in walk(tree))
    avg = averager()
    next(avg)
    last = 0
    for lo in range(0, N // 4, CHUNK // 4):
        last = feed(avg, lo, lo + CHUNK // 4)
    return pipe_total, tree_total, last


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("generators", bench)
