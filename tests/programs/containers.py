"""Lists, tuples, dicts and sets: construction, methods, mutation while iterating copies,
membership, sorting, nesting and identity."""
import collections

lst = [5, 3, 8, 1, 9, 2]
print(lst, len(lst), lst[0], lst[-1], sum(lst), min(lst), max(lst), sorted(lst), lst)
lst.append(7); lst.insert(0, 11); lst.extend([4, 4]); print(lst)
print(lst.pop(), lst.pop(0), lst.pop(2), lst, lst.index(9), lst.count(4))
lst.remove(4); lst.reverse(); print(lst)
lst.sort(); print(lst)
lst.sort(key=lambda v: (v % 3, -v)); print(lst)
lst.sort(reverse=True); print(lst)
print([1, 2] + [3], [0] * 4, [[0] * 2] * 2, list("abc"), list(range(3, 12, 4)), list(reversed(lst)))
copy = lst[:]
copy[0] = "changed"
print(copy, lst, copy is lst, copy == lst, lst.copy() == lst)
nested = [[1, 2], [3, [4, 5]]]
nested[1][1].append(6)
print(nested, nested[1][1][-1], len(nested[1]))
try:
    lst.index(12345)
except ValueError as e:
    print("ValueError:", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
lst.clear(); print(lst, bool(lst))

t = (1, "two", 3.0, None, (5, 6))
print(t, len(t), t[1], t[-1][0], t[1:3], t.count(1), t.index(3.0), t + (7,), t * 2 == t + t, (1,) * 3)
print(tuple([1, 2]), tuple("ab"), () == tuple(), hash((1, 2)) == hash((1, 2)), (1, 2) < (1, 3))
try:
    t[0] = 5
except TypeError as e:
    print("TypeError:", e)
try:
    hash(([1],))
except TypeError as e:
    print("TypeError:", e)

d = {"one": 1, "two": 2}
d["three"] = 3
d.update(four=4, five=5)
d.update([("six", 6)])
print(d, len(d), d["two"], d.get("nine"), d.get("nine", -1), "one" in d, 1 in d)
print(list(d), list(d.keys()), list(d.values()), list(d.items())[:2])
print(d.pop("two"), d.pop("missing", "dflt"), d.setdefault("seven", 7), d.setdefault("one", 100))
print(d.popitem(), d)
del d["one"]
print(d, dict.fromkeys("abc", 0), dict(zip("xyz", range(3))), dict([(1, 2)], k=3))
try:
    d["absent"]
except KeyError as e:
    print("KeyError:", e)
merged = dict(d)
merged.update({"three": 33})
print(merged, d, {**d, "extra": 0}, {k: v for k, v in sorted(d.items()) if v % 2})
inv = {v: k for k, v in d.items()}
print(sorted(inv.items()))
keys = {(1, 2): "tuple", 3: "int", 3.5: "float", frozenset([1]): "frozenset", None: "none", True: "bool"}
print(keys[(1, 2)], keys[1], keys[3.5], keys[frozenset({1})], keys[None], len(keys))
ordered = {}
for k in [5, 1, 4, 2, 3]:
    ordered[k] = k * k
del ordered[4]
ordered[4] = 0
print(list(ordered.items()))

s = {3, 1, 2}
s.add(5); s.discard(7); s.remove(1)
print(sorted(s), len(s), 2 in s, 9 in s)
a, b = set(range(0, 10, 2)), set(range(0, 10, 3))
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b), a.isdisjoint({1}), sorted(a.union([11], (12,))))
print(sorted(frozenset("hello")), sorted(set("mississippi")), len({1, 1.0, True}), {1, 2} == {2, 1})
fs = frozenset([1, 2])
print({fs: "ok"}[frozenset([2, 1])], sorted(fs | {3}), type(fs | {3}).__name__)
try:
    s.remove(100)
except KeyError as e:
    print("KeyError:", e)
print(s.pop() in (2, 3, 5), sorted({x % 4 for x in range(20)}))

dq = collections.deque([1, 2, 3], maxlen=5)
dq.appendleft(0); dq.append(4); dq.append(5); dq.rotate(2)
print(list(dq), dq.popleft(), dq.pop(), list(dq))
c = collections.Counter("abracadabra")
print(sorted(c.items()), c.most_common(2), c["z"])
dd = collections.defaultdict(list)
for i, w in enumerate("one two three four five six".split()):
    dd[len(w)].append((i, w))
print(sorted(dd.items()))
Pt = collections.namedtuple("Pt", "x y")
pt = Pt(1, y=2)
print(pt, pt.x + pt.y, pt._replace(x=10), pt._asdict(), Pt._fields, tuple(pt))
od = collections.OrderedDict(a=1, b=2, c=3)
od.move_to_end("a")
print(list(od.items()), od.popitem(last=False))
big = {}
for i in range(2000):
    big[i % 257] = big.get(i % 257, 0) + i
print(len(big), sum(big.values()), big[0], big[256])
