"""Float results written into temporaries (an operand only the value stack holds takes the
result) and STORE_SUBSCR into exact lists (inline): shared operands must keep their
values, every leg of an expression must see the right numbers, and list stores must behave
as list_ass_item does: bounds errors, negative and non-int indexes, list subclasses, an old
item's __del__ that looks at or changes the list, and reference counts."""
import sys


def chains(a, b, c):
    # temporaries on the left, on the right, on both sides, and none at all
    return [
        (a * b) + c,
        a + (b * c),
        (a * b) + (b * c),
        (a - b) * (a + b),
        a / (b - c) if b != c else None,
        ((a + 1.0) * 2.0 - 3.0) / 4.0,
        a + b,
    ]


x = 1.5
y = x * 2.0
z = x + y
print("shared operands", x, y, z)
for args in [(1.5, 2.5, 3.5), (-0.0, 0.0, 1e308), (float("inf"), 2.0, 2.0), (1e-300, 1e-300, 3.0)]:
    for _ in range(3):
        print(chains(*args))

floats = [0.5, 1.5, 2.5]
totals = []
for i in range(3):
    totals.append(floats[i] * 2.0 + floats[i])     # list items are shared: never overwritten
print("list items unchanged", floats, totals)

acc = 0.0
for i in range(1000):
    acc = acc * 0.5 + i * 0.25                        # acc's old value is a temporary
print("accumulator", acc)


def refcount_delta(v):
    before = sys.getrefcount(v)
    w = (v * 1.0) + 2.0
    return sys.getrefcount(v) - before, w


print("refcount of a shared operand", refcount_delta(4.0))


class F(float):
    def __add__(self, other):
        return "F.__add__"


print("float subclass", F(1.0) + 2.0, (F(1.0) * 2.0) + 1.0)
try:
    print((x * 2.0) / (x - x))
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
print("temp left alive after a failed division", [x * 2.0 for _ in range(2)])


def store_all(lst, values):
    for i, v in enumerate(values):
        lst[i] = v
    return lst


print(store_all([0] * 4, "abcd"))
print(store_all([None] * 3, [1.5, 2.5, 3.5]))


def store_at(lst, index, value):
    try:
        lst[index] = value
        return lst
    except (IndexError, TypeError) as e:
        return "%s: %s" % (type(e).__name__, e)


class Index:
    def __index__(self):
        return 1


for index in [0, 2, 3, -1, -4, True, 2 ** 70, Index(), 1.0, "1"]:
    print(repr(index)[:20], store_at([10, 20, 30], index, "new"))
print(store_at((1, 2), 0, "x"))
print(store_at({}, 0, "x"))


class MyList(list):
    def __setitem__(self, index, value):
        print("MyList.__setitem__", index, value)
        super().__setitem__(index, value)


print(store_at(MyList([1, 2]), 1, "sub"))


class Noisy:
    def __init__(self, name, owner):
        self.name, self.owner = name, owner

    def __del__(self):
        print("del", self.name, "sees", [getattr(o, "name", o) for o in self.owner])
        self.owner.append("appended by __del__")


owner = []
owner.extend([Noisy("first", owner), Noisy("second", owner)])
store_at(owner, 0, "replacement")
print("after", [getattr(o, "name", o) for o in owner])

value = object()
before = sys.getrefcount(value)
target = [None, None]
for _ in range(5):
    target[1] = value
print("refcount after stores", sys.getrefcount(value) - before)
target[1] = None
print("refcount after overwrite", sys.getrefcount(value) - before)
