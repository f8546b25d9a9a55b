"""Closures: nested functions reading and rebinding (nonlocal) free variables, function composition, decorators and lambdas."""

import pyperf

ITERATIONS = 13000
BATCH = 50
EXPECTED = (260299, (1613414, 5605), 13000, [3251, 6502, 9753, 13004])


def make_counter(step):
    count = 0

    def tick():
        nonlocal count
        count += step
        return count

    return tick


def make_affine(a, b):
    def apply(x):
        return (a * x + b) & 0xFFFFF
    return apply


def compose(f, g):
    def composed(x):
        return f(g(x))
    return composed


def memo_calls(func):
    calls = [0]

    def wrapper(*args):
        calls[0] += 1
        return func(*args)

    wrapper.calls = calls
    return wrapper


@memo_calls
def combine(x, y):
    return (x ^ y) + 1


def make_accumulator():
    total = 0
    history = []

    def add(value):
        nonlocal total
        total += value
        if len(history) < 8:
            history.append(total)
        return total

    def get():
        return total, sum(history)

    return add, get


def run_batch(counters, pipeline, add, key, start, stop, x):
    for i in range(start, stop):
        c = counters[i & 3]()
        x = pipeline(x + c)
        y = combine(x, key(i))
        add(y & 0xFF)
    return x


def workload():
    counters = [make_counter(k) for k in range(1, 5)]
    pipeline = compose(make_affine(3, 1), compose(make_affine(5, 7), make_affine(1, 13)))
    add, get = make_accumulator()
    key = lambda v: (v * 7) % 11
    x = 1
    combine.calls[0] = 0
    for start in range(0, ITERATIONS, BATCH):
        x = run_batch(counters, pipeline, add, key, start, min(start + BATCH, ITERATIONS), x)
    return x, get(), combine.calls[0], [c() for c in counters]


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("closures", bench)
