"""Exceptions: raising and catching in hot loops, custom exception hierarchies, try/except/else/finally and re-raising across frames."""

import pyperf

ITERATIONS = 12000
BATCH = 50
EXPECTED = (22911, 5454, 153536, 935, 12000, 7920)


class AppError(Exception):
    pass


class RetryableError(AppError):
    def __init__(self, code):
        AppError.__init__(self, code)
        self.code = code


class FatalError(AppError):
    pass


def parse_digit(ch):
    if "0" <= ch <= "9":
        return ord(ch) - 48
    raise ValueError(ch)


def risky(i):
    if i % 7 == 0:
        raise RetryableError(i % 5)
    if i % 11 == 0:
        raise FatalError(i)
    return i & 3


def middle(i):
    try:
        return risky(i)
    except RetryableError as e:
        if e.code == 0:
            raise  # re-raise to the caller
        return -e.code


def run_batch(text, table, start, stop, tally):
    digits, bad, outcome, fatal, cleanups, missing = tally
    for i in range(start, stop):
        try:
            digits += parse_digit(text[i % 11])
        except ValueError:
            bad += 1
        try:
            outcome += middle(i)
        except RetryableError:
            outcome += 100
        except AppError:
            fatal += 1
        else:
            outcome += 1
        finally:
            cleanups += 1
        try:
            outcome += table["k%d" % (i % 50)]
        except KeyError:
            missing += 1
    return digits, bad, outcome, fatal, cleanups, missing


def workload():
    text = "12a4b6c8d0e"
    table = {"k%d" % k: k for k in range(0, 50, 3)}
    tally = (0, 0, 0, 0, 0, 0)
    for start in range(0, ITERATIONS, BATCH):
        tally = run_batch(text, table, start, min(start + BATCH, ITERATIONS), tally)
    return tally


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("exceptions", bench)
