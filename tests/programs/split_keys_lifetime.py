"""Attribute caches that rely on key-sharing instance dicts while those keys come and go:
classes created and dropped in a loop (their shared keys freed, their memory reused),
instances whose dicts stop sharing keys (deleted attribute, cleared dict, replaced
__dict__, different insertion orders), and method lookups on such instances."""

import gc
import sys


def read(o):
    return (o.a, o.b, o.c)


def write(o, v):
    o.a = v
    o.b = v + 1
    return o.a + o.b


def call(o):
    return o.get()


def make_class(i):
    class K:
        def __init__(self, order):
            for name in order:
                setattr(self, name, "%s%d" % (name, i))

        def get(self):
            return self.a

    K.__name__ = "K%d" % i
    return K


def main():
    seen = []
    for i in range(40):
        K = make_class(i)
        order = ("abc", "cba", "bac")[i % 3]
        objs = [K(order) for _ in range(3)]
        seen.append(read(objs[0]))
        seen.append(write(objs[1], i))
        seen.append(call(objs[2]))
        if i % 5 == 0:
            del objs[0].b
            objs[0].b = "again"
            seen.append(read(objs[0]))
        if i % 7 == 0:
            objs[1].__dict__.clear()
            objs[1].a, objs[1].b, objs[1].c = 1, 2, 3
            seen.append(read(objs[1]))
        if i % 11 == 0:
            objs[2].__dict__ = {"c": "C", "b": "B", "a": "A"}
            seen.append((read(objs[2]), call(objs[2])))
        if i % 4 == 0:
            objs[2].get = lambda: "shadowed"
            seen.append(call(objs[2]))
        del K, objs
        gc.collect()
    print(seen)


main()


class Grow:
    """Five attributes fill a class's first shared keys; a sixth makes CPython resize them,
    and it shares the resized keys with later instances only if nothing else holds the
    old ones (a cache holding them would make every later instance's dict unshared)."""

    def __init__(self, extra):
        self.a = 1
        self.b = 2
        self.c = 3
        self.d = 4
        self.e = 5
        if extra:
            self.f = 6
            self.g = 7


def key_sharing():
    for _ in range(3):
        Grow(False)
    objs = [Grow(True) for _ in range(4)]
    print("instance dict sizes", [sys.getsizeof(o.__dict__) for o in objs])


key_sharing()
