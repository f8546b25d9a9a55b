"""Structural pattern matching (Python 3.10): literal, capture, wildcard, value, sequence,
star, mapping, class (positional via __match_args__ and keyword) patterns, guards,
or-patterns, as-patterns, nested patterns, and match in loops and functions."""
import enum


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


class Circle:
    __match_args__ = ("center", "radius")

    def __init__(self, center, radius):
        self.center, self.radius = center, radius


def describe(subject):
    match subject:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case int(n) if n < 0:
            return "negative %d" % n
        case int() | float() as number if number > 1000:
            return "big %r" % number
        case True:
            return "unreachable: True == 1 matched earlier"
        case None:
            return "none"
        case "":
            return "empty string"
        case str() as s if s.startswith("cmd:"):
            return "command " + s[4:]
        case str(s):
            return "string %r" % s
        case Color.RED:
            return "red"
        case Color():
            return "other color %s" % subject.name
        case []:
            return "empty sequence"
        case [x]:
            return "one element %r" % (x,)
        case [x, y] if x == y:
            return "pair of equals %r" % (x,)
        case [int(x), int(y)]:
            return "int pair %d,%d" % (x, y)
        case [first, *middle, last]:
            return "sequence %r ... %r (middle %r)" % (first, last, middle)
        case {"type": "user", "name": str(name), **rest}:
            return "user %s with %r" % (name, sorted(rest))
        case {"type": kind}:
            return "mapping of type %r" % kind
        case Point(0, 0):
            return "origin"
        case Point(x=0, y=y):
            return "on y axis at %r" % y
        case Point(x, y) if x == y:
            return "diagonal %r" % x
        case Circle(Point(x, y), radius=r):
            return "circle at (%r,%r) r=%r" % (x, y, r)
        case Point():
            return "some point"
        case (1, 2) | (2, 1):
            return "unreachable"
        case _:
            return "something else: %s" % type(subject).__name__


subjects = [0, 2, -5, 5000, 2.5e6, 7, None, "", "cmd:run", "word", Color.RED, Color.GREEN, [], (9,),
            [4, 4], (1, 2), [1, "a"], [1, 2, 3, 4], "abc", {"type": "user", "name": "ann", "age": 3},
            {"type": "group"}, {"other": 1}, Point(0, 0), Point(0, 5), Point(3, 3), Point(1, 2),
            Circle(Point(1, 1), 4), b"bytes", 3.5, {1, 2}, True, False]
for s in subjects:
    print(repr(s) if not isinstance(s, (Point, Circle)) else type(s).__name__, "->", describe(s))


def evaluate(expr):
    match expr:
        case ("+", left, right):
            return evaluate(left) + evaluate(right)
        case ("*", left, right):
            return evaluate(left) * evaluate(right)
        case ("neg", operand):
            return -evaluate(operand)
        case int() | float() as leaf:
            return leaf
        case _:
            raise ValueError("bad expression %r" % (expr,))


tree = ("+", ("*", 3, 4), ("neg", ("+", 1, 1)))
print(evaluate(tree))
try:
    evaluate(("/", 1, 2))
except ValueError as e:
    print("ValueError:", e)
commands = ["go north", "go", "look", "take lamp key", "drop", "quit now"]
for command in commands:
    match command.split():
        case ["go", direction]:
            print("going", direction)
        case ["go"]:
            print("go where?")
        case ["take", *items]:
            print("taking", items)
        case ["look" | "drop" as verb]:
            print("verb", verb)
        case [verb, *_]:
            print("unknown verb", verb)
counts = {}
for i in range(500):
    match i % 6, i % 4:
        case (0, 0):
            key = "both"
        case (0, _):
            key = "six"
        case (_, 0):
            key = "four"
        case _:
            key = "neither"
    counts[key] = counts.get(key, 0) + 1
print(sorted(counts.items()))
try:
    match Point(1, 2):
        case Point(1, 2, 3):
            pass
except TypeError as e:
    print("TypeError:", e)
