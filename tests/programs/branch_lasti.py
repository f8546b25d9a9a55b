"""What code run by a conditional branch's truth test sees of the branching frame: its
`f_lasti` and `f_lineno` inside `__bool__` and `__len__`, and the traceback line when the
test raises, for forward branches (`if`) and backward ones (3.10 closes `while` loops with
a conditional jump), taken and not taken."""
import sys


class Truth:
    def __init__(self, value, fail=False):
        self.value = value
        self.fail = fail

    def __bool__(self):
        caller = sys._getframe(1)
        base = caller.f_code.co_firstlineno
        print("  __bool__ from +%d lasti %d" % (caller.f_lineno - base, caller.f_lasti))
        if self.fail:
            raise ValueError("no truth value")
        return self.value


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        caller = sys._getframe(1)
        print("  __len__ from +%d lasti %d" % (caller.f_lineno - caller.f_code.co_firstlineno, caller.f_lasti))
        return self.n


def forward(x):
    if x:
        return "taken"
    return "not taken"


def negated(x):
    if not x:
        return "not x"
    return "x"


def backward(items):
    n = 0
    while items[n]:
        n += 1
    return n


def both(x, y):
    a = 1 if x else 2
    b = 3 if y else 4
    return a + b


for round_ in range(3):
    print("round", round_)
    print(forward(Truth(True)), forward(Truth(False)), forward(Sized(0)), forward(Sized(2)))
    print(negated(Truth(True)), negated(Sized(1)), negated(True), negated(0))
    print(backward([Truth(True), Sized(3), Truth(True), Truth(False)]))
    print(both(Truth(False), Sized(0)), both(True, False))
    for fn, args in ((forward, (Truth(True, fail=True),)), (backward, ([Truth(True), Truth(True, fail=True)],))):
        try:
            fn(*args)
        except ValueError as e:
            tb = e.__traceback__.tb_next
            print("  %s raised %s at +%d lasti %d" % (fn.__name__, e, tb.tb_lineno - fn.__code__.co_firstlineno, tb.tb_lasti))
