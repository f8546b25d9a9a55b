"""Iterator protocol: custom iterators and iterables, iter(callable, sentinel), StopIteration,
itertools combinators, map/filter/zip laziness, exhausting shared iterators."""
import itertools


class Countdown:
    def __init__(self, start):
        self.start = start

    def __iter__(self):
        n = self.start
        while n > 0:
            yield n
            n -= 1


class Manual:
    def __init__(self, limit):
        self.i, self.limit = 0, limit

    def __iter__(self):
        return self

    def __next__(self):
        if self.i >= self.limit:
            raise StopIteration
        self.i += 1
        return self.i * self.i


print(list(Countdown(5)), list(Countdown(0)), sum(Countdown(100)), max(Countdown(7)))
m = Manual(4)
print(list(m), list(m), next(m, "exhausted"))
print(list(zip(Countdown(3), Manual(10))), 16 in Manual(5), 17 in Manual(5))
it = iter([1, 2, 3, 4, 5, 6])
print(list(zip(it, it)))
calls = []


def source():
    calls.append(len(calls))
    return len(calls)


print(list(iter(source, 5)), calls)
lazy = map(lambda v: print("  mapping", v) or v * 2, range(3))
print("map created")
print(list(lazy))
print(list(filter(lambda v: v % 3 == 0, range(20))), list(itertools.filterfalse(None, [0, 1, "", "a"])))
print(list(itertools.islice(itertools.count(10, 5), 4)), list(itertools.islice("abcdefg", 1, 6, 2)))
print(list(itertools.chain("ab", [1, 2], (None,))), list(itertools.chain.from_iterable(["xy", "z"])))
print(list(itertools.accumulate([1, 2, 3, 4])), list(itertools.accumulate([3, 1, 4, 1, 5], max)))
print(list(itertools.product("ab", repeat=2)), list(itertools.permutations(range(3), 2)))
print(list(itertools.combinations("abcd", 2)), list(itertools.combinations_with_replacement("ab", 2)))
print([(k, list(g)) for k, g in itertools.groupby("aaabccdaa")])
print(list(itertools.takewhile(lambda v: v < 4, [1, 3, 5, 2])), list(itertools.dropwhile(lambda v: v < 4, [1, 3, 5, 2])))
print(list(itertools.zip_longest("abc", [1], fillvalue="-")), list(itertools.starmap(pow, [(2, 3), (3, 2)])))
print(list(itertools.repeat("r", 3)), list(itertools.compress("abcdef", [1, 0, 1, 0, 1, 1])))
t1, t2 = itertools.tee(Countdown(4))
print(list(t1), list(t2))
cyc = itertools.cycle("xyz")
print([next(cyc) for _ in range(7)])
e = enumerate("abc")
print(next(e), list(e), list(enumerate([])))
r = reversed([1, 2, 3])
print(next(r), list(r), list(reversed(range(0, 10, 3))))
d = {"a": 1, "b": 2}
ki, vi, ii = iter(d), iter(d.values()), iter(d.items())
print(next(ki), next(vi), next(ii), list(ki))
try:
    next(iter([]))
except StopIteration as ex:
    print("StopIteration", ex.args)


class BadIter:
    def __iter__(self):
        return 5


try:
    iter(BadIter())
except TypeError as ex:
    print("TypeError:", ex)
try:
    for _ in 5:
        pass
except TypeError as ex:
    print("TypeError:", ex)
total = 0
for i in range(300):
    total += sum(Manual(i % 10)) + sum(itertools.islice(Countdown(i), 3))
print("total", total)
