"""Comparisons, chained comparisons, boolean operators, short-circuit evaluation, truthiness."""


class Loud:
    """A value that reports every comparison and truth test made on it."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def __repr__(self):
        return "Loud(%s)" % self.name

    def __bool__(self):
        print("    bool(%s)" % self.name)
        return bool(self.value)

    def __lt__(self, other):
        print("    %s < %s" % (self.name, getattr(other, "name", other)))
        return self.value < getattr(other, "value", other)

    def __eq__(self, other):
        print("    %s == %s" % (self.name, getattr(other, "name", other)))
        return self.value == getattr(other, "value", other)

    __hash__ = None


def trace(name, value):
    print("    eval", name)
    return value


values = [0, 1, -1, 2.5, "", "a", "b", [], [0], (), (1, 2), None, True, False, {}, {1: 2}, set(), 0j]
for v in values:
    print(repr(v), "truthy" if v else "falsy", not v, bool(v), v and "and-right", v or "or-right")

for a in range(-1, 3):
    for b in range(-1, 3):
        for c in range(-1, 3):
            print(a, b, c, a < b < c, a <= b == c, a != b != c, a < b > c, a is b, not a == b, a in (b, c))

print("short-circuit and/or:")
print(trace("x", 0) and trace("y", 1))
print(trace("x", 2) and trace("y", 3) and trace("z", 0) and trace("w", 9))
print(trace("x", 0) or trace("y", "") or trace("z", []) or trace("w", "last"))
print(trace("x", 1) or trace("never", 1))
print(not (trace("a", 1) and not trace("b", 0)))

print("chain with side effects:")
p, q, r = Loud("p", 1), Loud("q", 2), Loud("r", 0)
print(p < q < r)
print(r < p < q)
print(p == 1 == p)
print(bool(p and q), bool(r or p))
if p and not r:
    print("if p and not r: taken")
while r:
    print("never")
x = 3 if r else 4
print("conditional expression", x, "yes" if p else "no")

print("mixed comparisons:")
print(1 == 1.0 == True, 0 == False == 0.0, "a" < "b" < "ba", [1, 2] < [1, 2, 0], (1, "a") < (1, "b"))
print(None is None, None is not None, [] == [], [] is [], "x" in "xyz", 3 not in [1, 2])
for op in ("<", "<=", ">", ">="):
    for left, right in ((1, "a"), ([], ()), (None, 0)):
        try:
            eval("left %s right" % op)
            print("no error?")
        except TypeError as e:
            print("TypeError:", e)
print(sorted([3, 1, 2], reverse=True), max("abc", "abd"), min([(2, "b"), (2, "a")]))
print({1, 2} < {1, 2, 3}, {1, 2} <= {1, 2}, {3} > set(), frozenset({1}) == {1})
print(any([]), all([]), any(x > 3 for x in range(5)), all(x < 5 for x in range(5)))

count = 0
for i in range(500):
    if (i % 3 == 0 or i % 5 == 0) and not (i % 15 == 0) and 10 < i <= 400:
        count += 1
print("count", count)
