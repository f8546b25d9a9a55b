"""`d[key]` on dicts with str keys: present and absent keys, equal but not identical keys,
deleted and re-added keys, split dicts (an instance's `__dict__`), dict subclasses with
`__missing__`, str subclasses as keys, and keys of other types whose hash collides with a
str key and whose `__eq__` is counted (it must run exactly as often as under stock)."""


class Colliding:
    """Hashes like a str key; counts and reports every comparison."""

    calls = 0

    def __init__(self, text, equal):
        self.text = text
        self.equal = equal

    def __hash__(self):
        return hash(self.text)

    def __eq__(self, other):
        Colliding.calls += 1
        return self.equal and other == self.text


class Missing(dict):
    def __missing__(self, key):
        return "missing:" + key


class StrSub(str):
    pass


class Holder:
    def __init__(self):
        self.alpha = 1
        self.beta = 2


def lookup(d, key):
    try:
        return d[key]
    except KeyError as e:
        return "KeyError %r" % (e.args,)


def run(i):
    d = {"a": 1, "b": [i], "c": None}
    out = [lookup(d, "a"), lookup(d, "b"), lookup(d, "c"), lookup(d, "zz")]
    built = "".join(["a", ""])  # equal to "a", another object
    out.append(lookup(d, built))
    out.append(lookup(d, StrSub("a")))
    del d["a"]
    out.append(lookup(d, "a"))
    d["a"] = i * 10
    out.append(lookup(d, "a"))
    h = Holder()
    out.append(lookup(h.__dict__, "alpha"))
    out.append(lookup(h.__dict__, "gamma"))
    out.append(lookup(Missing(x=1), "x"))
    out.append(lookup(Missing(x=1), "y"))
    # A non-str key colliding with "k": the lookup by identity must not decide.
    Colliding.calls = 0
    c = {Colliding("k", False): "colliding", "k": "str"}
    out.append((lookup(c, "k"), Colliding.calls))
    # The same lookup through dict.__getitem__ compares as often (within this process,
    # whatever the hash seed makes the probe sequence).
    Colliding.calls = 0
    through_subscript = lookup(c, "k")
    subscript_calls = Colliding.calls
    Colliding.calls = 0
    through_method = c.__getitem__("k")
    out.append((through_subscript, through_method, subscript_calls == Colliding.calls))
    Colliding.calls = 0
    e = {Colliding("k", True): "equal"}
    out.append((lookup(e, "k"), Colliding.calls))
    # Large dicts (wider index tables) and many keys.
    big = {"key%d" % n: n for n in range(70000)}
    out.append((lookup(big, "key%d" % 69999), lookup(big, "key1"), lookup(big, "nokey")))
    keys = list(big)
    out.append(sum(big[k] for k in keys[:1000]))
    return out


for i in range(3):
    print(run(i))
