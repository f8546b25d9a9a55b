"""Behaviour that differs between CPython versions in ceval's helpers; the JIT must match
the interpreter it runs on: `from m import *` with a non-str name in `__all__`, `f(**m)`
whose mapping raises KeyError or AttributeError, name lookups in class bodies whose keys
raise in `__eq__`, str concatenation into a class-body name, dict comprehensions (MAP_ADD
operand order), bound-method calls through the value stack, and `from m import missing`."""

import sys
import types


def show(*args, **kwargs):
    return args, sorted(kwargs.items())


class RaisingKeyErrorMapping:
    def keys(self):
        return ["a", "b"]

    def __getitem__(self, key):
        if key == "b":
            raise KeyError(key)
        return 1


class NotAMapping:
    pass


class OddKey(str):
    """A str key whose comparison raises: dict lookups that propagate errors (3.8) and
    those that swallow them (3.7) differ."""

    def __hash__(self):
        return hash("shadowed")

    def __eq__(self, other):
        raise ValueError("no comparing")


def star_import_with_bad_all(k):
    mod = types.ModuleType("m%d" % k)
    mod.__all__ = ["x", 1]
    mod.x = k
    sys.modules["m%d" % k] = mod
    ns = {}
    try:
        exec("from m%d import *" % k, ns)
    except Exception as e:
        return type(e).__name__, str(e)
    finally:
        sys.modules.pop("m%d" % k, None)


def calls(k):
    out = []
    for arg in (RaisingKeyErrorMapping(), NotAMapping(), {"z": k}):
        try:
            out.append(show(k, **arg))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    return out


class Holder:
    def method(self, a, b=2):
        return ("method", a, b)


def bound_method_calls(k):
    h = Holder()
    m = h.method
    out = [m(k), m(k, b=k), m(*(k,)), m(a=k)]
    f = Holder.method
    out.append(f(h, k))
    out.append(list(map(m, range(3))))
    return out


def comprehension_order(k):
    seen = []

    def key(i):
        seen.append("k%d" % i)
        return i

    def value(i):
        seen.append("v%d" % i)
        return i * k

    d = {key(i): value(i) for i in range(3)}
    return sorted(d.items()), seen


def class_body_lookups(k):
    ns = {OddKey("shadowed"): 0}
    try:
        exec("r = shadowed\n", {"shadowed": k, "__builtins__": __builtins__}, ns)
        return "found", ns["r"]
    except Exception as e:
        return type(e).__name__, str(e)


def concat_into_name(k):
    ns = {}
    exec("s = 'a'\nfor i in range(%d):\n    s += str(i)\n" % (k % 5), ns)
    return ns["s"]


def missing_from_import():
    try:
        from json import no_such_name_here  # noqa: F401
    except ImportError as e:
        return str(e).split(" (")[0], e.name


def main():
    for k in range(250):
        results = [
            star_import_with_bad_all(k),
            calls(k),
            bound_method_calls(k),
            comprehension_order(k),
            class_body_lookups(k),
            concat_into_name(k),
            missing_from_import(),
        ]
        if k in (0, 249):
            for r in results:
                print(r)
    print("done")


main()
