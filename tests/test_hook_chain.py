"""Chaining with another PEP 523 evaluator (tests/support/counthook.c, built here with the
interpreter's headers): frames we do not run go to the evaluator installed before us, and
disable() puts it back only if ours is still the installed one."""

import os
import subprocess
import sys
import sysconfig

import pytest

from conftest import COMPILES, TESTS_DIR, check_python, clean_env, run_python


@pytest.fixture(scope="module")
def counthook_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("counthook")
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    cc = os.environ.get("CC", "cc")
    subprocess.check_call(
        [cc, "-shared", "-fPIC", "-O1", "-I", sysconfig.get_paths()["include"], "-o",
         str(out / ("counthook" + suffix)), os.path.join(TESTS_DIR, "support", "counthook.c")]
    )
    return str(out)


def run(code, counthook_dir):
    env = clean_env(DISABLE_PYSTON="1", PYTHONPATH=counthook_dir)
    return check_python("import counthook, pyston_lite as p, warnings\n" + code, env=env)


def test_frames_chain_to_the_evaluator_installed_before_us(counthook_dir):
    out = run(
        """
def f(): pass
counthook.install()
p.enable(threshold=1000)
theirs, ours = counthook.count(), p.stats()["entries"]
for _ in range(10): f()
print(counthook.count() - theirs, p.stats()["entries"] - ours)
p.disable()
theirs = counthook.count()
for _ in range(10): f()
print(counthook.count() - theirs, p.info(f)["entries"])
counthook.uninstall()
print(counthook.default_installed())
""",
        counthook_dir,
    )
    assert out.splitlines() == ["10 10", "10 10", "True"]


def test_disable_leaves_a_later_evaluator_alone_and_warns(counthook_dir):
    out = run(
        """
def f(): pass
p.enable(threshold=1000)
counthook.install()          # someone else installs on top of us
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    p.disable()
print(len(caught), caught[0].category.__name__, "another frame evaluator" in str(caught[0].message))
print(p.is_enabled())
theirs = counthook.count()
for _ in range(10): f()
print(counthook.count() - theirs, p.info(f)["entries"])  # theirs still runs, ours passes through
try:
    p.enable()               # theirs may call ours: installing ours in front could loop
except RuntimeError as e:
    print("RuntimeError", "another PEP 523 frame evaluator replaced" in str(e))
for _ in range(10): f()
print(p.is_enabled(), p.info(f)["entries"])
counthook.uninstall()        # theirs goes; ours is the installed one again, still off
print(p.is_enabled())
p.enable()
for _ in range(10): f()
print(p.is_enabled(), p.info(f)["entries"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    p.disable()
print(len(caught), counthook.default_installed())
""",
        counthook_dir,
    )
    assert out.splitlines() == [
        "1 RuntimeWarning True", "False", "10 0", "RuntimeError True", "False 0", "False",
        "True 10", "0 True",
    ]


def test_is_enabled_after_cpythons_evaluator_replaced_ours(counthook_dir):
    # A debugger puts CPython's own evaluator back over ours: is_enabled() says so at once,
    # disable() warns, and enable() installs ours again in front of it (it calls no one).
    out = run(
        """
def f(): pass
def g(): pass
p.enable(threshold=0)
f()
counthook.install_default()
print(p.is_enabled(), p.info(f)["state"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    p.disable()
print(len(caught), p.is_enabled())
p.enable(threshold=0)
g()
print(p.is_enabled(), p.info(g)["state"] == ("compiled" if COMPILES else "failed"))
counthook.install_default()   # replaced again while on: enable() puts ours back
print(p.is_enabled())
p.enable()
print(p.is_enabled())
p.disable()
print(p.is_enabled(), counthook.default_installed())
""".replace("COMPILES", repr(COMPILES)),
        counthook_dir,
    )
    assert out.splitlines() == ["False " + ("compiled" if COMPILES else "failed"), "1 False", "True True", "False", "True", "False True"]


def test_disable_restores_cpythons_evaluator(counthook_dir):
    out = run(
        """
print(counthook.default_installed())
p.enable(); print(counthook.default_installed())
p.disable(); print(counthook.default_installed())
""",
        counthook_dir,
    )
    assert out.split() == ["True", "False", "True"]
