"""f-strings, %-formatting, str.format and format specs."""
import decimal


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return "Point(%r, %r)" % (self.x, self.y)

    def __str__(self):
        return "(%s, %s)" % (self.x, self.y)

    def __format__(self, spec):
        if spec == "polar":
            return "<%d;%d>" % (self.x, self.y)
        return format(str(self), spec)


name, n, x = "pyston", 42, 3.14159
p = Point(1, -2)
print(f"{name} {n} {x}")
print(f"{name!r} {name!s} {'é'!a} {p!r} {p} {p:polar} {p:>12}|")
print(f"{n:5d}|{n:<5d}|{n:^5d}|{n:05d}|{n:+d}|{-n:+d}|{n:x}|{n:#X}|{n:o}|{n:#b}|{n:,}|{10**7:_}")
print(f"{x:.2f}|{x:10.3f}|{x:<10.1f}|{x:e}|{x:.3g}|{x:%}|{1e21:g}|{0.0001:g}|{-0.0:f}")
print(f"{name:>10}|{name:<10}|{name:^10}|{name:*^11}|{name:.3}|{name!r:>12}")
print(f"{'nested ' + f'{n * 2}'} {n if n > 40 else 0} {[i * i for i in range(4)]} {dict(a=1)['a']}")
width, prec = 12, 4
print(f"{x:{width}.{prec}f}|{name:{'>' if n else '<'}{width}}|")
print(f"{{literal braces}} {n}{{}}")
print(f"""multi
line {n}""")
print(f"{3 + 4j} {True} {None} {b'bytes'} {(1, 2)} {{1: 2}}")
print("%s %r %d %i %5.2f %-6s| %06.1f %x %X %o %e %g %c %%" % (
    name, name, n, -n, x, "ab", -x, 255, 255, 8, 12345.678, 0.00001234, 65))
print("%(a)s and %(b)05d" % {"a": "mapping", "b": 7})
print("%*d|%-*d|%.*f" % (6, 1, 6, 2, 3, x))
print("%s" % (p,), "%r" % (p,), "%s" % [1, 2], "%a" % "ü")
try:
    "%d" % "str"
except TypeError as e:
    print("TypeError:", e)
try:
    "%s %s" % (1,)
except TypeError as e:
    print("TypeError:", e)
print("{} {} {}".format(1, "two", 3.0))
print("{0} {1} {0} {name}".format("a", "b", name="kw"))
print("{p.x} {p.y} {lst[1]} {d[key]}".format(p=p, lst=[10, 20], d={"key": "v"}))
print("{:>8}|{:<8}|{:^8}|{:08.3f}|{:,}|{:+.1e}".format("r", "l", "c", x, 1234567, 98765.4321))
print("{!r} {!s} {:polar} {}".format(p, p, p, p))
print("{0:{1}}|{0:{fill}{align}{w}}".format("x", 5, fill="-", align="^", w=7))
print(format(n, "b"), format(x, ".1%"), format("s", "3"), format(p, "polar"), format(12, ""))
print(str.format("{}-{}", *"ab"), "{a}{b}".format(**{"a": 1, "b": 2}))
print("{:d}".format(True), "{:.2f}".format(decimal.Decimal("1.005")), "{:g}".format(decimal.Decimal("1e10")))
try:
    "{} {}".format(1)
except IndexError as e:
    print("IndexError:", e)
try:
    "{:d}".format("x")
except ValueError as e:
    print("ValueError:", e)
try:
    f"{n:q}"
except ValueError as e:
    print("ValueError:", e)
table = [("alpha", 1, 0.5), ("beta", 22, 12.25), ("gamma", 333, -7.125)]
for row in table:
    print(f"|{row[0]:<8}|{row[1]:>5}|{row[2]:>9.3f}|", "|%-8s|%5d|%9.3f|" % row, "|{:<8}|{:>5}|{:>9.3f}|".format(*row))
for i in range(0, 300, 37):
    print(f"{i:4d} {i:08b} {i:03o} {i:02x} {i / 7:.4f} {chr(65 + i % 26)!r}")
