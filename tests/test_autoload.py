"""pyston_lite_autoload in a real, fresh venv with both wheels installed: every new
interpreter runs with the hook; DISABLE_PYSTON (any value) leaves pyston_lite unimported; a
bad option prints one warning line and leaves the JIT off."""

import glob
import os
import subprocess
import sys

import pytest

from conftest import clean_env, run_python

WHEELHOUSE = os.environ.get("PYSTON_LITE_WHEELHOUSE")
PROBE = "import sys; m = sys.modules.get('pyston_lite'); print(m is not None, m is not None and m.is_enabled())"


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory):
    if not WHEELHOUSE:
        pytest.skip("PYSTON_LITE_WHEELHOUSE (the folder with both wheels) is not set; scripts/test.sh sets it")
    tag = "cp%d%d" % sys.version_info[:2]
    if not glob.glob(os.path.join(WHEELHOUSE, "pyston_lite-*-%s-*.whl" % tag)):
        pytest.fail("no pyston_lite wheel for %s in %s" % (tag, WHEELHOUSE))
    venv = tmp_path_factory.mktemp("autoload") / "venv"
    subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    # What a user does, minus the network: pip pulls pyston_lite in as the dependency.
    subprocess.check_call(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index",
         "--find-links", WHEELHOUSE, "pyston_lite_autoload"],
        env=clean_env(DISABLE_PYSTON="1"),
    )
    return python


def test_both_packages_installed_with_matching_versions(venv_python):
    result = subprocess.run(
        [venv_python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        env=clean_env(DISABLE_PYSTON="1"), stdout=subprocess.PIPE, universal_newlines=True,
    )
    versions = dict(line.split("==") for line in result.stdout.split() if "pyston" in line)
    assert set(versions) == {"pyston_lite", "pyston_lite_autoload"} or set(versions) == {
        "pyston-lite", "pyston-lite-autoload"}
    assert len(set(versions.values())) == 1


def test_new_interpreters_run_with_the_hook(venv_python):
    result = run_python(
        PROBE + "\ndef f(): pass\nf(); f()\nprint(m.stats()['entries'] >= 2, m.info(f)['entries'])",
        python=venv_python,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["True True", "True 2"]


@pytest.mark.parametrize("value", ["1", "0", "", "yes"])
def test_disable_pyston_leaves_pyston_lite_unimported(venv_python, value):
    result = run_python(PROBE, python=venv_python, env=clean_env(DISABLE_PYSTON=value))
    assert (result.returncode, result.stdout, result.stderr) == (0, "False False\n", "")


def test_bad_option_prints_one_warning_and_stays_off(venv_python):
    result = run_python(PROBE, python=venv_python, env=clean_env(PYSTON_LITE_THRESHOLD="many"))
    assert result.returncode == 0
    assert result.stdout == "True False\n"
    assert result.stderr == (
        'pyston_lite_autoload: JIT not enabled: pyston_lite: invalid value "many" for '
        "PYSTON_LITE_THRESHOLD: expected a non-negative integer\n"
    )


def test_options_from_environment_apply(venv_python):
    result = run_python(
        "import pyston_lite as p\ndef f(): pass\nf()\nprint(p.info(f)['state'] != 'cold')",
        python=venv_python,
        env=clean_env(PYSTON_LITE_THRESHOLD="0"),
    )
    assert result.stdout == "True\n", result.stderr
