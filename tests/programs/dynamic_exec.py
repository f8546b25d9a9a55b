"""globals(), locals(), vars(), exec and eval with custom namespaces, compile() in all modes,
code objects, locals() snapshots inside functions, dynamic function creation."""
import types

g = globals()
g["injected"] = "via globals()"
print(injected, "injected" in dir(), sorted(k for k in g if not k.startswith("__"))[:6])  # noqa: F821
print(eval("1 + 2 * 3"), eval("x * 2", {"x": 21}), eval("y + z", {"y": 1}, {"z": 2}))
ns = {}
exec("a = 5\nb = a * 2\ndef f(v):\n    return v + a\n", ns)
print(ns["a"], ns["b"], ns["f"](1), sorted(k for k in ns if k != "__builtins__"))
local_ns = {}
exec("c = d + 1", {"d": 10}, local_ns)
print(local_ns)
code = compile("result = [i * i for i in range(5)]", "<generated>", "exec")
exec(code, ns)
print(ns["result"], code.co_filename, code.co_name, type(code).__name__)
expr = compile("max(values) - min(values)", "<expr>", "eval")
print(eval(expr, {"values": [3, 9, 1]}))
single = compile("40 + 2", "<single>", "single")
exec(single)  # prints 42 via sys.displayhook
try:
    eval("1 +")
except SyntaxError as e:
    print("SyntaxError:", e.msg, e.lineno)
try:
    exec("raise KeyError('from exec')")
except KeyError as e:
    print("KeyError:", e)
print(eval("__name__"), eval("__name__", {"__name__": "custom"}))
try:
    eval("open", {"__builtins__": {}})
except NameError as e:
    print("NameError:", e)
print(eval("len('abc')", {"__builtins__": {"len": lambda s: -1}}))


def show_locals(a, b=2):
    c = a + b
    snapshot = locals()
    d = "after"
    return sorted(snapshot), sorted(locals())


print(show_locals(1))


def exec_in_function():
    exec("hidden = 5")
    return "hidden" in locals(), locals().get("hidden")


print(exec_in_function())


def eval_sees_locals():
    secret = 7
    try:
        eval("[secret + i for i in range(2)]")  # the comprehension's scope cannot see them
    except NameError as e:
        print("NameError:", e)
    return eval("secret * 6"), eval("[s + i for i in range(2)]", {"s": secret})


print(eval_sees_locals())


class Namespace:
    x = 1
    print("  class body locals:", sorted(k for k in locals() if not k.startswith("__")))
    exec("y = x + 1")
    z = eval("x + 10")


print(Namespace.y, Namespace.z, sorted(k for k in vars(Namespace) if not k.startswith("__")))
print(vars(types.SimpleNamespace(p=1, q=2)))
src = "def generated(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n"
fn_ns = {}
exec(src, fn_ns)
generated = fn_ns["generated"]
print(generated(100), generated.__code__.co_varnames, generated.__globals__ is fn_ns)
cloned = types.FunctionType(generated.__code__, {"range": lambda n: [n, n]}, "cloned")
print(cloned(5), cloned.__name__)
co = generated.__code__
if hasattr(co, "replace"):
    renamed = co.replace(co_name="renamed")
else:
    renamed = co
print(renamed.co_argcount, renamed.co_nlocals, bool(co.co_code), co.co_consts[:2])
exprs = ["2 ** 10", "'ab' * 3", "[x for x in 'hey']", "{1: 'a'}[1]", "(lambda q: q + 1)(4)",
         "sum(range(10))", "not []", "3 if None else 4"]
for e in exprs:
    print(e, "=>", eval(e))
total = 0
cached = compile("total + i * 2", "<loop>", "eval")
for i in range(500):
    total = eval(cached)
print("total", total)
env = {"count": 0}
for i in range(300):
    exec("count += 1", env)
print("exec count", env["count"])
