//! Exported parts of CPython's object model that pyo3-ffi skips, for finding the functions
//! a module holds (the deny patterns' qualname search): the `staticmethod` and
//! `classmethod` types and the instance-dict pointer of any object.

use pyo3_ffi::{PyObject, PyTypeObject};

extern "C" {
    pub static mut PyStaticMethod_Type: PyTypeObject;
    pub static mut PyClassMethod_Type: PyTypeObject;
    /// Where `obj`'s instance dict pointer lives (NULL when its type has none); runs no
    /// Python code (3.7–3.10 export it).
    pub fn _PyObject_GetDictPtr(obj: *mut PyObject) -> *mut *mut PyObject;
}
