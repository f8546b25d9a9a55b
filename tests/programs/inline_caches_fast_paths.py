"""Inline caches and fast paths must never change meaning: LOAD_GLOBAL after globals or
builtins change (rebinding, deletion, shadowing, one code object run with several globals
dicts), small-int arithmetic and comparisons at the one-digit boundaries, bools and int
subclasses, list/tuple indexing at the edges."""
import builtins

counter = 0


def read_counter():
    return counter


def call_len(x):
    return len(x)


def read_missing():
    return maybe_missing


def rebinding(n):
    global counter
    seen = []
    for i in range(n):
        counter = i
        seen.append(read_counter())
    return seen[-3:]


SOURCE = "def f():\n    return value * 2\n"


def many_globals():
    code = compile(SOURCE, "<shared>", "exec")
    results = []
    for k in range(5):
        ns = {"value": k}
        exec(code, ns)
        f = ns["f"]
        results.append(f())
        ns["value"] = k + 10
        results.append(f())
    return results


class MyInt(int):
    def __add__(self, other):
        return "MyInt.add"

    def __lt__(self, other):
        return "MyInt.lt"


EDGE = [0, 1, -1, 2**30 - 1, -(2**30 - 1), 2**30, -(2**30), 2**31, 2**62, -2**62, 2**64, True, False]


def arithmetic_edges():
    out = []
    for a in EDGE:
        for b in EDGE:
            out.append((a + b, a - b, a * b, a < b, a <= b, a == b, a != b, a > b, a >= b))
    out.append((MyInt(3) + 4, MyInt(3) < 4, 3 + MyInt(4), 3 < MyInt(4)))
    return out


def indexing_edges():
    lst = [10, 20, 30]
    tup = (1, 2, 3)
    out = [lst[0], lst[2], lst[-1], tup[0], tup[-3], lst[True], tup[False]]
    for container in (lst, tup, "abc", {0: "zero"}):
        for index in (0, 2, 3, -4, 2**30, 2**40):
            try:
                out.append(container[index])
            except (IndexError, KeyError) as e:
                out.append(type(e).__name__ + ": " + str(e))
    return out


def main():
    global maybe_missing
    for round_ in range(300):
        first = rebinding(5)
        lens = call_len([1, 2])
        try:
            read_missing()
        except NameError as e:
            missing = str(e)
        maybe_missing = round_
        present = read_missing()
        del maybe_missing
        builtins.len = lambda x: "patched"
        patched = call_len([1])
        globals()["len"] = lambda x: "shadowed"
        shadowed = call_len([1])
        del globals()["len"]
        del builtins.len
        builtins.len = builtins_len
        restored = call_len([1, 2, 3])
        shared = many_globals()
        edges = arithmetic_edges()
        idx = indexing_edges()
        if round_ % 100 == 0:
            print(first, lens, missing, present, patched, shadowed, restored, shared)
            print(len(edges), edges[:3], edges[-1], hash(tuple(map(str, edges))) == hash(tuple(map(str, edges))))
            print(edges[40:45])
            print(idx)


builtins_len = builtins.len
main()
