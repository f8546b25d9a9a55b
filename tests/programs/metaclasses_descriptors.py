"""Metaclasses (__new__, __init__, __call__, __prepare__), __init_subclass__, __set_name__,
data and non-data descriptors, __class_getitem__, abstract classes, dynamic type()."""
import abc
import collections


class Meta(type):
    created = []

    @classmethod
    def __prepare__(mcs, name, bases, **kwargs):
        print("  __prepare__", name, sorted(kwargs))
        return collections.OrderedDict()

    def __new__(mcs, name, bases, namespace, **kwargs):
        print("  Meta.__new__", name, [k for k in namespace if not k.startswith("__")])
        cls = super().__new__(mcs, name, bases, dict(namespace))
        cls.tag = kwargs.get("tag", "none")
        Meta.created.append(name)
        return cls

    def __init__(cls, name, bases, namespace, **kwargs):
        super().__init__(name, bases, namespace)

    def __call__(cls, *args, **kwargs):
        print("  Meta.__call__", cls.__name__, args)
        return super().__call__(*args, **kwargs)

    def __repr__(cls):
        return "<class %s tagged %s>" % (cls.__name__, cls.tag)


class Tagged(metaclass=Meta, tag="first"):
    z = 1
    a = 2

    def method(self):
        return "method"

    def __init__(self, v=0):
        self.v = v


class SubTagged(Tagged, tag="second"):
    pass


print(Tagged, SubTagged, Meta.created, type(Tagged).__name__, Tagged(5).v, SubTagged().method())


class Singleton(type):
    _instances = {}

    def __call__(cls, *args):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args)
        return cls._instances[cls]


class Config(metaclass=Singleton):
    def __init__(self, name="cfg"):
        self.name = name


print(Config("one") is Config("two"), Config().name)


class Plugin:
    registry = []

    def __init_subclass__(cls, kind="generic", **kwargs):
        super().__init_subclass__(**kwargs)
        cls.kind = kind
        Plugin.registry.append((cls.__name__, kind))


class CsvPlugin(Plugin, kind="csv"):
    pass


class JsonPlugin(Plugin):
    pass


print(Plugin.registry, CsvPlugin.kind, JsonPlugin.kind)


class Typed:
    """A data descriptor checking the type of the stored value."""

    def __init__(self, kind):
        self.kind = kind

    def __set_name__(self, owner, name):
        print("  __set_name__", owner.__name__, name)
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.__dict__.get(self.name, "unset")

    def __set__(self, obj, value):
        if not isinstance(value, self.kind):
            raise TypeError("%s must be %s" % (self.name, self.kind.__name__))
        obj.__dict__[self.name] = value

    def __delete__(self, obj):
        print("  __delete__", self.name)
        obj.__dict__.pop(self.name, None)


class Lazy:
    """A non-data descriptor: computes once, then the instance attribute shadows it."""

    def __init__(self, func):
        self.func = func

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        print("  computing", self.func.__name__)
        value = self.func(obj)
        obj.__dict__[self.func.__name__] = value
        return value


class Record:
    name = Typed(str)
    age = Typed(int)

    def __init__(self, name, age):
        self.name = name
        self.age = age

    @Lazy
    def summary(self):
        return "%s/%d" % (self.name, self.age)


r = Record("ann", 31)
print(r.name, r.age, r.summary, r.summary, type(Record.name).__name__)
try:
    r.age = "old"
except TypeError as e:
    print("TypeError:", e)
r.__dict__["name"] = "direct"
print(r.name)
del r.age
print(r.age)


class Generic:
    def __class_getitem__(cls, item):
        return "%s[%s]" % (cls.__name__, getattr(item, "__name__", item))


print(Generic[int], Generic["x"])


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...

    def describe(self):
        return "%s with area %s" % (type(self).__name__, self.area())


class Square(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s ** 2


try:
    Shape()
except TypeError as e:
    print("TypeError:", e)
print(Square(3).describe(), isinstance(Square(1), Shape), issubclass(int, Shape))

Dynamic = type("Dynamic", (Square,), {"area": lambda self: -1, "extra": 7})
print(Dynamic(2).describe(), Dynamic.extra, Dynamic.__mro__[1].__name__)


class Bound:
    def method(self):
        return self


bm = Bound().method
print(type(bm).__name__, type(Bound.__dict__["method"]).__name__, Bound.method.__get__(5)())
print(type(staticmethod(len).__get__(None, int)).__name__, classmethod(lambda c: c.__name__).__get__(None, int)())


class Counted(type):
    def __new__(mcs, name, bases, ns):
        ns["instances"] = 0
        orig_init = ns.get("__init__")

        def __init__(self, *a):
            type(self).instances += 1
            if orig_init:
                orig_init(self, *a)
        ns["__init__"] = __init__
        return super().__new__(mcs, name, bases, ns)


class Thing(metaclass=Counted):
    def __init__(self, n):
        self.n = n


things = [Thing(i) for i in range(250)]
print(Thing.instances, things[-1].n, sum(t.n for t in things))
for i in range(250):
    r.name = "n%d" % (i % 7)
    r.age = i
print(r.name, r.age, r.summary)
