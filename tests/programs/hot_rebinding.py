"""Code that becomes hot (called hundreds of times, so the default threshold compiles it)
and then sees its assumptions change: globals and builtins rebound, class attributes and
methods replaced, __class__ changed, function __code__/__defaults__ swapped, operand types
switching from int to float to str to custom objects."""
import builtins

SCALE = 2


def uses_global(v):
    return v * SCALE


def uses_builtin(seq):
    return len(seq)


def polymorphic_add(a, b):
    return a + b


def attribute_reader(obj):
    return obj.value


def method_caller(obj):
    return obj.compute(3)


class Thing:
    value = "class value"

    def compute(self, n):
        return n * 10


class Other:
    value = "other value"

    def compute(self, n):
        return -n


def report(label, results):
    print(label, results[:3], results[-3:], len(results))


results = [uses_global(i) for i in range(300)]
report("global before", results)
SCALE = "x"
report("global rebound to str", [uses_global(i % 4) for i in range(300)])
del SCALE
try:
    uses_global(1)
except NameError as e:
    print("NameError after del:", e)
SCALE = 3.5
report("global float", [uses_global(i) for i in range(5)])

report("builtin len", [uses_builtin("abc" * (i % 5)) for i in range(300)])
original_len = builtins.len
builtins.len = lambda s: "patched"
try:
    print("builtin patched:", uses_builtin("abc"))
    len = lambda s: "module global shadows builtin"  # noqa: E731
    print("global shadow:", uses_builtin("abc"))
    del len
    print("shadow removed:", uses_builtin("abc"))
finally:
    builtins.len = original_len
print("builtin restored:", uses_builtin("abcd"))

report("ints", [polymorphic_add(i, i) for i in range(300)])
report("floats", [polymorphic_add(i + 0.5, 1) for i in range(300)])
report("strings", [polymorphic_add(str(i), "!") for i in range(300)])
report("lists", [polymorphic_add([i], [0]) for i in range(5)])
report("big ints", [polymorphic_add(2 ** 100, i) for i in range(5)])
report("overflowing ints", [polymorphic_add(2 ** 62, 2 ** 62 + i) for i in range(5)])
try:
    polymorphic_add(1, "a")
except TypeError as e:
    print("TypeError:", e)

objs = [Thing() for _ in range(300)]
report("attribute", [attribute_reader(o) for o in objs])
objs[0].value = "instance value"
print("instance shadows:", attribute_reader(objs[0]), attribute_reader(objs[1]))
Thing.value = "class attribute replaced"
print("class replaced:", attribute_reader(objs[1]))
del Thing.value
try:
    attribute_reader(objs[1])
except AttributeError as e:
    print("AttributeError:", e)
Thing.value = property(lambda self: "now a property")
print("property:", attribute_reader(objs[2]))
report("methods", [method_caller(o) for o in objs])
Thing.compute = lambda self, n: "replaced method %d" % n
print("method replaced:", method_caller(objs[3]))
objs[4].compute = lambda n: "instance function %d" % n
print("instance attribute:", method_caller(objs[4]))
objs[5].__class__ = Other
print("__class__ changed:", method_caller(objs[5]), attribute_reader(objs[5]))
print("mixed receivers", [method_caller(o) for o in objs[:8]])


def target(x, y=1):
    return x + y


def replacement(x, y=1):
    return x * y * 100


report("before code swap", [target(i) for i in range(300)])
target.__code__ = replacement.__code__
print("after __code__ swap:", target(2), target(2, 3))
target.__defaults__ = (7,)
print("after __defaults__ swap:", target(2))


def counter_loop(n):
    total = 0
    for i in range(n):
        total += i
    return total


report("loop", [counter_loop(i) for i in range(300)])
print("larger n:", counter_loop(1000), counter_loop(10 ** 5))


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Num(self.v + (other.v if isinstance(other, Num) else other))

    def __radd__(self, other):
        return Num(other + self.v)

    def __repr__(self):
        return "Num(%r)" % self.v


report("custom objects", [polymorphic_add(Num(i), 1) for i in range(300)])
print("radd:", polymorphic_add(1, Num(2)), polymorphic_add(Num(1), Num(2)))
Num.__add__ = lambda self, other: "patched __add__"
print("patched dunder:", polymorphic_add(Num(1), 1))
