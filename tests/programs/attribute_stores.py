"""Stores to attributes that are already in an instance's (key-sharing) dict, which compiled
code may write in place: GC tracking of the dict when a container is stored, reference
cycles through such stores, finalizers of replaced values, and values seen afterwards
through every way of reading them."""

import gc
import weakref


class Loud:
    log = []

    def __init__(self, tag):
        self.tag = tag

    def __del__(self):
        Loud.log.append(self.tag)


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.other = 0

    def move(self, dx):
        self.x = self.x + dx
        self.y = self.y - dx
        return self.x


def churn(points, rounds):
    for r in range(rounds):
        for p in points:
            p.move(r)
            p.other = r * 2
    return [(p.x, p.y, p.other) for p in points]


def main():
    points = [Point(i, -i) for i in range(10)]
    print("churn", churn(points, 30))
    print("dicts", points[0].__dict__, vars(points[1]), getattr(points[2], "x"))
    p = points[3]
    print("tracked before", gc.is_tracked(p.__dict__))
    for i in range(5):
        p.other = i
    print("tracked ints", gc.is_tracked(p.__dict__))
    for i in range(5):
        p.other = [i]
    print("tracked list", gc.is_tracked(p.__dict__), p.other)
    q = points[4]
    for i in range(5):
        q.other = (i, i)
    print("tuple", q.other, gc.is_tracked(q.__dict__) in (True, False))
    # A cycle through an attribute store: collected once unreachable.
    a = Point(1, 2)
    b = Point(3, 4)
    for _ in range(3):
        a.other = b
        b.other = a
    ref = weakref.ref(a)
    del a, b
    gc.collect()
    print("cycle collected", ref() is None)
    # Replaced values are released at the store, in order.
    holder = Point(0, 0)
    for i in range(4):
        holder.other = Loud(i)
    print("finalized", Loud.log)
    holder.other = None
    print("finalized", Loud.log)
    # The dict seen as a dict after in-place stores.
    d = holder.__dict__
    for i in range(3):
        holder.x = i * 10
    print("dict view", sorted(d.items(), key=lambda kv: kv[0]))
    d["x"] = "set through dict"
    print("after dict store", holder.x)


main()


class Owner:
    def __init__(self, tag):
        self.slot = Loud("old-%d" % tag)
        self.tag = tag

    def __del__(self):
        Loud.log.append("owner-%d" % self.tag)


def store_on_temporary(i):
    Owner(i).slot = i


def release_order():
    Loud.log = []
    for i in range(6):
        store_on_temporary(i)
    print("release order", Loud.log)


release_order()
