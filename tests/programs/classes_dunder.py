"""Special methods: operators and reflected operators, comparisons, hashing, containers,
iteration, calling, truthiness, conversions, and attribute hooks (__getattr__,
__getattribute__, __setattr__, __delattr__)."""
import functools


@functools.total_ordering
class Vec:
    def __init__(self, *c):
        self.c = tuple(c)

    def __repr__(self):
        return "Vec%r" % (self.c,)

    def __add__(self, other):
        if isinstance(other, Vec):
            return Vec(*[a + b for a, b in zip(self.c, other.c)])
        if isinstance(other, (int, float)):
            return Vec(*[a + other for a in self.c])
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return Vec(*[a - b for a, b in zip(self.c, other.c)])

    def __mul__(self, k):
        return Vec(*[a * k for a in self.c])

    def __rmul__(self, k):
        print("  __rmul__")
        return self * k

    def __matmul__(self, other):
        return sum(a * b for a, b in zip(self.c, other.c))

    def __truediv__(self, k):
        return Vec(*[a / k for a in self.c])

    def __floordiv__(self, k):
        return Vec(*[a // k for a in self.c])

    def __mod__(self, k):
        return Vec(*[a % k for a in self.c])

    def __pow__(self, k, mod=None):
        return Vec(*[pow(a, k, mod) for a in self.c])

    def __neg__(self):
        return Vec(*[-a for a in self.c])

    def __pos__(self):
        return self

    def __abs__(self):
        return sum(a * a for a in self.c) ** 0.5

    def __invert__(self):
        return Vec(*reversed(self.c))

    def __lshift__(self, n):
        return Vec(*(self.c[n:] + self.c[:n]))

    def __and__(self, other):
        return Vec(*[a & b for a, b in zip(self.c, other.c)])

    def __or__(self, other):
        return Vec(*[a | b for a, b in zip(self.c, other.c)])

    def __xor__(self, other):
        return Vec(*[a ^ b for a, b in zip(self.c, other.c)])

    def __eq__(self, other):
        return isinstance(other, Vec) and self.c == other.c

    def __lt__(self, other):
        return abs(self) < abs(other)

    def __hash__(self):
        return hash(self.c)

    def __len__(self):
        return len(self.c)

    def __getitem__(self, i):
        return self.c[i]

    def __contains__(self, v):
        print("  __contains__", v)
        return v in self.c

    def __bool__(self):
        return any(self.c)

    def __iter__(self):
        return iter(self.c)

    def __index__(self):
        return len(self.c)

    def __int__(self):
        return int(sum(self.c))

    def __float__(self):
        return float(sum(self.c))

    def __complex__(self):
        return complex(*self.c[:2])

    def __round__(self, n=None):
        return Vec(*[round(a, n) for a in self.c])

    def __call__(self, *args):
        return "called with %r" % (args,)

    def __format__(self, spec):
        return "<" + ",".join(format(a, spec) for a in self.c) + ">"


u, v = Vec(1, 2, 3), Vec(4, 5, 6)
print(u + v, u + 1, 1 + u, u - v, u * 3, 3 * u, u @ v, v / 2, v // 4, v % 4, u ** 2, pow(u, 3, 5))
print(-u, +u, abs(Vec(3, 4)), ~u, u << 1, u & v, u | v, u ^ v)
print(u == Vec(1, 2, 3), u != v, u < v, u <= v, u > v, u >= v, sorted([v, u, Vec(0)]), max(u, v))
print(len(u), u[0], u[-1], u[1:], 2 in u, 9 in u, list(u), bool(u), bool(Vec(0, 0)))
print(int(u), float(u), complex(u), round(Vec(1.26, 2.5), 1), [0, 1, 2, 3, 4][u], hex(u), u(1, 2))
print(f"{u:03d}", format(v, ".1f"), {u: "hashed"}[Vec(1, 2, 3)], len({u, Vec(1, 2, 3), v}))
try:
    u + "x"
except TypeError as e:
    print("TypeError:", e)
try:
    u < "text"
except TypeError as e:
    print("TypeError:", e)


class Reflected:
    def __init__(self, tag):
        self.tag = tag

    def __add__(self, other):
        print("  %s.__add__(%s)" % (self.tag, getattr(other, "tag", other)))
        return NotImplemented

    def __radd__(self, other):
        print("  %s.__radd__(%s)" % (self.tag, getattr(other, "tag", other)))
        return self.tag + "+"

    def __eq__(self, other):
        print("  %s.__eq__" % self.tag)
        return NotImplemented

    def __lt__(self, other):
        print("  %s.__lt__" % self.tag)
        return NotImplemented

    def __gt__(self, other):
        print("  %s.__gt__" % self.tag)
        return True


class SubReflected(Reflected):
    def __radd__(self, other):
        print("  subclass __radd__ first")
        return "sub"


a, b = Reflected("a"), Reflected("b")
try:
    print(a + b)  # same type: __radd__ is not tried
except TypeError as e:
    print("TypeError:", e)
print(1 + a)
print(Reflected("c") + SubReflected("d"))
print(a == b, a != b, a < b)


class Dyn:
    def __init__(self):
        object.__setattr__(self, "log", [])
        object.__setattr__(self, "store", {"preset": 1})

    def __getattr__(self, name):
        self.log.append("getattr " + name)
        if name.startswith("missing"):
            raise AttributeError(name)
        return name.upper()

    def __setattr__(self, name, value):
        self.log.append("setattr %s=%r" % (name, value))
        self.store[name] = value

    def __delattr__(self, name):
        self.log.append("delattr " + name)
        self.store.pop(name, None)


dyn = Dyn()
print(dyn.anything, dyn.log[-1], getattr(dyn, "missing_x", "fallback"), hasattr(dyn, "missing_y"))
dyn.x = 5
del dyn.x
print(dyn.log, dyn.store)


class Audit:
    def __init__(self):
        self.value = 10

    def __getattribute__(self, name):
        if not name.startswith("__"):
            print("  __getattribute__", name)
        if name == "secret":
            raise AttributeError("no secrets")
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        return "fallback for " + name


au = Audit()
print(au.value, au.secret, au.other)


class Container:
    def __init__(self):
        self.data = {}

    def __setitem__(self, k, v):
        self.data[k] = v

    def __getitem__(self, k):
        return self.data[k]

    def __delitem__(self, k):
        del self.data[k]

    def __missing__(self, k):
        return None

    def __iter__(self):
        yield from sorted(self.data)

    def __reversed__(self):
        return iter(sorted(self.data, reverse=True))

    def __len__(self):
        return len(self.data)


c = Container()
c["b"] = 2; c["a"] = 1; c["c"] = 3
del c["b"]
print(list(c), list(reversed(c)), len(c), c["a"], "a" in c, dict(zip(c, c)))
try:
    c["zz"]
except KeyError as e:
    print("KeyError:", e)


class Default(dict):
    def __missing__(self, key):
        return "missing:" + key


dd = Default(a="1")
print(dd["a"], dd["b"], len(dd))


class GetItemIter:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError
        return i * i


print(list(GetItemIter()), 9 in GetItemIter(), 5 in GetItemIter())
acc = Vec(0, 0, 0)
for i in range(400):
    acc = acc + Vec(i, 1, -i) * 2
    if i % 100 == 0:
        print("acc", acc, acc[0] > acc[2], len(acc))
