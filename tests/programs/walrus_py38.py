"""Assignment expressions (Python 3.8): in if/while conditions, comprehensions (binding in
the enclosing scope), nested and in function arguments; plus f-string '=' specifiers."""
import re

data = [3, 8, 1, 9, 4, 12, 7]
if (n := len(data)) > 5:
    print("long list", n)
while (item := data.pop()) != 9:
    print("popped", item)
print("stopped at", item, "remaining", data)
values = [y for x in range(10) if (y := x * x) % 2]
print(values, "y leaks to the enclosing scope:", y)
print([last := i for i in range(5)], last)
running = 0
print([running := running + v for v in range(1, 6)], running)
text = "key1=10; key2=20; bad; key3=30"
pairs = {}
for part in text.split(";"):
    if (m := re.match(r"\s*(\w+)=(\d+)", part)) is not None:
        pairs[m.group(1)] = int(m.group(2))
    else:
        print("no match in", repr(part))
print(sorted(pairs.items()))


def f(v):
    return (doubled := v * 2) + doubled


print(f(5), [f(z := 3), z])
chunks = iter(range(10))
while (chunk := [c for _, c in zip(range(3), chunks)]):
    print("chunk", chunk)
print((a := 1, b := 2), a + b)
total = 0
i = 0
while (i := i + 1) < 400:
    if (r := i % 7) == 0:
        continue
    total += r
print("total", total)
width, value = 10, 3.14159
print(f"{value=}", f"{value=:.2f}", f"{width * 2 = }", f"{'text'=!r:>10}", f"{data=}")
print(f"{(lambda: 5)()=}", f"{n=} {item=}")
