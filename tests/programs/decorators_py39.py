"""Relaxed decorator grammar (Python 3.9: any expression), dict union operators, and
str.removeprefix/removesuffix."""
handlers = {}
registry = [lambda f: handlers.setdefault("first", f)]


class Buttons:
    def __init__(self):
        self.clicked = self

    def connect(self, f):
        handlers["connected"] = f
        return f


buttons = [Buttons()]


@registry[0]
def first():
    return "first"


@buttons[0].clicked.connect
def on_click():
    return "clicked"


@(lambda f: (lambda *a: "wrapped " + f(*a)))
def greet(name):
    return "hello " + name


@handlers.get("missing", lambda f: f) if True else None
def conditional():
    return "conditional"


print(sorted(handlers), handlers["first"](), handlers["connected"](), greet("you"), conditional())
a, b = {"x": 1, "y": 2}, {"y": 20, "z": 30}
print(a | b, b | a)
a |= {"w": 0}
print(a)
print("prefix_name".removeprefix("prefix_"), "file.txt".removesuffix(".txt"), "keep".removeprefix("x"))
print(list[int], dict[str, list[int]], tuple[int, ...])
