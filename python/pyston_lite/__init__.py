"""pyston_lite: a JIT compiler for stock CPython 3.7-3.10.

``enable()`` installs a PEP 523 frame evaluator that counts how often each code object is
entered and compiles hot ones; everything else runs in CPython's own interpreter.
``pip install pyston_lite_autoload`` enables it in every interpreter of the environment
(``DISABLE_PYSTON=1`` opts out).
"""

import sys as _sys

try:
    from . import _native
except ImportError as _error:
    from ._build_check import explain_import_error as _explain

    raise ImportError(_explain(_error)) from _error

from ._native import (  # noqa: F401  (the public API)
    __version__,
    deny,
    disable,
    enable,
    info,
    is_enabled,
    stats,
)

__all__ = ["enable", "disable", "is_enabled", "stats", "info", "deny", "dis", "__version__"]


_autoloaded = False


def dis(fn, file=None):
    """Prints the machine code of a compiled function (or method, or code object)
    interleaved with its bytecode, cache sites and cold-section blocks labelled, to
    ``file`` (default ``sys.stdout``); for a function without machine code, why not.
    See ``pyston_lite._dis``."""
    # Imported on first use: the autoload imports this package in every interpreter.
    from ._dis import dis

    return dis(fn, file)


def _autoload():
    """Called by the ``pyston_lite_autoload`` .pth file: enable with options from the
    environment; a bad option prints one warning line and leaves the JIT off.

    Runs once per process, in the main interpreter only (the JIT does not run in
    sub-interpreters, whose ``site`` processes the .pth file again): site processes a venv's site-packages twice when ``lib64`` is a
    symlink to ``lib``, and so runs the .pth line twice."""
    global _autoloaded
    if _autoloaded or not _native._in_main_interpreter():
        return
    _autoloaded = True
    try:
        enable()
    except (ValueError, TypeError, RuntimeError) as error:
        _sys.stderr.write("pyston_lite_autoload: JIT not enabled: %s\n" % (error,))
    else:
        # The rest of start-up runs once: its loops wait for the threshold like other code.
        _native._loops_wait_for_main()
