"""Reads of parameters, which compiled code makes without the unbound check when nothing
can unbind them: parameters deleted by the function itself, parameters captured by a
closure (the frame moves them into a cell), generators (a tracer may clear a local while
they are suspended), keyword-only, *args and **kwargs parameters, and a tracer that
clears a parameter of a plain function (which then runs in the interpreter)."""

import sys


def deleted_then_read(a, b):
    total = a + b
    del a
    try:
        return a
    except UnboundLocalError as error:
        return (total, str(error))


def deleted_on_one_path(a, flag):
    if flag:
        del a
    try:
        return a * 2
    except UnboundLocalError as error:
        return str(error)


def captured(a, b):
    def inner():
        return a + b
    return inner() + b


def all_kinds(p, q, *args, r, **kwargs):
    return (p, q, args, r, sorted(kwargs.items()))


def generator(a, b):
    yield a
    yield a + b
    del b
    try:
        yield b
    except UnboundLocalError as error:
        yield str(error)


for i in range(3):
    print(deleted_then_read(i, 10))
    print(deleted_on_one_path(i, i % 2), deleted_on_one_path(i, 0))
    print(captured(i, 5))
    print(all_kinds(1, 2, 3, 4, r=5, s=6, t=7))
    print(list(generator(i, 3)))


def cleared_by_tracer(a, b):
    marker = 1
    return a + b + marker


def tracer(frame, event, arg):
    if event == "line" and frame.f_code is cleared_by_tracer.__code__ and "marker" in frame.f_locals:
        frame.f_locals["a"] = 100
    return tracer


print(cleared_by_tracer(1, 2))
sys.settrace(tracer)
try:
    print(cleared_by_tracer(1, 2))
finally:
    sys.settrace(None)
print(cleared_by_tracer(1, 2))


def suspended(a):
    yield 1
    yield a


def clearing_tracer(frame, event, arg):
    if frame.f_code is suspended.__code__ and event == "line":
        frame.f_locals.pop("a", None)
    return clearing_tracer


g = suspended(7)
print(next(g))
sys.settrace(clearing_tracer)
try:
    print(next(g))
except UnboundLocalError as error:
    print("UnboundLocalError", error)
finally:
    sys.settrace(None)
