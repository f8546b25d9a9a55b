"""Calls with keyword arguments of Python functions and bound methods: keywords that name
parameters (positional-or-keyword and keyword-only), fill defaults around them, go into
`**kwargs`, match a parameter only by equality (a str built at run time), and every error
binding raises (unexpected keyword, a second value, missing arguments, positional-only
parameters passed by keyword) with stock's message; compiled code binds these itself."""

import sys


def plain(a, b, c=3, d=4):
    return (a, b, c, d)


def kwonly(a, *, key, flag=False):
    return (a, key, flag)


def extra(a, b=2, **kw):
    return (a, b, sorted(kw.items()))


def everything(a, b=2, *rest, key=None, **kw):
    return (a, b, rest, key, sorted(kw.items()))


def with_cell(a, b=1):
    def inner():
        return a + b

    return inner()


def posonly_function(name, source):
    # Positional-only parameters need 3.8 syntax; built with exec so 3.7 parses this file.
    if sys.version_info < (3, 8):
        return None
    scope = {}
    exec(source, scope)
    return scope[name]


def posonly_maker():
    return posonly_function("posonly", "def posonly(a, b, /, c=3, **kw):\n    return (a, b, c, sorted(kw.items()))\n")


class Logger:
    def __init__(self, name):
        self.name = name
        self.records = []

    def log(self, level, msg, *args, exc_info=None, extra=None, stack_info=False):
        self.records.append((level, msg % args if args else msg, exc_info, extra, stack_info))
        return len(self.records)

    def warning(self, msg, *args, **kwargs):
        return self.log(30, msg, *args, **kwargs)


def attempt(label, call):
    try:
        print(label, call())
    except TypeError as e:
        print(label, "TypeError", e)


def run(i):
    attempt("plain-kw", lambda: plain(i, b=2))
    attempt("plain-kw-order", lambda: plain(i, d=9, b=8))
    attempt("plain-all-kw", lambda: plain(c=i, a=1, b=2))
    attempt("plain-skip-default", lambda: plain(1, 2, d=i))
    attempt("plain-missing", lambda: plain(1, c=i))
    attempt("plain-twice", lambda: plain(1, 2, a=i))
    attempt("plain-unexpected", lambda: plain(1, 2, z=i))
    attempt("kwonly", lambda: kwonly(i, key="k"))
    attempt("kwonly-flag", lambda: kwonly(i, flag=True, key="k"))
    attempt("kwonly-missing", lambda: kwonly(i, flag=True))
    attempt("extra", lambda: extra(i, z=1, y=2))
    attempt("extra-b", lambda: extra(i, b=5, z=1))
    attempt("extra-a-twice", lambda: extra(i, a=1))
    attempt("everything", lambda: everything(i, 5, 6, 7, key="k", other=1))
    attempt("everything-kw", lambda: everything(a=i, other=2))
    attempt("cell", lambda: with_cell(i, b=10))
    name = "".join(["c", ""]) + ""
    attempt("equal-name", lambda: plain(1, 2, **{name: i}))
    attempt("method", lambda: log.log(20, "m %d", i, extra={"i": i}))
    attempt("method-forward", lambda: log.warning("w %d", i, stack_info=True))
    attempt("method-forward-bad", lambda: log.warning("w", bogus=i))
    attempt("method-too-many", lambda: log.log(1, 2, 3, exc_info=1, extra=2, stack_info=3, more=4))
    posonly = posonly_maker()
    if posonly is not None:
        attempt("posonly", lambda: posonly(1, 2, c=i))
        attempt("posonly-kwargs", lambda: posonly(1, 2, a=i, b=i))
        attempt("posonly-by-keyword", lambda: nokw_posonly(1, b=i))


nokw_posonly = posonly_function("nokw_posonly", "def nokw_posonly(a, b, /):\n    return (a, b)\n")
log = Logger("x")
for i in range(3):
    run(i)
print(log.records)

# A function's defaults replaced by a longer tuple than its parameters.
plain.__defaults__ = (10, 20, 30, 40, 50)
attempt("long-defaults", lambda: plain(1, d=2))
plain.__defaults__ = None
attempt("no-defaults", lambda: plain(1, 2, c=3))
attempt("no-defaults-missing", lambda: plain(1, 2, d=3))
kwonly.__kwdefaults__ = None
attempt("no-kwdefaults", lambda: kwonly(1, key=2))
attempt("no-kwdefaults-missing", lambda: kwonly(1, key=2, flag=None) and kwonly(1, key=2))

# f(*args, **kwargs) with an empty or missing **kwargs: functions and bound methods, too
# many arguments for the short path, errors, and recursion through such calls.
def forward(func, *args, **kwargs):
    return func(*args, **kwargs)


def star_only(func, args):
    return func(*args)


def pair(a, b, c=3):
    return (a, b, c)


many = tuple(range(20))
for i in range(3):
    attempt("fwd-plain", lambda: forward(pair, i, 2))
    attempt("fwd-plain-kw", lambda: forward(pair, i, 2, d=7))
    attempt("fwd-method", lambda: forward(log.log, 10, "f %s", i))
    attempt("fwd-method-kw", lambda: forward(log.log, 10, "f", extra=i))
    attempt("fwd-too-few", lambda: forward(pair, i))
    attempt("fwd-too-many", lambda: forward(pair, 1, 2, 3, 4, 5))
    attempt("star-list", lambda: star_only(pair, [i, 1]))
    attempt("star-many-method", lambda: star_only(log.log, (1, "%s" * 18) + many[:18]))
    attempt("star-many-function", lambda: star_only(everything, many))
    attempt("star-builtin", lambda: star_only(max, (i, 5, 2)))
    attempt("star-class", lambda: star_only(Logger, ("n",)).name)


class Node:
    def __init__(self, n):
        self.n = n

    def walk(self, *args):
        return 1 + Node(self.n + 1).walk(*args)


sys.setrecursionlimit(150)
try:
    Node(0).walk(1, 2)
except RecursionError:
    print("walk recursion")


def depth_of_star_recursion():
    seen = [0]

    def down(n, *rest):
        seen[0] = n
        return holder.step(n + 1, *rest)

    class Holder:
        def step(self, *args):
            return down(*args)

    holder = Holder()
    try:
        down(0, "x")
    except RecursionError:
        pass
    return seen[0]


print("star depth", depth_of_star_recursion(), depth_of_star_recursion())
sys.setrecursionlimit(1000)
print(len(log.records))
