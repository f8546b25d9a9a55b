"""An expression evaluator: a hand-written tokenizer, a recursive-descent parser building AST node objects, and a tree-walking evaluator."""

import pyperf

EXPECTED = (944635, 5880)

TEMPLATES = [
    "a * (b + 3) - c // 2",
    "max(a, b, c) * 2 + min(a - b, c) % 7",
    "-(a + b) * -(c - 4) + a * a - b",
    "(a + 1) * (b + 2) * (c + 3) % 1009",
    "abs(a - b * c) + (a * 10 + b) // (c * c + 1)",
    "max(a * b, b * c, c * a) - min(a, -b) + 17 * (a % 5)",
]


class Num(object):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def evaluate(self, env):
        return self.value


class Var(object):
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def evaluate(self, env):
        return env[self.name]


class Neg(object):
    __slots__ = ("operand",)

    def __init__(self, operand):
        self.operand = operand

    def evaluate(self, env):
        return -self.operand.evaluate(env)


class BinOp(object):
    __slots__ = ("op", "left", "right")

    def __init__(self, op, left, right):
        self.op = op
        self.left = left
        self.right = right

    def evaluate(self, env):
        a = self.left.evaluate(env)
        b = self.right.evaluate(env)
        op = self.op
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return 0
        if op == "//":
            return a // b
        return a % b


class Call(object):
    __slots__ = ("func", "args")

    FUNCS = {"max": max, "min": min, "abs": abs}

    def __init__(self, name, args):
        self.func = self.FUNCS[name]
        self.args = args

    def evaluate(self, env):
        return self.func(*[arg.evaluate(env) for arg in self.args])


def tokenize(text):
    tokens = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            i += 1
        elif ch.isdigit():
            j = i
            while j < n and text[j].isdigit():
                j += 1
            tokens.append(("num", int(text[i:j])))
            i = j
        elif ch.isalpha():
            j = i
            while j < n and text[j].isalnum():
                j += 1
            tokens.append(("name", text[i:j]))
            i = j
        elif text.startswith("//", i):
            tokens.append(("op", "//"))
            i += 2
        elif ch in "+-*%(),":
            tokens.append(("op", ch))
            i += 1
        else:
            raise SyntaxError("unexpected %r" % ch)
    tokens.append(("end", None))
    return tokens


class Parser(object):
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos]

    def take(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, value):
        kind, got = self.take()
        if got != value:
            raise SyntaxError("expected %r, got %r" % (value, got))

    def parse(self):
        node = self.expression()
        if self.peek()[0] != "end":
            raise SyntaxError("trailing input")
        return node

    def expression(self):
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "//", "%"):
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self):
        kind, value = self.take()
        if kind == "num":
            return Num(value)
        if kind == "name":
            if self.peek()[1] == "(":
                self.take()
                args = [self.expression()]
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.expression())
                self.expect(")")
                return Call(value, args)
            return Var(value)
        if value == "(":
            node = self.expression()
            self.expect(")")
            return node
        raise SyntaxError("unexpected token %r" % (value,))


def evaluate_all(asts, rep, total, count):
    for a in range(-3, 4):
        for b in range(0, 9, 2):
            env = {"a": a + rep, "b": b, "c": (a * b + rep) % 11}
            for ast in asts:
                total = (total + ast.evaluate(env)) & 0xFFFFFFFF
                count += 1
    return total, count


def workload():
    total = 0
    count = 0
    for rep in range(28):
        asts = [Parser(tokenize(t)).parse() for t in TEMPLATES]
        total, count = evaluate_all(asts, rep, total, count)
    return total, count


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("expr_eval", bench)
