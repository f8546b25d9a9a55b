//! Binary, in-place and comparison operators (`BINARY_*`, `INPLACE_*`, `COMPARE_OP`).

use pyo3_ffi::{PyObject, Py_DECREF};

/// A CPython binary number-protocol function such as `PyNumber_Add`.
pub type BinaryFn = unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject;

/// Applies `op` to `sp[-2]`, `sp[-1]`; consumes both and leaves the result (or NULL) in
/// `sp[-2]`. Fixed effect −1. Serves every `BINARY_*`/`INPLACE_*` whose ceval case is a plain
/// call of one number-protocol function.
///
/// # Safety
/// GIL held; both slots hold owned references.
pub unsafe extern "C" fn binary_op(sp: *mut *mut PyObject, op: BinaryFn) -> i32 {
    // SAFETY: both operands are owned (caller); the result slot takes the new reference.
    unsafe {
        let left = *sp.sub(2);
        let right = *sp.sub(1);
        let result = op(left, right);
        Py_DECREF(left);
        Py_DECREF(right);
        *sp.sub(2) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `BINARY_POWER`: `PyNumber_Power(a, b, None)`.
///
/// # Safety
/// GIL held; `a` and `b` live.
pub unsafe extern "C" fn number_power(a: *mut PyObject, b: *mut PyObject) -> *mut PyObject {
    // SAFETY: forwarded operands are live (binary_op's caller owns them).
    unsafe { pyo3_ffi::PyNumber_Power(a, b, pyo3_ffi::Py_None()) }
}

/// `INPLACE_POWER`: `PyNumber_InPlacePower(a, b, None)`.
///
/// # Safety
/// GIL held; `a` and `b` live.
pub unsafe extern "C" fn number_inplace_power(a: *mut PyObject, b: *mut PyObject) -> *mut PyObject {
    // SAFETY: as number_power.
    unsafe { pyo3_ffi::PyNumber_InPlacePower(a, b, pyo3_ffi::Py_None()) }
}

/// 3.7/3.8 `COMPARE_OP` argument values beyond the six rich comparisons (`PyCmp_*`).
#[cfg(any(py37, py38))]
pub mod cmp {
    pub const IN: u32 = 6;
    pub const NOT_IN: u32 = 7;
    pub const IS: u32 = 8;
    pub const IS_NOT: u32 = 9;
    pub const EXC_MATCH: u32 = 10;
}

/// `COMPARE_OP oparg` on `sp[-2]`, `sp[-1]` (ceval's `cmp_outcome` on 3.7/3.8; only the six
/// rich comparisons from 3.9). Fixed effect −1.
///
/// # Safety
/// GIL held; both slots hold owned references.
pub unsafe extern "C" fn compare_op(sp: *mut *mut PyObject, oparg: u32) -> i32 {
    // SAFETY: both operands are owned (caller); the result slot takes the new reference.
    unsafe {
        let left = *sp.sub(2);
        let right = *sp.sub(1);
        let result = cmp_outcome(oparg, left, right);
        Py_DECREF(left);
        Py_DECREF(right);
        *sp.sub(2) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

#[cfg(any(py37, py38))]
unsafe fn cmp_outcome(op: u32, v: *mut PyObject, w: *mut PyObject) -> *mut PyObject {
    use pyo3_ffi::{PyBool_FromLong, PySequence_Contains};
    // SAFETY: v and w are live (caller); every branch returns a new reference or NULL.
    unsafe {
        match op {
            cmp::IS => PyBool_FromLong((v == w) as _),
            cmp::IS_NOT => PyBool_FromLong((v != w) as _),
            cmp::IN | cmp::NOT_IN => {
                let found = PySequence_Contains(w, v);
                if found < 0 {
                    return std::ptr::null_mut();
                }
                PyBool_FromLong(((found != 0) == (op == cmp::IN)) as _)
            }
            cmp::EXC_MATCH => exception_match(v, w),
            _ => pyo3_ffi::PyObject_RichCompare(v, w, op as i32),
        }
    }
}

/// 3.9+: `COMPARE_OP` is only the six rich comparisons (`in`, `is` and exception matching
/// became `CONTAINS_OP`, `IS_OP` and `JUMP_IF_NOT_EXC_MATCH`).
#[cfg(not(any(py37, py38)))]
unsafe fn cmp_outcome(op: u32, v: *mut PyObject, w: *mut PyObject) -> *mut PyObject {
    // SAFETY: v and w are live (caller).
    unsafe { pyo3_ffi::PyObject_RichCompare(v, w, op as i32) }
}

/// Whether `w` (a class or a tuple of them) may appear in an `except` clause; sets ceval's
/// TypeError when not.
unsafe fn check_exception_classes(w: *mut PyObject) -> bool {
    use pyo3_ffi::*;
    const CANNOT_CATCH_MSG: &std::ffi::CStr = c"catching classes that do not inherit from BaseException is not allowed";
    // SAFETY: w live (caller); tuple items are borrowed while w is alive.
    unsafe {
        let is_exception_class =
            |x: *mut PyObject| PyType_Check(x) != 0 && PyType_FastSubclass(x.cast(), Py_TPFLAGS_BASE_EXC_SUBCLASS) != 0;
        if PyTuple_Check(w) != 0 {
            for i in 0..PyTuple_Size(w) {
                if !is_exception_class(PyTuple_GET_ITEM(w, i)) {
                    PyErr_SetString(PyExc_TypeError, CANNOT_CATCH_MSG.as_ptr());
                    return false;
                }
            }
        } else if !is_exception_class(w) {
            PyErr_SetString(PyExc_TypeError, CANNOT_CATCH_MSG.as_ptr());
            return false;
        }
        true
    }
}

/// `except w:` against the raised type `v`, refusing non-exception classes as ceval does.
#[cfg(any(py37, py38))]
unsafe fn exception_match(v: *mut PyObject, w: *mut PyObject) -> *mut PyObject {
    use pyo3_ffi::*;
    // SAFETY: v, w live (caller).
    unsafe {
        if !check_exception_classes(w) {
            return std::ptr::null_mut();
        }
        PyBool_FromLong(PyErr_GivenExceptionMatches(v, w) as _)
    }
}

/// 3.9+ `JUMP_IF_NOT_EXC_MATCH`: pops the classes `sp[-1]` and the raised type `sp[-2]`
/// (both consumed, effect −2 in every outcome); 1 if it matches, 0 if not (the caller
/// jumps), -1 with TypeError set when a class does not derive from BaseException.
///
/// # Safety
/// GIL held; both slots owned.
#[cfg(not(any(py37, py38)))]
pub unsafe extern "C" fn jump_if_not_exc_match(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let right = *sp.sub(1);
        let left = *sp.sub(2);
        let result = if check_exception_classes(right) { pyo3_ffi::PyErr_GivenExceptionMatches(left, right) } else { -1 };
        Py_DECREF(left);
        Py_DECREF(right);
        result
    }
}

/// 3.9+ `CONTAINS_OP invert`: `sp[-2] in sp[-1]` (negated when `invert` is 1) replaces both.
/// Fixed effect −1; on error the result slot is NULL.
///
/// # Safety
/// GIL held; both slots owned.
#[cfg(not(any(py37, py38)))]
pub unsafe extern "C" fn contains_op(sp: *mut *mut PyObject, invert: u32) -> i32 {
    // SAFETY: as the contract.
    unsafe {
        let right = *sp.sub(1);
        let left = *sp.sub(2);
        let found = pyo3_ffi::PySequence_Contains(right, left);
        Py_DECREF(left);
        Py_DECREF(right);
        if found < 0 {
            *sp.sub(2) = std::ptr::null_mut();
            return -1;
        }
        *sp.sub(2) = pyo3_ffi::PyBool_FromLong(((found != 0) as u32 ^ (invert & 1)) as _);
        0
    }
}

/// A unary number-protocol function such as `PyNumber_Negative`.
pub type UnaryFn = unsafe extern "C" fn(*mut PyObject) -> *mut PyObject;

/// Applies `op` to `sp[-1]`, replacing it with the result (NULL on error). Effect 0.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn unary_op(sp: *mut *mut PyObject, op: UnaryFn) -> i32 {
    // SAFETY: the operand is owned (caller); the result replaces it.
    unsafe {
        let value = *sp.sub(1);
        let result = op(value);
        Py_DECREF(value);
        *sp.sub(1) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `UNARY_NOT`: replaces `sp[-1]` with `not sp[-1]`. Effect 0.
///
/// # Safety
/// GIL held; `sp[-1]` owned.
pub unsafe extern "C" fn unary_not(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the operand is owned (caller); True/False are returned as new references.
    unsafe {
        let value = *sp.sub(1);
        let truth = pyo3_ffi::PyObject_IsTrue(value);
        Py_DECREF(value);
        *sp.sub(1) = if truth < 0 { std::ptr::null_mut() } else { pyo3_ffi::PyBool_FromLong((truth == 0) as _) };
        if truth < 0 {
            -1
        } else {
            0
        }
    }
}

/// `STORE_SUBSCR`: `sp[-2][sp[-1]] = sp[-3]`, consuming all three. Effect −3.
///
/// # Safety
/// GIL held; the three slots owned.
pub unsafe extern "C" fn store_subscr(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: the three values are owned (caller) and consumed.
    unsafe {
        let (sub, container, value) = (*sp.sub(1), *sp.sub(2), *sp.sub(3));
        let err = pyo3_ffi::PyObject_SetItem(container, sub, value);
        Py_DECREF(value);
        Py_DECREF(container);
        Py_DECREF(sub);
        if err != 0 {
            -1
        } else {
            0
        }
    }
}

/// `DELETE_SUBSCR`: `del sp[-2][sp[-1]]`, consuming both. Effect −2.
///
/// # Safety
/// GIL held; both slots owned.
pub unsafe extern "C" fn delete_subscr(sp: *mut *mut PyObject) -> i32 {
    // SAFETY: both values are owned (caller) and consumed.
    unsafe {
        let (sub, container) = (*sp.sub(1), *sp.sub(2));
        let err = pyo3_ffi::PyObject_DelItem(container, sub);
        Py_DECREF(container);
        Py_DECREF(sub);
        if err != 0 {
            -1
        } else {
            0
        }
    }
}

/// `BINARY_ADD`/`INPLACE_ADD` as ceval does them: two exact strs are concatenated by
/// `unicode_concatenate` — which, when the left operand's only other reference is the
/// variable the next instruction stores into, drops that reference first so
/// `PyUnicode_Append` can resize the string in place (what keeps `s += x` loops linear) —
/// anything else goes to `number_fn`. `next_unit` is the raw code unit after this
/// instruction (`opcode << 8 | arg`, the argument without `EXTENDED_ARG`s, as ceval reads
/// it). Fixed effect −1, like [`binary_op`].
///
/// # Safety
/// GIL held; live frame; both slots hold owned references.
pub unsafe extern "C" fn add_or_concatenate(
    frame: *mut crate::cpython::PyFrameObject,
    sp: *mut *mut PyObject,
    next_unit: u32,
    number_fn: BinaryFn,
) -> i32 {
    use pyo3_ffi::*;
    // SAFETY: as the contract.
    unsafe {
        let left = *sp.sub(2);
        let right = *sp.sub(1);
        if PyUnicode_CheckExact(left) == 0 || PyUnicode_CheckExact(right) == 0 {
            return binary_op(sp, number_fn);
        }
        let mut result = left;
        if Py_REFCNT(left) == 2 && release_store_target(frame, left, next_unit).is_err() {
            Py_DECREF(left);
            result = std::ptr::null_mut();
        } else {
            PyUnicode_Append(&mut result, right);
        }
        Py_DECREF(right);
        *sp.sub(2) = result;
        if result.is_null() {
            -1
        } else {
            0
        }
    }
}

/// `unicode_concatenate`'s first step: if the next instruction stores into the variable
/// that holds `value`, clear that variable now (its reference is dropped).
unsafe fn release_store_target(frame: *mut crate::cpython::PyFrameObject, value: *mut PyObject, next_unit: u32) -> Result<(), ()> {
    use crate::opcode::op;
    use pyo3_ffi::*;
    let (opcode, oparg) = ((next_unit >> 8) as u8, (next_unit & 0xff) as usize);
    // SAFETY: live frame (caller); `oparg` indexes what the compiler emitted it for.
    unsafe {
        let code = (*frame).f_code;
        let locals = (*frame).f_localsplus.as_mut_ptr();
        match opcode {
            op::STORE_FAST => {
                let slot = locals.add(oparg);
                if *slot == value {
                    *slot = std::ptr::null_mut();
                    Py_DECREF(value);
                }
            }
            op::STORE_DEREF => {
                let cell = (*locals.add((*code).co_nlocals as usize + oparg)).cast::<crate::cpython::PyCellObject>();
                if (*cell).ob_ref == value {
                    (*cell).ob_ref = std::ptr::null_mut();
                    Py_DECREF(value);
                }
            }
            op::STORE_NAME => {
                let name = PyTuple_GET_ITEM((*code).co_names, oparg as Py_ssize_t);
                let f_locals = (*frame).f_locals;
                // 3.8 fails the addition if the lookup or the delete fails.
                #[cfg(not(py37))]
                if !f_locals.is_null() && PyDict_CheckExact(f_locals) != 0 {
                    let current = PyDict_GetItemWithError(f_locals, name);
                    if (current == value && PyDict_DelItem(f_locals, name) != 0) || (current.is_null() && !PyErr_Occurred().is_null()) {
                        return Err(());
                    }
                }
                // 3.7 treats a failed lookup as a miss and ignores a failed delete.
                #[cfg(py37)]
                if !f_locals.is_null()
                    && PyDict_CheckExact(f_locals) != 0
                    && PyDict_GetItem(f_locals, name) == value
                    && PyDict_DelItem(f_locals, name) != 0
                {
                    PyErr_Clear();
                }
            }
            _ => {}
        }
        Ok(())
    }
}
