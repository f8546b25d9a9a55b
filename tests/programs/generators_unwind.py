"""Generators and coroutines suspended inside loops, `try`/`finally` and `with` blocks,
resumed with send(), throw() and close(), including yields inside a `finally` body that a
`break` or `return` is unwinding through (3.7 keeps the pending `why` code and return
value on the generator's saved stack); async generators' athrow()/aclose(); and, on 3.7,
`sys.set_coroutine_wrapper`."""

import sys
import warnings

log = []


class CM:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        log.append("enter " + self.name)

    def __exit__(self, tp, val, tb):
        log.append("exit %s %s" % (self.name, tp.__name__ if tp else None))
        return tp is KeyError


def yield_in_finally_during_break():
    for i in range(5):
        try:
            if i == 2:
                break
            yield i
        finally:
            x = yield "fin%d" % i
            log.append(("sent", x))
    yield "after"


def yield_in_finally_during_return():
    try:
        for i in range(3):
            try:
                return "ret"
            finally:
                yield "inner-fin%d" % i
    finally:
        yield "outer-fin"


def gen_with_blocks():
    for i in range(4):
        with CM("w%d" % i):
            try:
                got = yield i
                if got == "skip":
                    continue
                if got == "stop":
                    break
                log.append(("got", got))
            except ValueError as e:
                log.append(("caught", str(e)))
                yield "handled"
    log.append("gen end")


def delegating():
    for i in range(2):
        try:
            r = yield from gen_with_blocks()
            log.append(("delegate returned", r))
        finally:
            log.append("delegating finally %d" % i)


async def agen(n):
    for i in range(n):
        try:
            yield i
        finally:
            log.append("agen finally %d" % i)


def drive_agen():
    out = []
    g = agen(5)
    for step in ("next", "next", "athrow", "aclose"):
        if step == "next":
            aw = g.__anext__()
        elif step == "athrow":
            aw = g.athrow(KeyError("k"))
        else:
            aw = g.aclose()
        try:
            aw.send(None)
        except StopIteration as e:
            out.append((step, "stop", e.value))
        except StopAsyncIteration:
            out.append((step, "stopasync"))
        except KeyError as e:
            out.append((step, "keyerror", str(e)))
    return out


def run_all():
    del log[:]
    out = []
    g = yield_in_finally_during_break()
    out.append(next(g))
    v = next(g)
    while True:
        out.append(v)
        try:
            v = g.send(len(out))
        except StopIteration:
            break
    out.append(list(yield_in_finally_during_return()))
    g = gen_with_blocks()
    out.append(next(g))
    out.append(g.send("skip"))
    out.append(g.throw(ValueError("v")))
    out.append(g.send(None))
    out.append(g.throw(KeyError("swallowed by with")))
    out.append(g.send("stop") if False else None)
    g.close()
    d = delegating()
    out.append(next(d))
    out.append(d.send("stop"))
    out.append(d.send("x"))
    try:
        d.throw(RuntimeError("into delegate"))
    except RuntimeError as e:
        out.append(("rt", str(e)))
    out.append(drive_agen())
    out.append(list(log))
    return out


def coroutine_wrapper_demo():
    if not hasattr(sys, "set_coroutine_wrapper"):
        return "no set_coroutine_wrapper"

    async def coro(x):
        for i in range(3):
            try:
                if i == x:
                    return i
            finally:
                log.append("coro finally %d" % i)

    def wrapper(c):
        log.append("wrapped " + c.__name__)
        return c

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sys.set_coroutine_wrapper(wrapper)
        try:
            c = coro(1)
        finally:
            sys.set_coroutine_wrapper(None)
    try:
        c.send(None)
    except StopIteration as e:
        return e.value


def suspended_in_return_finally():
    """Suspended in a `finally` body that a `return` is running (3.7: the why int and the
    return value sit on the saved stack), then closed, thrown into, resumed or dropped."""

    def g():
        try:
            for i in range(3):
                try:
                    return "r%d" % i
                finally:
                    log.append("inner")
                    yield "in-finally"
                    log.append("resumed")
        finally:
            log.append("outer")

    out = []
    for how in ("close", "throw", "send", "drop"):
        del log[:]
        it = g()
        out.append((how, next(it)))
        try:
            if how == "close":
                out.append(it.close())
            elif how == "throw":
                it.throw(KeyError("k"))
            elif how == "send":
                it.send(5)
            else:
                del it
        except BaseException as e:
            out.append((type(e).__name__, e.args, repr(e.__context__)))
        out.append((list(log), sys.exc_info()[0]))
    return out


def main():
    for rep in range(200):
        results = run_all()
        del log[:]
        results.append(suspended_in_return_finally())
        results.append(coroutine_wrapper_demo())
        results.append(list(log))
        if rep in (0, 199):
            for r in results:
                print(r)
    print("done")


main()
