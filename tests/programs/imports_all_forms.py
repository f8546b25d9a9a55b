"""Every import form and the star-expression opcodes, with their error messages: import
a.b as c, from-imports (relative, star, missing names), f(*a, **k) with bad arguments,
[*a], (*a,), {*a}, {**a}, f(**a, **b) duplicates, a, *b, c = ..., class-body annotations
and free variables, del of globals, names and cells, expression statements (PRINT_EXPR)."""
import sys
import os.path as osp
from pkg_for_imports import public, sub
from pkg_for_imports.star_source import *
import pkg_for_imports.sub as aliased

print(public, sub.VALUE, aliased.sibling.__name__, visible, "_hidden" in globals(), osp.basename("/a/b.txt"))


def import_inside(k):
    import json
    from collections import OrderedDict as OD
    from os import path, sep
    out = [json.dumps({"k": k}), OD(a=k), path.join("x", str(k)), sep]
    try:
        from pkg_for_imports import does_not_exist
    except ImportError as e:
        out.append(str(e).split(" (")[0])
    try:
        import no_such_module_anywhere
    except ModuleNotFoundError as e:
        out.append(str(e))
    return out


def show(*args, **kwargs):
    return args, sorted(kwargs.items())


class NotIterable:
    pass


class Mapping:
    def keys(self):
        return ["m"]

    def __getitem__(self, key):
        return key.upper()


def star_calls(k):
    out = [show(*[k, k + 1], **{"a": 1}), show(1, *(2, 3), *[4], x=5, **{"y": 6}), show(**Mapping())]
    out.append(([*range(3), *"ab"], (*[k], *{k: 0}), {*[1, 1, 2]}, {**{"a": 1}, **{"b": 2}, "c": 3}))
    for bad in (lambda: show(*NotIterable()), lambda: show(**[1]), lambda: show(**{"a": 1}, **{"a": 2}),
                lambda: show(*[1], **{1: 2}), lambda: [*NotIterable()], lambda: {**[1]}):
        try:
            bad()
        except TypeError as e:
            out.append(str(e))
    return out


def unpack_star(seq):
    try:
        a, *b, c = seq
        return a, b, c
    except (ValueError, TypeError) as e:
        return str(e)


class PreparedMeta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return {"secret": "from the namespace"}


def classes(k):
    secret = "closure %d" % k

    class Annotated:
        x: int = k
        y: str
        seen = secret

        def method(self):
            return secret

    class Shadowed(metaclass=PreparedMeta):
        value = secret          # LOAD_CLASSDEREF: the class namespace wins over the cell
    return Annotated.__annotations__, Annotated.seen, Annotated().method(), Shadowed.value


def deletes(k):
    global temporary
    temporary = k
    del temporary
    try:
        del temporary
    except NameError as e:
        gone = str(e)
    cell = k

    def reader():
        return cell
    del cell
    try:
        reader()
    except NameError as e:
        free = str(e)
    return gone, free


namespace = {}
exec("x = 1\ndel x\ntry:\n    del x\nexcept NameError as e:\n    err = str(e)\n", namespace)
print(namespace["err"])
exec(compile("6 * 7", "<interactive>", "single"))
saved_hook = sys.displayhook
del sys.displayhook
try:
    exec(compile("1", "<interactive>", "single"))
except RuntimeError as e:
    print(e)
sys.displayhook = saved_hook

for k in range(300):
    results = (import_inside(k), star_calls(k), unpack_star(range(k % 5)), unpack_star("abcd"),
               unpack_star(5), classes(k), deletes(k))
    if k % 100 == 0:
        for r in results:
            print(r)
