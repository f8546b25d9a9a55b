"""Method loads on instances whose dicts share their class's keys (compiled code checks
that the shared keys lack the method's name instead of looking it up): an instance that
later shadows the method (the keys grow, or only this instance's dict has it), dicts that
stop sharing keys, dicts replaced wholesale, slots, classes changed after the first call,
and instances of several classes at one call site."""


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return self.x * self.x + self.y * self.y


def norms(points):
    return [p.norm() for p in points]


def shadow_name(p):
    return p.norm()


points = [Point(i, i + 1) for i in range(5)]
print(norms(points))
for _ in range(3):
    print(norms(points))

# One instance shadows the method: the name joins the shared keys.
points[2].norm = lambda: "shadowed"
print(norms(points))
print([shadow_name(p) for p in points])

# A fresh instance shares the grown keys but has no value for the name.
late = Point(7, 8)
print(late.norm(), shadow_name(late))
del points[2].norm
print(norms(points))


class Wide:
    def __init__(self, n):
        for i in range(n):
            setattr(self, "a%d" % i, i)

    def total(self):
        return sum(self.__dict__.values())


# Many attributes in varying order: dicts stop sharing keys.
wides = [Wide(3), Wide(40), Wide(3)]
for w in wides:
    print(w.total())
wides[0].__dict__["b"] = 1
wides[2].__dict__ = {"total": lambda: "replaced dict"}
print([w.total() for w in wides])


class Slotted:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v


print([Slotted(i).get() for i in range(4)])


class Base:
    def who(self):
        return "base"


class Child(Base):
    pass


class Other:
    def who(self):
        return "other"


objs = [Base(), Child(), Other(), Child()]
for _ in range(3):
    print([o.who() for o in objs])
Base.who = lambda self: "patched"
print([o.who() for o in objs])
Child.who = lambda self: "child"
print([o.who() for o in objs])
del Child.who
print([o.who() for o in objs])
objs[1].who = lambda: "instance"
print([o.who() for o in objs])


class Keyed(str):
    pass


class Tricky:
    def __init__(self):
        self.val = 1

    def meth(self):
        return "method"


t = Tricky()
print(t.meth())
t.__dict__[Keyed("meth")] = lambda: "str subclass key"
print(t.meth())
