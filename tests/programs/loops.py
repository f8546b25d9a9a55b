"""while/for loops with else, break and continue in nested loops, loop variables after the
loop, range/enumerate/zip/reversed iteration, modifying collections while iterating copies."""

for i in range(3):
    print("for", i)
else:
    print("for else runs (no break)")
for i in range(10):
    if i == 4:
        print("break at", i)
        break
else:
    print("never")
print("i after loop", i)
n = 0
while n < 5:
    n += 1
    if n % 2:
        continue
    print("while even", n)
else:
    print("while else, n =", n)
while True:
    n -= 1
    if n < 2:
        break
print("n", n)
for outer in range(4):
    for inner in range(4):
        if inner > outer:
            break
        if (inner + outer) % 2:
            continue
        print("pair", outer, inner)
    else:
        print("inner exhausted for", outer)
found = None
for row in range(10):
    for col in range(10):
        if row * col == 42:
            found = (row, col)
            break
    else:
        continue
    break
print("found", found)
for i in []:
    print("never")
else:
    print("empty for else")
print(list(range(10, 0, -3)), list(range(-5)), list(range(0, 20, 5)), range(3, 9)[2], len(range(0, 100, 7)))
for idx, (a, b) in enumerate(zip("abc", [10, 20, 30]), start=1):
    print(idx, a, b)
print(list(reversed(range(5))), list(reversed("abc")), list(zip("ab", "xyz")))
data = [1, 2, 3, 4, 5, 6]
for v in data[:]:
    if v % 2 == 0:
        data.remove(v)
print(data)
d = {k: k * k for k in range(6)}
for k in list(d):
    if k % 3 == 0:
        del d[k]
print(d)
try:
    for k in d:
        d[k + 100] = 0
except RuntimeError as e:
    print("RuntimeError:", e)
it = iter(range(5))
for v in it:
    if v == 1:
        print("skipping", next(it))
    print("v", v)
count = 0
i = 0
while i < 10000:
    i += 1
    if i % 3 == 0:
        continue
    if i > 9000:
        break
    count += i & 7
else:
    count = -1
print("count", count, i)
total = 0
for a in range(50):
    for b in range(50):
        if a == b:
            continue
        if a + b > 70:
            break
        total += a * b
print("total", total)
x = 10
while x:
    x -= 1
    try:
        if x == 5:
            continue
        if x == 2:
            break
    finally:
        print("finally in while", x)
print("x", x)
collatz_lengths = []
for start in range(1, 40):
    steps, v = 0, start
    while v != 1:
        v = v // 2 if v % 2 == 0 else 3 * v + 1
        steps += 1
    collatz_lengths.append(steps)
print(collatz_lengths)
