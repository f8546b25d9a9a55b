"""Positional-only parameters (Python 3.8) combined with defaults, *args, keyword-only and
**kwargs, and the errors for misuse."""


def pos_only(a, b, /):
    return (a, b)


def mixed(a, b=2, /, c=3, *, d=4):
    return (a, b, c, d)


def with_kwargs(a, /, **kwargs):
    return (a, sorted(kwargs.items()))


def everything(p1, p2=20, /, n1=30, *args, k1, k2=50, **kw):
    return (p1, p2, n1, args, k1, k2, sorted(kw.items()))


print(pos_only(1, 2), mixed(1), mixed(1, 5), mixed(1, 5, 6), mixed(1, 5, c=7, d=8), mixed(1, c=0))
print(with_kwargs(1, a=2, b=3))  # 'a' may be a keyword since the parameter is positional-only
print(everything(1, k1=2), everything(1, 2, 3, 4, 5, k1=6, x=7), everything(*range(3), **{"k1": 0, "p1": "kw"}))
for call in (lambda: pos_only(1, b=2), lambda: pos_only(a=1, b=2), lambda: mixed(), lambda: mixed(1, 2, 3, 4),
             lambda: everything(1), lambda: mixed(1, d=1, e=2)):
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)
print(pos_only.__code__.co_posonlyargcount, mixed.__code__.co_posonlyargcount, mixed.__defaults__, mixed.__kwdefaults__)
lam = lambda x, /, y=1: x + y
print(lam(1), lam(1, 2), lam(1, y=5))


class Pt:
    def __init__(self, x, y, /):
        self.x, self.y = x, y

    def moved(self, dx=0, dy=0, /):
        return Pt(self.x + dx, self.y + dy)

    def __repr__(self):
        return "Pt(%d, %d)" % (self.x, self.y)


p = Pt(1, 2)
for i in range(300):
    p = p.moved(1, i % 3)
print(p, Pt(0, 0).moved(), divmod(7, 2), pow(2, 5))
