//! Calls of C functions without the vectorcall chain: a method descriptor found by
//! `LOAD_METHOD` (`list.append`, `str.join`…) called on an instance of its type, or a
//! builtin function (`len`, `isinstance`…), whose C function takes no argument
//! (`METH_NOARGS`), one (`METH_O`) or a vector of them (`METH_FASTCALL`), called with no
//! keywords and the right number of arguments. What their vectorcall functions do
//! (`method_vectorcall_*`, `cfunction_vectorcall_*`; 3.7's `_PyMethodDef_RawFastCallKeywords`)
//! is done here: the recursion check " while calling a Python object" around the call,
//! then `_Py_CheckFunctionResult`. `float(x)`, `int(x)`, `str(x)` and `type(x)` are done as
//! their constructors do them. Any other call returns `None` untouched.

use crate::cpython::{current_tstate, layout, PyThreadState};
use pyo3_ffi::{PyObject, PyTypeObject};
use std::os::raw::c_int;

extern "C" {
    static mut PyMethodDescr_Type: PyTypeObject;
    static mut PyCFunction_Type: PyTypeObject;
}

type NoArgsOrO = unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject;
type FastCall = unsafe extern "C" fn(*mut PyObject, *const *mut PyObject, isize) -> *mut PyObject;

/// The calling-convention bits of `ml_flags` (3.9 added `METH_METHOD`).
#[cfg(any(py37, py38))]
const CONVENTION: c_int =
    (layout::METH_VARARGS_FLAG | layout::METH_KEYWORDS_FLAG | layout::METH_NOARGS_FLAG | layout::METH_O_FLAG | layout::METH_FASTCALL_FLAG)
        as c_int;
#[cfg(any(py39, py310))]
const CONVENTION: c_int = (layout::METH_VARARGS_FLAG
    | layout::METH_KEYWORDS_FLAG
    | layout::METH_NOARGS_FLAG
    | layout::METH_O_FLAG
    | layout::METH_FASTCALL_FLAG
    | layout::METH_METHOD_FLAG) as c_int;
const NOARGS: c_int = layout::METH_NOARGS_FLAG as c_int;
const ONE_ARG: c_int = layout::METH_O_FLAG as c_int;
const FASTCALL: c_int = layout::METH_FASTCALL_FLAG as c_int;

/// Calls `callable` with the `nargs` positional arguments at `args` when it is a method
/// descriptor or builtin function of a convention handled here; `None`, with nothing done,
/// otherwise.
///
/// # Safety
/// GIL held; `callable` live; `args` holds `nargs` live references.
#[inline]
pub(crate) unsafe fn call(callable: *mut PyObject, args: *const *mut PyObject, nargs: usize) -> Option<*mut PyObject> {
    // SAFETY: descriptor, builtin-function and PyMethodDef fields at probed offsets; a
    // descriptor holds its type and method table entry, a builtin function its `m_self`.
    unsafe {
        if callable == std::ptr::addr_of_mut!(pyo3_ffi::PyFloat_Type).cast()
            || callable == std::ptr::addr_of_mut!(pyo3_ffi::PyLong_Type).cast()
        {
            return call_number_type(callable, args, nargs);
        }
        if callable == std::ptr::addr_of_mut!(pyo3_ffi::PyType_Type).cast() && nargs == 1 {
            return type_of(*args);
        }
        if callable == std::ptr::addr_of_mut!(pyo3_ffi::PyUnicode_Type).cast() && nargs == 1 {
            return call_str(callable, *args);
        }
        let ty = (*callable).ob_type;
        let fields = callable.cast::<u8>();
        let (def, this, args, nargs) = if ty == std::ptr::addr_of_mut!(PyMethodDescr_Type) {
            // `self` is the first argument and must be an instance of the descriptor's type
            // (`_PyObject_RealIsSubclass`; anything else takes the generic path, which raises).
            let descr_type = *fields.add(layout::DESCR_D_TYPE).cast::<*mut PyTypeObject>();
            if nargs == 0 {
                return None;
            }
            let self_type = (**args).ob_type;
            if self_type != descr_type && pyo3_ffi::PyType_IsSubtype(self_type, descr_type) == 0 {
                return None;
            }
            let def = *fields.add(layout::METHOD_DESCR_D_METHOD).cast::<*const u8>();
            (def, *args, args.add(1), nargs - 1)
        } else if ty == std::ptr::addr_of_mut!(PyCFunction_Type) {
            let def = *fields.add(layout::CFUNCTION_M_ML).cast::<*const u8>();
            let flags = *def.add(layout::METHOD_DEF_ML_FLAGS).cast::<c_int>();
            // PyCFunction_GET_SELF: NULL for a static method.
            let this = if flags & layout::METH_STATIC_FLAG as c_int != 0 {
                std::ptr::null_mut()
            } else {
                *fields.add(layout::CFUNCTION_M_SELF).cast::<*mut PyObject>()
            };
            (def, this, args, nargs)
        } else {
            return None;
        };
        let flags = *def.add(layout::METHOD_DEF_ML_FLAGS).cast::<c_int>() & CONVENTION;
        let meth = *def.add(layout::METHOD_DEF_ML_METH).cast::<usize>();
        let tstate = current_tstate();
        let result = match flags {
            NOARGS if nargs == 0 => {
                enter_call(tstate)?;
                std::mem::transmute::<usize, NoArgsOrO>(meth)(this, std::ptr::null_mut())
            }
            ONE_ARG if nargs == 1 => {
                enter_call(tstate)?;
                std::mem::transmute::<usize, NoArgsOrO>(meth)(this, *args)
            }
            FASTCALL => {
                enter_call(tstate)?;
                std::mem::transmute::<usize, FastCall>(meth)(this, args, nargs as isize)
            }
            _ => return None,
        };
        crate::frame::leave_recursive_call(tstate);
        Some(super::python_call::checked_result(tstate, callable, result))
    }
}

/// `Py_EnterRecursiveCall(" while calling a Python object")` when it surely passes; `None`
/// (the generic path then makes the check itself, and may raise) when the depth is at the
/// limit or one below it.
#[inline]
pub(super) unsafe fn enter_call(tstate: *mut PyThreadState) -> Option<()> {
    // SAFETY: current thread state (caller).
    unsafe {
        if crate::frame::would_run_at_recursion_limit(tstate) {
            return None;
        }
        (*tstate).recursion_depth += 1;
        Some(())
    }
}

/// `float(x)` and `int(x)` with one positional argument: what `float_new_impl` and
/// `long_new_impl` do for the exact types (a str goes to `PyFloat_FromString`, anything else
/// to `PyNumber_Float` / `PyNumber_Long`); the `tp_init` that `type_call` runs after them is
/// `object_init`, which accepts. Calling the type goes through `_PyObject_MakeTpCall` and its
/// recursion check, except `float` on 3.10, which has a vectorcall of its own without one.
///
/// # Safety
/// GIL held; `callable` is `float` or `int`; `args` holds `nargs` live references.
#[inline]
unsafe fn call_number_type(callable: *mut PyObject, args: *const *mut PyObject, nargs: usize) -> Option<*mut PyObject> {
    use pyo3_ffi::{PyFloat_FromString, PyFloat_Type, PyNumber_Float, PyNumber_Long, PyUnicode_CheckExact};
    // SAFETY: as the contract.
    unsafe {
        if nargs != 1 {
            return None;
        }
        let x = *args;
        let tstate = current_tstate();
        let is_float = callable == std::ptr::addr_of_mut!(PyFloat_Type).cast();
        let checks_recursion = !(is_float && cfg!(py310));
        if checks_recursion {
            enter_call(tstate)?;
        }
        let result = if !is_float {
            PyNumber_Long(x)
        } else if PyUnicode_CheckExact(x) != 0 {
            PyFloat_FromString(x)
        } else {
            PyNumber_Float(x)
        };
        if checks_recursion {
            crate::frame::leave_recursive_call(tstate);
        }
        Some(super::python_call::checked_result(tstate, callable, result))
    }
}

/// `str(x)` with one positional argument, as `_PyObject_MakeTpCall` → `type_call` →
/// `unicode_new` do it: `PyObject_Str(x)` inside the recursion check; `type_call` then runs
/// the result's `tp_init` with the argument tuple — `object_init` for an exact str, which
/// accepts, or a str subclass's own (one that `__str__` returned), done here too.
///
/// # Safety
/// GIL held; `callable` is `str`; `x` live.
#[inline]
unsafe fn call_str(callable: *mut PyObject, x: *mut PyObject) -> Option<*mut PyObject> {
    // SAFETY: as the contract.
    unsafe {
        let tstate = current_tstate();
        enter_call(tstate)?;
        let mut result = pyo3_ffi::PyObject_Str(x);
        if !result.is_null() && (*result).ob_type != std::ptr::addr_of_mut!(pyo3_ffi::PyUnicode_Type) {
            result = super::class_call::init_with_tuple((*result).ob_type, result, &x, 1);
        }
        crate::frame::leave_recursive_call(tstate);
        Some(super::python_call::checked_result(tstate, callable, result))
    }
}

/// `type(x)`: `x`'s type (the special case of `type_new`, whose result `type_call` returns
/// without `tp_init`), inside `_PyObject_MakeTpCall`'s recursion check up to 3.9 (3.10 calls
/// `type` through its own vectorcall, which has none).
///
/// # Safety
/// GIL held; `x` live.
#[inline]
unsafe fn type_of(x: *mut PyObject) -> Option<*mut PyObject> {
    // SAFETY: as the contract; a type is held by its instances.
    unsafe {
        if !cfg!(py310) && crate::frame::would_run_at_recursion_limit(current_tstate()) {
            return None;
        }
        let ty = (*x).ob_type.cast::<PyObject>();
        pyo3_ffi::Py_INCREF(ty);
        Some(ty)
    }
}
