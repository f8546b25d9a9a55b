"""Keeping code out of the compiler without editing it: `PYSTON_LITE_DENY` patterns
(`module:qualname`, `module:Class`, `module`, wildcards in the module part),
`PYSTON_LITE_DENY_FILE`, the `deny=`/`deny_file=` keywords and `--deny` flags, their errors,
and what `info()` reports. At threshold 0 every code object the program runs is compiled at
its first entry unless a pattern denies it, so each test checks both halves: the denied code
stays out of the compiler, everything else is compiled."""

import json
import sys

import pytest

from conftest import COMPILES, check_python, clean_env, run_cli, run_python

pytestmark = pytest.mark.skipif(not COMPILES, reason="no code generator for this version: nothing compiles")

MOD = '''\
import functools, os, sys

module_code = sys._getframe().f_code

def plain(x):
    return x + 1

def outer(x):
    def inner(y):
        return y * 2
    return inner(x) + (lambda: 1)()

class Shape:
    body = sys._getframe().f_code
    def area(self):
        return 0
    @staticmethod
    def static():
        return 1
    @classmethod
    def klass(cls):
        return 2
    @property
    def prop(self):
        return 3
    class Nested:
        body = sys._getframe().f_code
        def deep(self):
            return 4

class Other:
    def area(self):
        return 5

def deco(f):
    @functools.wraps(f)
    def wrapper(*args):
        return f(*args)
    return wrapper

@deco
def decorated(x):
    return x

@functools.lru_cache(maxsize=None)
def cached(x):
    return x

def make_class():
    class Local:
        def method(self):
            return 6
    return Local

def exercise():
    s = Shape()
    return [plain(1), outer(1), s.area(), s.static(), s.klass(), s.prop, Shape.Nested().deep(),
            Other().area(), decorated(7), cached(8), make_class()().method()]

if os.environ.get("CALL_AT_IMPORT"):
    exercise()
'''

OTHER = "def helper():\n    return 1\n"

# The code objects the driver reports, by a short name.
DRIVER = '''
import json, sys
import pyston_lite
from pkg import mod
from pkg.sub import other
mod.exercise()
other.helper()
local = mod.make_class()
codes = {
    "module": mod.module_code,
    "plain": mod.plain,
    "outer": mod.outer,
    "outer.inner": [c for c in mod.outer.__code__.co_consts if hasattr(c, "co_code")][0],
    "outer.lambda": [c for c in mod.outer.__code__.co_consts if hasattr(c, "co_code")][1],
    "Shape": mod.Shape.body,
    "Shape.area": mod.Shape.area,
    "Shape.static": mod.Shape.static,
    "Shape.klass": mod.Shape.klass,
    "Shape.prop": mod.Shape.prop.fget,
    "Shape.Nested": mod.Shape.Nested.body,
    "Shape.Nested.deep": mod.Shape.Nested.deep,
    "Other.area": mod.Other.area,
    "deco.wrapper": mod.decorated,
    "decorated": mod.decorated.__wrapped__,
    "cached": mod.cached.__wrapped__,
    "make_class": mod.make_class,
    "Local.method": local.method,
    "exercise": mod.exercise,
    "other.helper": other.helper,
}
report = {}
for name, obj in codes.items():
    info = pyston_lite.info(obj)
    report[name] = [info["state"], info["denied_by"]]
print(json.dumps(report))
'''

ALL = [
    "module", "plain", "outer", "outer.inner", "outer.lambda", "Shape", "Shape.area", "Shape.static",
    "Shape.klass", "Shape.prop", "Shape.Nested", "Shape.Nested.deep", "Other.area", "deco.wrapper",
    "decorated", "cached", "make_class", "Local.method", "exercise", "other.helper",
]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text(MOD)
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "other.py").write_text(OTHER)
    return tmp_path


def report(project, **env):
    env.setdefault("PYSTON_LITE_THRESHOLD", "0")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = check_python(DRIVER, env=clean_env(**env), cwd=str(project))
    return json.loads(out)


def assert_denied(result, pattern, denied):
    """The code objects named in `denied` are denied by `pattern`; all the others compiled."""
    expected = {name: ["denied", pattern] if name in denied else ["compiled", None] for name in ALL}
    assert result == expected


@pytest.mark.parametrize("at_import", [False, True], ids=["after-import", "during-import"])
@pytest.mark.parametrize(
    "pattern, denied",
    [
        ("pkg.mod:plain", {"plain"}),
        # A function's local functions and lambdas go with it.
        ("pkg.mod:outer", {"outer", "outer.inner", "outer.lambda"}),
        ("pkg.mod:outer.<locals>.inner", {"outer.inner"}),
        # A class: its body, every kind of method, nested classes.
        ("pkg.mod:Shape", {"Shape", "Shape.area", "Shape.static", "Shape.klass", "Shape.prop", "Shape.Nested",
                           "Shape.Nested.deep"}),
        ("pkg.mod:Shape.Nested", {"Shape.Nested", "Shape.Nested.deep"}),
        ("pkg.mod:Shape.area", {"Shape.area"}),
        # Found through __wrapped__ (functools.wraps, lru_cache); the wrapper is deco's.
        ("pkg.mod:decorated", {"decorated"}),
        ("pkg.mod:deco", {"deco.wrapper"}),
        ("pkg.mod:cached", {"cached"}),
        ("pkg.mod:make_class.<locals>.Local", {"Local.method"}),
    ],
)
def test_patterns_deny_exactly_what_they_name(project, pattern, denied, at_import):
    env = {"PYSTON_LITE_DENY": pattern}
    if at_import:
        env["CALL_AT_IMPORT"] = "1"
    assert_denied(report(project, **env), pattern, denied)


MOD_NAMES = set(ALL) - {"other.helper"}


@pytest.mark.parametrize(
    "pattern, denied",
    [
        ("pkg.mod", MOD_NAMES),
        ("pkg.mod:*", MOD_NAMES),
        ("pkg.sub.other", {"other.helper"}),
        ("pkg.*", set(ALL)),
        ("pkg.s?b.*", {"other.helper"}),
        ("*.other:helper", {"other.helper"}),
        ("pkg.[ms]od", MOD_NAMES),
        ("pkg.[!m]od", set()),
        ("pkg", set()),  # a package's own module, not its submodules
    ],
)
def test_module_patterns_and_wildcards(project, pattern, denied):
    assert_denied(report(project, PYSTON_LITE_DENY=pattern), pattern, denied)


def test_several_patterns_and_the_file(project, tmp_path):
    deny_file = tmp_path / "deny.txt"
    deny_file.write_text("# kept out of the JIT\n\npkg.mod:Other   # slow\n  pkg.sub.*\n")
    result = report(project, PYSTON_LITE_DENY="pkg.mod:plain, pkg.mod:cached,", PYSTON_LITE_DENY_FILE=str(deny_file))
    assert {name: by for name, (state, by) in result.items() if state == "denied"} == {
        "plain": "pkg.mod:plain",
        "cached": "pkg.mod:cached",
        "Other.area": "pkg.mod:Other",
        "other.helper": "pkg.sub.*",
    }
    assert all(state == "compiled" for name, (state, by) in result.items() if by is None)


def test_main_module_and_keywords(tmp_path):
    (tmp_path / "deny.txt").write_text("__main__:g\n")
    out = check_python(
        """
        import pathlib, pyston_lite as p
        p.enable(threshold=0, deny=["__main__:f", "__main__:C"], deny_file=pathlib.Path("deny.txt"))
        def f(): return 1
        def g(): return 2
        def h(): return 3
        class C:
            def m(self): return 4
        f(); g(); h(); C().m()
        for fn in (f, g, h, C.m):
            i = p.info(fn)
            print(fn.__name__, i["state"], i["denied_by"])
        p.enable(threshold=0, deny="__main__:k,__main__:h")
        def k(): return 5
        def g2(): return 6
        k(); g2(); h()
        print(p.info(k)["state"], p.info(g2)["state"], p.info(h)["state"])
        """,
        env=clean_env(DISABLE_PYSTON="1"),
        cwd=str(tmp_path),
    )
    assert out.splitlines() == [
        "f denied __main__:f",
        "g denied __main__:g",
        "h compiled None",
        "m denied __main__:C",
        # Patterns apply to compiles decided after enable(); h was compiled before.
        "denied compiled compiled",
    ]


def test_deny_call_reports_no_pattern(stock_env):
    out = check_python(
        """
        import pyston_lite as p
        p.enable(threshold=0)
        @p.deny
        def f(): return 1
        def g(): return 2
        f(); g()
        print(p.info(f)["state"], p.info(f)["denied_by"], p.info(g)["state"], p.info(g)["denied_by"])
        """,
        env=stock_env,
    )
    assert out.split() == ["denied", "None", "compiled", "None"]


def test_thrown_exception_survives_the_qualname_search(project):
    # The first entry of a generator can be a throw(): the exception is set while the hook
    # decides whether to compile, and the qualname search must leave it in place.
    (project / "pkg" / "gens.py").write_text(
        "def gen():\n    yield 1\n\ndef kept():\n    yield 2\n"
    )
    out = check_python(
        """
        from pkg import gens
        import pyston_lite as p
        for make in (gens.gen, gens.kept):
            g = make()
            try:
                g.throw(KeyError("thrown"))
            except KeyError as e:
                print(make.__name__, repr(e), p.info(make)["state"])
        """,
        env=clean_env(PYSTON_LITE_THRESHOLD="0", PYSTON_LITE_DENY="pkg.gens:gen", PYTHONDONTWRITEBYTECODE="1"),
        cwd=str(project),
    )
    assert out.splitlines() == ["gen KeyError('thrown') denied", "kept KeyError('thrown') compiled"]


def test_nothing_matches_when_the_module_differs(project):
    result = report(project, PYSTON_LITE_DENY="elsewhere:plain,pkg.mo:plain,pkg.mod.x")
    assert_denied(result, None, set())


BAD = [
    (":plain", "expected module:qualname patterns with a module before the ':'"),
    ("pkg.mod:a:b", "expected one ':' between the module and the qualname"),
    ("pkg/mod.py", "expected a dotted module name before the ':'"),
    ("pkg.mod[x", "expected a closed [...] wildcard in the module part"),
    ("pkg.mod:C.*", "expected wildcards in the module part only"),
    ("pkg.mod:", "expected a qualname after the ':'"),
]


@pytest.mark.parametrize("pattern, expected", BAD)
def test_bad_pattern_from_environment_is_one_autoload_warning(pattern, expected):
    result = run_python(
        "import pyston_lite as p; print(p.is_enabled())",
        env=clean_env(PYSTON_LITE_DENY="ok.mod, " + pattern),
    )
    assert result.returncode == 0
    assert result.stdout == "False\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = 'pyston_lite_autoload: JIT not enabled: pyston_lite: invalid value "%s" for PYSTON_LITE_DENY: ' % pattern.strip()
    assert lines[0].startswith(prefix + expected), lines[0]


@pytest.mark.parametrize("pattern, expected", BAD)
def test_bad_pattern_from_keyword_raises(stock_env, pattern, expected):
    out = check_python(
        """
        import sys, pyston_lite as p
        for value in ([sys.argv[1]], sys.argv[1]):
            try:
                p.enable(deny=value)
            except ValueError as e:
                print(e)
        print(p.is_enabled())
        """,
        args=[pattern],
        env=stock_env,
    )
    message = 'pyston_lite: invalid value "%s" for deny: %s' % (pattern, expected)
    lines = out.splitlines()
    assert len(lines) == 3 and all(line.startswith(message) for line in lines[:2]), out
    assert lines[2] == "False"


def test_bad_deny_file(tmp_path):
    deny_file = tmp_path / "deny.txt"
    deny_file.write_text("pkg.mod:f\n# fine so far\npkg.mod:C.m*\n")
    result = run_python("print(1)", env=clean_env(PYSTON_LITE_DENY_FILE=str(deny_file)))
    assert result.stderr == (
        'pyston_lite_autoload: JIT not enabled: pyston_lite: invalid value "pkg.mod:C.m*" for '
        "PYSTON_LITE_DENY_FILE (%s, line 3): expected wildcards in the module part only (after the ':' comes a "
        "qualname or *)\n" % deny_file
    )
    missing = tmp_path / "missing.txt"
    result = run_python("print(1)", env=clean_env(PYSTON_LITE_DENY_FILE=str(missing)))
    assert result.stderr.startswith(
        'pyston_lite_autoload: JIT not enabled: pyston_lite: invalid value "%s" for PYSTON_LITE_DENY_FILE: '
        "expected a readable file of deny patterns (reading it failed: No such file or directory" % missing
    ), result.stderr
    out = check_python(
        """
        import sys, pyston_lite as p
        for kwargs in ({"deny_file": sys.argv[1]}, {"deny_file": 3}, {"deny": 3}, {"deny": ["a", 3]}):
            try:
                p.enable(**kwargs)
            except ValueError as e:
                print(str(e).replace(sys.argv[1], "PATH").split(" (reading it failed")[0])
        """,
        args=[str(missing)],
        env=clean_env(DISABLE_PYSTON="1"),
    )
    assert out.splitlines() == [
        'pyston_lite: invalid value "PATH" for deny_file: expected a readable file of deny patterns',
        'pyston_lite: invalid value "3" for deny_file: expected the path of a file of deny patterns',
        'pyston_lite: invalid value "3" for deny: expected a list of module:qualname patterns',
        "pyston_lite: invalid value \"['a', 3]\" for deny: expected a list of module:qualname patterns",
    ]


def run_pyston_cli(args, cwd):
    return run_cli(["-m", "pyston_lite"] + args, cwd)


def test_command_line_flags(tmp_path):
    (tmp_path / "prog.py").write_text(
        "import pyston_lite as p\n"
        "def f(): return 1\n"
        "def g(): return 2\n"
        "def h(): return 3\n"
        "def k(): return 4\n"
        "f(); g(); h(); k()\n"
        "print(*(p.info(fn)['state'] for fn in (f, g, h, k)))\n"
    )
    (tmp_path / "deny.txt").write_text("__main__:h\n")
    result = run_pyston_cli(["--threshold", "0", "--deny", "__main__:f", "--deny", "__main__:k", "--deny-file", "deny.txt",
                      "prog.py"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "denied compiled denied denied\n", "")
    bad = run_pyston_cli(["--deny", "a:b:c", "prog.py"], tmp_path)
    assert bad.returncode == 2 and 'invalid value "a:b:c" for deny' in bad.stderr, bad.stderr
    assert run_pyston_cli(["--deny"], tmp_path).returncode == 2
    help_text = run_pyston_cli(["--help"], tmp_path).stdout
    assert "--deny PATTERNS" in help_text and "PYSTON_LITE_DENY_FILE" in help_text
