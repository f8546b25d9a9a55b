//! Iteration and unpacking: `GET_ITER`, the end of `FOR_ITER` (machine code calls
//! `tp_iternext` itself), `UNPACK_SEQUENCE` (with 3.7–3.9's
//! `unpack_iterable` messages).

use pyo3_ffi::{PyErr_Clear, PyErr_ExceptionMatches, PyErr_Occurred, PyExc_StopIteration, PyObject, Py_DECREF};

/// `GET_ITER`: replaces `sp[-1]` with `iter(sp[-1])` (NULL on error). Effect 0.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn get_iter(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the iterable is owned by the stack (caller); the iterator replaces it.
    unsafe {
        let iterable = *sp.sub(1);
        let iter = pyo3_ffi::PyObject_GetIter(iterable);
        Py_DECREF(iterable);
        *sp.sub(1) = iter;
        if iter.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `FOR_ITER` after the iterator's `tp_iternext` (called by machine code) returned NULL:
/// 0 = exhausted (a `StopIteration`, if any, cleared; the iterator popped), -1 = error
/// (stack unchanged).
///
/// # Safety
/// GIL held; `sp[-1]` an owned iterator.
pub unsafe extern "C" fn for_iter_end(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the iterator is owned by the stack (caller).
    unsafe {
        if !PyErr_Occurred().is_null() {
            if PyErr_ExceptionMatches(PyExc_StopIteration) == 0 {
                return -1;
            }
            PyErr_Clear();
        }
        Py_DECREF(*sp.sub(1));
        0
    }
}

/// `FOR_ITER`'s `tp_iternext` for an exact generator: resumed in machine code directly
/// when it can be ([`crate::direct::send_to_generator`]), else `gen_iternext`. The next
/// value, or NULL when it is exhausted (no exception: the value it returned is dropped, as
/// `FOR_ITER` drops the `StopIteration` carrying it) or raised.
///
/// # Safety
/// GIL held; `gen` a live object of exact type `PyGen_Type`.
pub unsafe extern "C" fn generator_next(gen: *mut pyo3_ffi::PyObject) -> *mut pyo3_ffi::PyObject {
    // SAFETY: as the contract.
    unsafe {
        match crate::direct::send_to_generator(gen, pyo3_ffi::Py_None()) {
            Some(crate::direct::Sent::Yielded(value)) => value,
            Some(crate::direct::Sent::Returned(value)) => {
                pyo3_ffi::Py_DECREF(value);
                std::ptr::null_mut()
            }
            Some(crate::direct::Sent::Raised) => std::ptr::null_mut(),
            None => match (*pyo3_ffi::Py_TYPE(gen)).tp_iternext {
                Some(next) => next(gen),
                None => std::ptr::null_mut(),
            },
        }
    }
}

/// `UNPACK_SEQUENCE count`: pops a sequence, pushes its `count` items (last item deepest).
/// Effect count − 1; on error the sequence is consumed and nothing pushed (effect −1).
///
/// # Safety
/// GIL held; `sp[-1]` owned; room for `count - 1` more slots.
pub unsafe extern "C" fn unpack_sequence(sp: *mut *mut PyObject, count: u32) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: the sequence is owned by the stack (caller); items pushed are new references.
    unsafe {
        let seq = *sp.sub(1);
        let base = sp.sub(1);
        let n = count as usize;
        let exact = if PyTuple_CheckExact(seq) != 0 && PyTuple_GET_SIZE(seq) == count as Py_ssize_t {
            Some((*seq.cast::<PyTupleObject>()).ob_item.as_ptr() as *mut *mut PyObject)
        } else if PyList_CheckExact(seq) != 0 && PyList_GET_SIZE(seq) == count as Py_ssize_t {
            Some((*seq.cast::<PyListObject>()).ob_item)
        } else {
            None
        };
        if let Some(items) = exact {
            for i in 0..n {
                let item = *items.add(i);
                Py_INCREF(item);
                *base.add(n - 1 - i) = item;
            }
            Py_DECREF(seq);
            return 0;
        }
        let ok = unpack_iterable(seq, n, base.add(n));
        Py_DECREF(seq);
        if ok {
            0
        } else {
            -1
        }
    }
}

/// ceval's `unpack_iterable(v, argcnt, -1, sp)`: stores `argcnt` items downwards from `top`.
unsafe fn unpack_iterable(v: *mut PyObject, argcnt: usize, mut top: *mut *mut PyObject) -> bool {
    use pyo3_ffi::*;
    // SAFETY: `v` live (caller); stored items are new references, released on failure.
    unsafe {
        let it = PyObject_GetIter(v);
        if it.is_null() {
            if PyErr_ExceptionMatches(PyExc_TypeError) != 0 && (*(*v).ob_type).tp_iter.is_none() && PySequence_Check(v) == 0 {
                PyErr_Format(PyExc_TypeError, c"cannot unpack non-iterable %.200s object".as_ptr(), (*(*v).ob_type).tp_name);
            }
            return false;
        }
        let mut stored = 0usize;
        let fail = |stored: usize, top: *mut *mut PyObject| {
            for k in 0..stored {
                Py_DECREF(*top.add(k));
            }
            Py_DECREF(it);
            false
        };
        while stored < argcnt {
            let w = PyIter_Next(it);
            if w.is_null() {
                if PyErr_Occurred().is_null() {
                    PyErr_Format(
                        PyExc_ValueError,
                        c"not enough values to unpack (expected %d, got %d)".as_ptr(),
                        argcnt as std::os::raw::c_int,
                        stored as std::os::raw::c_int,
                    );
                }
                return fail(stored, top);
            }
            top = top.sub(1);
            *top = w;
            stored += 1;
        }
        let extra = PyIter_Next(it);
        if extra.is_null() {
            if !PyErr_Occurred().is_null() {
                return fail(stored, top);
            }
            Py_DECREF(it);
            return true;
        }
        Py_DECREF(extra);
        PyErr_Format(PyExc_ValueError, c"too many values to unpack (expected %d)".as_ptr(), argcnt as std::os::raw::c_int);
        fail(stored, top)
    }
}
