"""Turns a failed import of the native module into a message that says what to do."""

import os
import re
import sys


def explain_import_error(error):
    """The message for ImportError ``error`` raised by ``from . import _native``: names the
    interpreter the installed build is for when that is the cause."""
    here = os.path.dirname(os.path.abspath(__file__))
    running = "%d.%d" % sys.version_info[:2]
    built = set()
    for name in os.listdir(here):
        match = re.match(r"_native\.cpython-3(\d+)", name)
        if match:
            built.add("3.%s" % match.group(1))
    if built and running not in built:
        return (
            "pyston_lite was built for CPython %s but this is CPython %s (%s); reinstall it "
            "with this interpreter: %s -m pip install --force-reinstall pyston_lite"
            % (", ".join(sorted(built)), running, sys.executable, sys.executable)
        )
    if sys.version_info[:2] < (3, 7) or sys.version_info[:2] > (3, 10):
        return "pyston_lite supports CPython 3.7-3.10 only; this is CPython %s" % running
    return "cannot load pyston_lite's native module: %s" % (error,)
