"""Coroutines: async def, await, async for, async with, async generators (asend, athrow,
aclose), asyncio.run, gather and queues with deterministic ordering, exceptions and
cancellation."""
import asyncio


class AsyncResource:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        print("  aenter", self.name)
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        print("  aexit", self.name, exc_type.__name__ if exc_type else None)
        return exc_type is KeyError


class AsyncCounter:
    def __init__(self, n):
        self.i, self.n = 0, n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        await asyncio.sleep(0)
        return self.i


async def agen(n):
    try:
        for i in range(n):
            got = yield i * 10
            if got:
                print("  agen received", got)
            await asyncio.sleep(0)
    finally:
        print("  agen finally")


async def add(a, b):
    await asyncio.sleep(0)
    return a + b


async def fail(msg):
    await asyncio.sleep(0)
    raise ValueError(msg)


async def worker(name, queue, results):
    while True:
        item = await queue.get()
        if item is None:
            queue.task_done()
            break
        results.append((name, item, await add(item, item)))
        queue.task_done()


async def main():
    print("add:", await add(1, 2))
    async with AsyncResource("r1") as r:
        print("  inside", r.name)
    async with AsyncResource("r2"):
        raise KeyError("swallowed by __aexit__")
    try:
        async with AsyncResource("r3"):
            raise ValueError("not swallowed")
    except ValueError as e:
        print("  caught", e)
    print("async for:", [v async for v in AsyncCounter(4)])
    async for v in AsyncCounter(2):
        print("  counted", v)
    print("agen:", [v async for v in agen(3)])
    print("agen comprehension filter:", [v async for v in agen(5) if v % 20 == 0])
    ag = agen(5)
    print("  asend None:", await ag.asend(None))
    print("  asend 'x':", await ag.asend("x"))
    try:
        await ag.athrow(KeyError("thrown"))
    except KeyError as e:
        print("  athrow propagated", e)
    ag2 = agen(5)
    print("  first:", await ag2.__anext__())
    await ag2.aclose()
    print("  closed")
    results = await asyncio.gather(add(1, 1), add(2, 2), add(3, 3))
    print("gather:", results)
    outcomes = await asyncio.gather(add(1, 0), fail("boom"), return_exceptions=True)
    print("gather with exceptions:", [repr(o) for o in outcomes])
    try:
        await fail("direct")
    except ValueError as e:
        print("awaited failure:", e)
    queue = asyncio.Queue()
    collected = []
    workers = [asyncio.ensure_future(worker("w%d" % i, queue, collected)) for i in range(2)]
    for item in range(6):
        queue.put_nowait(item)
    for _ in workers:
        queue.put_nowait(None)
    await queue.join()
    await asyncio.gather(*workers)
    print("queue results:", sorted(collected, key=lambda t: t[1]))

    async def sleeper():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print("  sleeper cancelled")
            raise

    task = asyncio.ensure_future(sleeper())
    await asyncio.sleep(0)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("task cancelled:", task.cancelled())
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.001)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    order = []

    async def step(name, n):
        for i in range(n):
            order.append("%s%d" % (name, i))
            await asyncio.sleep(0)

    await asyncio.gather(step("a", 3), step("b", 2))
    print("interleaving:", order)
    total = 0
    for i in range(300):
        total += await add(i, 1)
    async for v in AsyncCounter(300):
        total += v
    return total


print("main returned", asyncio.run(main()))


async def simple():
    return "simple"


coro = simple()
print(type(coro).__name__)
try:
    coro.send(None)
except StopIteration as e:
    print("manual drive:", e.value)
