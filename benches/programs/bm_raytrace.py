"""A small ray tracer: a Vec class with operator overloading (__add__, __mul__, ...), sphere intersection and diffuse shading in floats."""

import pyperf

WIDTH = 40
HEIGHT = 32
EXPECTED = 62707014


class Vec(object):
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def __sub__(self, o):
        return Vec(self.x - o.x, self.y - o.y, self.z - o.z)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def length(self):
        return self.dot(self) ** 0.5

    def normalized(self):
        return self * (1.0 / self.length())


class Sphere(object):
    def __init__(self, center, radius, color, reflect):
        self.center = center
        self.radius = radius
        self.color = color
        self.reflect = reflect

    def intersect(self, origin, direction):
        oc = origin - self.center
        b = oc.dot(direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0:
            return None
        root = disc ** 0.5
        t = -b - root
        if t > 1e-6:
            return t
        t = -b + root
        if t > 1e-6:
            return t
        return None

    def normal(self, point):
        return (point - self.center).normalized()


SCENE = [
    Sphere(Vec(0.0, -1000.5, 3.0), 1000.0, Vec(0.6, 0.6, 0.5), 0.0),
    Sphere(Vec(0.0, 0.0, 3.0), 0.5, Vec(0.9, 0.2, 0.2), 0.3),
    Sphere(Vec(-1.1, 0.1, 3.6), 0.6, Vec(0.2, 0.8, 0.3), 0.1),
    Sphere(Vec(1.0, -0.1, 2.6), 0.4, Vec(0.2, 0.3, 0.9), 0.5),
]
LIGHT = Vec(-2.0, 3.0, -1.0)


def trace(origin, direction, depth):
    nearest = None
    hit = None
    for s in SCENE:
        t = s.intersect(origin, direction)
        if t is not None and (nearest is None or t < nearest):
            nearest = t
            hit = s
    if hit is None:
        return Vec(0.1, 0.1, 0.2 + 0.3 * direction.y)
    point = origin + direction * nearest
    normal = hit.normal(point)
    to_light = (LIGHT - point).normalized()
    shade = 0.1
    lambert = normal.dot(to_light)
    if lambert > 0:
        shadowed = False
        for s in SCENE:
            if s is not hit and s.intersect(point, to_light) is not None:
                shadowed = True
                break
        if not shadowed:
            shade += 0.9 * lambert
    color = hit.color * shade
    if hit.reflect > 0 and depth < 2:
        bounce = direction - normal * (2.0 * direction.dot(normal))
        color = color * (1.0 - hit.reflect) + trace(point, bounce.normalized(), depth + 1) * hit.reflect
    return color


def render_row(eye, j, checksum):
    for i in range(WIDTH):
        x = (i - WIDTH / 2.0) / HEIGHT
        y = (HEIGHT / 2.0 - j) / HEIGHT
        c = trace(eye, Vec(x, y - 0.2, 1.0).normalized(), 0)
        r = min(255, int(c.x * 255))
        g = min(255, int(c.y * 255))
        b = min(255, int(c.z * 255))
        checksum = (checksum * 33 + r * 65536 + g * 256 + b) % 1000000007
    return checksum


def workload():
    eye = Vec(0.0, 0.3, -1.0)
    checksum = 0
    for j in range(HEIGHT):
        checksum = render_row(eye, j, checksum)
    return checksum


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("raytrace", bench)
