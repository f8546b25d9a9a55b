"""Generators, coroutines and async generators suspended and resumed in compiled code:
send/throw/close, yield from any iterator, async for/with and their error messages."""
import asyncio


def counter(n):
    total = 0
    for i in range(n):
        got = yield i
        if got is not None:
            total += got
    return total


def delegate(n):
    result = yield from counter(n)
    yield ("result", result)
    yield from iter([7, 8])
    yield from (x * 2 for x in range(2))


def guarded():
    try:
        yield "start"
        yield "middle"
    except KeyError as e:
        yield "caught %r" % e
    finally:
        print("guarded finally")


class Sender:
    """Not a generator: `yield from` uses its __next__ and send()."""
    def __init__(self):
        self.n = 0
    def __iter__(self):
        return self
    def __next__(self):
        self.n += 1
        if self.n > 3:
            raise StopIteration("sender done")
        return self.n
    def send(self, v):
        return ("sent", v)


def uses_sender():
    r = yield from Sender()
    return r


def run_generators(k):
    g = delegate(3)
    out = [next(g)]
    out.append(g.send(5))
    out.extend(g)
    h = guarded()
    out.append(next(h))
    out.append(h.throw(KeyError("k%d" % k)))
    h.close()
    s = uses_sender()
    out.append(next(s))
    out.append(s.send("x"))
    try:
        while True:
            out.append(next(s))
    except StopIteration as e:
        out.append(("stop", e.value))
    abandoned = counter(10)
    next(abandoned)
    del abandoned
    try:
        list(x for x in (1, 0) if 1 // x)
    except ZeroDivisionError as e:
        out.append(repr(e))
    return out


async def square(x):
    await asyncio.sleep(0)
    return x * x


async def ticker(n):
    for i in range(n):
        yield await square(i)


class Manager:
    def __init__(self, log):
        self.log = log
    async def __aenter__(self):
        self.log.append("enter")
        return self
    async def __aexit__(self, et, ev, tb):
        self.log.append(("exit", et.__name__ if et else None))
        return et is KeyError


class NotAsyncIterable:
    pass


async def run_async(k):
    log = []
    log.append(await square(k))
    log.append([v async for v in ticker(4)])
    async for v in ticker(2):
        log.append(v)
    async with Manager(log):
        log.append("body")
    async with Manager(log):
        raise KeyError("swallowed")
    try:
        async for v in NotAsyncIterable():
            pass
    except TypeError as e:
        log.append(str(e))
    agen = ticker(5)
    log.append(await agen.__anext__())
    await agen.aclose()
    try:
        await agen.__anext__()
    except StopAsyncIteration:
        log.append("closed")
    return log


for k in range(300):
    result = run_generators(k)
    log = asyncio.run(run_async(k)) if k % 50 == 0 else None
    if k % 50 == 0:
        print(k, result)
        print(k, log)
