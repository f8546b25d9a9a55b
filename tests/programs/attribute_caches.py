"""Attribute caches (LOAD_ATTR / LOAD_METHOD / STORE_ATTR) must follow every change that
stock CPython sees: classes modified after the cache filled, instance dicts shadowing
methods, __slots__ members deleted, __class__ reassigned, polymorphic sites, modules whose
globals change, __getattr__/__getattribute__/__setattr__ and descriptors."""
import math
import types


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return self.x * self.x + self.y * self.y


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a):
        self.a = a

    def total(self):
        return self.a + getattr(self, "b", 0)


class Other:
    def norm(self):
        return "other"


class Dynamic:
    def __getattr__(self, name):
        return "dyn:" + name


class Audited:
    def __setattr__(self, name, value):
        object.__setattr__(self, name, ("set", value))


class WithProperty:
    def __init__(self):
        self._v = 1

    @property
    def v(self):
        return self._v * 10


def read_x(o):
    return o.x


def call_norm(o):
    return o.norm()


def write_a(o, v):
    o.a = v


def read_a(o):
    return o.a


def read_v(o):
    return o.v


def module_attr(m):
    return m.value


def module_call(m):
    return m.func(3)


def run(k):
    out = []
    p = Point(k, 2)
    out.append((read_x(p), call_norm(p)))
    p.norm = lambda: "instance shadow"       # instance dict shadows the method
    out.append(call_norm(p))
    del p.norm
    out.append(call_norm(p))
    q = Point(1, 1)
    out.append(call_norm(q))
    q.__class__ = Other                       # same object, new type
    out.append(call_norm(q))
    out.append(call_norm(Other()))            # polymorphic site
    s = Slotted(k)
    write_a(s, k + 1)
    out.append((read_a(s), s.total()))
    del s.a
    try:
        read_a(s)
    except AttributeError as e:
        out.append(str(e))
    try:
        Slotted(1).c = 3
    except AttributeError as e:
        out.append(str(e))
    out.append(read_x(Dynamic()))
    a = Audited()
    a.x = 5
    out.append(read_x(a))
    w = WithProperty()
    out.append(read_v(w))
    w._v = k
    out.append(read_v(w))
    try:
        read_x(object())
    except AttributeError as e:
        out.append(str(e))
    return out


def main():
    mod = types.ModuleType("m")
    mod.value = 1
    mod.func = lambda x: x + 1
    for k in range(300):
        res = run(k)
        if k == 150:
            Point.norm = lambda self: "patched class"      # class changes after caching
            Point.x = property(lambda self: "class property", lambda self, v: self.__dict__.__setitem__("x", v))
        if k == 200:
            del Point.norm
            del Point.x
            Point.norm = lambda self: "second patch"
        mod.value = k
        if k == 250:
            mod.func = lambda x: x * 100
        m = (module_attr(mod), module_call(mod), math.pi if k == 0 else None)
        if k % 50 == 0 or k in (151, 201, 251):
            print(k, res, m)
    try:
        del mod.value
        module_attr(mod)
    except AttributeError as e:
        print(e)


main()
