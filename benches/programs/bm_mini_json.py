"""A pure-Python JSON-like encoder and decoder: isinstance dispatch, recursive descent over characters and string escaping, round-tripped."""

import pyperf

EXPECTED = (30511, 78001824)

ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
UNESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def encode(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(ESCAPES.get(ch, ch) for ch in value) + '"'
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(encode(k) + ":" + encode(v) for k, v in value.items()) + "}"
    raise TypeError("cannot encode %r" % (value,))


class Decoder(object):
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def decode(self):
        value = self.value()
        if self.pos != len(self.text):
            raise ValueError("trailing data at %d" % self.pos)
        return value

    def value(self):
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.array()
        if ch == '"':
            return self.string()
        if ch == "n":
            self.pos += 4
            return None
        if ch == "t":
            self.pos += 4
            return True
        if ch == "f":
            self.pos += 5
            return False
        return self.number()

    def number(self):
        text = self.text
        start = self.pos
        if text[self.pos] == "-":
            self.pos += 1
        while self.pos < len(text) and "0" <= text[self.pos] <= "9":
            self.pos += 1
        return int(text[start:self.pos])

    def string(self):
        text = self.text
        self.pos += 1
        parts = []
        while True:
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                return "".join(parts)
            if ch == "\\":
                parts.append(UNESCAPES[text[self.pos + 1]])
                self.pos += 2
            else:
                parts.append(ch)
                self.pos += 1

    def array(self):
        self.pos += 1
        items = []
        if self.text[self.pos] == "]":
            self.pos += 1
            return items
        while True:
            items.append(self.value())
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "]":
                return items
            if ch != ",":
                raise ValueError("expected , or ] at %d" % (self.pos - 1))

    def obj(self):
        self.pos += 1
        result = {}
        if self.text[self.pos] == "}":
            self.pos += 1
            return result
        while True:
            key = self.string()
            if self.text[self.pos] != ":":
                raise ValueError("expected : at %d" % self.pos)
            self.pos += 1
            result[key] = self.value()
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "}":
                return result
            if ch != ",":
                raise ValueError("expected , or } at %d" % (self.pos - 1))


def make_document(first, n):
    people = []
    for i in range(first, first + n):
        people.append({
            "id": i,
            "name": "user\t%d \"q\"" % i,
            "active": i % 3 != 0,
            "score": (i * 7919) % 1000 - 500,
            "tags": ["t%d" % (i % 5), "line\nbreak", None],
            "nested": {"depth": [i, [i + 1, [i + 2]]], "empty": {}, "list": []},
        })
    return {"people": people, "count": n, "ok": True}


def checksum(text, h):
    for ch in text[::3]:
        h = (h * 33 + ord(ch)) & 0xFFFFFFF
    return h


def workload():
    size = 0
    h = 0
    for first in range(0, 200, 20):
        doc = make_document(first, 20)
        text = encode(doc)
        back = Decoder(text).decode()
        if back != doc:
            raise AssertionError("round trip changed the document")
        size += len(text)
        h = checksum(encode(back), h)
    return size, h


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("mini_json", bench)
