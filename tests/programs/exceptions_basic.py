"""Exceptions: try/except/else/finally, matching by class and tuple, exception attributes,
raise from / implicit chaining / suppressed context, custom exception hierarchies, bare
raise, exceptions crossing several frames, sys.exc_info."""
import sys


class AppError(Exception):
    def __init__(self, message, code=0):
        super().__init__(message, code)
        self.message = message
        self.code = code

    def __str__(self):
        return "%s (code %d)" % (self.message, self.code)


class NotFound(AppError):
    pass


class Invalid(AppError):
    pass


def risky(kind):
    if kind == "zero":
        return 1 / 0
    if kind == "key":
        return {}["k"]
    if kind == "index":
        return [][3]
    if kind == "type":
        return "a" + 1
    if kind == "attr":
        return None.missing
    if kind == "notfound":
        raise NotFound("no such thing", 404)
    if kind == "invalid":
        raise Invalid("bad input", code=22)
    if kind == "value":
        return int("x")
    if kind == "stop":
        return next(iter([]))
    return "fine:" + kind


for kind in ("zero", "key", "index", "type", "attr", "notfound", "invalid", "value", "stop", "ok"):
    try:
        result = risky(kind)
    except ZeroDivisionError as e:
        print(kind, "-> ZeroDivisionError", e.args)
    except (KeyError, IndexError) as e:
        print(kind, "-> lookup", type(e).__name__, repr(e), isinstance(e, LookupError))
    except NotFound as e:
        print(kind, "-> NotFound", e, e.code, e.args)
    except AppError as e:
        print(kind, "-> AppError", type(e).__name__, str(e), e.message)
    except Exception as e:
        print(kind, "-> Exception", type(e).__name__, e)
    else:
        print(kind, "-> else", result)
    finally:
        print(kind, "-> finally")

try:
    risky("zero")
except ZeroDivisionError:
    print("inside handler:", sys.exc_info()[0].__name__)
print("after handler:", sys.exc_info())
try:
    raise ValueError
except ValueError as e:
    print("raised class:", repr(e), e.args)
try:
    raise KeyError("explicit") from None
except KeyError as e:
    print("from None:", e.__cause__, e.__suppress_context__)


def convert(text):
    try:
        return int(text)
    except ValueError as e:
        raise Invalid("cannot convert %r" % text, 1) from e


try:
    convert("abc")
except Invalid as e:
    print("cause:", type(e.__cause__).__name__, e.__cause__, "| context is cause:", e.__context__ is e.__cause__)

try:
    try:
        {}["missing"]
    except KeyError:
        raise RuntimeError("while handling")
except RuntimeError as e:
    print("implicit context:", repr(e.__context__), e.__cause__, e.__suppress_context__)


def reraise():
    try:
        risky("index")
    except IndexError:
        print("  logging and re-raising")
        raise


try:
    reraise()
except IndexError as e:
    print("re-raised:", e)


def level3(n):
    if n == 0:
        raise NotFound("deep", n)
    return level3(n - 1)


def level2():
    try:
        return level3(5)
    finally:
        print("  level2 finally")


def level1():
    try:
        level2()
    except KeyError:
        print("never")
    print("never either")


try:
    level1()
except AppError as e:
    tb = e.__traceback__
    names = []
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    print("crossed frames:", names)

e_saved = None
try:
    raise Invalid("saved", 3)
except Invalid as e:
    e_saved = e
print("saved outside:", e_saved, "name unbound:", "e" not in dir())
try:
    print(e)
except NameError as ne:
    print("NameError:", ne)


class WithNotes(Exception):
    pass


errors = []
for i in range(300):
    try:
        if i % 3 == 0:
            raise WithNotes(i)
        elif i % 3 == 1:
            {}[i]
        else:
            [][i]
    except WithNotes as w:
        errors.append(("W", w.args[0] % 10))
    except LookupError as le:
        errors.append((type(le).__name__[0], le.args[0] % 10 if le.args and isinstance(le.args[0], int) else None))
print(len(errors), errors[:6], sorted(set(errors))[:5])
print(issubclass(NotFound, Exception), NotFound.__mro__[1:3], BaseException.__subclasses__()[:0])
try:
    raise TypeError("a", "b", 3)
except TypeError as e:
    print(e, e.args, repr(e))
try:
    raise SystemExit(0)
except SystemExit as e:
    print("caught SystemExit", e.code)
try:
    raise StopIteration("val")
except StopIteration as e:
    print("StopIteration value", e.value)
try:
    assert 1 == 2, "assertion message"
except AssertionError as e:
    print("AssertionError:", e)
try:
    try:
        raise ValueError("inner")
    finally:
        print("  finally runs before outer handler")
except ValueError as e:
    print("outer got", e)
