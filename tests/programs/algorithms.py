"""Small algorithms with hot inner loops (so the default threshold compiles them): sieve,
sorting, n-queens, shortest paths, dynamic programming, matrix arithmetic, bisection,
string processing, a tiny stack-based interpreter."""
import bisect
import heapq


def sieve(n):
    is_prime = [True] * (n + 1)
    is_prime[0:2] = [False, False]
    for i in range(2, int(n ** 0.5) + 1):
        if is_prime[i]:
            for j in range(i * i, n + 1, i):
                is_prime[j] = False
    return [i for i, p in enumerate(is_prime) if p]


def quicksort(xs):
    if len(xs) <= 1:
        return xs
    pivot, rest = xs[0], xs[1:]
    return quicksort([x for x in rest if x < pivot]) + [pivot] + quicksort([x for x in rest if x >= pivot])


def insertion_sort(xs):
    xs = list(xs)
    for i in range(1, len(xs)):
        key, j = xs[i], i - 1
        while j >= 0 and xs[j] > key:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = key
    return xs


def merge_sort(xs):
    if len(xs) < 2:
        return xs
    mid = len(xs) // 2
    left, right = merge_sort(xs[:mid]), merge_sort(xs[mid:])
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i]); i += 1
        else:
            out.append(right[j]); j += 1
    return out + left[i:] + right[j:]


def queens(n):
    solutions = []

    def place(row, cols, diag1, diag2, board):
        if row == n:
            solutions.append(tuple(board))
            return
        for c in range(n):
            if c not in cols and row - c not in diag1 and row + c not in diag2:
                place(row + 1, cols | {c}, diag1 | {row - c}, diag2 | {row + c}, board + [c])
    place(0, frozenset(), frozenset(), frozenset(), [])
    return solutions


def dijkstra(graph, start):
    dist = {start: 0}
    heap = [(0, start)]
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist.get(node, float("inf")):
            continue
        for nxt, w in graph[node]:
            nd = d + w
            if nd < dist.get(nxt, float("inf")):
                dist[nxt] = nd
                heapq.heappush(heap, (nd, nxt))
    return dist


def lcs(a, b):
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def edit_distance(a, b):
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            if i == 0 or j == 0:
                dp[i][j] = i + j
            else:
                dp[i][j] = min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return dp[-1][-1]


def matmul(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def knapsack(items, capacity):
    best = [0] * (capacity + 1)
    for weight, value in items:
        for c in range(capacity, weight - 1, -1):
            best[c] = max(best[c], best[c - weight] + value)
    return best[capacity]


def run_stack_machine(program):
    stack, pc, steps = [], 0, 0
    while pc < len(program):
        op, *args = program[pc]
        steps += 1
        if op == "push":
            stack.append(args[0])
        elif op == "add":
            stack.append(stack.pop() + stack.pop())
        elif op == "dup":
            stack.append(stack[-1])
        elif op == "dec":
            stack[-1] -= 1
        elif op == "swap":
            stack[-1], stack[-2] = stack[-2], stack[-1]
        elif op == "jnz":
            if stack[-1] != 0:
                pc = args[0]
                continue
        elif op == "pop":
            stack.pop()
        pc += 1
    return stack, steps


def lcg(seed):
    while True:
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        yield seed


rand = lcg(42)
data = [next(rand) % 1000 for _ in range(300)]
primes = sieve(5000)
print("primes", len(primes), primes[:10], primes[-3:])
print("sorts agree", quicksort(data) == sorted(data) == insertion_sort(data) == merge_sort(data), quicksort(data)[:8])
sols = queens(6)
print("6-queens", len(sols), sols[:2], "8-queens", len(queens(8)))
graph = {i: [((i * 7 + k) % 40, (i + k) % 9 + 1) for k in range(1, 4)] for i in range(40)}
dist = dijkstra(graph, 0)
print("dijkstra", len(dist), sorted(dist.items())[:8], max(dist.values()))
print("lcs", lcs("the quick brown fox jumps", "quickly jumping brown foxes"), "edit", edit_distance("kitten sitting", "sitting kitten"))
m = [[(i * j) % 5 - 2 for j in range(6)] for i in range(6)]
p = m
for _ in range(3):
    p = matmul(p, m)
print("matrix power", p[0], p[5])
items = [((i * 37) % 23 + 1, (i * 53) % 31 + 1) for i in range(25)]
print("knapsack", knapsack(items, 60))
sorted_data = sorted(data)
print("bisect", [bisect.bisect_left(sorted_data, v) for v in (0, 250, 500, 999)], bisect.insort(sorted_data, 500) or len(sorted_data))
program = [("push", 0), ("push", 300), ("dup",), ("swap",), ("pop",), ("swap",), ("push", 1), ("add",), ("swap",),
           ("dec",), ("jnz", 2), ("pop",)]
print("stack machine", run_stack_machine(program))
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore "
         "magna aliqua").split() * 5
freq = {}
for w in words:
    for ch in w:
        freq[ch] = freq.get(ch, 0) + 1
print("letter frequencies", sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
caesar = "".join(chr((ord(c) - 97 + 13) % 26 + 97) if c.isalpha() else c for c in " ".join(words[:8]))
print("rot13", caesar)
