"""List, set, dict and generator comprehensions, nested, with conditions, closures and
scoping rules."""

print([x * x for x in range(10)])
print([x for x in range(30) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(4) for y in range(x)])
print([[row * col for col in range(4)] for row in range(3)])
print([y for x in [[1, 2], [3], [], [4, 5, 6]] for y in x])
print(sorted({c.lower() for c in "Hello World" if c.isalpha()}))
print({k: len(k) for k in ["a", "bb", "ccc"]})
print({(i, j): i * j for i in range(3) for j in range(3) if i != j})
gen = (i * 2 for i in range(5))
print(type(gen).__name__, next(gen), list(gen), list(gen))
print(sum(x for x in range(101)), max(len(w) for w in "a bb ccc".split()), any(x > 3 for x in [1, 5]))
print(list(zip(*[[1, 2, 3], [4, 5, 6]])), dict((i, str(i)) for i in range(3)))
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([[row[i] for row in matrix] for i in range(3)])
print([x if x % 2 else -x for x in range(8)])
print([f"{a}{b}" for a in "ab" for b in "12"], [[] for _ in range(2)])

# Closures inside comprehensions capture the loop variable by reference.
funcs = [lambda: i for i in range(3)]
print([f() for f in funcs])
funcs = [lambda i=i: i for i in range(3)]
print([f() for f in funcs])

# The iteration variable does not leak.
x = "outer"
squares = [x for x in range(3)]
print(x, squares)


def scope_test():
    y = 10
    return [y + z for z in range(3)], {z: y for z in range(2)}, list(y * z for z in range(2))


print(scope_test())


class ClassScope:
    values = [1, 2, 3]
    doubled = [v * 2 for v in values]  # the outermost iterable is evaluated in class scope
    try:
        broken = [v * len(values) for v in values]
    except NameError as e:
        error = str(e)


print(ClassScope.doubled, ClassScope.error)

# Generator expressions are lazy; the first iterable is evaluated immediately.
log = []


def source(n):
    log.append("source(%d)" % n)
    for i in range(n):
        log.append("yield %d" % i)
        yield i


g = (v + 100 for v in source(3))
log.append("created")
for v in g:
    log.append("got %d" % v)
print(log)
try:
    bad = (1 / x for x in [1, 0])
    print(list(bad))
except ZeroDivisionError as e:
    print("ZeroDivisionError in genexp:", e)
pairs = [(a, b, c) for a in range(1, 30) for b in range(a, 30) for c in range(b, 30) if a * a + b * b == c * c]
print("pythagorean", pairs)
primes = [n for n in range(2, 200) if all(n % d for d in range(2, int(n ** 0.5) + 1))]
print("primes", primes)
nested_gen = sum(sum(j for j in range(i)) for i in range(50))
print("nested gen", nested_gen)
words = "the rain in spain falls mainly on the plain".split()
by_first = {w[0]: [v for v in words if v[0] == w[0]] for w in words}
print(sorted(by_first.items()))
print(sorted({len(w): w for w in words}.items()))
print([(i, c) for i, c in enumerate("abc")], [c * n for c, n in zip("xyz", range(1, 4))])
total = 0
for rep in range(300):
    total += len([k for k in range(rep % 17) if k & 1])
print("total", total)
