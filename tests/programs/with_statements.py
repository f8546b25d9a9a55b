"""with statements: custom context managers, exceptions inside, suppression, nested and
multiple managers, contextlib helpers, return/break/continue out of with blocks."""
import contextlib


class Managed:
    def __init__(self, name, suppress=False, log=None):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("  enter", self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        print("  exit", self.name, exc_type.__name__ if exc_type else None, exc,
              "tb" if tb is not None else "no tb")
        return self.suppress


with Managed("plain") as value:
    print("  body sees", value)

with Managed("suppressing", suppress=True):
    raise KeyError("suppressed")
print("after suppression")

try:
    with Managed("passing-through"):
        raise ValueError("propagates")
except ValueError as e:
    print("caught", e)

with Managed("outer") as a, Managed("inner") as b:
    print("  both", a, b)

try:
    with Managed("o2"), Managed("i2", suppress=True), Managed("innermost"):
        raise RuntimeError("only the middle one suppresses")
    print("  continues after nested with")
except RuntimeError:
    print("never")

with Managed("x1"):
    with Managed("x2"):
        print("  nested body")


class EnterFails:
    def __enter__(self):
        raise OSError("cannot enter")

    def __exit__(self, *args):
        print("  never called")


try:
    with Managed("before"), EnterFails():
        print("never")
except OSError as e:
    print("enter failed:", e)


class ExitRaises:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        raise LookupError("from __exit__")


try:
    with ExitRaises():
        raise ValueError("original")
except LookupError as e:
    print("exit replaced:", e, "context:", repr(e.__context__))


@contextlib.contextmanager
def tag(name):
    print("  <%s>" % name)
    try:
        yield name
    except ZeroDivisionError as e:
        print("  generator cm handled", e)
    finally:
        print("  </%s>" % name)


with tag("a") as t:
    with tag("b"):
        print("  inside", t)
with tag("c"):
    1 / 0
print("after handled")
try:
    with tag("d"):
        raise KeyError("not handled")
except KeyError as e:
    print("propagated", e)

with contextlib.suppress(FileNotFoundError, KeyError):
    {}["x"]
print("suppress ok")
with contextlib.ExitStack() as stack:
    names = [stack.enter_context(tag("s%d" % i)) for i in range(3)]
    stack.callback(print, "  callback ran")
    print("  stack holds", names)


def returns_from_with():
    with Managed("ret"):
        return "value from with"


def loop_with():
    out = []
    for i in range(4):
        with Managed("loop%d" % i):
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
    return out


print(returns_from_with())
print(loop_with())


class Reusable:
    def __init__(self):
        self.depth = 0

    def __enter__(self):
        self.depth += 1
        return self.depth

    def __exit__(self, *a):
        self.depth -= 1


r = Reusable()
with r as d1:
    with r as d2:
        print("reentrant depths", d1, d2, r.depth)
print("depth after", r.depth)
total = 0
for i in range(300):
    with r as depth:
        total += depth
    with contextlib.suppress(ZeroDivisionError):
        total += 1 // (i % 5)
print("total", total)
try:
    with 42:
        pass
except (AttributeError, TypeError) as e:
    print(type(e).__name__)
