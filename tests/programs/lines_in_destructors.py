"""The line a destructor sees its caller at, when the release that runs it is a local
being overwritten (STORE_FAST), an expression statement's value dropped (POP_TOP), or a
comparison or attribute load releasing a temporary: compiled code stores the
instruction's position only on the path that deallocates."""

import sys

seen = []


class Noisy:
    def __init__(self, tag):
        self.tag = tag

    def __del__(self):
        caller = sys._getframe(1)
        seen.append((self.tag, caller.f_code.co_name, caller.f_lineno - caller.f_code.co_firstlineno))


def make(tag):
    return Noisy(tag)


def overwrite(n):
    x = make("first")
    y = 1
    x = make("second")
    y = y + n
    x = None
    for i in range(n):
        item = make(i)
        total = i
    item = 0
    return y + total


def dropped(n):
    make("statement")
    n + 1
    make("again")
    [make("list")]
    return n


def temporaries():
    a = make("attr").tag
    b = make("cmp") == 3
    return a, b


for _ in range(3):
    seen.clear()
    print(overwrite(3), dropped(2), temporaries())
    print(seen)
