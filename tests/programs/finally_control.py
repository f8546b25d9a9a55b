"""finally with return, break and exceptions; else clauses; nested try statements;
the order of finally blocks while unwinding; exception replacement in finally."""


def return_in_finally():
    try:
        return "try"
    finally:
        return "finally"


def finally_overrides_exception():
    try:
        raise ValueError("lost")
    finally:
        return "swallowed by return"


def return_value_evaluated_before_finally():
    x = ["before"]
    try:
        return x
    finally:
        x.append("finally mutated")


def break_in_finally():
    out = []
    for i in range(5):
        try:
            if i == 2:
                raise KeyError(i)
            out.append(i)
        finally:
            if i == 2:
                break
    return out


def return_in_loop_finally():
    log = []
    for i in range(3):
        try:
            try:
                log.append("body %d" % i)
                if i == 1:
                    return log
            finally:
                log.append("inner finally %d" % i)
        finally:
            log.append("outer finally %d" % i)
    return log


def continue_in_try():
    log = []
    for i in range(4):
        try:
            if i % 2:
                continue
            log.append("even %d" % i)
        finally:
            log.append("finally %d" % i)
    else:
        log.append("loop else")
    return log


def break_in_try_while():
    n, log = 0, []
    while True:
        try:
            n += 1
            if n == 3:
                break
        finally:
            log.append(n)
    else:
        log.append("never")
    return log


def exception_in_finally():
    try:
        raise KeyError("original")
    finally:
        raise ValueError("replacement")


def nested(depth, log):
    try:
        if depth == 0:
            raise RuntimeError("bottom")
        nested(depth - 1, log)
    except RuntimeError as e:
        log.append("handled at %d: %s" % (depth, e))
        if depth < 2:
            raise
    else:
        log.append("else at %d" % depth)
    finally:
        log.append("finally at %d" % depth)
    return log


def try_else_finally(flag):
    log = []
    try:
        log.append("try")
        if flag:
            raise ValueError
    except ValueError:
        log.append("except")
    else:
        log.append("else")
        return log
    finally:
        log.append("finally")
    log.append("after")
    return log


def generator_with_finally():
    try:
        yield 1
        yield 2
    finally:
        print("  generator finally")


def with_and_finally():
    class CM:
        def __enter__(self):
            print("  enter")

        def __exit__(self, *exc):
            print("  exit", exc[0].__name__ if exc[0] else None)
    for i in range(3):
        try:
            with CM():
                if i == 1:
                    continue
                if i == 2:
                    return "returned from with"
        finally:
            print("  finally", i)


print(return_in_finally())
print(finally_overrides_exception())
print(return_value_evaluated_before_finally())
print(break_in_finally())
print(return_in_loop_finally())
print(continue_in_try())
print(break_in_try_while())
try:
    exception_in_finally()
except ValueError as e:
    print("replaced:", e, "context:", repr(e.__context__))
try:
    nested(4, [])
except RuntimeError:
    print("escaped as expected")
log = []
try:
    nested(4, log)
except RuntimeError:
    pass
print(log)
print(try_else_finally(False), try_else_finally(True))
for v in generator_with_finally():
    print("gen value", v)
g = generator_with_finally()
print(next(g))
del g
print(with_and_finally())
count = 0
for i in range(1000):
    try:
        try:
            if i % 7 == 0:
                raise ValueError(i)
            count += 1
        finally:
            count += 2
    except ValueError:
        count -= 1
    else:
        count += 3
print("count", count)
