"""Float kernels in pure Python: matrix multiplication on lists of lists, a 1-D heat stencil, Horner polynomials, Simpson integration."""

import pyperf

MATRIX_SIZE = 16
MATRIX_ROUNDS = 20
HEAT_POINTS = 200
HEAT_STEPS = 500
HORNER_COEFFS = (0.5, -1.25, 2.0, 0.75, -0.125, 0.0625, -0.03125, 0.01)
HORNER_POINTS = 16000
SIMPSON_INTERVALS = 6000
SIMPSON_RANGES = ((0.0, 1.0), (-2.0, 3.0), (0.5, 4.5), (1.0, 10.0))
# Only + - * / and comparisons (no math module, no **): IEEE-754 double arithmetic gives the
# same bits on every CPython version, and the results are rounded before the comparison.
EXPECTED = (-1.151786833, 101.802041376, 0.978312832, -3.657732381, 12.962881572, 3.180122681)


def make_matrix(n, seed):
    state = seed
    rows = []
    for i in range(n):
        row = []
        for j in range(n):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            row.append((state % 2001 - 1000) / 1000.0)
        rows.append(row)
    return rows


def matmul(a, b):
    n = len(a)
    m = len(b[0])
    inner = len(b)
    result = []
    for i in range(n):
        row_a = a[i]
        row = [0.0] * m
        for k in range(inner):
            aik = row_a[k]
            row_b = b[k]
            for j in range(m):
                row[j] += aik * row_b[j]
        result.append(row)
    return result


def normalise(matrix):
    """Divide by the largest absolute entry, so repeated products stay bounded."""
    largest = 0.0
    for row in matrix:
        for x in row:
            if x < 0.0:
                x = -x
            if x > largest:
                largest = x
    if largest == 0.0:
        return matrix
    return [[x / largest for x in row] for row in matrix]


def trace(matrix):
    total = 0.0
    for i in range(len(matrix)):
        total += matrix[i][i]
    return total


def heat_step(u, alpha):
    n = len(u)
    new = [0.0] * n
    new[0] = u[0]
    new[n - 1] = u[n - 1]
    for i in range(1, n - 1):
        new[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    return new


def heat(points, steps):
    u = [0.0] * points
    for i in range(points):
        x = i / (points - 1.0)
        u[i] = x * (1.0 - x) * 4.0
    u[points // 3] = 2.0
    for _ in range(steps):
        u = heat_step(u, 0.24)
    energy = 0.0
    for value in u:
        energy += value * value
    return energy, u[points // 2]


def horner(coeffs, x):
    result = 0.0
    for c in coeffs:
        result = result * x + c
    return result


def horner_sweep(coeffs, count, lo, hi):
    step = (hi - lo) / count
    total = 0.0
    peak = None
    for i in range(count):
        y = horner(coeffs, lo + i * step)
        total += y
        if peak is None or y > peak:
            peak = y
    return total * step, peak


def rational(x):
    return (1.0 + x * (0.5 - 0.25 * x)) / (1.0 + x * x)


def simpson(f, a, b, n):
    h = (b - a) / n
    total = f(a) + f(b)
    for i in range(1, n):
        x = a + i * h
        if i & 1:
            total += 4.0 * f(x)
        else:
            total += 2.0 * f(x)
    return total * h / 3.0


def workload():
    a = make_matrix(MATRIX_SIZE, 12345)
    b = make_matrix(MATRIX_SIZE, 67890)
    product = a
    for _ in range(MATRIX_ROUNDS):
        product = normalise(matmul(product, b))
    matrix_result = trace(product)
    energy, middle = heat(HEAT_POINTS, HEAT_STEPS)
    area, peak = horner_sweep(HORNER_COEFFS, HORNER_POINTS, -1.5, 1.5)
    integral = 0.0
    for lo, hi in SIMPSON_RANGES:
        integral += simpson(rational, lo, hi, SIMPSON_INTERVALS)
    return (round(matrix_result, 9), round(energy, 9), round(middle, 9), round(area, 9),
            round(peak, 9), round(integral, 9))


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("float_kernel", bench)
