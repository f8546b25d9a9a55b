"""Decorators (plain, with arguments, stacked, class decorators, methods), functools.wraps,
and lambdas of all shapes."""
import functools

calls = []


def trace(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        calls.append(func.__name__)
        result = func(*args, **kwargs)
        print("  %s%r -> %r" % (func.__name__, args, result))
        return result
    return wrapper


def repeat(times):
    def decorator(func):
        def wrapper(*args):
            return [func(*args) for _ in range(times)]
        wrapper.times = times
        return wrapper
    return decorator


def register(registry):
    def decorator(obj):
        registry[obj.__name__] = obj
        return obj
    return decorator


REGISTRY = {}


@trace
def add(a, b):
    return a + b


@repeat(3)
@trace
def shout(word):
    return word.upper()


@register(REGISTRY)
def helper():
    return "helped"


@register(REGISTRY)
class Widget:
    def __repr__(self):
        return "<Widget>"

    @trace
    def method(self, x):
        return x * 2

    @property
    @trace
    def prop(self):
        return "property value"

    @staticmethod
    @trace
    def static(y):
        return -y

    @classmethod
    def build(cls):
        return cls.__name__


def add_repr(cls):
    cls.__repr__ = lambda self: "<%s %s>" % (cls.__name__, sorted(vars(self).items()))
    return cls


@add_repr
class Data:
    def __init__(self, **kw):
        self.__dict__.update(kw)


print(add(1, 2), add.__name__, add.__wrapped__(5, 5), add.__doc__)
print(shout("hi"), shout.times)
print(sorted(REGISTRY), REGISTRY["helper"](), REGISTRY["Widget"].build())
w = Widget()
print(w.method(21), w.prop, Widget.static(4), w.static(5))
print(Data(b=2, a=1))
print(calls)


def decorator_order(tag):
    def deco(f):
        print("  applying", tag)

        def wrapped():
            return tag + "(" + f() + ")"
        return wrapped
    return deco


@decorator_order("outer")
@decorator_order("inner")
def base():
    return "base"


print(base())


def memoize(func):
    cache = {}

    def wrapper(n):
        if n not in cache:
            cache[n] = func(n)
        return cache[n]
    wrapper.cache = cache
    return wrapper


@memoize
def stairs(n):
    return 1 if n <= 1 else stairs(n - 1) + stairs(n - 2)


print(stairs(80), len(stairs.cache))

square = lambda x: x * x
compose = lambda f, g: lambda x: f(g(x))
print(square(7), compose(square, lambda v: v + 1)(3), (lambda: "no args")(), (lambda *a: a)(1, 2))
print((lambda a, b=2, *c, d, **e: (a, b, c, d, e))(1, d=4), (lambda x: (yield x)) if False else "-")
print(sorted(["b", "A", "c"], key=lambda s: s.lower()), list(map(lambda a, b: a * b, [1, 2], [3, 4])))
print(square.__name__, (lambda: 0).__qualname__, [lambda: 0][0].__name__)
adders = [(lambda n: lambda x: x + n)(n) for n in range(4)]
print([f(10) for f in adders])
y = 5
closure = lambda: y
y = 6
print(closure())
cond = lambda v: "neg" if v < 0 else ("zero" if v == 0 else "pos")
print([cond(v) for v in (-2, 0, 3)])
fact = lambda n: 1 if n < 2 else n * fact(n - 1)
print(fact(20))
counter = 0
for i in range(500):
    counter += add.__wrapped__(i, 1) + square(i) % 7
print("counter", counter)
