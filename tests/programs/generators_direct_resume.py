"""Generators resumed by compiled code's `yield from` and `for` loops, which resume a
compiled generator in machine code themselves: sent values, return values, PEP 479,
exceptions, frames, exception state, running and finished generators, tracing."""

import sys


def leaf(n):
    got = []
    for i in range(n):
        sent = yield i
        got.append(sent)
    return ("leaf done", got)


def middle(n):
    result = yield from leaf(n)
    yield result
    return "middle done"


def top(n):
    result = yield from middle(n)
    yield result


def tree(depth):
    if depth:
        yield from tree(depth - 1)
        yield depth
        yield from tree(depth - 1)


def stops():
    yield 1
    raise StopIteration("inside")


def delegating_stops():
    yield from stops()


def raises():
    yield 1
    raise KeyError("raised inside")


def caller_frame():
    while True:
        yield sys._getframe(1).f_code.co_name


def exc_info_inside():
    try:
        raise ValueError("handled")
    except ValueError:
        yield repr(sys.exc_info()[1])
        yield repr(sys.exc_info()[1])
    yield repr(sys.exc_info()[1])


def running_flag():
    me = yield
    while True:
        yield me.gi_running


def reentrant():
    me = yield
    try:
        next(me)
    except ValueError as e:
        yield str(e)


def drive(gen_factory, sends):
    gen = gen_factory()
    out = [next(gen)]
    for value in sends:
        try:
            out.append(gen.send(value))
        except StopIteration as e:
            out.append(("stop", e.value))
            break
    return out


def loop_over(gen):
    return [x for x in gen]


def from_loop(gen):
    out = []
    for x in gen:
        out.append(x)
    return out


def wrapper(gen):
    return (yield from gen)


def run():
    out = []
    out.append(drive(lambda: top(3), ["a", "b", "c", "d", "e"]))
    out.append(from_loop(tree(3)))
    out.append(loop_over(top(2)))
    for factory in (stops, delegating_stops, raises):
        try:
            out.append(from_loop(factory()))
        except (RuntimeError, KeyError) as e:
            out.append((type(e).__name__, str(e), repr(e.__cause__)))
    frames = caller_frame()
    out.append([next(frames), next(frames)])
    try:
        raise IndexError("outer")
    except IndexError:
        out.append(from_loop(exc_info_inside()))
        out.append(repr(sys.exc_info()[1]))
    gen = running_flag()
    next(gen)
    gen.send(gen)
    out.append([next(gen), next(gen)])
    gen = reentrant()
    next(gen)
    out.append(gen.send(gen))
    finished = leaf(1)
    out.append(from_loop(finished))
    out.append((finished.gi_frame, from_loop(finished)))
    delegate = wrapper(leaf(2))
    out.append(next(delegate))
    out.append(delegate.send("x"))
    try:
        delegate.send("y")
    except StopIteration as e:
        out.append(("returned through", e.value))
    return out


for _ in range(3):
    for line in run():
        print(line)

events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "leaf":
        events.append(event)
    return tracer


gen = middle(3)
print(next(gen))
sys.settrace(tracer)
try:
    print(gen.send(1))
finally:
    sys.settrace(None)
print(gen.send(2), events)
