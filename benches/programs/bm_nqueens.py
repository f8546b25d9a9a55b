"""N-queens by backtracking: counts all placements on a 9x9 board using lists of occupied columns and diagonals."""

import pyperf

N = 9
EXPECTED = (352, 4, (0, 2, 5, 7, 1, 3, 8, 6, 4), 974959)


def solve(n):
    cols = [False] * n
    diag1 = [False] * (2 * n)
    diag2 = [False] * (2 * n)
    placement = [0] * n
    solutions = []

    def place(row):
        if row == n:
            solutions.append(tuple(placement))
            return 1
        found = 0
        for col in range(n):
            d1 = row + col
            d2 = row - col + n
            if cols[col] or diag1[d1] or diag2[d2]:
                continue
            cols[col] = diag1[d1] = diag2[d2] = True
            placement[row] = col
            found += place(row + 1)
            cols[col] = diag1[d1] = diag2[d2] = False
        return found

    count = place(0)
    return count, solutions


def workload():
    count, solutions = solve(N)
    # Solve twice: enough work to time, and the two searches must agree.
    again, solutions_again = solve(N)
    if again != count or solutions_again != solutions:
        raise AssertionError("two identical searches disagree")
    small, _ = solve(6)
    # A fingerprint of the solution set that does not depend on search order.
    fingerprint = sum(int("".join(str(c) for c in s)) for s in solutions) % 1000003
    return count, small, solutions[0], fingerprint


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("nqueens", bench)
