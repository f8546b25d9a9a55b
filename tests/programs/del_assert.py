"""del of names, globals, attributes, items, slices and nested targets; assert with and
without messages; the errors after deletion."""

x = 1
del x
try:
    x
except NameError as e:
    print("NameError:", e)
a, b, c = 1, 2, 3
del a, (b, c)
print("a" in dir(), "b" in dir(), "c" in dir())


def local_del():
    v = "value"
    w = [1, 2, 3]
    del v
    try:
        print(v)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    del w[0], w[-1]
    return w


print(local_del())
G = "global"


def del_global():
    global G
    del G


del_global()
print("G" in globals())
try:
    del_global()
except NameError as e:
    print("NameError:", e)


class Obj:
    cls_attr = "class"

    def __init__(self):
        self.x = 1
        self.y = 2


o = Obj()
del o.x
print(hasattr(o, "x"), vars(o))
try:
    del o.x
except AttributeError as e:
    print("AttributeError:", e)
try:
    del o.cls_attr
except AttributeError as e:
    print("AttributeError:", e)
del Obj.cls_attr
print(hasattr(Obj, "cls_attr"))
d = {"a": 1, "b": 2, "c": 3, (1, 2): "t"}
del d["a"], d[1, 2]
print(d)
try:
    del d["zz"]
except KeyError as e:
    print("KeyError:", e)
lst = list(range(10))
del lst[0]
del lst[-2:]
del lst[::2]
print(lst)
nested = {"k": [1, {"deep": 2, "keep": 3}]}
del nested["k"][1]["deep"]
print(nested)
try:
    del lst[100]
except IndexError as e:
    print("IndexError:", e)
t = (1, 2)
try:
    del t[0]
except TypeError as e:
    print("TypeError:", e)
for i in range(3):
    pass
del i
try:
    print(i)
except NameError as e:
    print("NameError:", e)


def deleted_in_loop():
    out = []
    for k in range(4):
        temp = k * k
        out.append(temp)
        del temp
    return out


print(deleted_in_loop())
assert True
assert 1 + 1 == 2, "never shown"
for cond, msg in ((False, None), (0, "zero is falsy"), ([], ["list", "message"])):
    try:
        if msg is None:
            assert cond
        else:
            assert cond, msg
    except AssertionError as e:
        print("AssertionError:", repr(e), e.args)


def check_positive(n):
    assert n > 0, "expected positive, got %d" % n
    return n


count = 0
for n in range(-5, 300):
    try:
        count += check_positive(n)
    except AssertionError as e:
        count -= 1
        last = str(e)
print("count", count, last, __debug__)
