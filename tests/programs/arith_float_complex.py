"""Floats and complex numbers: operators, rounding, special values, repr, math functions."""
import math
import cmath

floats = [0.0, -0.0, 1.5, -2.25, 1e-300, 1e300, 3.141592653589793, 0.1, 0.2, 1 / 3, float("inf"),
          float("-inf"), 123456789.125]
for x in floats:
    print("x", repr(x), str(x), -x, abs(x), x == x, x.is_integer(), math.isinf(x), math.copysign(1, x))
    for y in floats[:8]:
        out = [x + y, x - y, x * y]
        try:
            out += [x / y, x // y, x % y]
        except ZeroDivisionError as e:
            out.append("ZeroDivisionError: %s" % e)
        print("  ", repr(x), repr(y), [repr(v) for v in out])

nan = float("nan")
print("nan", nan == nan, nan != nan, nan < 1, math.isnan(nan * 0), repr(nan), repr(-nan))
print("0.1 + 0.2 =", 0.1 + 0.2, repr(0.1 + 0.2), 0.1 + 0.2 == 0.3, math.isclose(0.1 + 0.2, 0.3))
print("rounding", round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(1234.5678, -2), round(7))
print("int()", int(2.9), int(-2.9), math.floor(-2.5), math.ceil(-2.5), math.trunc(8.7))
print("float parsing", float("1e5"), float("  -3.25 "), float("inf"), float("1_0.5"))
print("hex", (0.5).hex(), float.fromhex("0x1.8p1"), (10.0).as_integer_ratio(), (0.75).as_integer_ratio())
print("pow", 2.0 ** 10, 2 ** -1, (-8.0) ** (1 / 3) if False else "skip", 4 ** 0.5, pow(2.0, 3))
try:
    math.sqrt(-1)
except ValueError as e:
    print("sqrt(-1):", e)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print("1.0/0:", e)
try:
    10.0 ** 400
except OverflowError as e:
    print("overflow:", e)
print("math", math.sqrt(2), math.exp(1), math.log(100, 10), math.sin(0.5), math.atan2(1, -1), math.fsum([0.1] * 10))
print("divmod", divmod(7.5, 2), divmod(-7.5, 2), divmod(7, -2.5))

complexes = [0j, 1 + 2j, -3.5 + 0.25j, complex(2, -1), 1j, complex("1+1j")]
for z in complexes:
    print("z", z, z.real, z.imag, z.conjugate(), abs(z), -z, z == z.conjugate())
    for w in complexes:
        out = [z + w, z - w, z * w]
        try:
            out.append(z / w)
        except ZeroDivisionError as e:
            out.append("ZeroDivisionError: %s" % e)
        print("  ", z, w, out)
print("complex pow", (1 + 1j) ** 2, (1j) ** 2, 2 ** (1j * 0), (3 + 4j) ** 0.5)
print("cmath", cmath.sqrt(-1), cmath.phase(-1), cmath.polar(1j), cmath.exp(0j))
print("mixed", 1 + 2.5, 3 * (1 + 1j), 2.0 == 2, 2 == 2 + 0j, True + 1.5, 1.5 > 1, 3 // 2.0)

total = 0.0
for i in range(1, 2000):
    total += 1.0 / (i * i)
    if i % 400 == 0:
        print("partial", i, repr(total))
print("pi estimate", math.sqrt(total * 6))
print("format", format(1234.5678, ".2f"), format(0.000123, ".3e"), format(1e20, "g"), format(2.5, "%"))
