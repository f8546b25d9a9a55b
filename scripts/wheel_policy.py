#!/usr/bin/env python3
"""Checks that binary wheels are what a package index accepts as manylinux: `auditwheel show`
names the policy each wheel meets, which must be a manylinux policy no higher (no newer glibc)
than the platform tag the wheel's file name carries.

Command line (used by scripts/wheels.sh; tests/test_wheels.py imports it)::

    python scripts/wheel_policy.py WHEEL...

prints a table wheel -> tag -> policy (a pure-Python wheel, tag 'any', needs none) and exits with status 1 when any wheel fails, with
the reason. Needs auditwheel importable by this interpreter (``python -m auditwheel``).
"""

import os
import re
import subprocess
import sys

# The legacy manylinux tags (PEP 513, 571, 599) and the glibc each stands for (PEP 600).
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}

PERENNIAL = re.compile(r"^manylinux_(\d+)_(\d+)_[a-z0-9_]+$")
CONSISTENT = re.compile(r'is consistent with the following platform tag: "([^"]+)"')


def manylinux_glibc(tag):
    """(major, minor) of the glibc a manylinux platform tag stands for
    ('manylinux_2_35_x86_64' -> (2, 35), 'manylinux2014_x86_64' -> (2, 17)); None for
    any other tag ('linux_x86_64', 'musllinux_1_2_x86_64', 'any')."""
    match = PERENNIAL.match(tag)
    if match:
        return int(match.group(1)), int(match.group(2))
    for legacy, glibc in LEGACY_MANYLINUX.items():
        if tag.startswith(legacy + "_"):
            return glibc
    return None


def platform_tags(wheel):
    """The platform tags of a wheel's file name (PEP 427: the last dash-separated field,
    several joined by dots)."""
    name = os.path.basename(wheel)
    if not name.endswith(".whl") or name.count("-") not in (4, 5):
        raise ValueError("%s is not a wheel file name (name-version[-build]-python-abi-platform.whl)" % name)
    return name[: -len(".whl")].split("-")[-1].split(".")


def auditwheel_policy(wheel, python=None):
    """The platform tag `auditwheel show` says `wheel` is consistent with. Raises
    RuntimeError with auditwheel's output when it names none (not a platform wheel,
    auditwheel missing)."""
    result = subprocess.run(
        [python or sys.executable, "-m", "auditwheel", "show", wheel],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    match = CONSISTENT.search(" ".join(result.stdout.split()))
    if result.returncode != 0 or not match:
        raise RuntimeError("auditwheel show %s named no policy (exit status %d):\n%s" % (
            wheel, result.returncode, result.stdout))
    return match.group(1)


def problem(tags, policy):
    """Why a wheel whose file name carries `tags` and which auditwheel says meets `policy`
    would be refused, or None when it is fine."""
    needed = manylinux_glibc(policy)
    if needed is None:
        return "auditwheel's policy %s is not a manylinux policy" % policy
    claimed = [manylinux_glibc(tag) for tag in tags]
    if None in claimed:
        return "the file name's tag %s is not a manylinux tag" % tags[claimed.index(None)]
    lowest = min(claimed)
    if needed > lowest:
        return "it needs glibc %d.%d (%s) but its tag says glibc %d.%d is enough" % (
            needed + (policy,) + lowest)
    return None


def main(argv=None):
    wheels = sys.argv[1:] if argv is None else argv
    if not wheels:
        print("usage: wheel_policy.py WHEEL...", file=sys.stderr)
        return 2
    rows, failures, notes = [], [], []
    for wheel in wheels:
        tags = platform_tags(wheel)
        if tags == ["any"]:
            rows.append((os.path.basename(wheel), "any", "none needed (pure Python)", "ok"))
            continue
        try:
            policy = auditwheel_policy(wheel)
            reason = problem(tags, policy)
        except RuntimeError as error:
            policy, reason = "-", str(error)
        rows.append((os.path.basename(wheel), ".".join(tags), policy, "ok" if reason is None else "FAIL"))
        if reason is not None:
            failures.append("%s: %s" % (os.path.basename(wheel), reason))
        elif manylinux_glibc(policy) < min(manylinux_glibc(tag) for tag in tags):
            notes.append("%s: meets %s, a lower policy than its tag (older glibc would do)" % (
                os.path.basename(wheel), policy))
    header = ("wheel", "tag", "auditwheel policy", "")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(4)]
    for row in [header] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for note in notes:
        print("note: " + note)
    for failure in failures:
        print("error: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
