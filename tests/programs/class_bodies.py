"""Class bodies as code: statements executed at definition time, ordering of attributes,
nested classes and __qualname__, name mangling, class-level loops and conditions,
__class__ cell and zero-argument super(), class decorators, redefinition."""


def log(msg):
    print("  log:", msg)
    return msg


class Body:
    log("class body starts")
    a = log("a")
    if a == "a":
        b = "conditional b"
    else:
        b = "never"
    for i in range(3):
        exec("attr%d = %d" % (i, i * i))
    del i
    squares = [n * n for n in range(4)]
    try:
        raise ValueError("inside class body")
    except ValueError as e:
        caught = str(e)

    def method(self):
        return __class__.__name__

    class Nested:
        class Deeper:
            def where(self):
                return type(self).__qualname__
    log("class body ends")


print(Body.b, Body.attr0, Body.attr2, Body.squares, Body.caught, Body().method())
print(Body.Nested.__qualname__, Body.Nested.Deeper().where(), Body.Nested.Deeper.__module__)
print([k for k in vars(Body) if not k.startswith("__")])


class Mangled:
    __private = "mangled"

    def __init__(self):
        self.__secret = "instance secret"

    def reveal(self):
        return self.__private, self.__secret


m = Mangled()
print(m.reveal(), m._Mangled__secret, Mangled._Mangled__private, hasattr(m, "__secret"))


class SubMangled(Mangled):
    __private = "sub"

    def reveal_sub(self):
        return self.__private


print(SubMangled().reveal(), SubMangled().reveal_sub())


class A:
    def who(self):
        return "A"


class B(A):
    def who(self):
        return "B>" + super().who()

    def via_class_cell(self):
        return __class__ is B


print(B().who(), B().via_class_cell())


def make_class(name, base):
    class Made(base):
        label = name

        def who(self):
            return self.label + ">" + super().who()
    return Made


C = make_class("C", B)
D = make_class("D", C)
print(C().who(), D().who(), D.__qualname__, D.__mro__[1] is C)


class Redefined:
    version = 1


first = Redefined


class Redefined:  # noqa: F811
    version = 2


print(first.version, Redefined.version, first is Redefined)


class WithDoc:
    """The docstring."""
    x: int = 5
    y: "str"


print(WithDoc.__doc__, WithDoc.__annotations__ if isinstance(WithDoc.__annotations__, dict) else None, WithDoc.x)


class Counter:
    total = 0
    for value in range(10):
        total += value
    del value


print(Counter.total)
classes = []
for i in range(300):
    class Temp:
        index = i

        def get(self):
            return self.index * 2
    classes.append(Temp)
print(len(classes), classes[7]().get(), classes[-1].index, len({c.__qualname__ for c in classes}))
