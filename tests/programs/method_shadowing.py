"""Method calls on instances whose split (key-sharing) dicts may shadow the method: the
name added to one instance only, added then deleted, set on every instance, many
attributes (larger index tables, colliding slots), and stores that replace values."""


class Node:
    def __init__(self, i, extra):
        self.i = i
        for k in range(extra):
            setattr(self, "a%d" % k, k)

    def value(self):
        return self.i

    def bump(self):
        self.i += 1
        return self.i


def total(nodes):
    t = 0
    for n in nodes:
        t += n.value()
    return t


def bump_all(nodes, times):
    for _ in range(times):
        for n in nodes:
            n.bump()


def main():
    for extra in (0, 3, 30, 200):
        nodes = [Node(i, extra) for i in range(20)]
        print(extra, "plain", total(nodes))
        nodes[3].value = lambda: 1000
        print(extra, "one shadowed", total(nodes))
        del nodes[3].value
        print(extra, "shadow deleted", total(nodes))
        for n in nodes:
            n.value = (lambda v: lambda: -v)(n.i)
        print(extra, "all shadowed", total(nodes))
        for n in nodes:
            del n.value
        print(extra, "all deleted", total(nodes))
        bump_all(nodes, 5)
        print(extra, "bumped", total(nodes), [n.i for n in nodes[:4]])
        Node.value = lambda self: self.i * 2
        print(extra, "class method replaced", total(nodes))
        del Node.value
        try:
            total(nodes)
        except AttributeError as e:
            print(extra, "AttributeError", e)
        Node.value = lambda self: self.i
    odd = Node(1, 0)
    odd.__dict__["value"] = lambda: "from dict"
    print("dict-set", odd.value())
    odd.__dict__.clear()
    print("cleared", odd.value.__name__)


main()


# Class attributes (plain values) read through instances: shadowed by one instance, by
# all, deleted, the class value replaced, a value whose class grows a __get__.
class Config:
    level = 3
    name = "base"

    def __init__(self, i):
        self.i = i


def levels(objs):
    return [o.level for o in objs]


def class_values():
    objs = [Config(i) for i in range(6)]
    print("class value", levels(objs))
    objs[2].level = 99
    print("one shadows", levels(objs))
    del objs[2].level
    print("unshadowed", levels(objs))
    Config.level = 4
    print("class changed", levels(objs))

    class Marker:
        pass

    m = Marker()
    Config.level = m
    first = levels(objs)
    print("marker", all(v is m for v in first))

    m.__class__ = type("MarkerWithGet", (Marker,), {"__get__": lambda self, obj, owner: "got"})
    print("value grew __get__", levels(objs))
    Config.level = 5
    print("slots and no dict", [type("S", (), {"__slots__": (), "level": 7})().level for _ in range(3)])


class_values()
