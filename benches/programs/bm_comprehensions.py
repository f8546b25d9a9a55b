"""Comprehensions: list, dict and set comprehensions, nested and filtered ones, and generator expressions consumed by builtins."""

import pyperf

SIZE = 24
ROUNDS = 150
EXPECTED = 143862703


def one_round(r, checksum):
    matrix = [[(i * SIZE + j + r) % 17 for j in range(SIZE)] for i in range(SIZE)]
    transposed = [[row[j] for row in matrix] for j in range(SIZE)]
    diagonal_sum = sum(matrix[i][i] for i in range(SIZE))
    evens = [x for row in transposed for x in row if x % 2 == 0]
    index = {i: sum(row) for i, row in enumerate(matrix) if row[0] > 3}
    distinct = {(x * 7 + r) % 101 for row in matrix for x in row}
    pairs = [(a, b) for a in range(0, SIZE, 3) for b in range(a, SIZE, 5) if (a + b) % 4 == 1]
    by_residue = {k: [v for v in evens[:100] if v % 5 == k] for k in range(5)}
    checksum = (checksum * 31 + diagonal_sum + len(evens) + sum(index.values())
                + len(distinct) + len(pairs) + sum(len(v) for v in by_residue.values())
                + max(transposed[r % SIZE])) & 0xFFFFFFF
    return checksum


def workload():
    # Many rounds on a small matrix: each comprehension's code runs often.
    checksum = 0
    for r in range(ROUNDS):
        checksum = one_round(r, checksum)
    return checksum


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("comprehensions", bench)
