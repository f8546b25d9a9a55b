# Arithmetic and comparisons on exact floats (inline in compiled code), and every case that
# must leave the fast path: NaN, signed zeros, infinities, division by zero, float subclasses
# with their own operators, mixed int/float, and results that feed further arithmetic.
import math

nan = float("nan")
inf = float("inf")
values = [0.0, -0.0, 1.5, -2.25, 1e308, -1e308, 5e-324, inf, -inf, nan, 3.0, 7.0]


def arith(a, b):
    out = [a + b, a - b, a * b]
    try:
        out.append(a / b)
    except ZeroDivisionError as e:
        out.append("ZeroDivisionError: %s" % e)
    x = a
    x += b
    x -= 0.5
    x *= 2.0
    try:
        x /= b
    except ZeroDivisionError as e:
        out.append("inplace ZeroDivisionError: %s" % e)
    out.append(x)
    return out


def compare(a, b):
    return (a < b, a <= b, a == b, a != b, a > b, a >= b)


def show(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return repr(v) + ("(neg)" if math.copysign(1.0, v) < 0 else "")
    return repr(v)


for a in values:
    for b in values:
        print(show(a), show(b), [show(v) for v in arith(a, b)], compare(a, b))


class Meters(float):
    def __add__(self, other):
        return "Meters.__add__(%r, %r)" % (float(self), other)

    def __lt__(self, other):
        return "Meters.__lt__"

    def __truediv__(self, other):
        return "Meters.__truediv__"


m = Meters(2.0)
print(m + 1.0, m < 1.0, m / 0.0, 1.0 + m, 1.0 - m, type(1.0 * m).__name__)
print(1.5 + 2, 2 + 1.5, 3 / 2.0, 7.0 / 2, 2.0 < 3, 3 < 2.5, 2.0 == 2, 1.0 != True)


def accumulate(n):
    total = 0.0
    step = 0.1
    for _ in range(n):
        total += step * 3.0
        total -= step / 4.0
        if total > 1e6 or total != total:
            break
    return total


print(show(accumulate(10000)))


def chain(x):
    return (x * x + 2.0 * x - 1.0) / (x - 3.0)


for x in [0.0, 1.0, 2.5, 3.0, -1.0]:
    try:
        print(show(chain(x)))
    except ZeroDivisionError as e:
        print("ZeroDivisionError", e)
