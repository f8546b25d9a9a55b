"""Recursive search without memoisation: subset-sum counting, 0/1 knapsack, a recursive permutations generator, partitions, colouring."""

import pyperf

SUBSET_ITEMS = (3, 34, 4, 12, 5, 2, 27, 9, 15, 8, 21, 6, 11, 17, 7, 13)
SUBSET_TARGETS = (30, 45, 61)
KNAPSACK_ITEMS = ((12, 4), (2, 2), (1, 1), (4, 10), (1, 2), (7, 9), (3, 5), (9, 13),
                  (5, 8), (6, 7), (8, 11), (2, 3), (11, 15), (4, 6), (10, 12), (3, 4))
KNAPSACK_CAPACITIES = (20, 31)
PERMUTATION_SIZE = 7
PARTITION_N = 30
GRAPH_NODES = 14
GRAPH_COLOURS = 3
EXPECTED = (73218442, 35051, (1854, 120, 8095744), 5604, 3354)


def count_subsets(items, i, remaining):
    """How many subsets of items[i:] sum to exactly `remaining`."""
    if remaining == 0:
        return 1
    if i == len(items) or remaining < 0:
        return 0
    return (count_subsets(items, i + 1, remaining - items[i])
            + count_subsets(items, i + 1, remaining))


def knapsack(items, i, capacity, suffix_values):
    """Best total value of items[i:] (weight, value) within capacity; plain recursion."""
    if i == len(items) or capacity == 0:
        return 0
    weight, value = items[i]
    best = knapsack(items, i + 1, capacity, suffix_values)
    if weight <= capacity and best < suffix_values[i]:
        taken = value + knapsack(items, i + 1, capacity - weight, suffix_values)
        if taken > best:
            best = taken
    return best


def permutations(items):
    """All orderings of a list, as new lists, by recursion on the first element."""
    if len(items) <= 1:
        yield list(items)
        return
    for k in range(len(items)):
        rest = items[:k] + items[k + 1:]
        for tail in permutations(rest):
            tail.insert(0, items[k])
            yield tail


def score_permutations(n):
    """Derangements, permutations with exactly one descent, and a position-weighted checksum."""
    derangements = 0
    one_descent = 0
    checksum = 0
    for perm in permutations(list(range(n))):
        fixed = False
        descents = 0
        weight = 0
        for position, value in enumerate(perm):
            if value == position:
                fixed = True
            if position and perm[position - 1] > value:
                descents += 1
            weight += position * value
        if not fixed:
            derangements += 1
        if descents == 1:
            one_descent += 1
        checksum = (checksum * 7 + weight) & 0xFFFFFF
    return derangements, one_descent, checksum


def partitions(n, largest):
    """Number of partitions of n into parts no larger than `largest`."""
    if n == 0:
        return 1
    if n < 0 or largest == 0:
        return 0
    return partitions(n - largest, largest) + partitions(n, largest - 1)


def make_graph(nodes):
    """A fixed graph: a ring with chords, as adjacency lists."""
    adjacency = [[] for _ in range(nodes)]
    edges = []
    for v in range(nodes):
        edges.append((v, (v + 1) % nodes))
        if v % 3 == 0:
            edges.append((v, (v + 5) % nodes))
    for a, b in edges:
        if b not in adjacency[a]:
            adjacency[a].append(b)
            adjacency[b].append(a)
    return adjacency


def count_colourings(adjacency, colours, v, assignment):
    """Proper colourings of nodes v.. given the colours of nodes before v."""
    if v == len(adjacency):
        return 1
    total = 0
    for c in range(colours):
        ok = True
        for w in adjacency[v]:
            if w < v and assignment[w] == c:
                ok = False
                break
        if ok:
            assignment[v] = c
            total += count_colourings(adjacency, colours, v + 1, assignment)
    assignment[v] = -1
    return total


def workload():
    subsets = 0
    for target in SUBSET_TARGETS:
        subsets = subsets * 1000 + count_subsets(SUBSET_ITEMS, 0, target)
    suffix_values = []
    running = 0
    for weight, value in reversed(KNAPSACK_ITEMS):
        running += value
        suffix_values.append(running)
    suffix_values.reverse()
    best = 0
    for capacity in KNAPSACK_CAPACITIES:
        best = best * 1000 + knapsack(KNAPSACK_ITEMS, 0, capacity, suffix_values)
    perms = score_permutations(PERMUTATION_SIZE)
    parts = partitions(PARTITION_N, PARTITION_N)
    colourings = count_colourings(make_graph(GRAPH_NODES), GRAPH_COLOURS, 0, [-1] * GRAPH_NODES)
    return subsets, best, perms, parts, colourings


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("recursive_solver", bench)
