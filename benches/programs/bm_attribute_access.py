"""Attribute access: instance attributes (dict and __slots__), class attributes, properties with setters, and getattr/setattr."""

import pyperf

ITERATIONS = 10000
BATCH = 50
EXPECTED = (118914083, 63104921)


class Particle(object):
    gravity = 3          # class attribute read through the instance
    damping_shift = 1

    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.vx = 1
        self.vy = 0
        self._mass = 2

    @property
    def mass(self):
        return self._mass

    @mass.setter
    def mass(self, value):
        self._mass = value if value > 0 else 1

    @property
    def momentum(self):
        return self._mass * (self.vx + self.vy)


class SlottedPoint(object):
    __slots__ = ("a", "b", "c")

    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c


class Config(object):
    scale = 7
    offset = 11


def step(p, q, cfg):
    p.vy = p.vy - Particle.gravity + (p.y < 0) * 2 * Particle.gravity
    p.x = (p.x + p.vx * cfg.scale) % 1000
    p.y = p.y + p.vy
    if p.y < -500:
        p.y = -p.y >> p.damping_shift
    q.a, q.b, q.c = q.b, q.c, (q.a + q.b + cfg.offset) & 0xFFFF
    p.mass = p.mass + (q.c & 3) - 1
    return p.momentum + q.a


def run_batch(particles, points, cfg, start, stop, total):
    names = ("x", "y", "vx")
    for i in range(start, stop):
        k = i & 7
        total = (total + step(particles[k], points[k], cfg)) & 0xFFFFFFF
        if i % 16 == 0:
            p = particles[k]
            name = names[i % 3]
            setattr(p, name, getattr(p, name) + 1)
    return total


def workload():
    particles = [Particle(i * 13, i * 7) for i in range(8)]
    points = [SlottedPoint(i, i + 1, i + 2) for i in range(8)]
    cfg = Config()
    total = 0
    # Batches keep every hot loop in a function entered often, so a JIT that compiles
    # functions after N calls reaches its steady state within the first few calls.
    for start in range(0, ITERATIONS, BATCH):
        total = run_batch(particles, points, cfg, start, min(start + BATCH, ITERATIONS), total)
    state = 0
    for p in particles:
        state = (state * 31 + p.x + p.y + p.mass) & 0xFFFFFFF
    return total, state


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("attribute_access", bench)
