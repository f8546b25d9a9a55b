"""Integer loops: while/for loops doing trial division, Collatz chains, gcd and bit twiddling on small ints."""

import pyperf

LIMIT = 3000
CHUNK = 25
EXPECTED = (430, (1161, 181), 89969, 83984)


def count_primes(lo, hi):
    count = 0
    n = lo
    while n < hi:
        d = 2
        prime = True
        while d * d <= n:
            if n % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
        n += 1
    return count


def longest_collatz(lo, hi, best_start, best):
    for start in range(lo, hi):
        n = start
        steps = 0
        while n != 1:
            if n & 1:
                n = 3 * n + 1
            else:
                n >>= 1
            steps += 1
        if steps > best:
            best = steps
            best_start = start
    return best_start, best


def gcd_sum(limit, starts):
    total = 0
    for a in starts:
        b = limit - a
        while b:
            a, b = b, a % b
        total += a
    return total


def popcount_sum(lo, hi):
    total = 0
    for i in range(lo, hi):
        x = i ^ (i >> 1)
        c = 0
        while x:
            x &= x - 1
            c += 1
        total += c
    return total


def workload():
    # Each part runs in chunks, so its function is entered often (see bm_attribute_access).
    primes = 0
    for lo in range(2, LIMIT, CHUNK):
        primes += count_primes(lo, min(lo + CHUNK, LIMIT))
    collatz = (0, 0)
    for lo in range(1, LIMIT // 2, CHUNK):
        collatz = longest_collatz(lo, min(lo + CHUNK, LIMIT // 2), *collatz)
    gcds = 0
    starts = range(1, LIMIT * 10, 7)
    for k in range(0, len(starts), CHUNK):
        gcds += gcd_sum(LIMIT * 10, starts[k:k + CHUNK])
    bits = 0
    for lo in range(0, LIMIT * 4, CHUNK):
        bits += popcount_sum(lo, min(lo + CHUNK, LIMIT * 4))
    return primes, collatz, gcds, bits


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("int_loops", bench)
