"""Comparisons whose result only a branch reads (compiled as one instruction): small and
big ints, floats (NaN included), mixed types, rich comparisons returning objects whose
truth raises or is false, a comparison that turns tracing on, and loops closed by the
comparison (3.10 ends `while` loops with the branch)."""

import sys


def classify(a, b):
    out = []
    if a < b:
        out.append("lt")
    if a <= b:
        out.append("le")
    if a == b:
        out.append("eq")
    if a != b:
        out.append("ne")
    if a > b:
        out.append("gt")
    if not a >= b:
        out.append("not ge")
    return out


values = [0, 1, -1, 2**40, -(2**40), 2**70, 1.5, float("nan"), float("inf"), True, 3 + 0j, "a", None]
for a in values:
    for b in values:
        try:
            print(repr(a), repr(b), classify(a, b))
        except TypeError as error:
            print(repr(a), repr(b), "TypeError", error)


class Truthless:
    def __bool__(self):
        raise ValueError("no truth")


class Odd:
    def __init__(self, result):
        self.result = result

    def __lt__(self, other):
        return self.result


for result in (Truthless(), [], [0], 0, "", NotImplemented):
    try:
        if Odd(result) < 1:
            print("taken", type(result).__name__)
        else:
            print("not taken", type(result).__name__)
    except (ValueError, TypeError) as error:
        print(type(error).__name__, error)


def count_down(n):
    steps = 0
    while n > 0:
        n -= 1
        steps += 1
    return steps


def count_up(limit):
    i = 0
    while i < limit:
        i += 1
    return i


print(count_down(1000), count_up(1000), count_up(-5), count_down(2**65 - 2**65 + 10))

events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "traced_branch":
        events.append((event, frame.f_lineno - traced_branch.__code__.co_firstlineno))
    return tracer


class StartsTracing:
    def __lt__(self, other):
        sys.settrace(tracer)
        return True


def traced_branch(x):
    if x < 1:
        y = "yes"
    else:
        y = "no"
    return y


try:
    print(traced_branch(StartsTracing()), traced_branch(0), traced_branch(5))
finally:
    sys.settrace(None)
print(events)


def after_label(n):
    # The branch is a jump target of its own here (the conditional expression).
    total = 0
    for i in range(n):
        if (i if i % 3 else -i) < 2:
            total += 1
    return total


print(after_label(30))
