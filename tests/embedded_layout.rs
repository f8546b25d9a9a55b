//! Runs on an embedded interpreter: reads real frames, code objects and thread states
//! through interp's mirrors and compares with what Python itself reports, so a layout
//! that compiles (offsets match the probe) also behaves.

use interp::cpython::{PyCodeObject, PyFrameObject, PyThreadState, PyThreadState_Get};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Evaluates `expr` after running `setup` in a fresh namespace.
fn eval<'py>(py: Python<'py>, setup: &str, expr: &str) -> Bound<'py, PyAny> {
    let globals = PyDict::new(py);
    let setup = std::ffi::CString::new(setup).unwrap();
    let expr = std::ffi::CString::new(expr).unwrap();
    py.run(&setup, Some(&globals), None).unwrap();
    py.eval(&expr, Some(&globals), None).unwrap()
}

#[test]
fn frame_fields_match_python() {
    Python::attach(|py| {
        let frame = eval(py, "import sys\ndef inner():\n    x = 1\n    return sys._getframe()\n", "inner()");
        let raw = frame.as_ptr().cast::<PyFrameObject>();
        // SAFETY: `frame` is a live frame object we hold a reference to.
        let f = unsafe { &*raw };
        assert_eq!(f.f_code.cast(), frame.getattr("f_code").unwrap().as_ptr());
        assert_eq!(f.f_back.cast(), frame.getattr("f_back").unwrap().as_ptr());
        assert_eq!(f.f_globals, frame.getattr("f_globals").unwrap().as_ptr());
        assert_eq!(f.f_builtins, frame.getattr("f_builtins").unwrap().as_ptr());
        let py_lasti = frame.getattr("f_lasti").unwrap().extract::<i32>().unwrap();
        // 3.10 stores f_lasti in instructions; the Python attribute still reports bytes.
        let bytes_per_unit = if cfg!(py310) { 2 } else { 1 };
        assert_eq!(f.f_lasti * bytes_per_unit, py_lasti);
        assert_eq!(f.f_iblock, 0);
        #[cfg(not(py310))]
        assert_eq!(f.f_executing, 0, "a returned frame is not executing");
        #[cfg(py310)]
        assert_eq!(f.f_state, interp::cpython::frame_state::RETURNED);
        // The local `x` is the first slot of f_localsplus.
        // SAFETY: the frame's code has one local, so slot 0 exists.
        let x = unsafe { *f.f_localsplus.as_ptr() };
        assert_eq!(x, 1i32.into_pyobject(py).unwrap().as_ptr());
    });
}

#[test]
fn code_fields_match_python() {
    Python::attach(|py| {
        let code = eval(py, "def f(a, b, *, c):\n    d = a\n    return d\n", "f.__code__");
        // SAFETY: `code` is a live code object we hold a reference to.
        let c = unsafe { &*code.as_ptr().cast::<PyCodeObject>() };
        let get = |name: &str| code.getattr(name).unwrap();
        assert_eq!(c.co_argcount, get("co_argcount").extract::<i32>().unwrap());
        assert_eq!(c.co_kwonlyargcount, 1);
        assert_eq!(c.co_nlocals, 4);
        assert_eq!(c.co_stacksize, get("co_stacksize").extract::<i32>().unwrap());
        assert_eq!(c.co_flags, get("co_flags").extract::<i32>().unwrap());
        assert_eq!(c.co_firstlineno, 1);
        assert_eq!(c.co_code, get("co_code").as_ptr());
        assert_eq!(c.co_consts, get("co_consts").as_ptr());
        assert_eq!(c.co_varnames, get("co_varnames").as_ptr());
        assert_eq!(c.co_name, get("co_name").as_ptr());
        assert_eq!(c.co_filename, get("co_filename").as_ptr());
    });
}

#[test]
fn thread_state_points_at_the_running_frame() {
    Python::attach(|py| {
        // SAFETY: the GIL is held, so the current thread state is alive.
        let ts: &PyThreadState = unsafe { &*PyThreadState_Get() };
        assert!(!ts.interp.is_null());
        // The fast read of `_PyRuntime.gilstate.tstate_current` finds the same thread state.
        assert_eq!(interp::cpython::current_tstate(), ts as *const PyThreadState as *mut PyThreadState);
        assert!(!ts.use_tracing(), "nothing traces the embedded interpreter");
        let globals = PyDict::new(py);
        py.run(c"import sys\nseen = []\ndef f():\n    seen.append(sys._getframe())\nf()", Some(&globals), None).unwrap();
        // No Python frame runs right now, at the top level of the embedding.
        assert!(ts.frame.is_null());
        assert!(ts.curexc_type.is_null());
    });
}
