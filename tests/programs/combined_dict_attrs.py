"""Attribute loads and stores on instances whose `__dict__` is a combined dict (not one
sharing its type's keys): class attributes and methods read through such instances must
notice an instance attribute that shadows them, stores replace values in place only when
the name is there, and a dict with a non-str key whose hash collides with the attribute
name calls that key's `__eq__` exactly as often as stock CPython does."""


class Many:
    scale = 2.5
    limit = 7

    def __init__(self, n):
        # More attributes than a shared-keys dict holds before it grows: while another
        # instance exists, growing makes this one a combined dict.
        for i in range(n):
            setattr(self, "a%d" % i, i)
        self.count = 0

    def bump(self):
        self.count = self.count + 1
        return self.count * self.scale

    def read(self):
        return self.limit, self.scale, self.count


keep = [Many(2)]
objs = [Many(12) for _ in range(3)]


def exercise(o, rounds):
    total = 0.0
    for _ in range(rounds):
        total += o.bump()
        limit, scale, count = o.read()
        total += limit + scale
    return total, o.count


print([exercise(o, 50) for o in objs])

# An instance attribute shadows the class attribute and then the method; deleting it
# uncovers them again.
o = objs[0]
o.scale = 10
print(exercise(o, 5))
o.bump = lambda: -1.0
print(exercise(o, 3))
del o.bump
del o.scale
print(exercise(o, 3))

# Attributes deleted and re-added move to new entries of the combined dict.
p = objs[1]
for i in range(12):
    delattr(p, "a%d" % i)
for round_ in range(4):
    p.count = round_
    p.extra = round_ * 2
    print(exercise(p, 2), sorted(vars(p)))
    del p.extra

# The class attribute changes under the cached entry.
Many.scale = 0.5
print([exercise(o, 4) for o in objs])
del Many.scale
try:
    exercise(objs[2], 1)
except AttributeError as e:
    print("AttributeError", e)
Many.scale = 3


class Key:
    """A non-str key whose hash equals a str attribute name's: lookups of that name must
    compare it with `__eq__`, which counts its calls."""

    calls = 0

    def __init__(self, name):
        self.h = hash(name)

    def __hash__(self):
        return self.h

    def __eq__(self, other):
        Key.calls += 1
        return False


q = objs[2]
q.__dict__[Key("limit")] = "odd"
q.__dict__[Key("count")] = "odd"
for _ in range(3):
    print(q.read(), q.bump())
print("eq calls", Key.calls)


class Eq:
    """Compares equal to the name: it shadows the class attribute through `__eq__`."""

    def __hash__(self):
        return hash("limit")

    def __eq__(self, other):
        return other == "limit"


r = Many(12)
r.__dict__[Eq()] = "shadowed"
print([r.read() for _ in range(3)])
print(r.limit)
