"""break / continue / return leaving try-finally, try-except and with blocks inside loops.

On 3.7 these are BREAK_LOOP, CONTINUE_LOOP and RETURN_VALUE unwinding the block stack with
ceval's `why` codes (the finally body runs with the reason and the return value or continue
target on the stack; END_FINALLY resumes the unwind; WITH_CLEANUP_START/FINISH see the same
shapes). On 3.8+ the compiler emits explicit block pops instead; the output must be the same.
"""

import sys

log = []


class CM:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow

    def __enter__(self):
        log.append("enter " + self.name)
        return self

    def __exit__(self, tp, val, tb):
        log.append("exit %s %s" % (self.name, tp.__name__ if tp else None))
        return self.swallow


def break_through_finally(n):
    out = []
    for i in range(n):
        try:
            if i == 3:
                break
            out.append(i)
        finally:
            out.append("f%d" % i)
    else:
        out.append("else")
    return out


def continue_through_finally(n):
    out = []
    i = 0
    while i < n:
        i += 1
        try:
            if i % 2:
                continue
            out.append(i)
        finally:
            out.append("f%d" % i)
    return out


def continue_in_except(n):
    out = []
    for i in range(n):
        try:
            if i % 3 == 0:
                raise ValueError(i)
            out.append(i)
        except ValueError as e:
            out.append("v%s" % e)
            continue
        out.append("after%d" % i)
    return out, sys.exc_info()[0]


def return_through_nested_finally(x):
    out = []
    try:
        try:
            for i in range(5):
                try:
                    if i == x:
                        return out, i
                finally:
                    out.append("inner%d" % i)
        finally:
            out.append("middle")
    finally:
        out.append("outer")
    return out, None


def return_overridden_in_finally():
    try:
        return "try"
    finally:
        return "finally"


def break_overrides_return():
    for i in range(3):
        try:
            return "never" + str(i)
        finally:
            break
    return "after loop"


def continue_in_loop_after_return_in_try():
    out = []
    for i in range(4):
        try:
            if i == 2:
                out.append("ret?")
                return out
        finally:
            out.append("fin%d" % i)
            if i == 2:
                out.append("still")
    return out


def raise_in_finally_during_break():
    for i in range(3):
        try:
            break
        finally:
            raise KeyError("from finally")


def raise_in_finally_during_return():
    try:
        return 1
    finally:
        raise IndexError("replaces return")


def with_in_loop(n):
    del log[:]
    for i in range(n):
        with CM("a%d" % i):
            if i == 1:
                continue
            with CM("b%d" % i):
                if i == 2:
                    break
                log.append("body%d" % i)
    return list(log)


def return_from_with_in_loop():
    del log[:]
    for i in range(3):
        with CM("r%d" % i) as cm:
            if i == 1:
                return cm.name, list(log)
    return None


def with_swallows_then_loop(n):
    del log[:]
    total = 0
    for i in range(n):
        with CM("s%d" % i, swallow=True):
            if i % 2:
                raise RuntimeError(i)
            total += i
        log.append("after%d" % i)
    return total, list(log), sys.exc_info()


def with_not_swallowing():
    del log[:]
    try:
        for i in range(3):
            with CM("n%d" % i):
                if i == 1:
                    raise TypeError("out")
    except TypeError as e:
        return str(e), list(log)


def nested_loops_break_continue():
    out = []
    for i in range(4):
        for j in range(4):
            try:
                if j == i:
                    continue
                if j > i:
                    break
                out.append((i, j))
            finally:
                out.append("f")
        else:
            out.append("inner-else")
        if i == 2:
            try:
                continue
            finally:
                out.append("outer-f")
        out.append("end%d" % i)
    return out


def gen_with_finally_in_loop():
    try:
        for i in range(10):
            try:
                yield i
                if i == 2:
                    return
            finally:
                log.append("gen-f%d" % i)
    finally:
        log.append("gen-outer")


def gen_break_from_with():
    for i in range(5):
        with CM("g%d" % i):
            yield i
            if i == 1:
                break
    yield "done"


def exception_state_after_handlers():
    states = []
    try:
        raise ValueError("outer")
    except ValueError:
        for i in range(3):
            try:
                raise KeyError(i)
            except KeyError:
                if i == 1:
                    continue
                states.append(repr(sys.exc_info()[1]))
            states.append(repr(sys.exc_info()[1]))
        states.append(repr(sys.exc_info()[1]))
    states.append(sys.exc_info())
    return states


def deep_blocks(n):
    out = 0
    for a in range(n):
        try:
            for b in range(n):
                try:
                    with CM("d"):
                        for c in range(n):
                            try:
                                if c == 1:
                                    continue
                                if c == 2:
                                    break
                                out += a * 100 + b * 10 + c
                            finally:
                                out += 1
                    if b == 1:
                        break
                finally:
                    out += 1000
        except ZeroDivisionError:
            pass
        finally:
            out += 10000
    return out


async def acoro(n):
    out = []
    for i in range(n):
        try:
            if i == 2:
                continue
            if i == 4:
                break
            out.append(i)
        finally:
            out.append("af%d" % i)
    return out


def run_coro(c):
    try:
        c.send(None)
    except StopIteration as e:
        return e.value


def main():
    for rep in range(300):
        results = [
            break_through_finally(6),
            continue_through_finally(6),
            continue_in_except(7),
            return_through_nested_finally(2),
            return_through_nested_finally(9),
            return_overridden_in_finally(),
            break_overrides_return(),
            continue_in_loop_after_return_in_try(),
            with_in_loop(4),
            return_from_with_in_loop(),
            with_swallows_then_loop(5),
            with_not_swallowing(),
            nested_loops_break_continue(),
            deep_blocks(3),
            run_coro(acoro(6)),
            exception_state_after_handlers(),
        ]
        for fn in (raise_in_finally_during_break, raise_in_finally_during_return):
            try:
                fn()
            except Exception as e:
                results.append((type(e).__name__, str(e), repr(e.__context__)))
        del log[:]
        results.append(list(gen_with_finally_in_loop()))
        g = gen_with_finally_in_loop()
        results.append(next(g))
        g.close()
        results.append(list(log))
        del log[:]
        results.append(list(gen_break_from_with()))
        results.append(list(log))
        if rep in (0, 299):
            for r in results:
                print(r)
    print("ok")


main()
