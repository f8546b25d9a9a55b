"""Line numbers seen from inside and outside a frame around the loads that skip storing
f_lasti (LOAD_FAST, LOAD_CONST, stack shuffles): an unbound local in a multi-line
expression, __del__ methods that read their caller's line while values are replaced or
dropped, and tracebacks through attribute loads of several owner types."""
import sys
import traceback


def unbound_in_tuple():
    a = 1
    t = (
        a,
        2,
        later,
    )
    later = 3
    return t


try:
    unbound_in_tuple()
except UnboundLocalError:
    print(traceback.format_exc().replace(__file__, "<file>"))


class Reporter:
    def __del__(self):
        caller = sys._getframe(1)
        print("del seen at line", caller.f_lineno - caller.f_code.co_firstlineno, caller.f_code.co_name)


def replace_local():
    x = Reporter()
    y = 1
    z = 2
    x = (y,
         z)
    return x


replace_local()


def drop_value():
    Reporter()
    a, b = 1, 2
    a, b = b, a
    return a, b


print(drop_value())


class A:
    def __init__(self):
        self.v = 1


class B:
    __slots__ = ("v",)


def read_v(o):
    return (o
            .v)


b = B()
b.v = 2
for o in (A(), b, A()):
    print(read_v(o))
try:
    read_v(b.__class__())
except AttributeError:
    print(traceback.format_exc().replace(__file__, "<file>"))
