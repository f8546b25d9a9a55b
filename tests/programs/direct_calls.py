"""Calls of plain Python functions that compiled code makes in place (frame built and
released without the vectorcall chain): frames, builtins, defaults, bound methods,
escaping frames, finalizers during frame release, recursion, errors."""

import gc
import sys


def add(a, b):
    return a + b


def defaults_only(a=1, b=2):
    return a * 10 + b


def some_defaults(a, b=5):
    return a - b


def caller_name():
    return sys._getframe(1).f_code.co_name


def frame_facts():
    f = sys._getframe()
    return (f.f_back.f_code.co_name, f.f_lasti >= 0, f.f_lineno, sorted(f.f_locals), f.f_trace)


kept = []


def keep_frame(x):
    kept.append(sys._getframe())
    return x


def use_builtin(seq):
    return len(seq)


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def down(n):
    return 0 if n == 0 else 1 + down(n - 1)


def raises(kind):
    raise kind("from callee")


class Finalized:
    log = []

    def __init__(self, tag):
        self.tag = tag

    def __del__(self):
        # Runs while the frame that held it is being released: call the same function again,
        # which needs a frame of the same code object.
        Finalized.log.append((self.tag, holder(None)))


def holder(obj):
    local = obj
    return 0 if local is None else 1


def main():
    total = 0
    for i in range(300):
        total += add(i, 1)
        total += defaults_only()
        total += some_defaults(i)
        total += Point(i, -i).norm1()
        total += Point(1, 2).moved(i, i).x
        m = Point(i, 1).norm1
        total += m()
    print("total", total)
    print("caller", caller_name())
    print("facts", frame_facts()[:2], frame_facts()[3:])
    for i in range(3):
        keep_frame(i)
    print("kept", [f.f_code.co_name for f in kept], [f.f_back.f_code.co_name for f in kept])
    print("tracked", [gc.is_tracked(f) for f in kept], len(set(map(id, kept))))
    print("locals of kept", [f.f_locals for f in kept])
    print("builtins", use_builtin([1, 2, 3]))
    print("fib", fib(18))
    for i in range(5):
        holder(Finalized(i))
    gc.collect()
    print("finalized", Finalized.log)
    for kind in (ValueError, KeyError):
        try:
            raises(kind)
        except kind as e:
            tb = e.__traceback__
            names = []
            while tb is not None:
                names.append(tb.tb_frame.f_code.co_name)
                tb = tb.tb_next
            print("caught", kind.__name__, e, names)
    try:
        add(1)
    except TypeError as e:
        print("TypeError", e)
    try:
        add(1, 2, 3)
    except TypeError as e:
        print("TypeError", e)
    try:
        some_defaults()
    except TypeError as e:
        print("TypeError", e)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        down(500)
    except RecursionError as e:
        print("RecursionError", e)
    sys.setrecursionlimit(old)
    print("down", down(150))


def other_builtins():
    # A function whose globals have their own __builtins__ (a dict): a direct call must
    # run it with those, not the caller's.
    namespace = {"__builtins__": {"len": lambda s: -1, "print": print}}
    exec("def measure(s):\n    return len(s)\n", namespace)
    measure = namespace["measure"]
    print("own builtins", [measure("abc") for _ in range(3)])
    bare = {}
    exec("def get_none():\n    return None\n", {"__builtins__": {}}, bare)
    get_none = bare["get_none"]
    print("empty builtins", [get_none() for _ in range(3)])
    no_builtins = type(get_none)(get_none.__code__, {})
    try:
        print("no __builtins__", no_builtins())
    except Exception as e:
        print("no __builtins__", type(e).__name__, e)


main()
other_builtins()


def partial_defaults(a, b, c=3, d=[4]):
    d.append(a)
    return (a, b, c, len(d))


def only_defaults(a=1, b=2):
    return a + b


def partial():
    out = []
    for i in range(3):
        out.append(partial_defaults(i, i + 1))
        out.append(partial_defaults(i, i + 1, 30))
        out.append(partial_defaults(i, i + 1, 30, []))
        out.append(only_defaults(i))
    for bad in ((), (1,), (1, 2, 3, 4, 5)):
        try:
            partial_defaults(*bad) if False else eval("partial_defaults(%s)" % ", ".join(map(str, bad)))
        except TypeError as e:
            out.append(str(e))
    partial_defaults.__defaults__ = None
    try:
        partial_defaults(1, 2)
    except TypeError as e:
        out.append(str(e))
    partial_defaults.__defaults__ = (7, [])
    out.append(partial_defaults(1, 2))
    return out


print("partial", partial())


# Callees that are compiled themselves start in machine code straight from the call; each
# case below must instead go through the installed evaluator, with the same results.
class CountingGlobals(dict):
    """Globals that are not an exact dict: compiled name lookups assume exact dicts."""


def global_reader():
    return seen_global


def traced_callee(x):
    return x + 1


def started_elsewhere():
    out = []
    odd_globals = CountingGlobals(seen_global="from a dict subclass", __builtins__=__builtins__)
    odd = type(global_reader)(global_reader.__code__, odd_globals)
    for _ in range(3):
        out.append(global_reader())
        out.append(odd())
    events = []

    def tracer(frame, event, arg):
        if frame.f_code is traced_callee.__code__:
            events.append(event)
        return tracer

    for i in range(3):
        out.append(traced_callee(i))
    sys.settrace(tracer)
    try:
        for i in range(2):
            out.append(traced_callee(i))
    finally:
        sys.settrace(None)
    out.append(events)
    for i in range(3):
        out.append(traced_callee(i))
    return out


seen_global = "from the module"
print("started elsewhere", started_elsewhere())
print("started elsewhere again", started_elsewhere())
