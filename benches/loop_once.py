"""A hot loop in a function entered once: times `main(1_000_000)` in-process and prints the
seconds first (for process_cost.py --script), then the state the JIT left the function in."""

import time


def main(n):
    x = 0.0
    a = [1.5, 2.5, 3.5]
    for i in range(n):
        x += a[i % 3] * 0.5 - i * 1e-9
    return x


started = time.perf_counter()
result = main(1000000)
elapsed = time.perf_counter() - started
try:
    import pyston_lite
    state = pyston_lite.info(main)["state"] if pyston_lite.is_enabled() else "off"
except ImportError:
    state = "stock"
print("%.4f %s %r" % (elapsed, state, result))
