"""String processing: tokenizing text with str methods, counting words in a dict, CSV-like parsing, %, format() and f-strings."""

import pyperf

WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Python", "JIT",
         "compiler", "frame", "loop", "cache", "stack", "value", "name", "call", "return",
         "object", "method", "string", "list", "dict")
PUNCTUATION = (",", ".", ";", "!", "?", ":")
DOCUMENTS = 60
LINES = 16
WORDS_PER_LINE = 14
CSV_ROWS = 40
SEED = 424242
EXPECTED = (24, 2345, "compiler", 6450746, 258088966, 82548, 115232537, 611248535)


class Lcg(object):
    def __init__(self, seed):
        self.state = seed

    def below(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n


def checksum(text, h=0):
    for ch in text[::3]:
        h = (h * 131 + ord(ch)) & 0xFFFFFFF
    return h


def make_text(rng, lines, per_line):
    out = []
    for n in range(lines):
        parts = []
        for k in range(per_line):
            word = WORDS[rng.below(len(WORDS))]
            if k == 0:
                word = word.capitalize()
            elif rng.below(9) == 0:
                word = word.upper()
            if rng.below(6) == 0:
                word += PUNCTUATION[rng.below(len(PUNCTUATION))]
            parts.append(word)
        indent = "  " * (n % 3)
        out.append(indent + " ".join(parts) + ("  " if n % 4 == 0 else ""))
    return "\n".join(out)


def tokenize_line(line):
    tokens = []
    for raw in line.strip().split():
        word = raw.strip(",.;!?:")
        if not word:
            continue
        tokens.append(word.lower())
        if raw != word and raw[-1] in ",.;!?:":
            tokens.append(raw[-1])
    return tokens


def count_words(text, counts, longest):
    punctuation = 0
    for line in text.splitlines():
        for token in tokenize_line(line):
            if token in PUNCTUATION:
                punctuation += 1
                continue
            counts[token] = counts.get(token, 0) + 1
            if len(token) > len(longest) or (len(token) == len(longest) and token < longest):
                longest = token
    return counts, punctuation, longest


def make_csv(rng, rows):
    lines = ["id,name,city,amount,flag"]
    cities = ("Oslo", "Lima", "Kyiv", "Quito", "Perth", "Accra")
    for i in range(rows):
        name = WORDS[rng.below(len(WORDS))] + "_" + str(i % 37)
        city = cities[rng.below(len(cities))]
        amount = "%d.%02d" % (rng.below(5000), rng.below(100))
        flag = "yes" if rng.below(3) == 0 else "no"
        if i % 11 == 0:
            name = " " + name + " "
        lines.append(",".join((str(i), name, city, amount, flag)))
    return "\n".join(lines)


def parse_csv(text):
    lines = text.split("\n")
    header = [h.strip() for h in lines[0].split(",")]
    records = []
    for line in lines[1:]:
        if not line:
            continue
        fields = line.split(",")
        record = {}
        for key, value in zip(header, fields):
            record[key] = value.strip()
        cents = record["amount"].replace(".", "")
        record["cents"] = int(cents)
        record["flag"] = record["flag"].startswith("y")
        records.append(record)
    return records


def summarize(records):
    by_city = {}
    for record in records:
        city = record["city"]
        entry = by_city.get(city)
        if entry is None:
            entry = by_city[city] = [0, 0, 0]
        entry[0] += 1
        entry[1] += record["cents"]
        if record["flag"]:
            entry[2] += 1
    lines = []
    for city in sorted(by_city):
        count, cents, flagged = by_city[city]
        lines.append("%-6s|%5d|%10s|%s" % (city, count, "{:,}".format(cents), f"{flagged:>4}"))
        lines.append("{0:>6}:{1:.2f}".format(city.upper(), cents / 100.0 / count))
    return "\n".join(lines)


def report(counts, limit):
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    lines = []
    for rank, (word, count) in enumerate(ranked[:limit], 1):
        bar = "#" * (count // 10)
        lines.append(f"{rank:2d}. {word:<10} {count:4d} {bar}")
    return "\n".join(lines)


def rewrite(text):
    out = []
    for line in text.splitlines():
        line = line.rstrip()
        stripped = line.lstrip()
        depth = (len(line) - len(stripped)) // 2
        if stripped.startswith("The "):
            stripped = "A " + stripped[4:]
        stripped = stripped.replace("fox", "cat").replace(" JIT ", " compiler ")
        position = stripped.find("loop")
        if position >= 0:
            stripped = stripped[:position] + "LOOP" + stripped[position + 4:]
        out.append("%s%s" % ("> " * depth, stripped))
    return "\n".join(out)


def workload():
    rng = Lcg(SEED)
    counts = {}
    punctuation = 0
    longest = ""
    text_sum = 0
    text_len = 0
    summary_sum = 0
    total_cents = 0
    # Many small documents rather than one big one, so that every function here is entered
    # tens of times per call.
    for document in range(DOCUMENTS):
        text = make_text(rng, LINES, WORDS_PER_LINE)
        counts, marks, longest = count_words(text, counts, longest)
        punctuation += marks
        rewritten = rewrite(text)
        text_sum = checksum(rewritten, text_sum)
        text_len += len(rewritten)
        records = parse_csv(make_csv(rng, CSV_ROWS))
        summary_sum = checksum(summarize(records), summary_sum)
        for record in records:
            total_cents += record["cents"]
    top = report(counts, 10)
    return (len(counts), punctuation, longest, checksum(top), text_sum, text_len,
            summary_sum, total_cents)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("string_processing", bench)
