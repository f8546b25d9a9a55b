"""Recursion: naive Fibonacci, Takeuchi's function and mutually recursive tree building and walking."""

import pyperf

EXPECTED = (46368, 7, -47458)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def tak(x, y, z):
    if y >= x:
        return z
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))


def build(depth, seed):
    # A binary tree as nested tuples: (value, left, right).
    if depth == 0:
        return (seed % 97, None, None)
    return (seed % 97, build(depth - 1, seed * 3 + 1), build(depth - 1, seed * 5 + 2))


def sum_even_levels(node):
    if node is None:
        return 0
    return node[0] + sum_odd_levels(node[1]) + sum_odd_levels(node[2])


def sum_odd_levels(node):
    if node is None:
        return 0
    return -node[0] + sum_even_levels(node[1]) + sum_even_levels(node[2])


def workload():
    tree = build(11, 1)
    return fib(24), tak(18, 12, 6), sum_even_levels(tree)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("recursion", bench)
