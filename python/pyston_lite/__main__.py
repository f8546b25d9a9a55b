"""``python -m pyston_lite [options] script.py [args...]`` (or ``-m module [args...]``):
run a script or module with the JIT enabled, as ``python script.py`` would.

``python -m pyston_lite dis [options] module:qualname``: print the machine code of one
function interleaved with its bytecode (see ``DIS_USAGE``)."""

import importlib
import os
import runpy
import sys
import traceback

USAGE = """\
usage: python -m pyston_lite [options] script.py [args ...]
       python -m pyston_lite [options] -m module [args ...]
       python -m pyston_lite dis [options] module:qualname

Runs the script (or module) with the pyston_lite JIT enabled; `dis` prints the
machine code of a function instead (python -m pyston_lite dis --help).

options:
  --threshold N      frame entries before a code object is compiled (0: at first entry)
                     [env PYSTON_LITE_THRESHOLD, alias JIT_MIN_RUNS]
  --loop-threshold N entries before code that loops is compiled (default 0: at first entry)
                     [env PYSTON_LITE_LOOP_THRESHOLD]
  --max-code-mb MB   machine-code budget in megabytes; compiling stops when it is used up
                     [env PYSTON_LITE_MAX_CODE_MB; alias JIT_MAX_MEM, in bytes]
  --stats            print JIT statistics to stderr at exit
                     [env PYSTON_LITE_STATS=1, alias JIT_SHOW_STATS]
  --deny PATTERNS    never compile what these comma-separated patterns name:
                     module:function, module:Class (its methods), module (all of it);
                     wildcards in the module part (pkg.*); may be repeated
                     [env PYSTON_LITE_DENY]
  --deny-file PATH   the same, one pattern per line (# comments)
                     [env PYSTON_LITE_DENY_FILE]
  -h, --help         show this help and exit

Options given here override the environment. DISABLE_PYSTON only affects the
pyston_lite_autoload package, not this command.
"""


DIS_USAGE = """\
usage: python -m pyston_lite dis [options] module:qualname

Prints the machine code of a function interleaved with its bytecode, e.g.
  python -m pyston_lite dis json.decoder:JSONDecoder.decode

Enables the JIT (with the options below and the environment, as for running a
script), imports the module (running its top-level code, as `import` does), finds
the function by its qualified name (dots for methods and nested classes) and, if it
has not been compiled yet, compiles it as its first hot call would: the machine code
does not depend on what the function did before (its inline caches start empty).
A function that cannot be compiled (denied, or its compile failed) gets one line
saying why, and the exit status is 1; a usage error exits with 2.

options:
  --threshold N, --loop-threshold N, --max-code-mb MB   as for running a script
  -h, --help         show this help and exit
"""


# Command-line flag -> enable() keyword, for the options that take a number.
NUMBER_OPTIONS = {"--threshold": "threshold", "--loop-threshold": "loop_threshold", "--max-code-mb": "max_code_mb"}


def parse_args(argv):
    """Returns (options dict, 'script'|'module', target, remaining args)."""
    options = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(0)
        if arg == "--stats":
            options["stats"] = True
        elif arg in ("--deny", "--deny-file"):
            if i + 1 >= len(argv):
                usage_error("%s needs a value" % arg)
            i += 1
            if arg == "--deny":
                options.setdefault("deny", []).append(argv[i])
            else:
                options["deny_file"] = argv[i]
        elif arg in NUMBER_OPTIONS:
            if i + 1 >= len(argv):
                usage_error("%s needs a value" % arg)
            i += 1
            key = NUMBER_OPTIONS[arg]
            options[key] = parse_number(arg, argv[i], integer=(key != "max_code_mb"))
        elif arg == "-m":
            if i + 1 >= len(argv):
                usage_error("-m needs a module name")
            return options, "module", argv[i + 1], argv[i + 2:]
        elif arg.startswith("-"):
            usage_error("unknown option %s" % arg)
        else:
            return options, "script", arg, argv[i + 1:]
        i += 1
    usage_error("no script or module given")


def parse_number(flag, text, integer):
    try:
        return int(text) if integer else float(text)
    except ValueError:
        usage_error("%s expects a %s, got %r" % (flag, "whole number" if integer else "number", text))


def usage_error(message):
    sys.stderr.write("python -m pyston_lite: error: %s\n(see python -m pyston_lite --help)\n" % message)
    sys.exit(2)


def parse_dis_args(argv):
    """Returns (options dict, 'module:qualname') of the dis subcommand."""
    options = {}
    target = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(DIS_USAGE)
            sys.exit(0)
        if arg in NUMBER_OPTIONS:
            if i + 1 >= len(argv):
                usage_error("%s needs a value" % arg)
            i += 1
            key = NUMBER_OPTIONS[arg]
            options[key] = parse_number(arg, argv[i], integer=(key != "max_code_mb"))
        elif arg.startswith("-"):
            usage_error("unknown dis option %s" % arg)
        elif target is not None:
            usage_error("dis takes one module:qualname, got %r and %r" % (target, arg))
        else:
            target = arg
        i += 1
    if target is None or target.count(":") != 1 or not all(target.split(":")):
        usage_error("dis needs module:qualname, e.g. json.decoder:JSONDecoder.decode (got %r)" % (target,))
    return options, target


def find_function(target):
    """The function `module:qualname` names, importing the module; a usage error when
    there is none."""
    module_name, qualname = target.split(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as error:
        usage_error("cannot import %s: %s" % (module_name, error))
    walked = module_name
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            usage_error("%s has no attribute %r" % (walked, part))
        walked += ("." if walked != module_name else ":") + part
    if isinstance(obj, type):
        usage_error("%s is a class; name one of its methods (%s.method)" % (target, target))
    if not hasattr(getattr(obj, "__func__", obj), "__code__"):
        usage_error("%s is a %s, not a Python function" % (target, type(obj).__name__))
    return obj


def dis_main(argv):
    options, target = parse_dis_args(argv)
    import pyston_lite

    try:
        pyston_lite.enable(**options)
    except (ValueError, TypeError) as error:
        usage_error(str(error))
    sys.path[0] = os.getcwd()
    function = find_function(target)
    compiled = pyston_lite._native._compile(function)
    pyston_lite.dis(function)
    sys.exit(0 if compiled else 1)


def main(argv):
    if argv[:1] == ["dis"]:
        return dis_main(argv[1:])
    options, kind, target, args = parse_args(argv)
    import pyston_lite

    try:
        pyston_lite.enable(**options)
    except (ValueError, TypeError) as error:
        usage_error(str(error))
    if kind == "script":
        sys.argv = [target] + args
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        # Since 3.9 `python script.py` makes the script's __file__ (and so its tracebacks)
        # absolute, while sys.argv[0] stays as given.
        path = os.path.abspath(target) if sys.version_info >= (3, 9) else target
        run = lambda: runpy.run_path(path, run_name="__main__")  # noqa: E731
    else:
        sys.argv = [target] + args
        sys.path[0] = os.getcwd()
        run = lambda: runpy._run_module_as_main(target, alter_argv=True)  # noqa: E731
    try:
        run()
    except SystemExit:
        raise
    except BaseException as error:  # report as the interpreter would, without our frames
        report_uncaught(error)
        sys.exit(1)


def report_uncaught(error):
    """Prints the traceback of an uncaught exception from the user's code, leaving out the
    frames of this launcher and of runpy, as ``python script.py`` would show it."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in (__file__, runpy.__file__):
        tb = tb.tb_next
    # The default hook prints error.__traceback__, not the tb argument, so trim that too.
    sys.excepthook(type(error), error.with_traceback(tb), tb)


if __name__ == "__main__":
    main(sys.argv[1:])
