"""Dict and list work: counting, grouping, dict.get/setdefault, list append/pop/insert/slicing and sorting with key functions."""

import pyperf

N = 18000
BATCH = 100
EXPECTED = (256,
            [('katalo', 98), ('tasulo', 96), ('lopomi', 95)],
            393231,
            [28, 48, 60, 49, 62, 59, 58, 55],
            130,
            9182,
            [2300, 2294, 2272, 2268])


SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po"]


def make_words(seed, n):
    words = []
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        r = seed >> 12
        words.append(SYLLABLES[r & 7] + SYLLABLES[(r >> 3) & 7] + SYLLABLES[(r >> 6) & 3])
    return seed, words


def count_and_group(words, offset, counts, groups):
    for i, w in enumerate(words, offset):
        counts[w] = counts.get(w, 0) + 1
        groups.setdefault(w[:2], []).append(i)


def stack_pass(words, offset, counts, stack):
    popped = 0
    for i, w in enumerate(words, offset):
        if counts[w] > 48:
            stack.append(i)
        elif stack:
            popped += stack.pop()
    return popped


def shuffle_queue(queue, start, stop):
    for i in range(start, stop):
        queue.insert(i % 17, queue.pop())
        if i % 100 == 0:
            queue = queue[1:] + queue[:1]
    return queue


def merge_mirrored(counts):
    merged = {}
    for k, v in counts.items():
        if v % 2:
            merged[k] = v
        else:
            merged[k[::-1]] = merged.get(k[::-1], 0) - v
    for k in list(merged):
        if merged[k] < 0:
            del merged[k]
    return merged


def workload():
    # Work in batches of words, each phase a function entered many times per call.
    seed = 42
    batches = []
    for _ in range(N // BATCH):
        seed, words = make_words(seed, BATCH)
        batches.append(words)
    counts = {}
    groups = {}
    for k, words in enumerate(batches):
        count_and_group(words, k * BATCH, counts, groups)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    stack = []
    popped = 0
    for k, words in enumerate(batches):
        popped += stack_pass(words, k * BATCH, counts, stack)
    queue = list(range(64))
    for start in range(0, N // 4, BATCH):
        queue = shuffle_queue(queue, start, min(start + BATCH, N // 4))
    merged = merge_mirrored(counts)
    sizes = sorted((len(v) for v in groups.values()), reverse=True)
    return (len(counts), top[:3], popped, queue[:8], len(merged), sum(merged.values()), sizes[:4])


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("dict_list_ops", bench)
