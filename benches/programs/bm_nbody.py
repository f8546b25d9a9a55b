"""N-body gravity simulation: float arithmetic on lists and locals (a star with five orbiting bodies)."""

import pyperf

STEPS = 1500
DT = 0.005
EXPECTED = (-161.30159997934737, -161.30259187838178)  # (energy before, energy after)
TOLERANCE = 1e-9


def make_system():
    # A central star and five bodies on roughly circular orbits, in units where G = 1.
    # Each body: [x, y, z, vx, vy, vz, mass]
    bodies = [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0]]
    for k in range(1, 6):
        r = 4.0 * k + 1.5
        speed = (1000.0 / r) ** 0.5
        tilt = 0.01 * k
        mass = 0.3 + 0.17 * k
        if k % 2:
            bodies.append([r, 0.0, tilt, 0.0, speed, 0.0, mass])
        else:
            bodies.append([0.0, -r, -tilt, speed, 0.0, 0.0, mass])
    # Move to the centre-of-momentum frame so the system does not drift.
    px = py = pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    star = bodies[0]
    star[3] -= px / star[6]
    star[4] -= py / star[6]
    star[5] -= pz / star[6]
    return bodies


def energy(bodies):
    e = 0.0
    n = len(bodies)
    for i in range(n):
        x1, y1, z1, vx, vy, vz, m1 = bodies[i]
        e += 0.5 * m1 * (vx * vx + vy * vy + vz * vz)
        for j in range(i + 1, n):
            x2, y2, z2 = bodies[j][0], bodies[j][1], bodies[j][2]
            dx = x1 - x2
            dy = y1 - y2
            dz = z1 - z2
            e -= m1 * bodies[j][6] / ((dx * dx + dy * dy + dz * dz) ** 0.5)
    return e


def make_pairs(bodies):
    pairs = []
    for i in range(len(bodies)):
        for j in range(i + 1, len(bodies)):
            pairs.append((bodies[i], bodies[j]))
    return pairs


def advance(bodies, pairs, steps, dt):
    for _ in range(steps):
        for b1, b2 in pairs:
            dx = b1[0] - b2[0]
            dy = b1[1] - b2[1]
            dz = b1[2] - b2[2]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * d2 ** 0.5)
            m1 = b1[6] * mag
            m2 = b2[6] * mag
            b1[3] -= dx * m2
            b1[4] -= dy * m2
            b1[5] -= dz * m2
            b2[3] += dx * m1
            b2[4] += dy * m1
            b2[5] += dz * m1
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]


def workload():
    bodies = make_system()
    before = energy(bodies)
    pairs = make_pairs(bodies)
    for _ in range(STEPS // 10):
        advance(bodies, pairs, 10, DT)
    after = energy(bodies)
    return before, after


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def bench():
    result = workload()
    if EXPECTED is None or not all(close(r, e) for r, e in zip(result, EXPECTED)):
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("nbody", bench)
