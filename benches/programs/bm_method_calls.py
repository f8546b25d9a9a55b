"""Object-oriented method calls: bound methods, inheritance, super() chains, static/class methods and polymorphic dispatch."""

import pyperf

ITERATIONS = 11000
BATCH = 50
EXPECTED = (141804268, 22000)


class Shape(object):
    def __init__(self, size):
        self.size = size

    def area(self):
        return 0

    def perimeter(self):
        return 0

    def cost(self):
        # Calls two methods that subclasses override: polymorphic dispatch.
        return self.area() + 2 * self.perimeter()

    def resize(self, delta):
        self.size = self.size + delta
        return self


class Square(Shape):
    def area(self):
        return self.size * self.size

    def perimeter(self):
        return 4 * self.size


class Rectangle(Square):
    def __init__(self, size, ratio):
        super().__init__(size)
        self.ratio = ratio

    def area(self):
        return super().area() * self.ratio

    def perimeter(self):
        return 2 * self.size * (1 + self.ratio)


class Triangle(Shape):
    def area(self):
        return (self.size * self.size) // 2

    def perimeter(self):
        return 3 * self.size


class Accumulator(object):
    def __init__(self):
        self.value = 0
        self.calls = 0

    def add(self, amount):
        self.value = (self.value + amount) & 0xFFFFFFF
        self.calls += 1
        return self

    def mix(self, amount):
        return self.add(self.scramble(amount, self.calls))

    @staticmethod
    def scramble(a, b):
        return (a * 31 + b) & 0xFFFF

    @classmethod
    def create(cls):
        return cls()

    def result(self):
        return self.value, self.calls


def run_batch(shapes, acc, start, stop):
    add = acc.add  # a bound method stored in a local
    for i in range(start, stop):
        shape = shapes[i % 5]
        acc.mix(shape.cost())
        shape.resize(1).resize(-1)
        add(i & 15)


def workload():
    shapes = [Square(3), Rectangle(2, 3), Triangle(5), Square(7), Rectangle(4, 2)]
    acc = Accumulator.create()
    for start in range(0, ITERATIONS, BATCH):
        run_batch(shapes, acc, start, min(start + BATCH, ITERATIONS))
    return acc.result()


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("method_calls", bench)
