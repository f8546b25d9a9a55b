"""Imports of every form: import a, import a.b, import a.b as c, from a import b,
from a import b as c, from a.b import c, from a import *, relative imports inside a package
written to a temporary directory, __import__, importlib, reloading, import errors."""
import os
import os.path
import sys
import tempfile
import importlib
import xml.etree.ElementTree as ET
from collections import OrderedDict, namedtuple as nt
from json import decoder
from math import *  # noqa: F403
import email.mime.text

print(os.path.basename("/a/b/c.txt"), os.path.join("x", "y"), ET.__name__, OrderedDict.__name__)
print(nt("P", "a")(1), decoder.__name__, email.mime.text.__name__, "email.mime" in sys.modules)
print(floor(2.5), sqrt(16), pi > 3)  # noqa: F405
print(importlib.import_module("string").ascii_lowercase, __import__("os.path").__name__,
      __import__("os.path", fromlist=["join"]).__name__)
try:
    import does_not_exist_anywhere  # noqa: F401
except ImportError as e:
    print("ImportError:", type(e).__name__, e.name)
try:
    from os import no_such_name  # noqa: F401
except ImportError as e:
    print("ImportError:", e)


def local_import():
    import textwrap
    from itertools import chain as ch
    return textwrap.shorten("a b c d e f g h", 9), list(ch("ab", "cd"))


print(local_import(), "textwrap" in dir())

FILES = {
    "pkg/__init__.py": "from .core import VALUE\nfrom . import helpers\n__all__ = ['VALUE', 'public']\npublic = 'public'\n_private = 'private'\nprint('  pkg initialised')\n",
    "pkg/core.py": "VALUE = 42\nprint('  pkg.core initialised as', __name__)\n",
    "pkg/helpers.py": "from .core import VALUE as V\ndef double():\n    return V * 2\n",
    "pkg/sub/__init__.py": "from .. import core\nfrom ..helpers import double\nfrom .leaf import leaf_func\n",
    "pkg/sub/leaf.py": "from .. import core as c\nfrom ..core import VALUE\nassert VALUE == c.VALUE\ndef leaf_func():\n    return 'leaf sees %d' % c.VALUE\n",
    "counter_mod.py": "loads = globals().get('loads', 0) + 1\n",
    "broken_mod.py": "x = 1\nraise ValueError('broken on import')\n",
}
root = tempfile.mkdtemp(prefix="imports_test_")
for rel, text in FILES.items():
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
sys.path.insert(0, root)
sys.dont_write_bytecode = True
try:
    import pkg
    import pkg.sub
    import pkg.sub.leaf as leafmod
    from pkg import helpers as hp, VALUE
    from pkg.sub import double, leaf_func
    namespace = {}
    exec("from pkg import *", namespace)
    print(pkg.VALUE, VALUE, hp.double(), double(), leaf_func(), leafmod.leaf_func(), pkg.sub.core is pkg.core)
    print(sorted(k for k in namespace if not k.startswith("__")))
    print(pkg.__name__, pkg.sub.__package__, pkg.core.__name__, leafmod.__name__, pkg.helpers.__package__)
    import counter_mod
    import counter_mod as again
    print(counter_mod.loads, again is counter_mod)
    importlib.reload(counter_mod)
    print("reloaded", counter_mod.loads)
    try:
        import broken_mod  # noqa: F401
    except ValueError as e:
        print("import raised:", e, "in sys.modules:", "broken_mod" in sys.modules)
    for _ in range(300):
        from pkg.core import VALUE as again_value
        import pkg.sub.leaf
    print("repeated imports", again_value, pkg.sub.leaf.leaf_func())
finally:
    sys.path.remove(root)
    for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.") or m.endswith("_mod")]:
        del sys.modules[name]
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            os.remove(os.path.join(dirpath, name))
        for name in dirnames:
            os.rmdir(os.path.join(dirpath, name))
    os.rmdir(root)
print("cleaned up", os.path.exists(root))
