"""Attribute loads answered by descriptors on the type, which compiled code calls through its
cache: properties (raising, returning, replaced), getset and member descriptors, functions
read as bound methods (shadowed by the instance or not), and descriptor classes that lose
or gain __set__ while a cache relies on them."""


class Temperature:
    def __init__(self, c):
        self._c = c

    @property
    def fahrenheit(self):
        if self._c is None:
            raise ValueError("no reading")
        return self._c * 9 / 5 + 32

    def describe(self):
        return "%.1fC" % self._c


class Slotted:
    __slots__ = ("a",)

    def __init__(self, a):
        self.a = a


class Desc:
    def __get__(self, obj, owner):
        return "desc:%s" % (obj is not None)

    def __set__(self, obj, value):
        raise AttributeError("read-only")


class Holder:
    d = Desc()


def read_f(objs):
    return [o.fahrenheit for o in objs]


def read_bound(objs):
    return [o.describe() if i % 2 else o.describe.__name__ for i, o in enumerate(objs)]


def read_d(objs):
    return [o.d for o in objs]


def read_dict_attr(objs):
    return [sorted(o.__dict__) for o in objs]


def main():
    temps = [Temperature(c) for c in range(5)]
    for _ in range(3):
        print("property", read_f(temps))
        print("bound", read_bound(temps))
        print("__dict__", read_dict_attr(temps)[:2])
    temps[1]._c = None
    try:
        read_f(temps)
    except ValueError as e:
        print("raised", e)
    temps[1]._c = 1
    temps[2].describe = lambda: "shadowed"
    print("bound shadowed", [o.describe() for o in temps])
    Temperature.fahrenheit = property(lambda self: -1)
    print("property replaced", read_f(temps))
    print("member", [Slotted(i).a for i in range(3)])
    print("str getset", [(1j * i).imag for i in range(3)], [type(i).__name__ for i in range(2)])
    hs = [Holder() for _ in range(3)]
    for h in hs:
        h.__dict__["d"] = "instance"
    print("data descr wins", read_d(hs))
    del Desc.__set__
    print("now non-data", read_d(hs))
    Desc.__set__ = lambda self, obj, value: None
    print("data again", read_d(hs))
    del Desc.__get__
    print("no __get__", read_d(hs))


main()
