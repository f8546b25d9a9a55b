"""Generators: iteration, send, throw, close, return values, yield from (delegation of
send/throw/close and return values), abandoned generators, generator state, recursion."""
import inspect


def counter(n):
    print("  counter starts")
    for i in range(n):
        received = yield i
        if received is not None:
            print("  counter received", received)
    print("  counter ends")
    return "counter done"


g = counter(3)
print(inspect.getgeneratorstate(g))
print(next(g), inspect.getgeneratorstate(g))
print(g.send("hello"))
print(next(g))
try:
    next(g)
except StopIteration as e:
    print("StopIteration value:", e.value, inspect.getgeneratorstate(g))
print(list(counter(4)))
try:
    counter(1).send("too early")
except TypeError as e:
    print("TypeError:", e)


def accumulator():
    total = 0
    while True:
        try:
            value = yield total
        except ValueError as e:
            print("  accumulator caught", e)
            total = 0
            continue
        except GeneratorExit:
            print("  accumulator closing with total", total)
            raise
        if value is None:
            break
        total += value
    return total


acc = accumulator()
next(acc)
print([acc.send(v) for v in (1, 2, 3)])
print(acc.throw(ValueError("reset")))
print(acc.send(10))
acc.close()
print("closed:", inspect.getgeneratorstate(acc))
acc2 = accumulator()
next(acc2)
acc2.send(5)
try:
    acc2.send(None)
except StopIteration as e:
    print("returned", e.value)
try:
    acc.throw(KeyError("after close"))
except KeyError as e:
    print("throw into closed:", e)


def ignores_exit():
    try:
        yield 1
    except GeneratorExit:
        yield "refuses to die"


bad = ignores_exit()
next(bad)
try:
    bad.close()
except RuntimeError as e:
    print("RuntimeError:", e)
print(list(bad))  # runs it to completion, so nothing is left to finalize at exit


def inner(tag):
    try:
        x = yield tag + "-1"
        print("  inner got", x)
        y = yield tag + "-2"
        print("  inner got", y)
    except KeyError as e:
        print("  inner handled", e)
        yield tag + "-recovered"
    finally:
        print("  inner finally", tag)
    return tag + "-result"


def outer():
    r1 = yield from inner("A")
    print("  outer got return", r1)
    r2 = yield from inner("B")
    print("  outer got return", r2)
    yield from range(2)
    return "outer-result"


o = outer()
print(next(o), o.send("s1"), o.send("s2"))
print(o.throw(KeyError("k")))
print(list(o))
o2 = outer()
next(o2)
o2.close()
print("o2 closed")


def delegate_to_iterable():
    yield from "ab"
    yield from [1, 2]
    yield from (x * x for x in range(3))
    yield from {"k": 1}


print(list(delegate_to_iterable()))


def abandoned():
    try:
        for i in range(100):
            yield i
    finally:
        print("  abandoned generator cleaned up at", i)


for v in abandoned():
    if v == 3:
        break
print("after break")
gen = abandoned()
next(gen)
next(gen)
gen = None
print("after dropping reference")


def tree(n):
    if n > 0:
        yield from tree(n - 1)
        yield n
        yield from tree(n - 1)


print(list(tree(4)))


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


f = fib()
print([next(f) for _ in range(30)])


def running_check():
    yield inspect.getgeneratorstate(me)


me = running_check()
print(next(me))


def raises_stop():
    yield 1
    raise StopIteration("converted")


try:
    list(raises_stop())
except RuntimeError as e:
    print("RuntimeError:", e, "cause:", repr(e.__cause__))
pipeline = (x * 2 for x in (y + 1 for y in range(10) if y % 2) if x > 3)
print(list(pipeline))
print(sum(1 for _ in zip(fib(), range(500))), max(zip(range(1000), fib()))[0])
g3 = (i for i in range(3))
print(g3.gi_running, g3.gi_frame is not None, g3.__name__, list(g3), g3.gi_frame)
total = 0
for i in range(300):
    c = accumulator()
    next(c)
    for k in range(i % 5):
        c.send(k)
    try:
        c.send(None)
    except StopIteration as e:
        total += e.value
print("total", total)
