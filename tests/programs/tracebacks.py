"""Tracebacks printed to stdout by the traceback module: line numbers, frames, chained
exceptions, extracted stacks, and tracebacks of exceptions from several frames."""
import sys
import traceback


def fail(kind):
    if kind == 1:
        return {}["key"]
    elif kind == 2:
        return [1, 2][5]
    else:
        raise RuntimeError("kind %d" % kind)


def middle(kind):
    value = fail(kind)
    return value


def top(kind):
    return middle(kind) + 1


for kind in (1, 2, 3):
    try:
        top(kind)
    except Exception:
        traceback.print_exc(file=sys.stdout)


def chained():
    try:
        fail(1)
    except KeyError as e:
        raise ValueError("converted") from e


def implicit():
    try:
        fail(2)
    except IndexError:
        fail(3)


for func in (chained, implicit):
    try:
        func()
    except Exception:
        traceback.print_exc(file=sys.stdout)
        print("-" * 20)


def frames():
    return [(f.name, f.lineno, f.line) for f in traceback.extract_stack()[-3:]]


def caller():
    return frames()


print(caller())
try:
    top(3)
except RuntimeError as e:
    for entry in traceback.extract_tb(e.__traceback__):
        print(entry.name, entry.lineno, entry.line)
    print(traceback.format_exception_only(type(e), e))
    tb = e.__traceback__
    while tb.tb_next:
        tb = tb.tb_next
    print("innermost:", tb.tb_frame.f_code.co_name, tb.tb_lineno, sorted(tb.tb_frame.f_locals))


def loop_lines(n):
    for i in range(n):
        if i == n - 1:
            raise IndexError("at %d" % i)


for n in (1, 3):
    try:
        loop_lines(n)
    except IndexError:
        traceback.print_exc(file=sys.stdout)


class Obj:
    def method(self):
        return self.helper()

    def helper(self):
        return 1 / 0

    @property
    def prop(self):
        return self.method()


try:
    Obj().prop
except ZeroDivisionError:
    traceback.print_exc(file=sys.stdout)


def gen():
    yield 1
    raise KeyError("from generator")


try:
    for _ in gen():
        pass
except KeyError:
    traceback.print_exc(file=sys.stdout)
try:
    [1 / x for x in (1, 0)]
except ZeroDivisionError:
    traceback.print_exc(file=sys.stdout)
try:
    eval("(1 +\n 2 / 0)")
except ZeroDivisionError:
    traceback.print_exc(file=sys.stdout)
try:
    exec(compile("x = 1\ny = x / 0\n", "<compiled>", "exec"))
except ZeroDivisionError:
    traceback.print_exc(file=sys.stdout)
print("stack depth lines", len(traceback.format_stack()))
hits = 0
for i in range(400):
    try:
        top(1 + i % 3)
    except Exception as e:
        hits += len(traceback.extract_tb(e.__traceback__))
print("frames seen", hits)
