//! End to end on an embedded interpreter (the one `PYO3_PYTHON` names, 3.7–3.10): compile a function's code object to x86-64,
//! run a fresh frame of it through the driver, and compare with what CPython computes —
//! results, exceptions and tracebacks.
#![cfg(codegen)]

use interp::cpython::{PyCodeObject, PyFrameObject, PyThreadState, PyThreadState_Get};
use interp::frame::run_compiled_frame;
use jit::codemem::CodeMemory;
use jit::compiled::MachineCode;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

extern "C" {
    fn PyCell_New(content: *mut ffi::PyObject) -> *mut ffi::PyObject;
    fn PyFrame_New(
        tstate: *mut PyThreadState,
        code: *mut PyCodeObject,
        globals: *mut ffi::PyObject,
        locals: *mut ffi::PyObject,
    ) -> *mut PyFrameObject;
}

const SOURCE: &str = r#"
import traceback
def add(a, b):
    return a + b
def count(n):
    total = 0
    i = 0
    while i < n:
        if i % 3 == 0 or i > 50:
            total += i * 2
        else:
            total -= 1
        i += 1
    return total
def uses_global(x):
    return x ** 2 // 3 - len
def missing():
    return undefined_name + 1
def unbound(flag):
    if flag:
        v = 1
    return v
def compares(a, b):
    return (a < b, a == b, a in b if isinstance(b, str) else a is b)
class Box:
    def __init__(self, v):
        self.v = v
    def get(self, scale=1):
        return self.v * scale
def objects(n):
    b = Box(n)
    b.v = b.v + 1
    d = {"a": b.get(), "b": b.get(scale=3)}
    d["c"] = -b.v
    items = []
    for k, v in sorted(d.items()):
        items.append((k, v, not v, ~v))
    x, y, z = items
    return x, y, z, d.get("zz") or "none", n and "yes"
def closure(n):
    acc = 0
    def add(k):
        nonlocal acc
        acc = acc + k
        return acc
    for i in range(n):
        add(i)
    return acc
def bad_unpack(seq):
    a, b = seq
    return a
def bad_attr(o):
    return o.missing
def raising(kind):
    if kind == 1:
        raise ValueError("bad value %d" % kind)
    if kind == 2:
        raise KeyError from None
    if kind == 3:
        raise 42
    raise
def strings(x, y):
    parts = [f"{x}", f"{y!r:>8}", f"{x:04d}", f"{'s'!s}{y!a}"]
    s = {x, y, x}
    d = {x: y}
    data = list(range(10))
    del data[2:4]
    first = data[1:7:2]
    del d[x]
    squares = [i * i for i in first if i % 2]
    return parts, sorted(s), d, first, squares, {k: k for k in "ab"}, {c for c in "aab"}
def make_class(v):
    class K:
        attr = v
        def m(self):
            return self.attr
    k = K()
    del k
    return K().m()
def handlers(kind):
    log = []
    try:
        try:
            if kind == 1:
                raise KeyError(kind)
            log.append("body")
        except KeyError as e:
            log.append(("caught", e.args))
            if kind == 1:
                pass
        finally:
            log.append("finally")
        for i in range(3):
            try:
                if i == 1:
                    continue
                if i == 2:
                    break
            finally:
                log.append(("loop-finally", i))
        try:
            return log
        finally:
            log.append("return-finally")
    except ZeroDivisionError:
        return "no"
def unhandled(kind):
    try:
        1 / kind
    except KeyError:
        return "wrong"
    finally:
        print("cleanup")
def reraise():
    try:
        {}["k"]
    except KeyError:
        raise
def nested_context():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            raise ValueError("inner")
    except ValueError as e:
        return repr(e.__context__), sys_exc()
def sys_exc():
    import sys
    return sys.exc_info()[0].__name__
class CM:
    def __init__(self, log, swallow):
        self.log, self.swallow = log, swallow
    def __enter__(self):
        self.log.append("enter")
        return self
    def __exit__(self, *exc):
        self.log.append(("exit", exc[0].__name__ if exc[0] else None))
        return self.swallow
def withs(swallow, fail):
    log = []
    with CM(log, swallow) as c:
        with CM(log, False):
            if fail:
                raise IndexError("x")
            log.append("inside")
    return log
def with_return():
    log = []
    with CM(log, False):
        return log
def free_unbound():
    def inner():
        return later
    r = inner()
    later = 1
    return r
def unwinds(k):
    # 3.7: BREAK_LOOP / CONTINUE_LOOP / RETURN_VALUE unwinding through finally, with and
    # except handlers with `why` codes; 3.8: explicit block pops.
    log = []
    i = 0
    while i < 6:
        i += 1
        try:
            with CM(log, i == 4):
                if i == 1:
                    continue
                if i == 4:
                    raise KeyError(i)
                try:
                    if i == 2:
                        raise ValueError(i)
                except ValueError:
                    log.append("ve")
                    continue
                if i == k:
                    for j in range(3):
                        try:
                            return log, j
                        finally:
                            log.append(("ret-fin", j))
                if i == 5:
                    break
        finally:
            log.append(("fin", i))
    else:
        log.append("else")
    for j in range(3):
        try:
            return "never"
        finally:
            break
    return log
"#;

/// Compiles `name` from SOURCE and runs it on `args` in machine code; returns the result or
/// the exception rendered as traceback text (without the "Traceback" header line).
fn run_compiled(py: Python<'_>, globals: &Bound<'_, PyDict>, name: &str, args: &Bound<'_, PyTuple>) -> String {
    render(py, run_compiled_raw(py, globals, name, args))
}

/// Compiles `name` and runs it on `args` in machine code.
fn run_compiled_raw<'py>(
    py: Python<'py>,
    globals: &Bound<'py, PyDict>,
    name: &str,
    args: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    let func = globals.get_item(name).unwrap().unwrap();
    let code = func.getattr("__code__").unwrap();
    let mut arena = CodeMemory::new(1 << 20).unwrap();
    // SAFETY: live code object, GIL held.
    let machine = unsafe { MachineCode::compile(code.as_ptr().cast(), &mut arena) }.expect("compiles");
    // SAFETY: GIL held; a fresh frame of that code with its arguments stored as its first
    // locals (owned references), run once, then released.
    let outcome = unsafe {
        let tstate = PyThreadState_Get();
        let frame = PyFrame_New(tstate, code.as_ptr().cast(), globals.as_ptr(), std::ptr::null_mut());
        assert!(!frame.is_null());
        for (i, arg) in args.iter().enumerate() {
            *(*frame).f_localsplus.as_mut_ptr().add(i) = arg.into_ptr();
        }
        // As _PyEval_EvalCodeWithName: one new cell per cell variable, holding the argument
        // of the same name if there is one (which then leaves its local slot).
        let code_ptr = code.as_ptr().cast::<PyCodeObject>();
        let nlocals = (*code_ptr).co_nlocals as usize;
        let locals = (*frame).f_localsplus.as_mut_ptr();
        for i in 0..ffi::PyTuple_GET_SIZE((*code_ptr).co_cellvars) as usize {
            let cell2arg = (*code_ptr).co_cell2arg;
            let arg = if cell2arg.is_null() { -1 } else { *cell2arg.add(i) };
            let content =
                if arg >= 0 { std::mem::replace(&mut *locals.add(arg as usize), std::ptr::null_mut()) } else { std::ptr::null_mut() };
            *locals.add(nlocals + i) = PyCell_New(content);
            ffi::Py_XDECREF(content);
        }
        let address_of = |offset| machine.address_of(offset);
        let start = machine.entry_address(-1).expect("a fresh frame enters at the start");
        let result = run_compiled_frame(tstate, frame, machine.entry(), start, address_of, interp::cpython::_PyEval_EvalFrameDefault);
        ffi::Py_DECREF(frame.cast());
        Bound::from_owned_ptr_or_err(py, result)
    };
    machine.free(&mut arena);
    outcome
}

/// The same call in CPython's own evaluator.
fn run_stock(py: Python<'_>, globals: &Bound<'_, PyDict>, name: &str, args: &Bound<'_, PyTuple>) -> String {
    render(py, globals.get_item(name).unwrap().unwrap().call1(args.clone()))
}

fn render(py: Python<'_>, outcome: PyResult<Bound<'_, PyAny>>) -> String {
    match outcome {
        Ok(value) => value.repr().unwrap().to_string(),
        Err(err) => {
            let tb = py.import("traceback").unwrap();
            let lines = tb.call_method1("format_exception", (err.get_type(py), err.value(py), err.traceback(py))).unwrap();
            // Drop the outermost entry (the caller differs: Rust here, Python's call there).
            let lines: Vec<String> = lines.extract().unwrap();
            lines.iter().filter(|l| !l.contains("Traceback") && !l.contains("<string>\", line 1")).cloned().collect()
        }
    }
}

#[test]
fn compiled_functions_behave_like_cpython() {
    Python::attach(|py| {
        let globals = PyDict::new(py);
        py.run(&std::ffi::CString::new(SOURCE).unwrap(), Some(&globals), None).unwrap();
        let cases: Vec<(&str, Bound<'_, PyTuple>)> = vec![
            ("add", PyTuple::new(py, [1, 2]).unwrap()),
            ("add", PyTuple::new(py, ["ab", "cd"]).unwrap()),
            ("add", (1, "x").into_pyobject(py).unwrap()),
            ("count", PyTuple::new(py, [100]).unwrap()),
            ("count", PyTuple::new(py, [0]).unwrap()),
            ("uses_global", PyTuple::new(py, [7]).unwrap()),
            ("missing", PyTuple::empty(py)),
            ("unbound", PyTuple::new(py, [true]).unwrap()),
            ("unbound", PyTuple::new(py, [false]).unwrap()),
            ("compares", PyTuple::new(py, [1, 2]).unwrap()),
            ("compares", ("a", "abc").into_pyobject(py).unwrap()),
            ("objects", PyTuple::new(py, [5]).unwrap()),
            ("objects", PyTuple::new(py, [0]).unwrap()),
            ("closure", PyTuple::new(py, [10]).unwrap()),
            ("bad_unpack", PyTuple::new(py, [vec![1, 2, 3]]).unwrap()),
            ("bad_unpack", PyTuple::new(py, [vec![1]]).unwrap()),
            ("bad_unpack", PyTuple::new(py, [5]).unwrap()),
            ("bad_attr", PyTuple::new(py, [5]).unwrap()),
            ("free_unbound", PyTuple::empty(py)),
            ("handlers", PyTuple::new(py, [0]).unwrap()),
            ("handlers", PyTuple::new(py, [1]).unwrap()),
            ("unhandled", PyTuple::new(py, [0]).unwrap()),
            ("unhandled", PyTuple::new(py, [1]).unwrap()),
            ("reraise", PyTuple::empty(py)),
            ("nested_context", PyTuple::empty(py)),
            ("withs", (false, false).into_pyobject(py).unwrap()),
            ("withs", (true, true).into_pyobject(py).unwrap()),
            ("withs", (false, true).into_pyobject(py).unwrap()),
            ("with_return", PyTuple::empty(py)),
            ("unwinds", PyTuple::new(py, [3]).unwrap()),
            ("unwinds", PyTuple::new(py, [5]).unwrap()),
            ("unwinds", PyTuple::new(py, [0]).unwrap()),
            ("raising", PyTuple::new(py, [1]).unwrap()),
            ("raising", PyTuple::new(py, [2]).unwrap()),
            ("raising", PyTuple::new(py, [3]).unwrap()),
            ("raising", PyTuple::new(py, [4]).unwrap()),
            ("strings", (7, "q").into_pyobject(py).unwrap()),
            ("make_class", PyTuple::new(py, [3]).unwrap()),
        ];
        for (name, args) in cases {
            let stock = run_stock(py, &globals, name, &args);
            let compiled = run_compiled(py, &globals, name, &args);
            assert_eq!(compiled, stock, "{name}{args}");
        }
    });
}

#[test]
fn recursion_limit_is_enforced_at_entry() {
    Python::attach(|py| {
        let globals = PyDict::new(py);
        py.run(c"def f(x):\n    return x + 1\n", Some(&globals), None).unwrap();
        let args = PyTuple::new(py, [1]).unwrap();
        let limit: i32 = py.import("sys").unwrap().call_method0("getrecursionlimit").unwrap().extract().unwrap();
        // pyo3 creates its PanicException type the first time it fetches an error; at the
        // recursion limit that creation itself fails from 3.9 on (no `overflowed` grace any
        // more) and pyo3 then waits on its own initialisation. Create it beforehand.
        let _ = <pyo3::panic::PanicException as pyo3::PyTypeInfo>::type_object(py);
        // SAFETY: GIL held; pretend the thread is already `limit` frames deep, then restore.
        let tstate = unsafe { PyThreadState_Get() };
        // SAFETY: as above.
        let saved = unsafe { (*tstate).recursion_depth };
        // SAFETY: as above.
        unsafe { (*tstate).recursion_depth = limit };
        let outcome = run_compiled_raw(py, &globals, "f", &args);
        // SAFETY: as above.
        unsafe { (*tstate).recursion_depth = saved };
        let outcome = render(py, outcome);
        assert!(outcome.contains("RecursionError: maximum recursion depth exceeded"), "{outcome}");
        // The failed check undid its increment, and the next call runs normally.
        // SAFETY: as above.
        assert_eq!(unsafe { (*tstate).recursion_depth }, saved);
        // SAFETY: as above (3.10 has no `overflowed`).
        #[cfg(not(py310))]
        unsafe {
            (*tstate).overflowed = 0
        };
        assert_eq!(run_compiled(py, &globals, "f", &args), "2");
    });
}
