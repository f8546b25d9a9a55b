# 3.10 specifics: f_lasti in instructions (as frames, generators and tracebacks see it),
# RERAISE restoring f_lasti, GEN_START, NameError suggestions, and every error path of
# the pattern-matching opcodes (MATCH_CLASS, MATCH_KEYS, COPY_DICT_WITHOUT_KEYS, GET_LEN).
import sys
import traceback


def where():
    caller = sys._getframe(1)
    return caller.f_lineno, caller.f_lasti


def positions(n):
    out = [where()]
    for i in range(n):
        out.append(where())
    try:
        out.append(where())
        1 / 0
    except ZeroDivisionError:
        out.append(where())
    finally:
        out.append(where())
    return out


def fails_in_finally(flag):
    try:
        if flag:
            raise KeyError("in try")
        return "ok"
    finally:
        print("  finally runs", flag)


def fails_in_handler():
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second")


def tb_lines(fn, *args):
    try:
        fn(*args)
    except Exception:
        tb = sys.exc_info()[2]
        lines = []
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == __file__:
                lines.append((tb.tb_frame.f_code.co_name, tb.tb_lineno, tb.tb_lasti))
            tb = tb.tb_next
        return lines
    return None


def gen(n):
    for i in range(n):
        received = yield i
        if received is not None:
            yield ("got", received)


async def coro():
    return 1


async def agen():
    yield 1


def generator_state():
    g = gen(3)
    out = [g.gi_frame.f_lasti, g.gi_running]
    out.append(next(g))
    out.append((g.gi_frame.f_lasti, g.gi_frame.f_lineno))
    out.append(g.send("x"))
    out.append((g.gi_frame.f_lasti, g.gi_frame.f_lineno))
    out.append(list(g))
    out.append(g.gi_frame)
    return out


def start_errors():
    out = []
    for make in (lambda: gen(1), coro, lambda: agen().asend(None)):
        obj = make()
        try:
            obj.send(5)
        except TypeError as e:
            out.append(str(e))
        finally:
            if hasattr(obj, "close"):
                obj.close()
    return out


def name_suggestion():
    spam_and_eggs = 1
    try:
        return spam_and_egg  # noqa: F821
    except NameError as e:
        return traceback.format_exception_only(type(e), e)[-1].strip(), getattr(e, "name", None)


def global_suggestion():
    try:
        return lenn([])  # noqa: F821
    except NameError as e:
        return traceback.format_exception_only(type(e), e)[-1].strip(), e.name


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


class BadArgs:
    __match_args__ = ["x"]


class NonStrArgs:
    __match_args__ = (1,)


class Mapping:
    def __init__(self, data):
        self.data = data

    def keys(self):
        return self.data.keys()

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        if key == "boom":
            raise RuntimeError("get failed")
        return self.data.get(key, default)


import collections.abc  # noqa: E402

collections.abc.Mapping.register(Mapping)


class NoLen:
    def __getitem__(self, i):
        return i


collections.abc.Sequence.register(NoLen)


def classify(subject):
    match subject:
        case Point(0, 0):
            return "origin"
        case Point(x, y=0):
            return "on x axis at %r" % (x,)
        case Point(x=x, y=y) if x == y:
            return "diagonal %r" % (x,)
        case {"kind": "pair", "a": a, **rest}:
            return "pair %r rest %r" % (a, sorted(rest.items()))
        case {"boom": value}:
            return "boom %r" % (value,)
        case [first, *middle, last]:
            return "seq %r..%r (%d)" % (first, last, len(middle))
        case int() | float() as number:
            return "number %r" % (number,)
        case str(text):
            return "text %r" % (text,)
        case _:
            return "other"


class Keys:
    a = 1
    b = 1


def bad_patterns(which):
    match which:
        case 0:
            match Point(1, 2):
                case Point(1, 2, 3):
                    return "impossible"
        case 1:
            match BadArgs():
                case BadArgs(1):
                    return "impossible"
        case 2:
            match NonStrArgs():
                case NonStrArgs(1):
                    return "impossible"
        case 3:
            match Point(1, 2):
                case Point(1, x=1):
                    return "impossible"
        case 4:
            not_a_type = len
            match 5:
                case not_a_type():
                    return "impossible"
        case 5:
            match {1: 2, 3: 4}:
                case {Keys.a: _, Keys.b: _}:
                    return "impossible"
        case 6:
            match NoLen():
                case [a, b]:
                    return "impossible"
        case 7:
            match int:
                case int(1):
                    return "int class"
                case type(__name__=name):
                    return "type named %s" % name
    return "no match"


def check():
    print("positions", positions(2))
    print("finally traceback", tb_lines(fails_in_finally, True))
    print("finally ok", fails_in_finally(False))
    print("handler traceback", tb_lines(fails_in_handler))
    print("generator state", generator_state())
    print("start errors", start_errors())
    print("name suggestion", name_suggestion())
    print("global suggestion", global_suggestion())
    for subject in (Point(0, 0), Point(3, 0), Point(2, 2), Point(1, 2),
                    {"kind": "pair", "a": 1, "b": 2, "c": 3}, Mapping({"kind": "pair", "a": 5}),
                    Mapping({"boom": 1}), [1, 2, 3, 4], (1, 2), [1], 7, 2.5, "s", None):
        try:
            print("classify", classify(subject))
        except Exception as e:  # noqa: BLE001
            print("classify raises", type(e).__name__, e)
    for which in range(8):
        try:
            print("bad pattern", which, bad_patterns(which))
        except Exception as e:  # noqa: BLE001
            print("bad pattern", which, "raises", type(e).__name__, e)


for round_ in range(250):
    if round_ in (0, 249):
        print("--- round", round_)
        check()
    else:
        positions(1)
        tb_lines(fails_in_finally, True) if round_ % 50 == 0 else None
        classify(Point(round_, 0))
        classify([round_, 1, 2])
        classify({"kind": "pair", "a": round_})
        generator_state()


def last_words():
    value_x = 1
    return value_y  # noqa: F821 - the uncaught NameError's "Did you mean" line is compared


last_words()
