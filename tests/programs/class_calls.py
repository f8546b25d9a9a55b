"""Calling classes: plain classes (metaclass `type`, `object.__new__`, a Python `__init__`)
are built without CPython's argument tuple and call chain; everything else takes the
generic path. Both must behave as stock: argument binding and its errors, `__init__`'s
result check, abstract classes, `__new__`, metaclasses, builtin bases, `__init__` that is
not a plain function or changes while it runs, recursion, profiling, and a collection
during allocation whose finalizer replaces `__init__`."""

import gc
import sys


class Point:
    def __init__(self, x, y=0.5, *rest, scale=1, **extra):
        self.x = x * scale
        self.y = y
        self.rest = rest
        self.extra = extra

    def __repr__(self):
        return "Point(%r, %r, %r, %r)" % (self.x, self.y, self.rest, self.extra)


class Plain:
    def __init__(self, a, b):
        self.a = a
        self.b = b


class Inherits(Plain):
    pass


class WithSuper(Plain):
    def __init__(self, a):
        super().__init__(a, -a)
        self.c = a * 2


class Slotted:
    __slots__ = ("u", "v")

    def __init__(self, u, v):
        self.u = u
        self.v = v


class Freed:
    def __init__(self, fail):
        self.fail = fail
        if fail:
            raise ValueError("init failed")

    def __del__(self):
        print("freed", self.fail)


class ReturnsValue:
    def __init__(self, value):
        self.value = value
        return value


class GeneratorInit:
    def __init__(self):
        yield 1


class KeywordOnly:
    def __init__(self, *, needed):
        self.needed = needed


class HasNew:
    def __new__(cls, *args):
        print("__new__", cls.__name__, args)
        return super().__new__(cls)

    def __init__(self, a):
        self.a = a


class NewReturnsOther:
    def __new__(cls, a):
        return a

    def __init__(self, a):
        print("never")


class Meta(type):
    def __call__(cls, *args):
        print("Meta.__call__", cls.__name__, args)
        return super().__call__(*args)


class WithMeta(metaclass=Meta):
    def __init__(self, a):
        self.a = a


class ListChild(list):
    def __init__(self, a, b):
        super().__init__([a, b])
        self.extra = a + b


class CallableInit:
    def __call__(self, obj, a):
        obj.a = a


class InitIsCallable:
    __init__ = CallableInit()


class StaticInit:
    @staticmethod
    def __init__(*args):
        print("static init", len(args))


class NoInit:
    pass


class Swaps:
    def __init__(self, a):
        self.a = a
        Swaps.__init__ = Swaps.other_init

    def other_init(self, a):
        self.a = -a
        del Swaps.__init__


class Deep:
    def __init__(self, n):
        self.child = Deep(n + 1) if n < 100000 else None


def make_closure_class(offset):
    class Closure:
        def __init__(self, a):
            self.a = a + offset

    return Closure


def show(label, make):
    try:
        obj = make()
    except Exception as e:
        print(label, "raises", type(e).__name__, e)
    else:
        state = getattr(obj, "__dict__", None)
        if state is None and hasattr(obj, "__slots__"):
            state = {name: getattr(obj, name) for name in obj.__slots__}
        print(label, type(obj).__name__, sorted(state.items()) if isinstance(state, dict) else obj)


def run(i):
    show("point", lambda: Point(i))
    show("point2", lambda: Point(i, 2))
    show("point-rest", lambda: Point(i, 2, 3, 4))
    show("point-kw", lambda: Point(i, scale=3, tag="t"))
    show("plain", lambda: Plain(i, i + 1))
    show("plain-few", lambda: Plain(i))
    show("plain-many", lambda: Plain(i, 2, 3))
    show("inherits", lambda: Inherits(i, "b"))
    show("super", lambda: WithSuper(i))
    show("slotted", lambda: Slotted(i, [i]))
    show("returns-none", lambda: ReturnsValue(None))
    show("returns-value", lambda: ReturnsValue(i))
    show("generator-init", lambda: GeneratorInit())
    show("keyword-only", lambda: KeywordOnly())
    show("keyword-only-given", lambda: KeywordOnly(needed=i))
    show("has-new", lambda: HasNew(i))
    show("new-returns-other", lambda: NewReturnsOther(i))
    show("meta", lambda: WithMeta(i))
    show("list-child", lambda: ListChild(i, 1))
    show("callable-init", lambda: InitIsCallable(i))
    show("static-init", lambda: StaticInit(i, 2))
    show("no-init", lambda: NoInit())
    show("no-init-args", lambda: NoInit(i))
    show("closure", lambda: make_closure_class(10)(i))
    show("freed-ok", lambda: Freed(False))
    show("freed-fail", lambda: Freed(True))
    # The same classes called with unpacked arguments (CALL_FUNCTION_EX).
    args = (i, i + 1)
    show("star-plain", lambda: Plain(*args))
    show("star-plain-few", lambda: Plain(*args[:1]))
    show("star-point", lambda: Point(*args, **{}))
    show("star-returns-value", lambda: ReturnsValue(*args[:1]))
    show("star-has-new", lambda: HasNew(*args[:1]))
    show("star-meta", lambda: WithMeta(*args[:1]))
    show("star-freed-fail", lambda: Freed(*(True,)))
    show("star-many", lambda: Point(*range(20)))


for i in range(3):
    run(i)


class Abstract:
    def __init__(self, a):
        self.a = a


Abstract.__abstractmethods__ = frozenset({"method"})
show("abstract", lambda: Abstract(1))
Abstract.__abstractmethods__ = frozenset()
show("abstract-cleared", lambda: Abstract(1))

# __init__ replaced while it runs, then deleted: the next calls find object.__init__.
for i in range(4):
    show("swaps", lambda: Swaps(i))

# Replacing __init__ on the class between calls.
def new_init(self, a, b):
    self.a = ("new", a)
    self.b = b


for i in range(3):
    show("before-replace", lambda: Plain(i, i))
Plain.__init__ = new_init
for i in range(3):
    show("after-replace", lambda: Plain(i, i))
    show("inherits-after-replace", lambda: Inherits(i, i))

# Recursion through class calls ends in the same RecursionError at the same depth.
sys.setrecursionlimit(200)
try:
    Deep(0)
except RecursionError as e:
    print("recursion", type(e).__name__)


def depth_reached():
    reached = [0]

    class Counter:
        def __init__(self, n):
            reached[0] = n
            Counter(n + 1)

    try:
        Counter(0)
    except RecursionError:
        pass
    return reached[0]


print("depth", depth_reached(), depth_reached())
sys.setrecursionlimit(1000)

# Profiling sees the same calls and returns.
events = []


def profiler(frame, event, arg):
    if frame.f_code.co_filename == __file__:
        events.append((event, frame.f_code.co_name))


def build_two():
    return Plain(1, 2), Slotted(3, 4)


sys.setprofile(profiler)
build_two()
sys.setprofile(None)
print("profile", events)

# A collection while the instance is allocated (collections every other allocation, one
# kept list allocated before every other call) runs a gc callback that swaps __init__
# between two versions that set the same attribute: `type_call` then runs the new one.
class Flip:
    def __init__(self):
        self.v = 1


def init_a(self):
    self.v = 1


def init_b(self):
    self.v = 1


def flip(phase, info):
    if phase == "start":
        Flip.__init__ = init_b if Flip.__init__ is init_a else init_a


hold = []
old_threshold = gc.get_threshold()
gc.callbacks.append(flip)
gc.set_threshold(1, 1, 1)
total = 0
for i in range(300):
    if i % 2:
        hold.append([])
    total += Flip().v
gc.set_threshold(*old_threshold)
gc.callbacks.remove(flip)
print("flip total", total, len(hold))
