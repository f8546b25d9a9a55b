"""The two distributions stay in step: pyston_lite's version (Cargo.toml) equals
pyston_lite_autoload's version and its pin on pyston_lite."""

import re

from conftest import ROOT


def read(path):
    with open(ROOT + "/" + path) as f:
        return f.read()


def test_autoload_version_and_pin_match_the_crate():
    cargo = re.search(r'^\[workspace\.package\][^\[]*?^version = "([^"]+)"', read("Cargo.toml"), re.M | re.S)
    autoload = read("autoload/pyproject.toml")
    version = re.search(r'^version = "([^"]+)"', autoload, re.M).group(1)
    pin = re.search(r'dependencies = \["pyston_lite==([^"]+)"\]', autoload).group(1)
    assert cargo.group(1) == version == pin


def test_pth_is_one_import_line_honouring_disable_pyston():
    lines = read("autoload/pyston_lite_autoload.pth").splitlines()
    assert len(lines) == 1 and lines[0].startswith("import ")
    assert '"DISABLE_PYSTON" not in os.environ' in lines[0]
