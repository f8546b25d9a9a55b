"""Every augmented assignment operator on names, attributes, subscripts and custom types."""


class Box:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Box(%r)" % (self.v,)


class InPlace:
    """Implements in-place operators, printing each call."""

    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "InPlace(%r)" % (self.v,)


def make(name):
    def inplace(self, other):
        print("    __%s__(%r, %r)" % (name, self, other))
        self.v = "%s(%s,%s)" % (name, self.v, other)
        return self
    return inplace


for _name in ("iadd", "isub", "imul", "imatmul", "itruediv", "ifloordiv", "imod", "ipow",
              "ilshift", "irshift", "iand", "ixor", "ior"):
    setattr(InPlace, "__%s__" % _name, make(_name))


class Binary:
    """Has only binary operators, so augmented assignment falls back to them."""

    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        print("    __add__", self.v, other)
        return Binary(self.v + other)

    def __radd__(self, other):
        print("    __radd__", self.v, other)
        return Binary(other + self.v)

    def __matmul__(self, other):
        return Binary(self.v * 100 + other)

    def __repr__(self):
        return "Binary(%r)" % (self.v,)


x = 17
for op in ("+=", "-=", "*=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^=", "/="):
    y = x
    exec("y %s 3" % op)
    print("int", op, y)
x = 7
x += 3; print(x)
x -= 1; print(x)
x *= 5; print(x)
x //= 4; print(x)
x %= 7; print(x)
x **= 3; print(x)
x <<= 4; print(x)
x >>= 2; print(x)
x &= 0xF0; print(x)
x |= 0x0F; print(x)
x ^= 0xFF; print(x)
x /= 8; print(x)
f = 2.5
f += 1; f *= 3; f -= 0.5; f /= 2; f //= 1; f **= 2; f %= 7
print("float", f)
s = "ab"
s += "cd"; s *= 3
print("str", s)
lst = [1]
alias = lst
lst += [2, 3]
lst *= 2
print("list", lst, alias is lst, alias)
t = (1,)
alias_t = t
t += (2,)
print("tuple", t, alias_t, t is alias_t)
st = {1, 2, 3}
st |= {4}; st &= {2, 3, 4, 5}; st -= {3}; st ^= {9, 2}
print("set", sorted(st))

b = Box(10)
b.v += 5; b.v *= 2; b.v -= 1
print("attr", b)
d = {"k": 1, "lst": []}
d["k"] += 41
d["lst"] += ["x"]
d.setdefault("new", 0)
d["new"] -= 7
print("dict", sorted(d.items()))
grid = [[0] * 3 for _ in range(3)]
for i in range(3):
    for j in range(3):
        grid[i][j] += i * 3 + j
        grid[i][j] **= 2
print("grid", grid)
seq = [10, 20, 30, 40]
seq[1:3] += [99]  # slice target: list.__iadd__ on the slice, then slice assignment
print("slice aug", seq)


def counted():
    print("    evaluating the subscript target once")
    return 0


arr = [5]
arr[counted()] += 1
print("arr", arr)

ip = InPlace("start")
ip += 1; ip -= 2; ip *= 3; ip @= 4; ip /= 5; ip //= 6; ip %= 7; ip **= 8
ip <<= 9; ip >>= 10; ip &= 11; ip ^= 12; ip |= 13
print("inplace", ip)
bn = Binary(1)
bn += 2
bn @= 3
print("binary fallback", bn)
n = 5
n += Binary(1)
print("radd fallback", n)
try:
    z = None
    z += 1
except TypeError as e:
    print("TypeError:", e)


def closure_aug():
    total = 0
    def add(v):
        nonlocal total
        total += v
        return total
    return add


adder = closure_aug()
print("nonlocal", [adder(i) for i in range(6)])
G = 100


def global_aug():
    global G
    G += 1
    G *= 2


for _ in range(3):
    global_aug()
print("global", G)
acc = 0
for i in range(300):
    acc += i
    acc ^= i << 1
    acc %= 1000003
print("loop acc", acc)
