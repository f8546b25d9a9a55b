"""A template engine: a {{ }} and {% %} lexer, a parser to a node tree (for, if, set, filters), rendering pages many times."""

import operator
import re

import pyperf

RENDERS = 60
ROWS = 12
EXPECTED = (84158003, 159941, 6)

TEXT, VAR, BLOCK = 0, 1, 2
TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
EXPRESSION_TOKEN = re.compile(r"""\s*(?:(\d+)|(\w+)|"([^"]*)"|'([^']*)'|(==|!=|<=|>=|[-|.[\](),<>+*%]))""")
CONSTANTS = {"true": True, "false": False, "none": None}
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "%": operator.mod,
          "==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt,
          "<=": operator.le, ">=": operator.ge}
KEYWORDS = ("and", "or", "not")
LEVELS = (("or",), ("and",), ("==", "!=", "<", ">", "<=", ">="), ("+", "-"), ("*", "%"))
NOT_LEVEL = 2   # `not x == y` is `not (x == y)`


class TemplateSyntaxError(Exception):
    pass


class Markup(str):
    """A string already escaped: output as it is."""


# What a missing name, key or attribute gives: empty, false, iterable, output as nothing.
UNDEFINED = Markup("")


class Record(object):
    def __init__(self, **fields):
        self.__dict__.update(fields)


def escape(text):
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text or ">" in text:
        text = text.replace("<", "&lt;").replace(">", "&gt;")
    if '"' in text or "'" in text:
        text = text.replace('"', "&quot;").replace("'", "&#39;")
    return text


def tokenize(source):
    """Template text into [kind, text] tokens; '{%-' and '-%}' trim the whitespace beside them,
    '{# ... #}' is a comment."""
    tokens = []
    trim_next = False
    for position, piece in enumerate(TAG.split(source)):
        if position % 2 == 0:            # the text between two tags
            if trim_next:
                piece = piece.lstrip()
            if piece:
                tokens.append([TEXT, piece])
            continue
        inner = piece[2:-2]
        trim_next = inner.endswith("-")
        if inner.startswith("-") and tokens and tokens[-1][0] == TEXT:
            tokens[-1][1] = tokens[-1][1].rstrip()
        if piece[1] != "#":
            tokens.append([VAR if piece[1] == "{" else BLOCK, inner.strip("-").strip()])
    return tokens


def lex_expression(text):
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = EXPRESSION_TOKEN.match(text, pos)
        if match is None:
            raise TemplateSyntaxError("unexpected %r in %r" % (text[pos:], text))
        number, word, quoted, single_quoted, op = match.groups()
        if number is not None:
            tokens.append(("const", int(number)))
        elif word is not None:
            tokens.append(("op" if word in KEYWORDS else "name", word))
        elif op is not None:
            tokens.append(("op", op))
        else:
            tokens.append(("const", quoted if quoted is not None else single_quoted))
        pos = match.end()
    tokens.append(("end", None))
    return tokens


# Expressions compile to closures taking the context.

def constant(value):
    return lambda ctx: value


def attribute(obj, name):
    def get(ctx):
        value = obj(ctx)
        if isinstance(value, dict):
            return value.get(name, UNDEFINED)
        return getattr(value, name, UNDEFINED)
    return get


def index(obj, key):
    def get(ctx):
        try:
            return obj(ctx)[key(ctx)]
        except (KeyError, IndexError, TypeError):
            return UNDEFINED
    return get


def apply_filter(value, name, args):
    function = FILTERS.get(name)
    if function is None:
        raise TemplateSyntaxError("unknown filter %r" % name)
    if not args:
        return lambda ctx: function(value(ctx))
    return lambda ctx: function(value(ctx), *[arg(ctx) for arg in args])


def binary(function):
    return lambda left, right: lambda ctx: function(left(ctx), right(ctx))


COMBINE = {op: binary(function) for op, function in BINARY.items()}
COMBINE["and"] = lambda left, right: lambda ctx: left(ctx) and right(ctx)
COMBINE["or"] = lambda left, right: lambda ctx: left(ctx) or right(ctx)


class ExpressionParser(object):
    def __init__(self, text):
        self.text = text
        self.tokens = lex_expression(text)
        self.pos = 0

    def peek(self, kind, value=None):
        token = self.tokens[self.pos]
        return token[0] == kind and (value is None or token[1] == value)

    def take(self, kind, value=None):
        token = self.tokens[self.pos]
        if token[0] != kind or (value is not None and token[1] != value):
            raise TemplateSyntaxError("expected %s in %r" % (value or kind, self.text))
        self.pos += 1
        return token[1]

    def parse(self):
        node = self.parse_binary(0)
        self.take("end")
        return node

    def parse_binary(self, level):
        if level == NOT_LEVEL and self.peek("op", "not"):
            self.pos += 1
            operand = self.parse_binary(level)
            return lambda ctx: not operand(ctx)
        if level == len(LEVELS):
            return self.parse_filtered()
        node = self.parse_binary(level + 1)
        while self.peek("op") and self.tokens[self.pos][1] in LEVELS[level]:
            combine = COMBINE[self.take("op")]
            node = combine(node, self.parse_binary(level + 1))
        return node

    def parse_filtered(self):
        node = self.parse_primary()
        while self.peek("op", "|"):
            self.pos += 1
            name = self.take("name")
            args = []
            if self.peek("op", "("):
                self.pos += 1
                while not self.peek("op", ")"):
                    args.append(self.parse_binary(0))
                    if not self.peek("op", ")"):
                        self.take("op", ",")
                self.pos += 1
            node = apply_filter(node, name, args)
        return node

    def parse_primary(self):
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "const":
            return constant(value)
        if kind == "op" and value == "(":
            node = self.parse_binary(0)
            self.take("op", ")")
            return node
        if kind != "name":
            raise TemplateSyntaxError("unexpected %r in %r" % (value, self.text))
        if value in CONSTANTS:
            return constant(CONSTANTS[value])
        node = lambda ctx: ctx.resolve(value)
        while True:
            if self.peek("op", "."):
                self.pos += 1
                node = attribute(node, self.take("name"))
            elif self.peek("op", "["):
                self.pos += 1
                node = index(node, self.parse_binary(0))
                self.take("op", "]")
            else:
                return node


def filter_total(lines):
    total = 0
    for line in lines:
        total += line.qty * line.price
    return total


FILTERS = {
    "upper": lambda value: str(value).upper(),
    "lower": lambda value: str(value).lower(),
    "title": lambda value: str(value).title(),
    "length": len,
    "join": lambda value, separator="": separator.join([str(item) for item in value]),
    "default": lambda value, fallback="": fallback if value is None or value == "" else value,
    "escape": lambda value: Markup(escape(str(value))),
    "safe": lambda value: Markup(str(value)),
    "truncate": lambda value, n: value if len(value) <= n else value[:n - 3] + "...",
    "items": lambda value: list(value.items()),
    "first": lambda value: value[0],
    "last": lambda value: value[-1],
    "total": filter_total,
}


class Context(object):
    def __init__(self, data):
        self.scopes = [data]

    def resolve(self, name):
        scopes = self.scopes
        i = len(scopes) - 1
        while i >= 0:
            scope = scopes[i]
            if name in scope:
                return scope[name]
            i -= 1
        return UNDEFINED


class Output(object):
    def __init__(self, expr):
        self.expr = expr

    def render(self, ctx, out):
        value = self.expr(ctx)
        if isinstance(value, Markup):
            out.append(value)
        elif value is not None and value is not UNDEFINED:
            out.append(escape(str(value)))


class For(object):
    def __init__(self, names, iterable, body, empty):
        self.names = names
        self.iterable = iterable
        self.body = body
        self.empty = empty

    def render(self, ctx, out):
        items = list(self.iterable(ctx))
        if not items:
            render_nodes(self.empty, ctx, out)
            return
        loop = Record(length=len(items))
        scope = {"loop": loop}
        ctx.scopes.append(scope)
        names = self.names
        for position, item in enumerate(items):
            loop.index0 = position
            loop.index = position + 1
            loop.last = loop.index == loop.length
            if len(names) == 1:
                scope[names[0]] = item
            else:
                for name, value in zip(names, item):
                    scope[name] = value
            render_nodes(self.body, ctx, out)
        ctx.scopes.pop()


class If(object):
    def __init__(self, branches, otherwise):
        self.branches = branches
        self.otherwise = otherwise

    def render(self, ctx, out):
        for condition, body in self.branches:
            if condition(ctx):
                render_nodes(body, ctx, out)
                return
        render_nodes(self.otherwise, ctx, out)


class Set(object):
    def __init__(self, name, expr):
        self.name = name
        self.expr = expr

    def render(self, ctx, out):
        ctx.scopes[-1][self.name] = self.expr(ctx)


def render_nodes(nodes, ctx, out):
    for node in nodes:
        if node.__class__ is str:        # text between tags
            out.append(node)
        else:
            node.render(ctx, out)


class Parser(object):
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def parse_nodes(self, stop):
        """Nodes up to a block tag whose first word is in stop (left unconsumed)."""
        nodes = []
        while self.pos < len(self.tokens):
            kind, value = self.tokens[self.pos]
            word = value.split(None, 1)[0] if kind == BLOCK and value else ""
            if word and word in stop:
                return nodes, word
            self.pos += 1
            if kind == TEXT:
                nodes.append(value)
            elif kind == VAR:
                nodes.append(Output(ExpressionParser(value).parse()))
            elif word == "for":
                nodes.append(self.parse_for(value))
            elif word == "if":
                nodes.append(self.parse_if(value))
            elif word == "set":
                name, _, expr = value[3:].partition("=")
                nodes.append(Set(name.strip(), ExpressionParser(expr).parse()))
            else:
                raise TemplateSyntaxError("unknown tag %r" % value)
        if stop:
            raise TemplateSyntaxError("missing {%% %s %%}" % stop[-1])
        return nodes, None

    def parse_for(self, header):
        targets, found, source = header[3:].partition(" in ")
        if not found:
            raise TemplateSyntaxError("bad tag %r" % header)
        names = [name.strip() for name in targets.split(",")]
        body, end = self.parse_nodes(("else", "endfor"))
        self.pos += 1
        empty = []
        if end == "else":
            empty, end = self.parse_nodes(("endfor",))
            self.pos += 1
        return For(names, ExpressionParser(source).parse(), body, empty)

    def parse_if(self, header):
        branches = []
        condition = ExpressionParser(header[2:]).parse()
        while True:
            body, end = self.parse_nodes(("elif", "else", "endif"))
            branches.append((condition, body))
            tag = self.tokens[self.pos][1]
            self.pos += 1
            if end == "elif":
                condition = ExpressionParser(tag[4:]).parse()
                continue
            otherwise = []
            if end == "else":
                otherwise, end = self.parse_nodes(("endif",))
                self.pos += 1
            return If(branches, otherwise)


class Template(object):
    def __init__(self, source):
        self.nodes, _ = Parser(tokenize(source)).parse_nodes(())

    def render(self, data):
        out = []
        render_nodes(self.nodes, Context(data), out)
        return "".join(out)


PAGE = """<html><head><title>{{ title|upper }}</title></head>
<body>
<h1>{{ site.name }} &mdash; {{ title }}</h1>
<ul class="nav">{% for item in site.nav %}
  <li{% if item.url == current %} class="active"{% endif %}><a href="{{ item.url }}">{{ item.label|title }}</a></li>{% endfor %}
</ul>
<table>
  <tr>{% for col in columns %}<th>{{ col|upper }}</th>{% endfor %}</tr>
{% for row in rows -%}
  <tr class="{% if loop.index % 2 == 0 %}even{% else %}odd{% endif %}">
  {%- for col in columns %}<td>{{ row[col]|default("-") }}</td>{% endfor -%}
  </tr>
{% else %}  <tr><td>no rows</td></tr>
{% endfor %}</table>
{# a comment, dropped #}<p>{{ rows|length }} rows; tags: {{ tags|join(", ") }}</p>
{% if user.admin and not user.banned %}<a href="/admin">admin</a>{% elif user.banned %}banned{% else %}welcome {{ user.name|escape }}{% endif %}
{{ "<hr>"|safe }}<small>first tag {{ tags|first }}, last {{ tags|last|upper }}</small>
</body></html>
"""

INVOICE = """Invoice #{{ invoice.number }} for {{ invoice.customer.name|title }}
{% for line in invoice.lines %}{{ loop.index }}. {{ line.description|truncate(18) }} x{{ line.qty }} @ {{ line.price }} = {{ line.qty * line.price }}{% if line.qty > 5 %} (bulk){% endif %}
{% endfor %}{% set total = invoice.lines|total %}Total: {{ total }}{% if total > 1000 %} - free shipping{% endif %}
Notes: {{ invoice.notes|default("none")|lower }}
"""

CATALOGUE = """{% for cat in categories %}<section id="cat-{{ loop.index0 }}">
<h2>{{ cat.name }} ({{ cat.items|length }})</h2>
{% for item in cat.items %}{% if item.stock == 0 %}<s>{{ item.name }}</s>{% elif item.stock < 5 %}<b>{{ item.name }}</b> only {{ item.stock }} left{% else %}{{ item.name }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}
{% for key, value in cat.meta|items %}<meta name="{{ key }}" content="{{ value }}">{% endfor %}
</section>{% endfor %}"""

BROKEN = ("{% if x %}never closed", "{{ a | nosuchfilter }}", "{% for x of xs %}{% endfor %}",
          "{{ 'open }}", "{% while true %}", "{{ a[1 }}")
WORDS = ("widget", "gadget", "sprocket", "gizmo", "doohickey", "bolt <M8>", "nut & washer")


class Lcg(object):
    def __init__(self, seed):
        self.state = seed

    def below(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n


def make_data(rng, i):
    rows = []
    for r in range(ROWS - i % 3):
        row = {"id": i * 100 + r, "name": WORDS[rng.below(len(WORDS))], "qty": rng.below(20)}
        if rng.below(4):
            row["price"] = rng.below(500)
        rows.append(row)
    nav = [Record(url="/p%d" % k, label="page %d" % k) for k in range(6)]
    page = {"title": "report %d" % i, "site": Record(name="Shop's", nav=nav),
            "current": "/p%d" % (i % 6), "columns": ["id", "name", "qty", "price"],
            "rows": rows if i % 9 else [], "tags": ["t%d" % rng.below(50) for _ in range(4)],
            "user": Record(name="<guest %d>" % i, admin=i % 4 == 0, banned=i % 7 == 0)}
    lines = [Record(description=WORDS[rng.below(len(WORDS))] + " deluxe edition",
                    qty=rng.below(10), price=rng.below(300)) for _ in range(8)]
    invoice = {"invoice": Record(number=1000 + i, customer={"name": "ann o'neil"}, lines=lines,
                                 notes="Leave AT door" if i % 2 else None)}
    categories = []
    for c in range(4):
        items = [Record(name="%s-%d" % (WORDS[rng.below(len(WORDS))], k), stock=rng.below(12))
                 for k in range(5 + c)]
        categories.append(Record(name="Category %d" % c, items=items,
                                 meta={"rank": c, "code": "C%02d" % (c * i % 97)}))
    return page, invoice, {"categories": categories}


def checksum(text, h):
    """Position-weighted sum of every third character's code, mod 2**31."""
    for position in range(0, len(text), 3):
        h = (h + (position + 1) * ord(text[position])) % 2147483648
    return h


def workload():
    templates = [Template(PAGE), Template(INVOICE), Template(CATALOGUE)]
    errors = 0
    for source in BROKEN:
        try:
            Template(source)
        except TemplateSyntaxError:
            errors += 1
    rng = Lcg(77)
    h = 0
    length = 0
    for i in range(RENDERS):
        for template, data in zip(templates, make_data(rng, i)):
            text = template.render(data)
            h = checksum(text, h)
            length += len(text)
    return h, length, errors


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("template_engine", bench)
