"""Calls of C functions and method descriptors that compiled code makes straight to their C
function (no arguments, one, or a vector; no keywords): results, errors, wrong arities,
subclasses as self, static methods, keyword calls, and a C call that calls back into
Python near the recursion limit."""

import sys


class MyList(list):
    pass


class MyStr(str):
    def upper(self):
        return "overridden"


def builtins_and_methods(n):
    out = []
    xs = []
    for i in range(n):
        xs.append(i)
        xs.append(-i)
    out.append(len(xs))
    out.append(xs.pop())
    out.append(isinstance(xs, list))
    out.append(abs(-7))
    out.append(min(3, 4))
    out.append(max(xs))
    d = {}
    for i in range(n):
        d.setdefault(i % 3, []).append(i)
    out.append(sorted(d))
    out.append(d.get(1))
    out.append(d.get(99))
    out.append(", ".join(["a", "b", "c"]))
    out.append("Hello".upper())
    out.append("  x ".strip())
    out.append("a,b".split(","))
    out.append(str.maketrans("ab", "cd"))
    m = MyList([3, 1, 2])
    m.sort()
    m.append(9)
    out.append(m)
    out.append(MyStr("abc").upper())
    out.append(MyStr("abc").lower())
    out.append(list.append is MyList.append)
    out.append([1, 2, 3].index(2))
    out.append((1, 2, 2).count(2))
    out.append(divmod(17, 5))
    out.append(getattr(xs, "count")(0))
    out.append(sorted([3, 1, 2], reverse=True))
    out.append(int.from_bytes(b"\x01\x00", "little"))
    return out


def errors():
    results = []
    for call in (lambda: [].pop(), lambda: len(5), lambda: {}.get(), lambda: [].append(1, 2),
                 lambda: "x".upper(1), lambda: list.append(None, 1), lambda: list.append(),
                 lambda: [].index(3), lambda: abs("x"), lambda: min(), lambda: "a".join([1])):
        try:
            results.append(("ok", call()))
        except Exception as e:
            results.append((type(e).__name__, str(e)))
    return results


def key(x):
    return -x


def sort_deep(n):
    if n == 0:
        return sorted([3, 1, 2], key=key)
    return sort_deep(n - 1)


print(builtins_and_methods(50))
for r in errors():
    print(r)
old = sys.getrecursionlimit()
for limit in (60, 61, 62, 63):
    sys.setrecursionlimit(limit)
    for depth in range(40, 70, 3):
        try:
            sort_deep(depth)
            print(limit, depth, "ok")
        except RecursionError as e:
            print(limit, depth, "RecursionError", e)
    sys.setrecursionlimit(old)


class F:
    def __float__(self):
        return 2.5

    def __int__(self):
        return 7

    def __index__(self):
        return 8


class FSub(float):
    pass


class ISub(int):
    pass


class BadFloat:
    def __float__(self):
        return "nope"


def conversions():
    out = []
    for x in (1, 2.75, "3.5", " 4 ", F(), FSub(1.5), ISub(3), True, 10 ** 20, b"5"):
        for conv in (float, int):
            try:
                r = conv(x)
                out.append((conv.__name__, repr(r), type(r).__name__))
            except Exception as e:
                out.append((conv.__name__, type(e).__name__, str(e)))
    for bad in (BadFloat(), "x", None, [1]):
        for conv in (float, int):
            try:
                conv(bad)
            except Exception as e:
                out.append((conv.__name__, type(e).__name__, str(e)))
    out.append((float(), int(), int("ff", 16), float(x=1) if False else 0))
    return out


for row in conversions():
    print(row)


class Meta(type):
    pass


class WithMeta(metaclass=Meta):
    pass


def types_of(objs):
    return [type(o).__name__ for o in objs]


print(types_of([1, "a", WithMeta(), WithMeta, None, type, FSub(2.0)]))
try:
    type()
except TypeError as e:
    print("TypeError", e)
print(type("Made", (), {"x": 1})().x, type(type(1)))


# str(x): exact strs, objects with __str__ or only __repr__, a __str__ that returns a str
# subclass (whose __init__ type_call then runs with the argument), one that returns a
# non-str or raises, str with no or more arguments, and recursion through __str__.
class Tagged(str):
    def __init__(self, *args):
        print("Tagged.__init__", [type(a).__name__ for a in args])


class ReturnsTagged:
    def __str__(self):
        return Tagged("tagged")


class ReturnsPlainSub:
    def __str__(self):
        return FSubStr("sub")


class FSubStr(str):
    pass


class OnlyRepr:
    def __repr__(self):
        return "<only repr>"


class StrReturnsInt:
    def __str__(self):
        return 42


class StrRaises:
    def __str__(self):
        raise ValueError("no str")


class Recursive:
    def __init__(self, depth):
        self.depth = depth

    def __str__(self):
        self.depth[0] += 1
        return str(self)


def strs():
    out = []
    for x in (1, 2.5, "s", FSubStr("x"), b"b", None, [1, "2"], OnlyRepr(), ReturnsTagged(), ReturnsPlainSub(),
              StrReturnsInt(), StrRaises()):
        try:
            r = str(x)
            out.append((repr(r), type(r).__name__))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    out.append((str(), str(b"abc", "ascii"), str(object=5)))
    return out


for i in range(3):
    for row in strs():
        print(row)

old_limit = sys.getrecursionlimit()
sys.setrecursionlimit(120)
depth = [0]
try:
    str(Recursive(depth))
except RecursionError as e:
    print("str recursion", depth[0])
sys.setrecursionlimit(old_limit)
