"""Sudoku constraint solver: candidate sets, most-constrained-cell selection and backtracking over generated puzzles."""

import pyperf

PUZZLES = 3
EXPECTED = [(56, 621248928), (59, 736300411), (61, 795456486)]


def lcg(seed):
    while True:
        seed = (seed * 1664525 + 1013904223) & 0xFFFFFFFF
        yield seed >> 8


def solved_grid(rnd):
    # A valid grid from a closed formula, then shuffled with validity-preserving permutations.
    grid = [[(r * 3 + r // 3 + c) % 9 + 1 for c in range(9)] for r in range(9)]
    digits = list(range(1, 10))
    for i in range(8, 0, -1):
        j = next(rnd) % (i + 1)
        digits[i], digits[j] = digits[j], digits[i]
    grid = [[digits[v - 1] for v in row] for row in grid]
    for band in range(3):
        rows = grid[band * 3:band * 3 + 3]
        k = next(rnd) % 3
        grid[band * 3:band * 3 + 3] = rows[k:] + rows[:k]
    return grid


def make_puzzle(grid, rnd, holes):
    puzzle = [row[:] for row in grid]
    removed = 0
    while removed < holes:
        v = next(rnd)
        r, c = (v // 9) % 9, v % 9
        if puzzle[r][c]:
            puzzle[r][c] = 0
            removed += 1
    return puzzle


def candidates(grid, r, c):
    used = set(grid[r])
    used.update(grid[i][c] for i in range(9))
    br, bc = r - r % 3, c - c % 3
    for i in range(br, br + 3):
        used.update(grid[i][bc:bc + 3])
    return [d for d in range(1, 10) if d not in used]


def solve(grid, counter):
    best = None
    best_cands = None
    for r in range(9):
        row = grid[r]
        for c in range(9):
            if row[c] == 0:
                cands = candidates(grid, r, c)
                if not cands:
                    return False
                if best is None or len(cands) < len(best_cands):
                    best = (r, c)
                    best_cands = cands
    if best is None:
        return True
    r, c = best
    for d in best_cands:
        counter[0] += 1
        grid[r][c] = d
        if solve(grid, counter):
            return True
    grid[r][c] = 0
    return False


def valid(grid):
    groups = [row for row in grid]
    groups += [[grid[r][c] for r in range(9)] for c in range(9)]
    groups += [[grid[r][c] for r in range(br, br + 3) for c in range(bc, bc + 3)]
               for br in (0, 3, 6) for bc in (0, 3, 6)]
    return all(sorted(g) == list(range(1, 10)) for g in groups)


def workload():
    rnd = lcg(2024)
    results = []
    for _ in range(PUZZLES):
        puzzle = make_puzzle(solved_grid(rnd), rnd, 54)
        givens = [(r, c, puzzle[r][c]) for r in range(9) for c in range(9) if puzzle[r][c]]
        counter = [0]
        ok = solve(puzzle, counter)
        if not ok or not valid(puzzle) or any(puzzle[r][c] != v for r, c, v in givens):
            raise AssertionError("solver produced an invalid grid")
        digest = 0
        for row in puzzle:
            for v in row:
                digest = (digest * 10 + v) % 1000000007
        results.append((counter[0], digest))
    return results


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("sudoku", bench)
