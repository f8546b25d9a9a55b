# UNPACK_SEQUENCE of exact tuples and lists (inline in compiled code) and of everything that
# must take the generic path, with its errors; `is` / `is not` on all kinds of operands.
import collections


def unpack(seq):
    try:
        a, b, c = seq
        return ("ok", a, b, c)
    except Exception as e:
        return (type(e).__name__, str(e))


class Tup(tuple):
    def __iter__(self):
        return iter(("sub", "class", "iter"))


class Lst(list):
    pass


Point = collections.namedtuple("Point", "x y z")
cases = [(1, 2, 3), [4, 5, 6], (1, 2), [1, 2, 3, 4], (), [], "abc", "ab", range(3),
         {7: 0, 8: 0, 9: 0}, Tup((1, 2, 3)), Lst([9, 8, 7]), Point(1, 2, 3), 5, None,
         iter([1, 2, 3]), (x * 2 for x in range(3)), (x for x in range(5))]
for case in cases:
    print(type(case).__name__, unpack(case))


def one(seq):
    (a,) = seq
    return a


def many(seq):
    a, b, c, d, e, f, g, h, i, j = seq
    return j, i, h, g, f, e, d, c, b, a


print(one([42]), one((43,)), many(tuple(range(10))), many(list("abcdefghij")))
try:
    one([])
except ValueError as e:
    print("ValueError", e)


def swap_loop(n):
    a, b = 0, 1
    pairs = [(i, i * i) for i in range(n)]
    total = 0
    for x, y in pairs:
        total += x * y
        a, b = b, a + b
    for k, v in {"x": 1, "y": 2}.items():
        total += v
    return total, a, b


print(swap_loop(50))


def owned_items():
    # The unpacked items outlive the temporary sequence they came from.
    a, b = [object(), [1, 2]], None
    x, y = a
    del a
    return type(x).__name__, y


print(owned_items())

sentinel = object()
operands = [None, 0, 1, True, False, "", "s", sentinel, (), [], 1.5, Ellipsis, NotImplemented]
for left in operands:
    print([left is right for right in operands], [left is not right for right in operands])


def identity_in_branches(values):
    out = []
    for v in values:
        if v is None:
            out.append("none")
        elif v is not sentinel:
            out.append("other")
        else:
            out.append("sentinel")
    return out


print(identity_in_branches([None, sentinel, 0, "", None]))


# Truth tests of None, ints, lists and tuples (inline), and of everything else.
class Falsy:
    def __bool__(self):
        return False


class Sized:
    def __len__(self):
        return 3


class IntSub(int):
    def __bool__(self):
        return True


conditions = [None, 0, 1, -1, 2 ** 100, -(2 ** 100), [], [0], (), (None,), True, False, "",
              "x", {}, {1: 2}, 0.0, Falsy(), Sized(), IntSub(0), [x for x in range(1000)]]
for c in conditions:
    verdicts = []
    if c:
        verdicts.append("if")
    if not c:
        verdicts.append("if not")
    while c:
        verdicts.append("while")
        break
    verdicts.append("and" if (c and True) else "and-false")
    print(type(c).__name__, verdicts)


def drain(stack):
    popped = 0
    while stack:
        stack.pop()
        popped += 1
    return popped


print(drain(list(range(100))), drain([]))
