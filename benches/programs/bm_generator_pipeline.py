"""Chained generator pipelines: parse/filter/map/window/chunk stages with yield and yield from, generator expressions, send()."""

import pyperf

RECORDS = 24000
BATCH = 400
WINDOW = 4
CHUNK = 16
SEED = 987654321
EXPECTED = (7528, 9142, (15079, 37234175, 10089), 3679743)


def source(start, stop, seed):
    """Raw records 'id:kind:value' from a small LCG, one per index."""
    state = (seed + start * 7919) & 0x7FFFFFFF
    for i in range(start, stop):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        yield "%d:%s:%d" % (i, "abcde"[state % 5], (state >> 8) % 1000)


def parse(lines):
    for line in lines:
        ident, kind, value = line.split(":")
        yield int(ident), kind, int(value)


def keep(records, kinds):
    for record in records:
        if record[1] in kinds:
            yield record


def scale(records):
    for ident, kind, value in records:
        if kind == "a":
            yield ident, value * 3
        elif kind == "b":
            yield ident, value - 500
        else:
            yield ident, value // 2


def window(pairs, size):
    """Sliding sums over `size` consecutive values."""
    recent = []
    total = 0
    for ident, value in pairs:
        recent.append(value)
        total += value
        if len(recent) > size:
            total -= recent.pop(0)
        if len(recent) == size:
            yield ident, total


def chunk(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def flatten_chunks(chunks):
    """Each chunk's largest value first, then the chunk itself: yield from a sub-generator."""
    for batch in chunks:
        yield max(value for _, value in batch)
        yield from chunk_values(batch)


def chunk_values(batch):
    for ident, value in batch:
        yield value ^ (ident & 0xFF)


def accumulator():
    """A coroutine: send() values, receive the running (count, total, peak)."""
    count = 0
    total = 0
    peak = None
    while True:
        value = yield count, total, peak
        if value is None:
            continue
        count += 1
        total += value
        if peak is None or value > peak:
            peak = value


def run_batch(start, stop, acc):
    stage = flatten_chunks(chunk(window(scale(keep(parse(source(start, stop, SEED)), "abd")),
                                        WINDOW), CHUNK))
    evens = 0
    last = None
    for value in stage:
        if value & 1 == 0:
            evens += 1
        last = acc.send(value)
    positives = sum(1 for v in (x * 2 + 1 for x in range(start, stop) if x % 3) if v % 7 > 2)
    return evens, positives, last


def workload():
    acc = accumulator()
    next(acc)
    evens = 0
    positives = 0
    last = None
    for start in range(0, RECORDS, BATCH):
        e, p, last = run_batch(start, start + BATCH, acc)
        evens += e
        positives += p
    count, total, peak = last
    return evens, positives, (count, total, peak), acc.send(None)[1] & 0xFFFFFF


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("generator_pipeline", bench)
