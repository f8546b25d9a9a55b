"""Operands that compiled code reads straight from locals and constants without counting a
reference (the next instruction consumes them): arithmetic, comparisons, subscripts,
attribute loads and stores, branches on a local, and the same with globals. Checked here: a float held only by a
local is never reused for a result, reference counts are the same after every kind of
consumer (fast path, slow path, error), an unbound second operand raises with the first
one intact, and code run by a slow path (`__getattr__`, `__bool__`, `__eq__`, `__del__`
of a replaced attribute) sees consistent objects."""

import sys


def float_locals_stay(n):
    out = []
    for i in range(n):
        x = float(i) + 0.5  # only the local refers to it
        y = x + x
        z = x * 3.0
        w = 2.0 - x
        v = x / 4.0
        out.append((x, y, z, w, v))
    return out


def int_locals(n):
    total = 0
    for i in range(n):
        total = total + i
        total = total - 1
        total = total * 1
        if total > 100000:
            total = 0
    return total


def subscripts(seq, n):
    acc = 0
    for i in range(n):
        acc += seq[i % len(seq)]
    try:
        seq[len(seq)]
    except IndexError as error:
        acc += len(str(error))
    return acc


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Lazy:
    def __getattr__(self, name):
        return name.upper()


class Truthy:
    calls = 0

    def __bool__(self):
        Truthy.calls += 1
        return Truthy.calls % 2 == 0


class Equal:
    def __eq__(self, other):
        return isinstance(other, Equal)

    def __lt__(self, other):
        raise TypeError("no order")


class Noisy:
    def __init__(self, tag, log):
        self.tag = tag
        self.log = log

    def __del__(self):
        self.log.append("del " + self.tag)


def attributes(p, n):
    total = 0
    for i in range(n):
        total += p.x + p.y
        p.x = i
        p.y = p.x
    lazy = Lazy()
    missing = lazy.anything
    try:
        p.z
    except AttributeError as error:
        missing += " " + str(error)
    return total, missing


def replaced_attribute_runs_del(holder, log):
    holder.value = Noisy("first", log)
    holder.value = Noisy("second", log)
    holder.value = None
    return list(log)


def list_stores(log):
    items = [Noisy("a", log), Noisy("b", log)]
    i = 0
    items[i] = Noisy("c", log)  # the replaced item's __del__ runs inside the store
    items[1] = None
    try:
        items[i + 5] = 1
    except IndexError as error:
        log.append(str(error))
    return [type(x).__name__ for x in items], log


def unpack_locals(pairs):
    out = []
    for p in pairs:
        try:
            a, b = p
            out.append(a + b)
        except (ValueError, TypeError) as error:
            out.append(str(error))
    single = (7,)
    (c,) = single
    return out, c


def branches(values):
    taken = []
    for v in values:
        if v:
            taken.append(True)
        else:
            taken.append(False)
    return taken


def comparisons(a, b):
    out = [a == b, a != b, a is b, a is not b]
    try:
        out.append(a < b)
    except TypeError as error:
        out.append(str(error))
    return out


def unbound_second(flag):
    a = 1.5
    if flag:
        b = 2.5
    try:
        return a + b
    except UnboundLocalError as error:
        return (a, type(error).__name__)


LIMIT = 10
SCALE = 2.5
FLAG = True
ORIGIN = Point(0, 0)


def globals_as_operands(n):
    out = []
    for i in range(n):
        out.append((i < LIMIT, i * SCALE, SCALE + i, ORIGIN.x, LIMIT - i))
        if FLAG:
            out.append(LIMIT == i)
    return out


def rebound_globals():
    global LIMIT, SCALE, FLAG
    first = globals_as_operands(3)
    LIMIT, SCALE, FLAG = 1, 0.5, False  # the caches miss once, then hit the new values
    second = globals_as_operands(3)
    LIMIT, SCALE, FLAG = 10, 2.5, True
    return first, second


def undefined_global_below_a_local(x):
    try:
        return x + NOT_DEFINED_ANYWHERE
    except NameError as error:
        return (x, str(error))


def concatenate(n):
    s = ""
    for i in range(n):
        s += "x"
        s = s + "y"
    return len(s)


print(float_locals_stay(4))
print(int_locals(500))
print(subscripts([1, 2, 3, 4], 50), subscripts((5, 6), 7))
p = Point(1, 2)
print(attributes(p, 30), p.x, p.y)
print(replaced_attribute_runs_del(Point(0, 0), []))
print(list_stores([]))
print(unpack_locals([(1, 2), [3, 4], (5, 6, 7), 8, "ab", iter([9, 10])]))
print(branches([0, 1, "", "a", [], [1], None, Truthy(), Truthy(), Truthy(), 2.0, 0.0]))
print(comparisons(Equal(), Equal()), comparisons(1, 1), comparisons(1.0, 2))
print(unbound_second(True), unbound_second(False))
print(concatenate(20))
print(rebound_globals())
print(undefined_global_below_a_local(3.5), undefined_global_below_a_local(3.5))

# Reference counts after each kind of consumer are what the interpreter leaves.
big = 10 ** 30
flt = 12.25
lst = [big, flt]
obj = Point(big, flt)
before = [sys.getrefcount(o) for o in (big, flt, lst, obj, SCALE)]


def consume_all(big, flt, lst, obj, n):
    for _ in range(n):
        big + big
        flt * flt
        flt * SCALE
        SCALE < flt
        if SCALE:
            pass
        flt < flt
        big == big
        lst[0]
        lst[1] = flt
        a, b = lst
        obj.x
        obj.y = flt
        if lst:
            pass
        try:
            obj.missing
        except AttributeError:
            pass
        try:
            big < lst
        except TypeError:
            pass


consume_all(big, flt, lst, obj, 20)
after = [sys.getrefcount(o) for o in (big, flt, lst, obj, SCALE)]
print(before == after, after[0] - before[0], after[1] - before[1])
