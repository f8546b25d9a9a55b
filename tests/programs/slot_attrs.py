"""`__slots__` members read and written by compiled code (inline when the attribute cache's
first entry is the member): unset members, deletion, subclasses with more slots at other
offsets, a member replaced on the class by a property or a plain value, old values whose
destructors read or write the same object, and an owner that only the stack holds."""


class P:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return self.x * self.x + self.y * self.y

    def scale(self, k):
        self.x *= k
        self.y = self.y * k
        return self


class Q(P):
    __slots__ = ("w",)

    def __init__(self, x, y, w):
        P.__init__(self, x, y)
        self.w = w


class Noisy:
    def __init__(self, owner, tag):
        self.owner = owner
        self.tag = tag

    def __del__(self):
        # Runs while the slot that held it is being replaced.
        print("del", self.tag, "sees x =", self.owner.x)
        self.owner.y = "set-by-del-%s" % self.tag


def read_z(p):
    try:
        return p.z
    except AttributeError as e:
        return "AttributeError: %s" % e


def walk(points):
    total = 0
    for p in points:
        total += p.norm()
        p.scale(2)
        total += p.x
    return total


def run(i):
    a = P(i, i + 1)
    b = Q(i + 2, i + 3, i + 4)
    print("walk", walk([a, b, a, b]))
    print("z", read_z(a), read_z(b))
    a.z = i
    print("z set", read_z(a))
    del a.z
    print("z deleted", read_z(a))
    try:
        del a.z
    except AttributeError as e:
        print("del twice", e)
    b.w = [i]
    print("w", b.w, b.x, b.y)
    # Old values with destructors that look at the owner.
    a.x = Noisy(a, "first")
    a.x = 5
    print("after", a.x, a.y)
    # An owner held only by the stack.
    print("temp", P(i, 2).scale(3).x, Q(1, 2, 3).w)


for i in range(3):
    run(i)


# The member replaced on the class: a property, then a plain class attribute.
def show_x(p):
    try:
        return p.x
    except AttributeError as e:
        return "AttributeError: %s" % e


def store_x(p, v):
    try:
        p.x = v
        return "stored"
    except AttributeError as e:
        return "AttributeError: %s" % e


p = P(1, 2)
for i in range(3):
    print("before", show_x(p), store_x(p, i))
member = P.__dict__["x"]
P.x = property(lambda self: "property", lambda self, v: print("property set", v))
for i in range(3):
    print("property", show_x(p), store_x(p, i))
P.x = 42
for i in range(3):
    print("plain", show_x(p), store_x(p, i))
P.x = member
for i in range(3):
    print("restored", show_x(p), store_x(p, i + 10), show_x(p))
