"""A hot loop in a function entered once per call: one long integer and list loop (LCG, counter table, incremental sieve) in main()."""

import pyperf

ITERATIONS = 100000
TABLE_SIZE = 1024
SIEVE_LIMIT = 20000
SEED = 12345
EXPECTED = (4291390351, 46583120, 1492, 12497)


def main(n):
    # The whole hot loop is here, and main() is entered once per bench() call. A JIT that
    # only counts calls (compiling a function at its N-th entry) never compiles it within a
    # run's warmup: reaching a usual threshold takes hundreds of bench() calls, so without a
    # policy for loops in code entered once (or on-stack replacement) it stays in the
    # evaluator. Unlike the other programs, this one breaks the rule in the README's
    # "Sampling" section on purpose.
    table = [0] * TABLE_SIZE
    sieve = [True] * SIEVE_LIMIT
    sieve[0] = sieve[1] = False
    primes = []
    state = SEED
    acc = 0
    window = [0, 0, 0, 0]
    p = 2
    for i in range(n):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        slot = state % TABLE_SIZE
        value = table[slot] + (i & 15) + 1
        table[slot] = value
        window[i & 3] = value
        if value & 1:
            acc += window[0] + window[2] - slot
        else:
            acc -= (window[1] ^ window[3]) & 0xFF
        # one step of an incremental sieve of Eratosthenes every few iterations
        if i % 8 == 0 and p < SIEVE_LIMIT:
            if sieve[p]:
                primes.append(p)
                k = p * p
                while k < SIEVE_LIMIT:
                    sieve[k] = False
                    k += p
            p += 1
        acc &= 0xFFFFFFFF
    checksum = 0
    for slot in range(TABLE_SIZE):
        checksum = (checksum * 31 + table[slot]) & 0xFFFFFFF
    return acc, checksum, len(primes), primes[-1]


def workload():
    return main(ITERATIONS)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("hot_loop_once", bench)
