"""The pyston_lite wheel of this interpreter (from $PYSTON_LITE_WHEELHOUSE) is one a package index
accepts: `auditwheel show` names a manylinux policy no newer than the wheel's platform tag and
the glibc the README's Wheels section states. Plus the rules of scripts/wheel_policy.py, which
`make wheels` applies to every wheel."""

import glob
import os
import re
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import wheel_policy  # noqa: E402

WHEELHOUSE = os.environ.get("PYSTON_LITE_WHEELHOUSE")


def readme_oldest_glibc():
    """(major, minor) from the README's line 'oldest glibc: X.Y'."""
    with open(os.path.join(ROOT, "README.md")) as f:
        match = re.search(r"oldest glibc: (\d+)\.(\d+)", f.read())
    assert match, "README.md has no 'oldest glibc: X.Y' (its Wheels section)"
    return int(match.group(1)), int(match.group(2))


def this_interpreters_wheel():
    if not WHEELHOUSE:
        pytest.skip("PYSTON_LITE_WHEELHOUSE (the folder with both wheels) is not set; scripts/test.sh sets it")
    tag = "cp%d%d" % sys.version_info[:2]
    wheels = glob.glob(os.path.join(WHEELHOUSE, "pyston_lite-*-%s-*.whl" % tag))
    if len(wheels) != 1:
        pytest.fail("want one pyston_lite wheel for %s in %s, found %s" % (tag, WHEELHOUSE, wheels))
    return wheels[0]


def test_auditwheel_policy_of_this_interpreters_wheel():
    wheel = this_interpreters_wheel()
    try:
        import auditwheel  # noqa: F401
    except ImportError:
        pytest.skip("auditwheel is not installed in this venv (scripts/test.sh installs it)")
    policy = wheel_policy.auditwheel_policy(wheel)
    tags = wheel_policy.platform_tags(wheel)
    assert wheel_policy.problem(tags, policy) is None, (wheel, policy)
    assert wheel_policy.manylinux_glibc(policy) <= readme_oldest_glibc(), (
        "%s needs a newer glibc than the README says" % policy)
    assert all(tag.endswith("_x86_64") for tag in tags), tags


def test_manylinux_glibc_of_tags():
    assert wheel_policy.manylinux_glibc("manylinux_2_35_x86_64") == (2, 35)
    assert wheel_policy.manylinux_glibc("manylinux_2_5_i686") == (2, 5)
    assert wheel_policy.manylinux_glibc("manylinux2014_x86_64") == (2, 17)
    assert wheel_policy.manylinux_glibc("manylinux2010_x86_64") == (2, 12)
    assert wheel_policy.manylinux_glibc("manylinux1_x86_64") == (2, 5)
    for other in ("linux_x86_64", "musllinux_1_2_x86_64", "any", "win_amd64"):
        assert wheel_policy.manylinux_glibc(other) is None, other


def test_platform_tags_of_file_names():
    assert wheel_policy.platform_tags("dist/pyston_lite-0.1.0-cp38-cp38-manylinux_2_35_x86_64.whl") == [
        "manylinux_2_35_x86_64"]
    assert wheel_policy.platform_tags("x-1.0-1-cp37-cp37m-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") == [
        "manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    with pytest.raises(ValueError, match="not a wheel file name"):
        wheel_policy.platform_tags("pyston_lite-0.1.0.tar.gz")


def test_problem_rules():
    ok = wheel_policy.problem(["manylinux_2_35_x86_64"], "manylinux_2_35_x86_64")
    lower_policy = wheel_policy.problem(["manylinux_2_35_x86_64"], "manylinux_2_17_x86_64")
    assert ok is None and lower_policy is None
    too_new = wheel_policy.problem(["manylinux_2_17_x86_64", "manylinux2014_x86_64"], "manylinux_2_35_x86_64")
    assert too_new == ("it needs glibc 2.35 (manylinux_2_35_x86_64) but its tag says glibc 2.17 is enough")
    assert "not a manylinux policy" in wheel_policy.problem(["manylinux_2_35_x86_64"], "linux_x86_64")
    assert "not a manylinux tag" in wheel_policy.problem(["linux_x86_64"], "manylinux_2_35_x86_64")
