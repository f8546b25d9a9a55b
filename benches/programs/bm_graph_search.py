"""Graph search on a generated grid maze: level-by-level breadth-first search, Dijkstra with heapq, dicts keyed by tuples."""

import heapq

import pyperf

SIZE = 80
EXPECTED = (4957, 4927, 164, 592, 165, 598769)
MOVES = ((1, 0), (-1, 0), (0, 1), (0, -1))


def carve_row(y, size, seed, walls, weights):
    for x in range(size):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        if (seed >> 16) % 100 < 22 and (x, y) != (0, 0) and (x, y) != (size - 1, size - 1):
            walls.add((x, y))
        weights[(x, y)] = 1 + (seed >> 8) % 9
    return seed


def link_row(y, size, walls, graph):
    for x in range(size):
        if (x, y) in walls:
            continue
        neighbours = []
        for dx, dy in MOVES:
            nx, ny = x + dx, y + dy
            if 0 <= nx < size and 0 <= ny < size and (nx, ny) not in walls:
                neighbours.append((nx, ny))
        graph[(x, y)] = neighbours


def make_maze(size, seed):
    walls = set()
    weights = {}
    for y in range(size):
        seed = carve_row(y, size, seed, walls, weights)
    graph = {}
    for y in range(size):
        link_row(y, size, walls, graph)
    return graph, weights


def expand(graph, frontier, dist, d):
    following = []
    for node in frontier:
        for nb in graph[node]:
            if nb not in dist:
                dist[nb] = d
                following.append(nb)
    return following


def bfs(graph, start):
    dist = {start: 0}
    frontier = [start]
    d = 0
    while frontier:
        d += 1
        frontier = expand(graph, frontier, dist, d)
    return dist


def settle(graph, weights, dist, heap, budget):
    """Pops up to `budget` nodes off the heap and relaxes their edges; False when done."""
    heappop = heapq.heappop
    heappush = heapq.heappush
    while heap and budget:
        budget -= 1
        d, node = heappop(heap)
        if d > dist[node]:
            continue
        for nb in graph[node]:
            nd = d + weights[nb]
            if nd < dist.get(nb, 1 << 30):
                dist[nb] = nd
                heappush(heap, (nd, nb))
    return bool(heap)


def dijkstra(graph, weights, start):
    dist = {start: 0}
    heap = [(0, start)]
    while settle(graph, weights, dist, heap, 64):
        pass
    return dist


def workload():
    graph, weights = make_maze(SIZE, 5)
    hops = bfs(graph, (0, 0))
    cost = dijkstra(graph, weights, (0, 0))
    target = (SIZE - 1, SIZE - 1)
    return (len(graph), len(hops), hops.get(target), cost.get(target),
            max(hops.values()), sum(cost.values()) % 1000003)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("graph_search", bench)
