"""Call forms on many kinds of callables (functions, bound and unbound methods, builtins,
classes, callable instances, partials, method descriptors) and a tour of builtins."""
import functools
import operator


class K:
    def __init__(self, v=0):
        self.v = v

    def m(self, a, b=1, *args, **kw):
        return (self.v, a, b, args, sorted(kw.items()))

    def __call__(self, *a, **k):
        return ("called", a, sorted(k.items()))

    @classmethod
    def c(cls, *a):
        return (cls.__name__, a)

    @staticmethod
    def s(*a, **k):
        return (a, sorted(k.items()))


k = K(7)
args, kwargs = (1, 2, 3), {"x": 1}
print(k.m(1), k.m(1, 2), k.m(*args), k.m(*args, **kwargs), K.m(k, 0, b=5), K.m(*(k, 9)))
print(k(), k(1, y=2), k(*args, **kwargs), K.c(1), k.c(*args), K.s(), k.s(1, z=3))
print(getattr(k, "m")(4), operator.methodcaller("m", 5, b=6)(k), operator.attrgetter("v")(k))
print(str.upper("abc"), "x".join(["1", "2"]), list.__len__([1, 2]), dict.get({"a": 1}, "a"), int.__add__(2, 3))
print(len("four"), abs(-3), max(1, 5, 3), min([4, 2, 8]), max([], default="empty"), min("bca", key=ord))
print(sum([1, 2, 3], 10), sum([[1], [2]], []), round(3.14159, 2), divmod(17, 5), pow(2, 10), pow(2, 10, 1000))
print(sorted("hello"), sorted([3, 1, 2], key=lambda v: -v), sorted({"b": 1, "a": 2}), list(reversed([1, 2, 3])))
print(list(map(str, range(4))), list(map(operator.add, [1, 2], [10, 20])), list(filter(str.isdigit, "a1b2")))
print(list(zip(range(3), "abc", [True, False, None])), list(enumerate("xy", 5)), list(zip()))
print(any([0, "", None]), all([1, "a"]), isinstance(1, (int, str)), issubclass(bool, int), callable(len))
print(chr(9731) == "\u2603", ord("\u2603"), hex(255), oct(8), bin(5), int("0x1f", 16), int(" -7 "), float("2.5"))
print(repr("r"), ascii("é"), format(5, "03"), hash(1) == hash(1.0), type(3).__name__, id(k) == id(k))
print(list(iter([1, 2])), next(iter("z")), next(iter([]), "default"), list(iter(iter([1, 2, 3]).__next__, 3)))
print(bool(), int(), float(), str(), tuple(), list(), dict(), set(), frozenset(), complex(), bytes())
print(dict(a=1, **{"b": 2}), list(range(*[2, 10, 3])), slice(*[1, 5]), tuple(x for x in "ab"))
print(getattr(1, "real"), hasattr([], "append"), vars(K)["s"].__class__.__name__, dir(k)[-1])
print(isinstance(K, type), type(k) is K, K.__name__, k.__class__.__name__, object.__name__)
p = functools.partial(k.m, 100, kw_only="p")
print(p(), p(200), p(200, 300, extra=1))
print(functools.reduce(operator.mul, range(1, 10)), operator.itemgetter(1, 0)("ab"), operator.neg(5))
print(list(map(lambda *xs: sum(xs), [1, 2], [3, 4], [5, 6])), sorted([(1, "b"), (1, "a"), (0, "z")]))
print(max([("a", 3), ("b", 1)], key=operator.itemgetter(1)), min(range(10), key=lambda v: (v - 4) ** 2))
try:
    len(5)
except TypeError as e:
    print("TypeError:", e)
try:
    int("nope")
except ValueError as e:
    print("ValueError:", e)
try:
    k.m()
except TypeError as e:
    print("TypeError:", e)
try:
    K.m(1)
except (TypeError, AttributeError) as e:
    print(type(e).__name__)
try:
    (lambda: 0)(1)
except TypeError as e:
    print("TypeError:", e)
not_callable = None
try:
    not_callable()
except TypeError as e:
    print("TypeError:", e)
callables = [len, str.lower, k.m, K, k, K.c, K.s, p, abs, lambda v: v, operator.not_]
for fn in callables:
    try:
        out = fn("Ab") if fn is not K else fn(1).v
    except Exception as e:
        out = type(e).__name__
    print(getattr(fn, "__name__", type(fn).__name__), "->", out)
acc = 0
for i in range(2000):
    acc += len(k.m(i, b=i)) + k.s(i)[0][0] + K.c(i)[1][0] + abs(-i) + max(i, 3) + int.__add__(i, 1)
print("acc", acc)
