"""Function definitions and calls: positional, defaults, *args, **kwargs, keyword-only,
mutable defaults, annotations, attributes, recursion, argument errors."""
import functools


def plain(a, b, c):
    return (a, b, c)


def defaults(a, b=2, c=[]):
    c.append(a)
    return (a, b, list(c))


def star(*args):
    return args


def kw(**kwargs):
    return sorted(kwargs.items())


def everything(a, b=10, *args, c, d=20, **kwargs):
    return "a=%r b=%r args=%r c=%r d=%r kwargs=%r" % (a, b, args, c, d, sorted(kwargs.items()))


def kwonly(*, x, y=5):
    return x * y


print(plain(1, 2, 3), plain(1, c=3, b=2), plain(*[1, 2], c=3), plain(**{"a": 1, "b": 2, "c": 3}))
print(defaults(1), defaults(2, 3), defaults(3, c=[]), defaults(4), defaults.__defaults__[0] is not None)
print(star(), star(1), star(1, *"ab"), kw(), kw(z=1, a=2))
print(everything(1, c=3))
print(everything(1, 2, 3, 4, c=5, d=6, e=7, f=8))
print(everything(*range(5), **{"c": "C", "zz": 0}))
print(kwonly(x=3), kwonly(y=2, x=4))
for call in (lambda: plain(1, 2), lambda: plain(1, 2, 3, 4), lambda: plain(1, a=1, b=2, c=3),
             lambda: kwonly(1), lambda: kwonly(), lambda: everything(1), lambda: plain(1, 2, d=4),
             lambda: kw(1), lambda: star(x=1)):
    try:
        call()
        print("no error")
    except TypeError as e:
        print("TypeError:", e)


def annotated(x: int, y: "str" = "s") -> list:
    return [x, y]


print(annotated(1), sorted(annotated.__annotations__.items(), key=str), annotated.__name__,
      annotated.__qualname__, annotated.__code__.co_argcount, annotated.__code__.co_varnames)


def outer():
    def inner():
        """Docstring of inner."""
        return inner.__qualname__
    return inner


print(outer()(), outer().__doc__, outer.__doc__)
plain.attr = "function attribute"
print(plain.attr, sorted(k for k in vars(plain)))


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def fib(n, memo={}):
    if n < 2:
        return n
    if n not in memo:
        memo[n] = fib(n - 1) + fib(n - 2)
    return memo[n]


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def hanoi(n, src, dst, via, moves):
    if n:
        hanoi(n - 1, src, via, dst, moves)
        moves.append((src, dst))
        hanoi(n - 1, via, dst, src, moves)
    return moves


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


print([fact(i) for i in range(12)], fact(30))
print([fib(i) for i in range(40)])
print(ackermann(2, 3), len(hanoi(10, "A", "C", "B", [])), hanoi(3, "A", "C", "B", []))
print([is_even(i) for i in range(10)], is_odd(99))


@functools.lru_cache(maxsize=None)
def partitions(n, k):
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return partitions(n - k, k) + partitions(n, k - 1)


print([partitions(n, n) for n in range(30)])
p = functools.partial(everything, 1, c="partial")
print(p(d=0), p(2, 3), p.args, sorted(p.keywords.items()))


def returns_multiple():
    return 1, "two", [3]


def no_return():
    pass


def early(n):
    for i in range(n):
        if i * i > n:
            return i
    return -1


print(returns_multiple(), no_return(), [early(n) for n in range(0, 50, 7)])


def generator_function():
    yield 1


print(type(generator_function()).__name__, callable(generator_function), callable(5))
total = 0


def hot(a, b=1, *rest, key=0, **extra):
    return a + b + len(rest) + key + len(extra)


for i in range(1000):
    total += hot(i) + hot(i, 2) + hot(i, 2, 3, 4) + hot(i, key=5) + hot(i, z=1, y=2) + hot(*(i, i))
print("total", total)
print(sorted(map(lambda v: -v, range(5))), list(filter(None, [0, 1, "", "x", [], [0]])))
print(functools.reduce(lambda acc, v: acc * 10 + v, [1, 2, 3, 4]), (lambda *a, **k: (a, k))(1, k=2))
