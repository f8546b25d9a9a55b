"""Frame introspection: sys._getframe, f_back chains, f_lineno, f_locals (and writing to it
from a tracer-free context), f_code attributes, inspect.stack, generator and coroutine frames,
locals of suspended generators, and tb_frame of exceptions."""
import inspect
import sys


def where():
    f = sys._getframe(1)
    return "%s:%d" % (f.f_code.co_name, f.f_lineno - f.f_code.co_firstlineno)


def chain():
    names = []
    f = sys._getframe()
    while f is not None:
        names.append(f.f_code.co_name)
        f = f.f_back
    return names


def level2():
    here = where()
    return here, chain()


def level1():
    x = "local of level1"
    return level2(), sys._getframe().f_locals["x"]


print(level1())
print(where())


def locals_view(a, b=5):
    c = a * b
    f = sys._getframe()
    snapshot = dict(f.f_locals)
    return sorted(snapshot.items(), key=lambda kv: kv[0] if kv[0] != "f" else "")


print([(k, v) for k, v in locals_view(2) if k != "f"])


def code_info(func):
    co = func.__code__
    return (co.co_name, co.co_argcount, co.co_kwonlyargcount, co.co_nlocals, co.co_varnames,
            co.co_freevars, co.co_cellvars, bool(co.co_flags & inspect.CO_GENERATOR))


def outer_fn():
    captured = 1

    def inner_fn(p, *, q):
        return captured + p + q
    return inner_fn


print(code_info(locals_view), code_info(outer_fn), code_info(outer_fn()))


def generator():
    local_value = "gen local"
    yield sys._getframe().f_code.co_name
    local_value = "changed"
    yield local_value


g = generator()
print(g.gi_frame.f_lineno - generator.__code__.co_firstlineno, g.gi_frame.f_locals)
print(next(g), sorted(g.gi_frame.f_locals.items()), g.gi_frame.f_lineno - generator.__code__.co_firstlineno)
print(next(g), sorted(g.gi_frame.f_locals.items()))
print(list(g), g.gi_frame)


async def coro():
    return sys._getframe().f_code.co_name


c = coro()
print(c.cr_frame.f_code.co_name, c.cr_running)
try:
    c.send(None)
except StopIteration as e:
    print("coroutine returned", e.value, c.cr_frame)


def stack_names():
    return [(fi.function, fi.code_context is not None) for fi in inspect.stack()[:3]]


def via():
    return stack_names()


print(via())


def fails():
    secret = "in failing frame"
    raise KeyError("x")


try:
    fails()
except KeyError as e:
    tb = e.__traceback__
    while tb.tb_next:
        tb = tb.tb_next
    print(tb.tb_frame.f_code.co_name, tb.tb_frame.f_locals["secret"], tb.tb_lineno - fails.__code__.co_firstlineno)


def lasti_progress():
    f = sys._getframe()
    first = f.f_lasti
    x = [i for i in range(3)]
    second = f.f_lasti
    return second > first, x


print(lasti_progress())


def caller_locals():
    return sorted(k for k in sys._getframe(1).f_locals if not k.startswith("_"))[:5]


def has_locals():
    alpha, beta = 1, 2
    return caller_locals()


print(has_locals())
print(inspect.currentframe().f_code.co_name, inspect.getframeinfo(inspect.currentframe()).function)
results = []
for i in range(300):
    results.append(level1()[0][0])
print(sorted(set(results)), len(results))
print(sys._getframe().f_back, sys._getframe().f_globals is globals(), sys._getframe().f_builtins is __builtins__.__dict__ if hasattr(__builtins__, "__dict__") else "n/a")
