"""Unpacking: tuple/list targets, star targets, nested targets, in for loops, swaps, star
and double-star in displays and calls, and the errors of bad unpacking."""

a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
[p, q] = (10, 20)
print(p, q)
first, *rest = range(5)
print(first, rest)
*init, last = [1, 2, 3]
print(init, last)
head, *middle, tail = "abcdef"
print(head, middle, tail)
h2, *m2, t2 = (1, 2)
print(h2, m2, t2)
(a1, (b1, c1)), d1 = (1, (2, 3)), 4
print(a1, b1, c1, d1)
[(k1, v1), *others] = sorted({"k": 1, "j": 2, "i": 3}.items())
print(k1, v1, others)
for i, (ch, n) in enumerate(zip("abc", range(3))):
    print(i, ch, n)
for key, *values in [("a", 1, 2), ("b",), ("c", 3)]:
    print(key, values)
m = {}
m["x"], m["y"] = 5, 6
obj = type("Obj", (), {})()
obj.left, obj.right = "L", "R"
lst = [0, 0, 0]
lst[0], lst[2] = lst[2] + 1, "two"
print(sorted(m.items()), obj.left, obj.right, lst)
i = 0
lst2 = [10, 20, 30]
i, lst2[i] = 1, 99  # left to right: i is assigned before lst2[i]
print(i, lst2)
aa = bb = cc = [0]
print(aa is bb is cc)
n1 = n2 = 7
print(n1, n2)

for bad in ([1, 2, 3], [1], iter([1, 2, 3])):
    try:
        u, v = bad
        print("unpacked", u, v)
    except ValueError as e:
        print("ValueError:", e)
try:
    u, v, *w = [1]
except ValueError as e:
    print("ValueError:", e)
try:
    u, v = 5
except TypeError as e:
    print("TypeError:", e)

print([*range(3), *"ab", *[None]])
print((*range(2),), {*"aab"} == {"a", "b"}, {**{"a": 1}, "b": 2, **{"a": 3}})


def show(*args, **kwargs):
    return "args=%r kwargs=%r" % (args, sorted(kwargs.items()))


print(show(*[1, 2], 3, *(4,), **{"k": 1}, z=2, **{"y": 3}))
print(show(*"hi", *range(2)))
print(show(**dict(a=1), **{"b": 2}))
try:
    show(**{"a": 1}, **{"a": 2})
except TypeError as e:
    print("TypeError:", e)
try:
    show(*5)
except TypeError as e:
    print("TypeError:", e)


def gen():
    yield from range(3)
    yield "end"


g1, g2, *g3 = gen()
print(g1, g2, g3)
print(max(*[3, 9, 2]), "{}-{}-{}".format(*"xyz"), list(zip(*[(1, "a"), (2, "b")])))
data = [(i, i * i, str(i)) for i in range(6)]
total = 0
for idx, (n, sq, s) in enumerate(data):
    total += n * sq + len(s) * idx
print("total", total)
for _ in range(300):
    a, b, *c = 1, 2, 3, 4
    (d, e), f = (a, b), c
print("after loop", a, b, c, d, e, f)
