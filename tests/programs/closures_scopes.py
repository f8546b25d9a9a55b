"""Closures, cells, nonlocal, global, late binding, class scopes, shadowing and the
UnboundLocalError/NameError rules."""

counter_value = 0


def make_counter(start=0, step=1):
    count = start

    def increment():
        nonlocal count
        count += step
        return count

    def get():
        return count

    return increment, get


inc, get = make_counter(10, 5)
print(inc(), inc(), get(), inc.__closure__ is not None, len(inc.__closure__),
      [c.cell_contents for c in get.__closure__])
inc2, get2 = make_counter()
print([inc2() for _ in range(5)], get(), get2())


def bump_global():
    global counter_value, new_global
    counter_value += 1
    new_global = "created in function"


bump_global(); bump_global()
print(counter_value, new_global)


def late_binding():
    funcs = []
    for i in range(3):
        funcs.append(lambda: i * 10)
    i = 100
    return [f() for f in funcs]


print(late_binding())


def three_levels():
    a = 1

    def middle():
        b = 2

        def inner():
            nonlocal a
            a += b
            return a, b
        return inner
    inner = middle()
    results = [inner(), inner()]
    return results, a


print(three_levels())


def shadow():
    x = "local"

    def reader():
        return x

    x = "rebound"
    return reader()


print(shadow())


def unbound():
    try:
        print(value)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    value = 1
    return value


unbound()


def free_unbound():
    def inner():
        return later
    try:
        inner()
    except NameError as e:
        print("NameError:", e)
    later = 5
    return inner()


print(free_unbound())
try:
    undefined_name
except NameError as e:
    print("NameError:", e)


def deleted_cell():
    v = 1

    def get():
        return v
    del v
    try:
        get()
    except NameError as e:
        print("NameError:", e)


deleted_cell()
x = "module"


class Scoped:
    x = "class"
    y = x + "!"

    def method(self):
        return x

    lam = staticmethod(lambda: x)


print(Scoped.y, Scoped().method(), Scoped.lam())


def class_in_function():
    v = "enclosing"

    class Inner:
        v = "class attribute"
        w = v

        def m(self):
            return v
    return Inner.w, Inner().m()


print(class_in_function())


def nonlocal_in_loop():
    total = 0

    def add(n):
        nonlocal total
        total += n
    for i in range(100):
        add(i)
    return total


print(nonlocal_in_loop())


def accumulator_factory():
    funcs = {}
    for name, factor in (("double", 2), ("triple", 3)):
        def f(v, factor=factor):
            return v * factor
        funcs[name] = f
    return funcs


acc = accumulator_factory()
print(acc["double"](5), acc["triple"](5))


def recursion_via_closure(n):
    def walk(k):
        return 0 if k == 0 else k + walk(k - 1)
    return walk(n)


print(recursion_via_closure(50))


def global_and_local_same_name():
    print("module x is", globals()["x"])
    x = "function x"
    return x


print(global_and_local_same_name(), x)
results = []
for round_ in range(400):
    i2, g2 = make_counter(round_)
    i2()
    results.append(g2())
print(sum(results), results[-3:])
