"""Coroutines driven by hand, without an event loop: custom awaitables (__await__),
types.coroutine generators, send/throw/close on coroutines, a tiny round-robin scheduler,
async generators driven manually, and errors such as awaiting twice."""
import types


class Suspend:
    """An awaitable that yields a request to whoever drives the coroutine."""

    def __init__(self, request):
        self.request = request

    def __await__(self):
        reply = yield self.request
        return "reply to %s: %s" % (self.request, reply)


@types.coroutine
def raw_suspend(tag):
    value = yield ("raw", tag)
    return value


async def child(n):
    got = await Suspend("child%d" % n)
    return got.upper()


async def parent():
    first = await child(1)
    second = await raw_suspend("r")
    try:
        await Suspend("may fail")
    except KeyError as e:
        recovered = "recovered from %s" % e
    third = await child(2)
    return [first, second, recovered, third]


coro = parent()
request = coro.send(None)
step = 0
try:
    while True:
        step += 1
        print("step", step, "request", request)
        if request == "may fail":
            request = coro.throw(KeyError("thrown in"))
        else:
            request = coro.send("answer%d" % step)
except StopIteration as e:
    print("parent returned", e.value)
try:
    coro.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)


async def closable():
    try:
        await Suspend("waiting forever")
    finally:
        print("closable cleaned up")


c = closable()
c.send(None)
c.close()


def run(tasks):
    """Round-robin scheduler: every Suspend yields control back here."""
    queue = [(name, coro, None) for name, coro in tasks]
    results = {}
    while queue:
        name, coro, value = queue.pop(0)
        try:
            request = coro.send(value)
        except StopIteration as e:
            results[name] = e.value
            print("  finished", name)
            continue
        print("  %s yielded %r" % (name, request))
        queue.append((name, coro, request))
    return results


async def worker(name, steps):
    total = 0
    for i in range(steps):
        reply = await Suspend("%s-%d" % (name, i))
        total += len(reply)
    return total


print(sorted(run([("a", worker("a", 3)), ("b", worker("b", 1)), ("c", worker("c", 2))]).items()))


async def agen():
    for i in range(3):
        yield await Suspend("agen%d" % i)


ag = agen()
nxt = ag.__anext__()
print(nxt.send(None))
try:
    nxt.send("v0")
except StopIteration as e:
    print("first item", e.value)


async def noop():
    return 1


n = noop()
try:
    n.send(None)
except StopIteration as e:
    print("noop value", e.value)
try:
    n.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    Suspend("x").__await__().send("not started")
except TypeError as e:
    print("TypeError:", e)
total = 0
for i in range(300):
    cr = child(i)
    cr.send(None)
    try:
        cr.send(i)
    except StopIteration as e:
        total += len(e.value)
print("total", total)
