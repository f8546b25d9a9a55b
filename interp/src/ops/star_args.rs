//! Star-expressions: `CALL_FUNCTION_EX` (`f(*a, **k)`), the 3.7/3.8 `BUILD_*_UNPACK` family
//! (`[*a, *b]`, `(*a, *b)`, `{*a}`, `{**a, **b}` and their `_WITH_CALL` forms), what 3.9
//! replaced it with (`LIST_EXTEND`, `LIST_TO_TUPLE`, `SET_UPDATE`, `DICT_UPDATE`,
//! `DICT_MERGE`) and `UNPACK_EX` (`a, *b, c = ...`), with each version's messages.

use pyo3_ffi::*;
use std::os::raw::c_int;
use std::ptr::null_mut;

extern "C" {
    fn _PyDict_MergeEx(a: *mut PyObject, b: *mut PyObject, override_: c_int) -> c_int;
    fn _PyList_Extend(list: *mut PyObject, iterable: *mut PyObject) -> *mut PyObject;
    fn _PySet_Update(set: *mut PyObject, iterable: *mut PyObject) -> c_int;
    #[cfg(any(py37, py38))]
    fn PyEval_GetFuncName(func: *mut PyObject) -> *const std::os::raw::c_char;
    #[cfg(any(py37, py38))]
    fn PyEval_GetFuncDesc(func: *mut PyObject) -> *const std::os::raw::c_char;
    /// 3.9+: `module.qualname()` of a function, for argument error messages.
    #[cfg(any(py39, py310))]
    fn _PyObject_FunctionStr(func: *mut PyObject) -> *mut PyObject;
}

/// ceval's `check_args_iterable` (3.8 wording): TypeError "f() argument after * must be an
/// iterable".
#[cfg(any(py37, py38))]
unsafe fn check_args_iterable(func: *mut PyObject, args: *mut PyObject) -> bool {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        if (*Py_TYPE(args)).tp_iter.is_none() && PySequence_Check(args) == 0 {
            PyErr_Format(
                PyExc_TypeError,
                c"%.200s%.200s argument after * must be an iterable, not %.200s".as_ptr(),
                PyEval_GetFuncName(func),
                PyEval_GetFuncDesc(func),
                (*Py_TYPE(args)).tp_name,
            );
            return false;
        }
        true
    }
}

/// 3.9+ `check_args_iterable`: the function is named by `_PyObject_FunctionStr`
/// (`module.qualname()`), any live exception is cleared first.
#[cfg(any(py39, py310))]
unsafe fn check_args_iterable(func: *mut PyObject, args: *mut PyObject) -> bool {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        if (*Py_TYPE(args)).tp_iter.is_none() && PySequence_Check(args) == 0 {
            PyErr_Clear();
            let funcstr = _PyObject_FunctionStr(func);
            if !funcstr.is_null() {
                PyErr_Format(
                    PyExc_TypeError,
                    c"%U argument after * must be an iterable, not %.200s".as_ptr(),
                    funcstr,
                    (*Py_TYPE(args)).tp_name,
                );
                Py_DECREF(funcstr);
            }
            return false;
        }
        true
    }
}

/// 3.9+ `format_kwargs_error`: as 3.8's, naming the function by `_PyObject_FunctionStr`;
/// a duplicate key is shown with `str()` whatever its type (no "keywords must be strings").
#[cfg(any(py39, py310))]
unsafe fn format_kwargs_error(func: *mut PyObject, kwargs: *mut PyObject) {
    // SAFETY: live objects, GIL held (caller), an exception is set.
    unsafe {
        if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
            PyErr_Clear();
            let funcstr = _PyObject_FunctionStr(func);
            if !funcstr.is_null() {
                PyErr_Format(
                    PyExc_TypeError,
                    c"%U argument after ** must be a mapping, not %.200s".as_ptr(),
                    funcstr,
                    (*Py_TYPE(kwargs)).tp_name,
                );
                Py_DECREF(funcstr);
            }
        } else if PyErr_ExceptionMatches(PyExc_KeyError) != 0 {
            let (mut exc, mut val, mut tb) = (null_mut(), null_mut(), null_mut());
            PyErr_Fetch(&mut exc, &mut val, &mut tb);
            if !val.is_null() && PyTuple_Check(val) != 0 && PyTuple_GET_SIZE(val) == 1 {
                let funcstr = _PyObject_FunctionStr(func);
                if !funcstr.is_null() {
                    let key = PyTuple_GET_ITEM(val, 0);
                    PyErr_Format(PyExc_TypeError, c"%U got multiple values for keyword argument '%S'".as_ptr(), funcstr, key);
                    Py_DECREF(funcstr);
                }
                Py_XDECREF(exc);
                Py_XDECREF(val);
                Py_XDECREF(tb);
            } else {
                PyErr_Restore(exc, val, tb);
            }
        }
    }
}

/// ceval's `format_kwargs_error` (3.8): rewrites the error of merging `**kwargs` for `func`.
#[cfg(any(py37, py38))]
unsafe fn format_kwargs_error(func: *mut PyObject, kwargs: *mut PyObject) {
    // SAFETY: live objects, GIL held (caller), an exception is set.
    unsafe {
        if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
            PyErr_Format(
                PyExc_TypeError,
                c"%.200s%.200s argument after ** must be a mapping, not %.200s".as_ptr(),
                PyEval_GetFuncName(func),
                PyEval_GetFuncDesc(func),
                (*Py_TYPE(kwargs)).tp_name,
            );
        } else if PyErr_ExceptionMatches(PyExc_KeyError) != 0 {
            let (mut exc, mut val, mut tb) = (null_mut(), null_mut(), null_mut());
            PyErr_Fetch(&mut exc, &mut val, &mut tb);
            if !val.is_null() && PyTuple_Check(val) != 0 && PyTuple_GET_SIZE(val) == 1 {
                let key = PyTuple_GET_ITEM(val, 0);
                if PyUnicode_Check(key) == 0 {
                    PyErr_Format(
                        PyExc_TypeError,
                        c"%.200s%.200s keywords must be strings".as_ptr(),
                        PyEval_GetFuncName(func),
                        PyEval_GetFuncDesc(func),
                    );
                } else {
                    PyErr_Format(
                        PyExc_TypeError,
                        c"%.200s%.200s got multiple values for keyword argument '%U'".as_ptr(),
                        PyEval_GetFuncName(func),
                        PyEval_GetFuncDesc(func),
                        key,
                    );
                }
                Py_XDECREF(exc);
                Py_XDECREF(val);
                Py_XDECREF(tb);
            } else {
                PyErr_Restore(exc, val, tb);
            }
        }
    }
}

/// `CALL_FUNCTION_EX` with a `**` argument that is not an exact dict: copies it into the new
/// dict `d`; false with the error (rewritten for `func` as ceval does) on failure. 3.8
/// merges with duplicate checks and rewrites KeyErrors too (`format_kwargs_error`).
#[cfg(not(py37))]
unsafe fn copy_call_kwargs(d: *mut PyObject, func: *mut PyObject, kwargs: *mut PyObject) -> bool {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        if _PyDict_MergeEx(d, kwargs, 2) < 0 {
            format_kwargs_error(func, kwargs);
            return false;
        }
        true
    }
}

/// 3.7 uses `PyDict_Update` and rewrites only an AttributeError (not a mapping).
#[cfg(py37)]
unsafe fn copy_call_kwargs(d: *mut PyObject, func: *mut PyObject, kwargs: *mut PyObject) -> bool {
    // SAFETY: live objects, GIL held (caller).
    unsafe {
        if PyDict_Update(d, kwargs) != 0 {
            if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
                format_kwargs_error(func, kwargs);
            }
            return false;
        }
        true
    }
}

/// `CALL_FUNCTION_EX flags`: `[func, args(, kwargs)]` → `[result]`. Consumes everything;
/// effect −1 or −2 (with kwargs), the result slot NULL on error.
///
/// # Safety
/// GIL held; the slots owned.
pub unsafe extern "C" fn call_function_ex(sp: *mut *mut PyObject, flags: u32) -> i32 {
    // SAFETY: as the contract; every reference taken from the stack is released once.
    unsafe {
        let has_kwargs = flags & 1 != 0;
        let base = sp.sub(if has_kwargs { 3 } else { 2 });
        let func = *base;
        let mut callargs = *base.add(1);
        let mut kwargs = if has_kwargs { *base.add(2) } else { null_mut() };
        let fail = |callargs: *mut PyObject, kwargs: *mut PyObject| {
            Py_XDECREF(kwargs);
            Py_XDECREF(callargs);
            Py_DECREF(func);
            *base = null_mut();
            -1
        };
        if !kwargs.is_null() && PyDict_CheckExact(kwargs) == 0 {
            let d = PyDict_New();
            if d.is_null() {
                return fail(callargs, kwargs);
            }
            if !copy_call_kwargs(d, func, kwargs) {
                Py_DECREF(d);
                return fail(callargs, kwargs);
            }
            Py_DECREF(kwargs);
            kwargs = d;
        }
        if PyTuple_CheckExact(callargs) == 0 {
            if !check_args_iterable(func, callargs) {
                return fail(callargs, kwargs);
            }
            let tuple = PySequence_Tuple(callargs);
            Py_DECREF(callargs);
            callargs = tuple;
            if callargs.is_null() {
                return fail(null_mut(), kwargs);
            }
        }
        // ceval's do_call_core: only differs from PyObject_Call while tracing (C_TRACE),
        // which compiled code never does.
        let result = match call_python_unpacked(func, callargs, kwargs) {
            Some(result) => result,
            None => PyObject_Call(func, callargs, kwargs),
        };
        Py_DECREF(func);
        Py_DECREF(callargs);
        Py_XDECREF(kwargs);
        *base = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// Bound-method and class calls [`call_python_unpacked`] makes with at most this many
/// arguments (copied into a buffer on the stack after `self` or a scratch slot).
const MAX_UNPACKED_METHOD_ARGS: usize = 15;

/// `PyObject_Call(func, callargs, kwargs)` when `func` is a Python function, a bound method
/// of one, or a plain class, and `kwargs` is NULL or empty: the function called with the
/// tuple's items (after `self`) by [`super::python_call`], as `PyObject_Call` ends up
/// calling it (`_PyFunction_Vectorcall` / 3.7's `_PyFunction_FastCallDict`; 3.7 calls a
/// bound method through `method_call`, inside `PyObject_Call`'s recursion check), or the
/// class by [`super::class_call`] (`tp_call` inside that recursion check on every version).
/// `None`, with nothing done, for any other call.
///
/// # Safety
/// GIL held; `func` live, `callargs` an exact tuple, `kwargs` NULL or an exact dict.
#[inline]
unsafe fn call_python_unpacked(func: *mut PyObject, callargs: *mut PyObject, kwargs: *mut PyObject) -> Option<*mut PyObject> {
    use crate::cpython::layout;
    extern "C" {
        static mut PyMethod_Type: PyTypeObject;
    }
    // SAFETY: as the contract; a bound method holds its function and self, the tuple its
    // items, while the caller holds them.
    unsafe {
        if !kwargs.is_null() && *kwargs.cast::<u8>().add(layout::DICT_MA_USED).cast::<isize>() != 0 {
            return None;
        }
        let nargs = PyTuple_GET_SIZE(callargs) as usize;
        let items = callargs.cast::<u8>().add(layout::TUPLE_OB_ITEM).cast::<*mut PyObject>();
        let ty = Py_TYPE(func);
        if ty == std::ptr::addr_of_mut!(PyFunction_Type) {
            return super::python_call::call(func, items, nargs);
        }
        if nargs > MAX_UNPACKED_METHOD_ARGS {
            return None;
        }
        if ty == std::ptr::addr_of_mut!(PyType_Type) {
            // A plain class (`super::class_call`), the arguments after a scratch slot.
            let mut stack = [null_mut::<PyObject>(); MAX_UNPACKED_METHOD_ARGS + 1];
            std::ptr::copy_nonoverlapping(items, stack.as_mut_ptr().add(1), nargs);
            return super::class_call::call(func, stack.as_ptr().add(1), nargs | super::call::ARGUMENTS_OFFSET);
        }
        if ty != std::ptr::addr_of_mut!(PyMethod_Type) {
            return None;
        }
        let function = *func.cast::<u8>().add(layout::METHOD_IM_FUNC).cast::<*mut PyObject>();
        if Py_TYPE(function) != std::ptr::addr_of_mut!(PyFunction_Type) {
            return None;
        }
        let mut stack = [null_mut::<PyObject>(); MAX_UNPACKED_METHOD_ARGS + 1];
        stack[0] = *func.cast::<u8>().add(layout::METHOD_IM_SELF).cast::<*mut PyObject>();
        std::ptr::copy_nonoverlapping(items, stack.as_mut_ptr().add(1), nargs);
        #[cfg(py37)]
        let tstate = {
            let tstate = crate::cpython::current_tstate();
            super::c_call::enter_call(tstate)?;
            tstate
        };
        let result = super::python_call::call(function, stack.as_ptr(), nargs + 1);
        #[cfg(py37)]
        crate::frame::leave_recursive_call(tstate);
        result
    }
}

#[cfg(any(py37, py38))] // BUILD_*_UNPACK: removed in 3.9
/// The `BUILD_*_UNPACK` variant a helper builds.
pub mod unpack_kind {
    pub const LIST: u32 = 0;
    pub const TUPLE: u32 = 1;
    /// `BUILD_TUPLE_UNPACK_WITH_CALL`: a tuple, errors name the function below the items.
    pub const TUPLE_WITH_CALL: u32 = 2;
    pub const SET: u32 = 3;
    pub const MAP: u32 = 4;
    /// `BUILD_MAP_UNPACK_WITH_CALL`: duplicate keywords are errors naming the function.
    pub const MAP_WITH_CALL: u32 = 5;
}

#[cfg(any(py37, py38))] // BUILD_*_UNPACK: removed in 3.9
/// `BUILD_*_UNPACK count` (`count` in the low 16 bits of `arg`, the [`unpack_kind`] above
/// them): merges the top `count` items into one new container. Effect 1 − count; on error
/// the items stay (effect 0).
///
/// # Safety
/// GIL held; the items owned; for the `_WITH_CALL` kinds the function lies below them
/// (`MAP_WITH_CALL`: below the positional-arguments tuple too).
pub unsafe extern "C" fn build_unpack(sp: *mut *mut PyObject, arg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let (count, kind) = ((arg & 0xffff) as usize, arg >> 16);
        let items = sp.sub(count);
        let result = match kind {
            unpack_kind::SET => merge_into_set(items, count),
            unpack_kind::MAP | unpack_kind::MAP_WITH_CALL => merge_into_dict(items, count, kind == unpack_kind::MAP_WITH_CALL),
            _ => merge_into_sequence(items, count, kind),
        };
        if result.is_null() {
            return -1;
        }
        for i in 0..count {
            Py_DECREF(*items.add(i));
        }
        *items = result;
        0
    }
}

#[cfg(any(py37, py38))] // BUILD_*_UNPACK: removed in 3.9
unsafe fn merge_into_sequence(items: *mut *mut PyObject, count: usize, kind: u32) -> *mut PyObject {
    // SAFETY: live items (caller).
    unsafe {
        let sum = PyList_New(0);
        if sum.is_null() {
            return null_mut();
        }
        for i in 0..count {
            let none = _PyList_Extend(sum, *items.add(i));
            if none.is_null() {
                if kind == unpack_kind::TUPLE_WITH_CALL && PyErr_ExceptionMatches(PyExc_TypeError) != 0 {
                    check_args_iterable(*items.sub(1), *items.add(i));
                }
                Py_DECREF(sum);
                return null_mut();
            }
            Py_DECREF(none);
        }
        if kind == unpack_kind::LIST {
            return sum;
        }
        let tuple = PyList_AsTuple(sum);
        Py_DECREF(sum);
        tuple
    }
}

#[cfg(any(py37, py38))] // BUILD_*_UNPACK: removed in 3.9
unsafe fn merge_into_set(items: *mut *mut PyObject, count: usize) -> *mut PyObject {
    // SAFETY: live items (caller).
    unsafe {
        let sum = PySet_New(null_mut());
        if sum.is_null() {
            return null_mut();
        }
        for i in 0..count {
            if _PySet_Update(sum, *items.add(i)) < 0 {
                Py_DECREF(sum);
                return null_mut();
            }
        }
        sum
    }
}

#[cfg(any(py37, py38))] // BUILD_*_UNPACK: removed in 3.9
unsafe fn merge_into_dict(items: *mut *mut PyObject, count: usize, with_call: bool) -> *mut PyObject {
    // SAFETY: live items (caller); with a call, the function is two slots below the items.
    unsafe {
        let sum = PyDict_New();
        if sum.is_null() {
            return null_mut();
        }
        for i in 0..count {
            let arg = *items.add(i);
            if with_call {
                if _PyDict_MergeEx(sum, arg, 2) < 0 {
                    Py_DECREF(sum);
                    format_kwargs_error(*items.sub(2), arg);
                    return null_mut();
                }
            } else if PyDict_Update(sum, arg) < 0 {
                if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
                    PyErr_Format(PyExc_TypeError, c"'%.200s' object is not a mapping".as_ptr(), (*Py_TYPE(arg)).tp_name);
                }
                Py_DECREF(sum);
                return null_mut();
            }
        }
        sum
    }
}

/// `UNPACK_EX before | after << 8`: pops an iterable and pushes `before` items, a list of
/// the rest, and `after` items (the last item deepest). Effect before + after; on error
/// nothing is pushed (effect −1).
///
/// # Safety
/// GIL held; `sp[-1]` owned; room for the items.
pub unsafe extern "C" fn unpack_ex(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let seq = *sp.sub(1);
        let (before, after) = ((oparg & 0xff) as usize, (oparg >> 8) as usize);
        let top = sp.sub(1).add(1 + before + after);
        let ok = unpack_iterable_ex(seq, before, after, top);
        Py_DECREF(seq);
        if ok {
            0
        } else {
            -1
        }
    }
}

/// ceval's `unpack_iterable(v, argcnt, argcntafter, sp)` for a starred target: stores
/// downwards from `top`; on failure stores nothing (what it stored is released).
unsafe fn unpack_iterable_ex(v: *mut PyObject, argcnt: usize, argcntafter: usize, top: *mut *mut PyObject) -> bool {
    // SAFETY: `v` live (caller); stored items are new references, released on failure.
    unsafe {
        let it = PyObject_GetIter(v);
        if it.is_null() {
            if PyErr_ExceptionMatches(PyExc_TypeError) != 0 && (*Py_TYPE(v)).tp_iter.is_none() && PySequence_Check(v) == 0 {
                PyErr_Format(PyExc_TypeError, c"cannot unpack non-iterable %.200s object".as_ptr(), (*Py_TYPE(v)).tp_name);
            }
            return false;
        }
        let mut sp = top;
        let fail = |sp: *mut *mut PyObject| {
            let mut p = sp;
            while p < top {
                Py_DECREF(*p);
                p = p.add(1);
            }
            Py_DECREF(it);
            false
        };
        for i in 0..argcnt {
            let w = PyIter_Next(it);
            if w.is_null() {
                if PyErr_Occurred().is_null() {
                    PyErr_Format(
                        PyExc_ValueError,
                        c"not enough values to unpack (expected at least %d, got %d)".as_ptr(),
                        (argcnt + argcntafter) as c_int,
                        i as c_int,
                    );
                }
                return fail(sp);
            }
            sp = sp.sub(1);
            *sp = w;
        }
        let rest = PySequence_List(it);
        if rest.is_null() {
            return fail(sp);
        }
        sp = sp.sub(1);
        *sp = rest;
        let len = PyList_GET_SIZE(rest) as usize;
        if len < argcntafter {
            PyErr_Format(
                PyExc_ValueError,
                c"not enough values to unpack (expected at least %d, got %zd)".as_ptr(),
                (argcnt + argcntafter) as c_int,
                (argcnt + len) as Py_ssize_t,
            );
            return fail(sp);
        }
        // The "after" items move from the end of the list onto the stack; the list shrinks.
        for j in (1..=argcntafter).rev() {
            sp = sp.sub(1);
            *sp = PyList_GET_ITEM(rest, (len - j) as Py_ssize_t);
        }
        (*rest.cast::<PyVarObject>()).ob_size = (len - argcntafter) as Py_ssize_t;
        Py_DECREF(it);
        true
    }
}

/// The 3.9+ `*`/`**` building blocks: each pops `sp[-1]` (consumed, effect −1 whether or
/// not it fails) into the container `oparg` slots below it.
///
/// `LIST_EXTEND oparg`: `list.extend(iterable)`, with "Value after * must be an iterable"
/// for an object that is neither iterable nor a sequence.
///
/// # Safety
/// GIL held; `sp[-1]` owned; `sp[-1 - oparg]` a list.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn list_extend(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let iterable = *sp.sub(1);
        let list = *sp.sub(1 + oparg as usize);
        let none = _PyList_Extend(list, iterable);
        if none.is_null() {
            if PyErr_ExceptionMatches(PyExc_TypeError) != 0 && (*Py_TYPE(iterable)).tp_iter.is_none() && PySequence_Check(iterable) == 0 {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, c"Value after * must be an iterable, not %.200s".as_ptr(), (*Py_TYPE(iterable)).tp_name);
            }
            Py_DECREF(iterable);
            return -1;
        }
        Py_DECREF(none);
        Py_DECREF(iterable);
        0
    }
}

/// `SET_UPDATE oparg`: `set.update(iterable)`.
///
/// # Safety
/// GIL held; `sp[-1]` owned; `sp[-1 - oparg]` a set.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn set_update(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let iterable = *sp.sub(1);
        let set = *sp.sub(1 + oparg as usize);
        let err = _PySet_Update(set, iterable);
        Py_DECREF(iterable);
        if err < 0 {
            -1
        } else {
            0
        }
    }
}

/// `DICT_UPDATE oparg` (`{**a}`): `dict.update(mapping)`; "'X' object is not a mapping"
/// when the update raised AttributeError.
///
/// # Safety
/// GIL held; `sp[-1]` owned; `sp[-1 - oparg]` a dict.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn dict_update(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let update = *sp.sub(1);
        let dict = *sp.sub(1 + oparg as usize);
        if PyDict_Update(dict, update) < 0 {
            if PyErr_ExceptionMatches(PyExc_AttributeError) != 0 {
                PyErr_Format(PyExc_TypeError, c"'%.200s' object is not a mapping".as_ptr(), (*Py_TYPE(update)).tp_name);
            }
            Py_DECREF(update);
            return -1;
        }
        Py_DECREF(update);
        0
    }
}

/// `DICT_MERGE oparg` (`f(**a, **b)`): merges refusing duplicate keys; errors name the
/// function, which lies two slots below the dict (`format_kwargs_error`).
///
/// # Safety
/// GIL held; `sp[-1]` owned; `sp[-1 - oparg]` a dict, `sp[-3 - oparg]` the callable.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn dict_merge(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let update = *sp.sub(1);
        let dict = *sp.sub(1 + oparg as usize);
        if _PyDict_MergeEx(dict, update, 2) < 0 {
            format_kwargs_error(*sp.sub(3 + oparg as usize), update);
            Py_DECREF(update);
            return -1;
        }
        Py_DECREF(update);
        0
    }
}

/// `LIST_TO_TUPLE`: replaces the list `sp[-1]` with a tuple of its items. Effect 0; on
/// error the slot is NULL.
///
/// # Safety
/// GIL held; `sp[-1]` an owned list.
#[cfg(any(py39, py310))]
pub unsafe extern "C" fn list_to_tuple(sp: *mut *mut PyObject, _: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let list = *sp.sub(1);
        let tuple = PyList_AsTuple(list);
        Py_DECREF(list);
        *sp.sub(1) = tuple;
        if tuple.is_null() {
            -1
        } else {
            0
        }
    }
}
