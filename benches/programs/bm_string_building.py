"""String building and formatting: f-strings, %-formatting, str.format, join, concatenation, slicing and str methods."""

import pyperf

ROWS = 5000
EXPECTED = (126281596, 153506758, 35000, 1707, 25457116)


def checksum(text, h=0):
    for ch in text[::7]:
        h = (h * 131 + ord(ch)) & 0xFFFFFFF
    return h


def render_row(i, name, price, qty):
    total = price * qty
    flag = "*" if total > 500 else " "
    left = f"{i:05d} {name:<12}|"
    middle = "%8.2f x %3d" % (price, qty)
    right = "= {:>10.2f}{}".format(total, flag)
    return left + middle + right


def render_batch(names, start, stop, lines):
    for i in range(start, stop):
        name = names[i % 7]
        if i % 3 == 0:
            name = name.upper()
        elif i % 3 == 1:
            name = name.capitalize()
        lines.append(render_row(i, name, (i % 97) * 1.25 + 0.5, i % 13 + 1))


def to_csv(lines):
    # Concatenation in a loop (CPython's in-place string append path).
    csv = ""
    for line in lines:
        fields = line.replace("|", ",").split()
        csv += ";".join(fields) + "\n"
    return csv


def workload():
    names = ["apple", "banana", "cherry", "date", "elderberry", "fig", "grape"]
    lines = []
    for start in range(0, ROWS, 50):
        render_batch(names, start, min(start + 50, ROWS), lines)
    report = "\n".join(lines)
    csv_parts = [to_csv(lines[k:k + 40]) for k in range(0, 800, 40)]
    report_sum = 0
    for line in lines:
        report_sum = checksum(line, report_sum)
    csv_sum = 0
    for part in csv_parts:
        csv_sum = checksum(part, csv_sum)
    words = report.lower().split()
    stars = sum(1 for line in lines if line.endswith("*"))
    title = " ".join(w.title() for w in words[:50])
    padded = "".join(s.center(9, ".") for s in names) + str(len(words)).zfill(8)
    return report_sum, csv_sum, len(words), stars, checksum(title + padded)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("string_building", bench)
