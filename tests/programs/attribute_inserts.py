"""Attribute stores that add a name to a new instance's dict, as `__init__` does: in the
order of the class's shared keys (filled in place), out of that order, skipping a name,
after a deletion, with GC values going into a dict the collector does not track yet, and
from several classes through one store site. Checked through the values, `vars()` order,
`gc.is_tracked` of the dicts and reference counts."""

import gc
import sys


class Point:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class Sometimes:
    def __init__(self, i):
        self.a = i
        if i % 3:
            self.b = i * 2
        self.c = i * 3


class Reversed:
    def __init__(self, i, first):
        if first:
            self.p = i
            self.q = -i
        else:
            self.q = -i
            self.p = i


class Holder:
    def __init__(self, n, payload):
        self.n = n
        self.size = float(n)
        self.payload = payload  # a GC object (list or tuple of lists) or not


def set_three(obj, a, b, c):
    obj.first = a
    obj.second = b
    obj.third = c


class One:
    pass


class Two:
    pass


points = [Point(i, i + 0.5, str(i)) for i in range(50)]
print(sum(p.x for p in points), points[7].y, points[9].z, list(vars(points[3])))

some = [Sometimes(i) for i in range(12)]
print([sorted(vars(s).items()) for s in some[:4]], [list(vars(s)) for s in some[:4]])

rev = [Reversed(i, i % 2 == 0) for i in range(10)]
print([list(vars(r)) for r in rev[:4]], rev[5].p, rev[5].q)

holders = [Holder(i, [i] if i % 2 else i) for i in range(10)]
print([gc.is_tracked(vars(h)) for h in holders], holders[3].payload, holders[4].payload)

deleted = Point(1, 2, 3)
del deleted.y
deleted.y = 20
print(list(vars(deleted)), deleted.y)
again = [Point(i, i, i) for i in range(5)]
print([list(vars(p)) for p in again[:2]])

objs = [One() if i % 2 else Two() for i in range(10)]
for i, o in enumerate(objs):
    set_three(o, i, [i], (i,))
print([(type(o).__name__, o.first, o.second, o.third) for o in objs[:4]], [list(vars(o)) for o in objs[:2]])

value = 10.0 ** 20
before = sys.getrefcount(value)
keep = [Point(value, value, value) for _ in range(20)]
print(sys.getrefcount(value) - before)
del keep
print(sys.getrefcount(value) - before)
