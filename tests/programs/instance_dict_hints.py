"""Instance-dict reads through a remembered entry index (LOAD_ATTR's inline path): split
dicts that become combined, attributes deleted and re-added, instances whose attributes
were set in different orders, dicts replaced through __dict__, dict subclasses, keys that
are equal but not the same string object, big dicts, and methods found while an instance
has no dict yet."""
import gc
import sys


class Node:
    def __init__(self, value):
        self.value = value
        self.next = None


def total(nodes):
    t = 0
    for n in nodes:
        t += n.value
    return t


def read_many(o, rounds):
    out = []
    for _ in range(rounds):
        out.append(o.value)
    return out


nodes = [Node(i) for i in range(20)]
print("split", total(nodes))

# Different insertion orders: the index differs per instance.
class Loose:
    pass


def make(order):
    o = Loose()
    for name in order:
        setattr(o, name, name.upper())
    return o


mixed = [make("abc"), make("cba"), make("bca"), make("value"), make("ab")]
for o in mixed:
    o.value = len(o.__dict__)


def values(objs):
    return [o.value for o in objs]


for _ in range(3):
    print("mixed", values(mixed))

# A split dict turned combined by deleting, then the attribute re-added.
n = Node(5)
print(read_many(n, 3))
del n.value
try:
    n.value
except AttributeError as e:
    print("deleted:", e)
n.value = 6
print(read_many(n, 3), len(n.__dict__))

# Many attributes: the dict outgrows the shared keys.
big = Node(1)
for i in range(40):
    setattr(big, "attr%d" % i, i)
big.value = 99
print("big", read_many(big, 2), big.attr39)

# __dict__ replaced by a plain dict and by a dict subclass.
class D(dict):
    def __getitem__(self, key):
        return "subclass getitem never used by attribute lookup"


r = Node(1)
r.__dict__ = {"value": "replaced", "next": None}
print(read_many(r, 2))
r.__dict__ = D(value="from subclass")
print(read_many(r, 2))

# Equal keys that are not the interned name.
k = Node(0)
key = "".join(["val", "ue"])
k.__dict__.clear()
k.__dict__[key] = "non-interned key"
print(read_many(k, 2))

# The class gains the attribute (a data descriptor then wins).
class Late:
    def __init__(self):
        self.value = "instance"


late = Late()
print(read_many(late, 2))
Late.value = property(lambda self: "property")
print(read_many(late, 2))
del Late.value
print(read_many(late, 2))

# Values that die when the owner dies: the read keeps its own reference.
class Holder:
    def __init__(self):
        self.value = [1, 2, 3]


def temp_read():
    return Holder().value


print(temp_read(), temp_read())

# Methods looked up while the instance has no dict yet, then a shadowing attribute.
class Lazy:
    def hello(self):
        return "method"


def call_hello(o):
    return o.hello()


lz = Lazy()
print(call_hello(lz), call_hello(lz))
lz.hello = lambda: "shadowed"
print(call_hello(lz), call_hello(Lazy()))


class Slots:
    __slots__ = ("value",)

    def hello(self):
        return "slots method"


s = Slots()
s.value = 1
print(call_hello(s), read_many(s, 2))
del s.value
try:
    read_many(s, 1)
except AttributeError as e:
    print("empty slot:", e)

# Refcounts seen from Python are unchanged by the inline read.
v = object()
o = Node(v)
before = sys.getrefcount(v)
read_many(o, 5)
print("refcount delta", sys.getrefcount(v) - before)
gc.collect()
