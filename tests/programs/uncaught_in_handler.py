"""Ends with an exception raised while handling another one, inside a generator consumed
by a method, so stderr gets "During handling of the above exception" and the exit status
is 1. Output printed before is flushed first."""
import sys


class Store:
    def __init__(self, data):
        self.data = data

    def items(self):
        for key in ("alpha", "beta", "gamma", "delta"):
            try:
                yield key, self.data[key]
            except KeyError:
                yield key, self.fallback(key)

    def fallback(self, key):
        print("fallback for", key)
        return len(key) // 0 if key == "delta" else -1

    def total(self):
        total = 0
        for key, value in self.items():
            print("item", key, value)
            total += value
        return total


print("total of complete store:", Store({"alpha": 1, "beta": 2, "gamma": 3, "delta": 4}).total())
sys.stdout.flush()
Store({"alpha": 1, "gamma": 3}).total()
