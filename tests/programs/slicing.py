"""Slicing: reading, extended slices, slice assignment and deletion, slice objects and
__getitem__/__setitem__/__delitem__ receiving slices."""

data = list(range(10))
for start in (None, 0, 3, -3, 12):
    for stop in (None, 5, -1, 100):
        for step in (None, 1, 2, -1, -3):
            print(start, stop, step, data[start:stop:step], "abcdefghij"[start:stop:step])
print(data[:], data[::], data[1:1], data[5:2], data[-100:100], tuple(data)[2::3])
try:
    data[::0]
except ValueError as e:
    print("ValueError:", e)

a = list(range(10))
a[2:5] = ["x", "y"]; print(a)
a[:0] = [-2, -1]; print(a)
a[len(a):] = [100]; print(a)
a[1:3] = []; print(a)
a[::2] = "ABCDEF"[:len(a[::2])]; print(a)
try:
    a[::2] = [1, 2]
except ValueError as e:
    print("ValueError:", e)
a[3:3] = range(3); print(a)
a[-2:] = (9, 9, 9); print(a)
del a[::3]; print(a)
del a[1:4]; print(a)
del a[-1]; print(a)
del a[:]; print(a)
b = list(range(8))
b[1::2] = [v * 10 for v in b[1::2]]; print(b)
b[::-1] = b; print(b)
b[2:6] = b[2:6][::-1]; print(b)

s = slice(1, 8, 2)
print(s, s.start, s.stop, s.step, s.indices(5), list(range(10))[s], "0123456789"[s])
print(slice(None).indices(4), slice(-3, None).indices(10), slice(5, 1, -1).indices(10))


class Recorder:
    def __init__(self):
        self.items = list(range(6))

    def __getitem__(self, key):
        print("  getitem", key)
        return self.items[key]

    def __setitem__(self, key, value):
        print("  setitem", key, value)
        self.items[key] = value

    def __delitem__(self, key):
        print("  delitem", key)
        del self.items[key]


r = Recorder()
print(r[2], r[1:3], r[::2], r[-1:], r[:2, ] if False else "-")
r[0:2] = ["a"]
r[3] = "z"
del r[::2]
print(r.items)


class Multi:
    def __getitem__(self, key):
        return key


m = Multi()
print(m[1:2], m[1:2, 3], m[..., 0], m[:, ::2], m[1, 2, 3], m[()], m["k"])
ba = bytearray(b"abcdefgh")
ba[2:4] = b"XYZ"
del ba[::3]
print(ba, ba[::-1], b"bytes"[1:3], memoryview(b"abcdef")[2:5].tobytes())
text = "The quick brown fox"
words = text.split()
print([w[::-1] for w in words], text[4:9].upper(), text[-3:] + text[:3])
rows = [list(range(i, i + 5)) for i in range(0, 25, 5)]
print([row[1:4] for row in rows[1:4]], [row[::-1][0] for row in rows])
buf = []
for i in range(100):
    buf[len(buf):] = [i]
    if len(buf) > 7:
        del buf[:3]
print("buffer", buf)
