# The opcodes 3.9 introduced (RERAISE, WITH_EXCEPT_START, JUMP_IF_NOT_EXC_MATCH, IS_OP,
# CONTAINS_OP, LIST_EXTEND, LIST_TO_TUPLE, SET_UPDATE, DICT_UPDATE, DICT_MERGE,
# LOAD_ASSERTION_ERROR) and the genobject.c helpers 3.9 stopped exporting (awaitables,
# async-generator values, "already awaited"), with their exact error messages.
import types


def show(label, fn, *args, **kwargs):
    try:
        print(label, "->", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the message is what we compare
        print(label, "raises", type(e).__name__, e)


def target(*args, **kwargs):
    return (args, sorted(kwargs.items()))


class NotIterable:
    pass


class Seq:
    def __getitem__(self, i):
        if i < 3:
            return i * 10
        raise IndexError(i)


class Mapping:
    def keys(self):
        return ["k", "m"]

    def __getitem__(self, key):
        return key.upper()


def stars(a, b, c):
    return [*a, *b], (*a, *b), {*c}, [0, *a], target(*a, *b)


def dict_stars(a, b):
    return {**a, **b}, target(**a, **b), target(1, *[2], x=1, **b)


def contains_and_is(x, coll):
    return (x in coll, x not in coll, x is None, x is not None, coll is coll)


def matcher(exc, classes):
    try:
        raise exc
    except classes as e:
        return "caught " + type(e).__name__
    except ValueError:
        return "value error"


def reraise_in_finally(n):
    log = []
    try:
        try:
            if n:
                raise KeyError(n)
            log.append("body")
        finally:
            log.append("finally")
    except KeyError as e:
        log.append("outer %r" % (e,))
    return log


def bare_raise_in_except(n):
    try:
        try:
            1 / n
        except ZeroDivisionError:
            raise
    except ArithmeticError as e:
        return "re-raised " + type(e).__name__
    return "fine"


class Manager:
    def __init__(self, suppress, fail_exit=False):
        self.suppress = suppress
        self.fail_exit = fail_exit
        self.log = []

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.log.append("exit %s" % (exc_type.__name__ if exc_type else None))
        if self.fail_exit:
            raise RuntimeError("exit failed")
        return self.suppress


def with_exception(suppress, fail_exit=False, raise_inside=True):
    m = Manager(suppress, fail_exit)
    try:
        with m:
            if raise_inside:
                raise ValueError("inside")
            m.log.append("body")
        m.log.append("after")
    except Exception as e:
        m.log.append("caught %s: %s" % (type(e).__name__, e))
    return m.log


def asserts(x):
    assert x, "message %r" % (x,)
    assert x > 0
    return "ok"


def check_all():
    show("stars", stars, [1, 2], (3,), "ab")
    show("stars seq", stars, Seq(), range(2), Seq())
    show("star list not iterable", lambda: [*NotIterable()])
    show("star tuple not iterable", lambda: (1, *5))
    show("star set not iterable", lambda: {*5})
    show("star call not iterable", lambda: target(*5))
    show("star call second not iterable", lambda: target(*[1], *5))
    show("star builtin call", lambda: print(*5))
    show("dict stars", dict_stars, {"a": 1}, Mapping())
    show("dict star not mapping", lambda: {**{"a": 1}, **[1]})
    show("dict star int", lambda: {**5})
    show("call ** not mapping", lambda: target(**5))
    show("call ** builtin", lambda: len(**5))
    show("call ** duplicate", lambda: target(**{"a": 1}, **{"a": 2}))
    show("call ** duplicate nonstr", lambda: target(**{1: 1}, **{1: 2}))
    show("call kw then **", lambda: target(a=1, **{"a": 2}))
    show("call ** then kw", lambda: target(**{"a": 1}, a=2))
    show("method ** dup", lambda: Manager.__init__(None, **{"suppress": 1}, **{"suppress": 2}))
    show("contains", contains_and_is, 3, [1, 2, 3])
    show("contains none", contains_and_is, None, {None})
    show("contains error", contains_and_is, 1, 5)
    show("contains unhashable", contains_and_is, [], {1})
    show("match", matcher, KeyError("k"), (TypeError, KeyError))
    show("match miss", matcher, ValueError("v"), KeyError)
    show("match bad class", matcher, KeyError("k"), int)
    show("match bad tuple", matcher, KeyError("k"), (KeyError, "x"))
    show("finally no raise", reraise_in_finally, 0)
    show("finally raise", reraise_in_finally, 3)
    show("bare raise", bare_raise_in_except, 0)
    show("bare raise none", bare_raise_in_except, 2)
    show("with suppress", with_exception, True)
    show("with propagate", with_exception, False)
    show("with exit fails", with_exception, False, True)
    show("with no exception", with_exception, False, False, False)
    show("assert ok", asserts, 2)
    show("assert msg", asserts, 0)
    show("assert plain", asserts, -1)


class AwaitReturnsCoroutine:
    def __await__(self):
        async def inner():
            return 1
        return inner()


class AwaitReturnsList:
    def __await__(self):
        return [1, 2]


class Awaitable:
    def __await__(self):
        yield "step"
        return "awaited"


class NoAenter:
    async def __aenter__(self):
        return self

    def __aexit__(self, *args):
        return 5


class OnlyAenter:
    async def __aenter__(self):
        return self


class Neither:
    pass


class BadAenter:
    def __aenter__(self):
        return 1

    async def __aexit__(self, *args):
        return False


@types.coroutine
def legacy():
    yield "legacy-step"
    return "legacy"


async def awaits(obj):
    return await obj


async def async_with(cm, fail):
    async with cm:
        if fail:
            raise KeyError("in async with")
    return "done"


async def agen(n):
    for i in range(n):
        yield i
        await Awaitable()
    yield "end"


async def consume(n):
    out = []
    async for v in agen(n):
        out.append(v)
    return out


def drive(coro):
    values = []
    try:
        while True:
            values.append(coro.send(None))
    except StopIteration as e:
        return values, e.value
    except Exception as e:  # noqa: BLE001
        return values, "%s: %s" % (type(e).__name__, e)


def check_async():
    print("await coroutine __await__", drive(awaits(AwaitReturnsCoroutine())))
    print("await list __await__", drive(awaits(AwaitReturnsList())))
    print("await int", drive(awaits(5)))
    print("await awaitable", drive(awaits(Awaitable())))
    print("await legacy", drive(awaits(legacy())))
    print("async with bad aexit", drive(async_with(NoAenter(), False)))
    print("async with bad aexit raising", drive(async_with(NoAenter(), True)))
    print("async with bad aenter", drive(async_with(BadAenter(), False)))
    print("async with no __aexit__", drive(async_with(OnlyAenter(), False)))
    print("async with neither", drive(async_with(Neither(), False)))
    print("async for", drive(consume(3)))
    inner = awaits(Awaitable())
    outer1 = awaits(inner)
    print("first await", outer1.send(None))
    print("second await", drive(awaits(inner)))
    outer1.close()


for round_ in range(300):
    if round_ in (0, 299):
        print("--- round", round_)
        check_all()
        check_async()
    else:
        stars([1], (2,), "x")
        dict_stars({"a": 1}, {"b": 2})
        contains_and_is(1, (1,))
        matcher(KeyError(), KeyError)
        reraise_in_finally(round_ % 2)
        bare_raise_in_except(round_ % 2)
        with_exception(round_ % 2 == 0)
        asserts(1)
        drive(awaits(Awaitable()))
        drive(consume(2))
