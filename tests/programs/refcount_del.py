"""Object lifetimes under reference counting: __del__ runs as soon as the last reference
goes away (del, rebinding, leaving a function, container clearing, exceptions), weakref
callbacks and WeakValueDictionary, and sys.getrefcount deltas that must not be disturbed."""
import gc
import sys
import weakref


class Tracked:
    def __init__(self, name):
        self.name = name
        print("  create", name)

    def __del__(self):
        print("  delete", self.name)


print("del statement:")
a = Tracked("a")
del a
print("rebinding:")
b = Tracked("b1")
b = Tracked("b2")
print("after rebinding")


def scope():
    local = Tracked("local")
    print("  leaving scope")


scope()
print("after scope")
print("containers:")
items = [Tracked("item%d" % i) for i in range(3)]
items.pop(1)
print("  popped")
items.clear()
print("  cleared")
d = {"k": Tracked("in dict")}
d["k"] = None
print("exception holding a frame:")


def raiser():
    victim = Tracked("held by traceback")
    raise ValueError("x")


try:
    raiser()
except ValueError:
    print("  in handler")
print("after handler")
print("temporaries:")
print("  len of temp name", len(Tracked("temp").name))
print("generator frames:")


def gen():
    held = Tracked("held by generator")
    yield 1
    yield 2


g = gen()
next(g)
g = None
print("  generator dropped")
print("weakrefs:")
target = Tracked("weak target")
log = []
r = weakref.ref(target, lambda ref: log.append("callback, dead=%s" % (ref() is None)))
print("  alive:", r() is target)
del target
print("  log:", log, "ref now", r())
cache = weakref.WeakValueDictionary()
obj = Tracked("cached")
cache["x"] = obj
print("  in cache:", "x" in cache)
obj = None
print("  in cache after drop:", "x" in cache)
print("refcount deltas:")


def delta(func):
    x = object()
    before = sys.getrefcount(x)
    func(x)
    return sys.getrefcount(x) - before


def keeps(x, store=[]):
    store.append(x)


def drops(x):
    y = [x, x, x]
    z = {"k": x}
    return len(y) + len(z)


def in_generator(x):
    list((x, i) for i in range(3))


def via_exception(x):
    try:
        raise KeyError(x)
    except KeyError:
        pass


print("  keeps", delta(keeps), "drops", delta(drops), "generator", delta(in_generator), "exception", delta(via_exception))
print("cycles need the collector:")
gc.disable()
c1, c2 = Tracked("cycle1"), Tracked("cycle2")
c1.other, c2.other = c2, c1
del c1, c2
print("  cycle unreachable, collecting")
found = gc.collect()
print("  collected something:", found > 0)
gc.enable()
print("hot loop:")


class Plain:
    pass


def churn(n):
    survivors = 0
    for i in range(n):
        obj = [i] * 3
        ref = weakref.ref(Plain())
        survivors += ref() is not None
    return survivors


print("  survivors", sum(churn(3) for _ in range(300)))
deltas = [delta(drops) for _ in range(300)]
print("  refcount deltas stable:", set(deltas))
last = Tracked("module level, deleted at exit")
print("end of program")
