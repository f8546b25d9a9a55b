"""Importing a build made for another CPython version fails with an ImportError that names
both versions and the fix, and never crashes the process."""

import glob
import os
import shutil
import sys

import pytest

from conftest import clean_env, run_python

SUPPORTED = ("3.7", "3.8", "3.9", "3.10")


def other_interpreter():
    """Another supported CPython from pyenv's versions folder, or None."""
    this = "%d.%d" % sys.version_info[:2]
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for version in SUPPORTED:
        if version != this:
            found = sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin", "python")))
            if found:
                return version, found[-1]
    return None


@pytest.fixture
def copied_package(tmp_path):
    import pyston_lite

    shutil.copytree(os.path.dirname(pyston_lite.__file__), str(tmp_path / "pyston_lite"))
    return tmp_path


def test_other_interpreter_gets_a_clear_import_error(copied_package):
    other = other_interpreter()
    if other is None:
        pytest.skip("needs a second CPython 3.7-3.10 under pyenv's versions folder")
    version, python = other
    result = run_python(
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "try:\n    import pyston_lite\nexcept ImportError as e:\n    print(e)\n",
        python=python,
        args=[str(copied_package)],
        env=clean_env(DISABLE_PYSTON="1", PYTHONNOUSERSITE="1"),
    )
    assert result.returncode == 0, result.stderr
    this = "%d.%d" % sys.version_info[:2]
    assert "pyston_lite was built for CPython %s but this is CPython %s" % (this, version) in result.stdout
    assert "-m pip install --force-reinstall pyston_lite" in result.stdout


def test_native_check_refuses_a_renamed_module(copied_package):
    """The native module's own check, for a build loaded under a name without the ABI tag."""
    other = other_interpreter()
    if other is None:
        pytest.skip("needs a second CPython 3.7-3.10 under pyenv's versions folder")
    version, python = other
    (native,) = glob.glob(str(copied_package / "pyston_lite" / "_native.cpython-*.so"))
    os.rename(native, str(copied_package / "pyston_lite" / "_native.so"))
    result = run_python(
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "try:\n    import pyston_lite\nexcept ImportError as e:\n    print('ImportError:', e)\n",
        python=python,
        args=[str(copied_package)],
        env=clean_env(DISABLE_PYSTON="1", PYTHONNOUSERSITE="1"),
    )
    # Either our check refuses it, or the dynamic loader does (a symbol the other version
    # lacks); in both cases an ImportError and no crash.
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ImportError:")
