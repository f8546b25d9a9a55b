/* A second PEP 523 evaluator for tests/test_hook_chain.py, standing for "someone else's
 * hook": it counts the frames it sees and passes each one to the evaluator that was
 * installed before it. Built by the test with the interpreter's own headers. */
#include <Python.h>
#if PY_VERSION_HEX < 0x03090000
#  define Py_BUILD_CORE 1
#  if PY_VERSION_HEX >= 0x03080000
#    include "internal/pycore_pystate.h"
#  endif
#  undef Py_BUILD_CORE
#endif
#include <frameobject.h>

static long long frames_seen = 0;
static _PyFrameEvalFunction previous = NULL;

static PyInterpreterState *interp(void) { return PyThreadState_Get()->interp; }

#if PY_VERSION_HEX >= 0x03090000
static PyObject *count_eval(PyThreadState *ts, PyFrameObject *f, int throwflag) {
    frames_seen++;
    return previous(ts, f, throwflag);
}
static _PyFrameEvalFunction get_eval(void) { return _PyInterpreterState_GetEvalFrameFunc(interp()); }
static void set_eval(_PyFrameEvalFunction fn) { _PyInterpreterState_SetEvalFrameFunc(interp(), fn); }
#else
static PyObject *count_eval(PyFrameObject *f, int throwflag) {
    frames_seen++;
    return previous(f, throwflag);
}
static _PyFrameEvalFunction get_eval(void) { return interp()->eval_frame; }
static void set_eval(_PyFrameEvalFunction fn) { interp()->eval_frame = fn; }
#endif

static PyObject *install(PyObject *self, PyObject *unused) {
    if (get_eval() != count_eval) {
        previous = get_eval();
        set_eval(count_eval);
    }
    Py_RETURN_NONE;
}

static PyObject *uninstall(PyObject *self, PyObject *unused) {
    if (get_eval() != count_eval) {
        PyErr_SetString(PyExc_RuntimeError, "counthook is not the installed evaluator");
        return NULL;
    }
    set_eval(previous);
    Py_RETURN_NONE;
}

/* What a debugger does to get frames evaluated by CPython itself: installs the default
 * evaluator, whatever was there. */
static PyObject *install_default(PyObject *self, PyObject *unused) {
    set_eval(_PyEval_EvalFrameDefault);
    Py_RETURN_NONE;
}

static PyObject *count(PyObject *self, PyObject *unused) { return PyLong_FromLongLong(frames_seen); }

static PyObject *default_installed(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(get_eval() == _PyEval_EvalFrameDefault);
}

static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS, "install the counting evaluator on top"},
    {"uninstall", uninstall, METH_NOARGS, "restore the evaluator it replaced"},
    {"install_default", install_default, METH_NOARGS, "install CPython's own evaluator over whatever is there"},
    {"count", count, METH_NOARGS, "frames seen so far"},
    {"default_installed", default_installed, METH_NOARGS, "is CPython's own evaluator installed?"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "counthook", NULL, -1, methods};

PyMODINIT_FUNC PyInit_counthook(void) { return PyModule_Create(&module); }
