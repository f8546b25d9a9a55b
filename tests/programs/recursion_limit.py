"""Deep recursion: RecursionError is raised at the limit set by sys.setrecursionlimit and can
be caught; the depth reached is printed (it must be the same with and without the JIT)."""
import sys

sys.setrecursionlimit(300)
depth = 0


def dive(n):
    global depth
    depth = n
    return dive(n + 1)


try:
    dive(0)
except RecursionError as e:
    print("RecursionError:", e, "reached depth", depth)


def dive_method_chain(n):
    return Holder(n).go()


class Holder:
    def __init__(self, n):
        self.n = n

    def go(self):
        return dive_method_chain(self.n + 1)


try:
    dive_method_chain(0)
except RecursionError as e:
    print("RecursionError through methods:", type(e).__name__)


def deep_sum(n):
    return 0 if n == 0 else n + deep_sum(n - 1)


print("deep_sum(250) =", deep_sum(250))
for limit in (100, 150, 200):
    sys.setrecursionlimit(limit)
    depth = 0
    try:
        dive(0)
    except RecursionError:
        print("limit", limit, "depth", depth)
sys.setrecursionlimit(300)


def recover(n):
    try:
        return recover(n + 1)
    except RecursionError:
        return n


first = recover(0)
print("recover() stopped at", first, "and works again:", recover(0) == first)


class Recursive:
    def __repr__(self):
        return repr(self)


try:
    repr(Recursive())
except RecursionError:
    print("repr recursion caught")


def gen_recursion(n):
    yield n
    yield from gen_recursion(n + 1)


try:
    for v in gen_recursion(0):
        last = v
except RecursionError:
    print("generator recursion caught, last value", last)
nested = []
for _ in range(10000):
    nested = [nested]
try:
    str(nested)
except RecursionError:
    print("str of deeply nested list: RecursionError")
print("after all, limit is", sys.getrecursionlimit())
total = 0
for i in range(300):
    total += deep_sum(i % 50)
print("total", total)
