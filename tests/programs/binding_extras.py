"""Calls with positional arguments of functions that bind more than positional parameters:
`*args`, `**kwargs`, keyword-only parameters with and without defaults, arguments that live
in cells, closures, and the errors binding raises; compiled code binds these itself."""

import sys


def star(a, *rest):
    return (a, rest, type(rest).__name__)


def star_star(a, b=2, **kw):
    kw["seen"] = a + b
    return sorted(kw.items())


def both(*args, **kwargs):
    return (args, kwargs)


def kwonly(a, *, scale=10, shift=1):
    return a * scale + shift


def kwonly_required(a, *, needed):
    return a + needed


def kwonly_and_star(a, *rest, flag=False, **kw):
    return (a, rest, flag, kw)


def cell_argument(x, y):
    def read():
        return x + y

    x = x * 2
    return read()


def cell_star(*items):
    return lambda: len(items)


def make_counter(start):
    count = [start]

    def bump(step=1):
        count[0] += step
        return count[0]

    return bump


def make_adder(n):
    def add(x, *more):
        return x + n + sum(more)

    return add


def outer_locals(a, *b, c=3):
    def inner():
        return (a, b, c)

    return sorted(sys._getframe().f_locals), inner()


def logger_like(self, msg, *args, **kwargs):
    if args:
        msg = msg % args
    return (self, msg, kwargs)


def run():
    out = []
    for i in range(3):
        out.append(star(i))
        out.append(star(i, i + 1, i + 2))
        out.append(star_star(i))
        out.append(star_star(i, 5))
        out.append(both())
        out.append(both(i, "x"))
        out.append(kwonly(i))
        out.append(kwonly_and_star(i, 1, 2))
        out.append(cell_argument(i, 10))
        out.append(cell_star(1, 2, 3)())
        out.append(outer_locals(i, 7, 8))
        out.append(logger_like("log", "%s-%s", i, i * 2))
    empty = star(0)[1]
    out.append(empty is ())
    counter = make_counter(5)
    out.append([counter(), counter(2), counter()])
    adder = make_adder(100)
    out.append([adder(1), adder(1, 2, 3)])
    for bad in (lambda: kwonly_required(1), lambda: star(), lambda: kwonly(1, 2), lambda: star_star(1, 2, 3)):
        try:
            bad()
        except TypeError as e:
            out.append(str(e))
    kwonly.__kwdefaults__ = {"scale": 1000, "shift": 0}
    out.append(kwonly(3))
    kwonly.__kwdefaults__ = {"scale": 1000}
    try:
        kwonly(3)
    except TypeError as e:
        out.append(str(e))
    kwonly.__kwdefaults__ = None
    try:
        kwonly(3)
    except TypeError as e:
        out.append(str(e))
    kwonly_required.__kwdefaults__ = {"needed": 0.5}
    out.append(kwonly_required(2))
    kwonly.__kwdefaults__ = {"scale": 10, "shift": 1}
    kwonly_required.__kwdefaults__ = None
    return out


for round_ in range(3):
    for line in run():
        print(line)


def many_kwonly(a, *, k1=1, k2=2, k3=3, k4=4, k5=5, k6=6, k7=7, k8=8, k9=9):
    return a + k1 + k2 + k3 + k4 + k5 + k6 + k7 + k8 + k9


def gen_with_star(*items, **kw):
    yield from items
    yield sorted(kw)


def calls_more():
    return [many_kwonly(i) for i in range(3)] + [list(gen_with_star(1, 2)) for _ in range(2)]


print(calls_more())
print(calls_more())
