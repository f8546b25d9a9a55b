"""Integer arithmetic: small ints, negative operands, big ints, bit operations, divmod/pow."""

values = [0, 1, -1, 2, -3, 7, 13, -17, 255, 2 ** 31 - 1, -(2 ** 31), 2 ** 63, -(2 ** 64) + 5,
          10 ** 30 + 7, -(10 ** 25) - 3]

for a in values:
    print("a", a, -a, +a, ~a, abs(a), a.bit_length(), bool(a))
    for b in values:
        row = [a + b, a - b, a * b, a & b, a | b, a ^ b, a == b, a < b, a >= b]
        if b != 0:
            row += [a // b, a % b, divmod(a, b), a / b if abs(a) < 2 ** 60 else "big"]
        else:
            for op in ("//", "%", "/"):
                try:
                    eval("a %s b" % op)
                except ZeroDivisionError as e:
                    row.append("ZeroDivisionError(%s)" % e)
        print(" ", a, b, row)

for shift in range(0, 130, 9):
    print("shift", shift, 1 << shift, (12345 << shift) >> (shift // 2), -5 >> (shift % 7))

try:
    1 << -1
except ValueError as e:
    print("negative shift:", e)

for base in (2, 3, -3, 10, 97):
    print("pow", base, [base ** e for e in range(6)], pow(base, 20), pow(base, 100, 1000003))
print("pow neg exponent", 2 ** -2, (-2) ** -3, pow(3, 5, 7), pow(-3, 3, 5))

# Big integer arithmetic and conversions.
f = 1
for i in range(1, 60):
    f *= i
print("59! =", f, len(str(f)), f % 1000000007, f // 10 ** 70)
fib = [0, 1]
while len(fib) < 150:
    fib.append(fib[-1] + fib[-2])
print("fib149 =", fib[-1], hex(fib[-1]), oct(fib[100]), bin(fib[40]))
print("int parsing", int("ff", 16), int("-0b1011", 0), int("  42  "), int("z", 36), int("1_000_000"))
print("round trips", int(str(10 ** 50 + 1)) == 10 ** 50 + 1, (10 ** 40).to_bytes(17, "big"))
print("from_bytes", int.from_bytes(b"\x01\x02\x03", "little"), int.from_bytes(b"\xff\xfe", "big", signed=True))
print("gcd-like", [(a * 37) % 101 for a in range(20)])

# Mixing with bool and floats.
print(True + True, True * 10, False - 5, 7 // True, 3 + 0.5, 2 ** 0.5 > 1.41, 10 ** 20 * 1.0)
n = 0
for i in range(1000):
    n += i * i - (i // 3) + (i % 7) * (-1) ** i
print("accumulated", n)
print("comparisons with floats", 2 ** 53 + 1 == float(2 ** 53 + 1), 10 ** 400 > 1e308, -10 ** 400 < -1e308)
try:
    float(10 ** 400)
except OverflowError as e:
    print("OverflowError:", e)
