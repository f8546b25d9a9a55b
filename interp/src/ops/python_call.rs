//! Calls of plain Python functions with positional arguments, without the vectorcall
//! chain: the frame built the way `_PyFrame_New_NoTrack` builds it (the code object's zombie
//! frame when it is free), the arguments bound as `_PyEval_EvalCodeWithName` (3.10:
//! `_PyEval_MakeFrameVector`) binds them — parameters, defaults, and, off the fast path
//! ([`call_binding_extras`]), `*args`, `**kwargs`, keyword-only defaults, cells and free
//! variables — the frame handed to the installed PEP 523 evaluator as `_PyEval_EvalFrame`
//! does (or started in machine code directly, `crate::direct`), and released the way
//! `frame_dealloc` releases it (back into the zombie slot). A call that would raise while
//! binding, a generator or coroutine function, or keywords return `None` untouched and take
//! CPython's own path.

use crate::cpython::{current_tstate, layout, PyCodeObject, PyFrameObject, PyThreadState};
use pyo3_ffi::{PyObject, PyTypeObject, Py_DECREF, Py_INCREF, Py_XDECREF};
use std::os::raw::c_int;

extern "C" {
    static mut PyFrame_Type: PyTypeObject;
    fn _PyObject_GC_NewVar(ty: *mut PyTypeObject, items: isize) -> *mut PyObject;
    fn PyObject_GC_Track(op: *mut PyObject);
    fn PyObject_GC_Del(op: *mut PyObject);
    #[cfg(not(py37))]
    static _Py_tracemalloc_config: u8;
    #[cfg(py38)]
    fn _PyTraceMalloc_NewReference(op: *mut PyObject) -> c_int;
    #[cfg(any(py39, py310))]
    fn _Py_NewReference(op: *mut PyObject);
}

/// The code flags of a function the fast case takes, ignoring `PyCF_MASK` (`from __future__`
/// flags) and `CO_NESTED`, which do not change how arguments bind.
const FAST_FLAGS: c_int = pyo3_ffi::CO_OPTIMIZED | pyo3_ffi::CO_NEWLOCALS | pyo3_ffi::CO_NOFREE;
const IGNORED_FLAGS: c_int = layout::PYCF_MASK as c_int | layout::CO_NESTED_FLAG as c_int;

/// Calls `func`, an exact `PyFunction_Type` object, with the `nargs` positional arguments at
/// `args` (borrowed) when the call is the fast case (no more arguments than parameters,
/// defaults for the rest); `None`, with nothing done, otherwise (CPython's path then binds
/// them or raises the TypeError).
/// The result is what `_PyFunction_Vectorcall` returns, checked as `_Py_CheckFunctionResult`
/// checks it.
///
/// # Safety
/// GIL held; `func` is a live function object; `args` holds `nargs` live references.
#[inline]
pub(crate) unsafe fn call(func: *mut PyObject, args: *const *mut PyObject, nargs: usize) -> Option<*mut PyObject> {
    // SAFETY: function fields at probed offsets; a function holds its code, globals and
    // defaults (a tuple or NULL).
    unsafe {
        let fields = func.cast::<u8>();
        let code = *fields.add(layout::FUNCTION_FUNC_CODE).cast::<*mut PyCodeObject>();
        if (*code).co_kwonlyargcount != 0 || (*code).co_flags & !IGNORED_FLAGS != FAST_FLAGS {
            return call_binding_extras(func, code, args, nargs, std::ptr::null_mut());
        }
        // The parameters `args` does not give come from the end of the defaults, as
        // `_PyEval_EvalCodeWithName` fills missing positional parameters.
        let argcount = (*code).co_argcount as usize;
        let (defaults, missing) = if nargs == argcount {
            (std::ptr::null(), 0)
        } else {
            let defaults = *fields.add(layout::FUNCTION_FUNC_DEFAULTS).cast::<*mut PyObject>();
            let missing = argcount.checked_sub(nargs)?;
            let given = if defaults.is_null() { 0 } else { pyo3_ffi::PyTuple_GET_SIZE(defaults) as usize };
            if missing > given {
                return None;
            }
            (tuple_items(defaults).add(given - missing), missing)
        };
        let tstate = current_tstate();
        let globals = *fields.add(layout::FUNCTION_FUNC_GLOBALS).cast::<*mut PyObject>();
        let frame = new_frame(tstate, func, code, globals)?;
        let locals = (*frame).f_localsplus.as_mut_ptr();
        for i in 0..nargs {
            let arg = *args.add(i);
            Py_INCREF(arg);
            *locals.add(i) = arg;
        }
        for i in 0..missing {
            let default = *defaults.add(i);
            Py_INCREF(default);
            *locals.add(nargs + i) = default;
        }
        let result = evaluate(tstate, frame, code);
        release_frame(tstate, frame);
        Some(checked_result(tstate, func, result))
    }
}

/// The code flags [`call_binding_extras`] requires, and the ones it also takes: `*args`,
/// `**kwargs`, cells and free variables (no `CO_NOFREE`). Generators and coroutines are left
/// to CPython (their call makes a generator instead of running the frame).
const REQUIRED_FLAGS: c_int = pyo3_ffi::CO_OPTIMIZED | pyo3_ffi::CO_NEWLOCALS;
const EXTRA_FLAGS: c_int = pyo3_ffi::CO_VARARGS | pyo3_ffi::CO_VARKEYWORDS | pyo3_ffi::CO_NOFREE;

/// Keyword-only parameters [`call_binding_extras`] fills from `__kwdefaults__` at most.
const MAX_KWONLY: usize = 8;
/// Keyword arguments [`call_binding_extras`] binds at most.
const MAX_KEYWORDS: usize = 16;

/// [`call`] with keyword arguments too: `kwnames` (NULL for none) names the last of the
/// `nargs + len(kwnames)` values at `args`, as vectorcall passes them.
///
/// # Safety
/// As [`call`]; `kwnames` is NULL or a tuple of the keyword names, `args` holds their values
/// after the `nargs` positional ones.
#[inline]
pub(crate) unsafe fn call_with_keywords(
    func: *mut PyObject,
    args: *const *mut PyObject,
    nargs: usize,
    kwnames: *mut PyObject,
) -> Option<*mut PyObject> {
    // SAFETY: as the contract; a function holds its code.
    unsafe {
        if kwnames.is_null() {
            return call(func, args, nargs);
        }
        let code = *func.cast::<u8>().add(layout::FUNCTION_FUNC_CODE).cast::<*mut PyCodeObject>();
        call_binding_extras(func, code, args, nargs, kwnames)
    }
}

/// Where a keyword argument goes.
#[derive(Clone, Copy)]
enum KeywordTarget {
    /// The parameter in this slot of the locals.
    Parameter(usize),
    /// The `**kwargs` dict.
    Extra,
}

/// What [`call_binding_extras`] learns about a call before it builds the frame.
struct KeywordBinding {
    /// Bit `i`: parameter slot `i` is given by a keyword.
    given: u64,
    targets: [KeywordTarget; MAX_KEYWORDS],
}

/// Where each keyword of `kwnames` binds, as `_PyEval_EvalCodeWithName` (3.10:
/// `_PyEval_MakeFrameVector`) finds it: a parameter after the positional-only ones whose name
/// is the keyword itself or equal to it, else `**kwargs`. `None` when binding would raise (a
/// keyword that is not an exact str, that is unexpected, or that gives a parameter a second
/// value) or there are more keywords or parameters than handled here.
///
/// # Safety
/// GIL held; `code` a code object of `total` named parameters; `kwnames` a tuple.
unsafe fn bind_keywords(
    code: *mut PyCodeObject,
    kwnames: *mut PyObject,
    positional: usize,
    total: usize,
    varkeywords: bool,
) -> Option<KeywordBinding> {
    // SAFETY: as the contract; co_varnames is a tuple of at least `total` exact strs.
    unsafe {
        let count = pyo3_ffi::PyTuple_GET_SIZE(kwnames) as usize;
        if count > MAX_KEYWORDS || total > 64 {
            return None;
        }
        #[cfg(py37)]
        let posonly = 0;
        #[cfg(not(py37))]
        let posonly = (*code).co_posonlyargcount as usize;
        let names = tuple_items((*code).co_varnames);
        let keywords = tuple_items(kwnames);
        let mut binding = KeywordBinding { given: 0, targets: [KeywordTarget::Extra; MAX_KEYWORDS] };
        for k in 0..count {
            let keyword = *keywords.add(k);
            if pyo3_ffi::PyUnicode_CheckExact(keyword) == 0 {
                return None;
            }
            // The compiler interns parameter names and keyword names alike: identity first,
            // then equality (of two exact strs, which runs no Python code).
            let found = (posonly..total)
                .find(|&j| *names.add(j) == keyword)
                .or_else(|| (posonly..total).find(|&j| pyo3_ffi::PyUnicode_Compare(keyword, *names.add(j)) == 0));
            match found {
                Some(j) if j >= positional && binding.given & (1 << j) == 0 => {
                    binding.given |= 1 << j;
                    binding.targets[k] = KeywordTarget::Parameter(j);
                }
                Some(_) => return None,
                None if varkeywords => {}
                None => return None,
            }
        }
        Some(binding)
    }
}

/// [`call`] for calls that need more than positional parameters and defaults: a
/// `*args` tuple, a `**kwargs` dict, keyword arguments (`kwnames`, NULL for none),
/// keyword-only parameters filled from `__kwdefaults__`, cells (an argument's cell made from
/// the argument, as `co_cell2arg` says) and free variables copied from the closure — what
/// `_PyEval_EvalCodeWithName` (3.10: `_PyEval_MakeFrameVector`) does, in its order. `None`,
/// with nothing done, when the call would raise (too many or too few arguments, an
/// unexpected keyword or a second value for a parameter, a keyword-only parameter without a
/// value) or is not a plain frame.
///
/// # Safety
/// As [`call_with_keywords`]; `code` is `func`'s code.
#[inline(never)]
unsafe fn call_binding_extras(
    func: *mut PyObject,
    code: *mut PyCodeObject,
    args: *const *mut PyObject,
    nargs: usize,
    kwnames: *mut PyObject,
) -> Option<*mut PyObject> {
    // SAFETY: function and code fields at probed offsets; defaults a tuple or NULL,
    // kwdefaults a dict or NULL, the closure a tuple of cells when the code has free
    // variables; the frame is ours until it is released.
    unsafe {
        let flags = (*code).co_flags & !IGNORED_FLAGS;
        if flags & REQUIRED_FLAGS != REQUIRED_FLAGS || flags & !(REQUIRED_FLAGS | EXTRA_FLAGS) != 0 {
            return None;
        }
        let fields = func.cast::<u8>();
        let argcount = (*code).co_argcount as usize;
        let kwonly = (*code).co_kwonlyargcount as usize;
        let total = argcount + kwonly;
        let varargs = flags & pyo3_ffi::CO_VARARGS != 0;
        let varkeywords = flags & pyo3_ffi::CO_VARKEYWORDS != 0;
        if nargs > argcount && !varargs {
            return None;
        }
        let positional = nargs.min(argcount);
        let binding = if kwnames.is_null() {
            KeywordBinding { given: 0, targets: [KeywordTarget::Extra; MAX_KEYWORDS] }
        } else {
            bind_keywords(code, kwnames, positional, total, varkeywords)?
        };
        let given = |slot: usize| slot < 64 && binding.given & (1 << slot) != 0;
        // Parameter `slot` past the positional arguments takes `defaults[slot - first_default]`
        // (a negative index: no default, the call raises).
        let defaults = *fields.add(layout::FUNCTION_FUNC_DEFAULTS).cast::<*mut PyObject>();
        let defcount = if defaults.is_null() { 0 } else { pyo3_ffi::PyTuple_GET_SIZE(defaults) as isize };
        let first_default = argcount as isize - defcount;
        if (nargs..argcount).any(|slot| !given(slot) && (slot as isize) < first_default) {
            return None;
        }
        let mut kw_defaults = [std::ptr::null_mut::<PyObject>(); MAX_KWONLY];
        if kwonly > 0 && !kwonly_defaults(func, code, &mut kw_defaults, kwonly, binding.given)? {
            return None;
        }
        let tstate = current_tstate();
        let globals = *fields.add(layout::FUNCTION_FUNC_GLOBALS).cast::<*mut PyObject>();
        let Some(frame) = new_frame(tstate, func, code, globals) else {
            release_all(&kw_defaults[..kwonly]);
            return None;
        };
        let locals = (*frame).f_localsplus.as_mut_ptr();
        let mut kwdict = std::ptr::null_mut();
        if varkeywords {
            kwdict = pyo3_ffi::PyDict_New();
            if kwdict.is_null() {
                release_all(&kw_defaults[..kwonly]);
                return Some(fail(tstate, frame));
            }
            *locals.add(total + varargs as usize) = kwdict;
        }
        for i in 0..positional {
            let arg = *args.add(i);
            Py_INCREF(arg);
            *locals.add(i) = arg;
        }
        if varargs {
            let extra = pyo3_ffi::PyTuple_New((nargs - positional) as isize);
            if extra.is_null() {
                release_all(&kw_defaults[..kwonly]);
                return Some(fail(tstate, frame));
            }
            for i in positional..nargs {
                let arg = *args.add(i);
                Py_INCREF(arg);
                pyo3_ffi::PyTuple_SET_ITEM(extra, (i - positional) as isize, arg);
            }
            *locals.add(total) = extra;
        }
        if !kwnames.is_null() {
            let keywords = tuple_items(kwnames);
            for (k, target) in binding.targets[..pyo3_ffi::PyTuple_GET_SIZE(kwnames) as usize].iter().enumerate() {
                let value = *args.add(nargs + k);
                match *target {
                    KeywordTarget::Parameter(slot) => {
                        Py_INCREF(value);
                        *locals.add(slot) = value;
                    }
                    KeywordTarget::Extra => {
                        if pyo3_ffi::PyDict_SetItem(kwdict, *keywords.add(k), value) < 0 {
                            release_all(&kw_defaults[..kwonly]);
                            return Some(fail(tstate, frame));
                        }
                    }
                }
            }
        }
        for slot in nargs..argcount {
            if !given(slot) {
                let default = *tuple_items(defaults).offset(slot as isize - first_default);
                Py_INCREF(default);
                *locals.add(slot) = default;
            }
        }
        for (i, &default) in kw_defaults[..kwonly].iter().enumerate() {
            if !default.is_null() {
                *locals.add(argcount + i) = default;
            }
        }
        if !fill_cells_and_free_variables(func, code, locals) {
            return Some(fail(tstate, frame));
        }
        let result = evaluate(tstate, frame, code);
        release_frame(tstate, frame);
        Some(checked_result(tstate, func, result))
    }
}

/// Looks up the `kwonly` keyword-only parameters of `code` (after the positional ones in
/// `co_varnames`) that no keyword gives (bit `slot` of `given`) in `func.__kwdefaults__`,
/// storing new references in `found` (NULL for those given): `Some(true)` when all have a
/// value, `Some(false)` (nothing kept) when one lacks a default or there are more than
/// `found` holds, `None` (nothing kept, no exception left) when a lookup failed.
///
/// # Safety
/// GIL held; `code` is `func`'s code.
unsafe fn kwonly_defaults(
    func: *mut PyObject,
    code: *mut PyCodeObject,
    found: &mut [*mut PyObject],
    kwonly: usize,
    given: u64,
) -> Option<bool> {
    // SAFETY: as the contract; co_varnames is a tuple of at least argcount + kwonly names.
    unsafe {
        if kwonly > found.len() {
            return Some(false);
        }
        let kwdefaults = *func.cast::<u8>().add(layout::FUNCTION_FUNC_KWDEFAULTS).cast::<*mut PyObject>();
        let argcount = (*code).co_argcount as usize;
        let names = tuple_items((*code).co_varnames);
        for i in 0..kwonly {
            let slot = argcount + i;
            if slot < 64 && given & (1 << slot) != 0 {
                continue;
            }
            let default =
                if kwdefaults.is_null() { std::ptr::null_mut() } else { pyo3_ffi::PyDict_GetItemWithError(kwdefaults, *names.add(slot)) };
            if default.is_null() {
                release_all(&found[..i]);
                if !pyo3_ffi::PyErr_Occurred().is_null() {
                    pyo3_ffi::PyErr_Clear();
                    return None;
                }
                return Some(false);
            }
            Py_INCREF(default);
            found[i] = default;
        }
        Some(true)
    }
}

/// Drops the references in `values` (NULL entries skipped).
unsafe fn release_all(values: &[*mut PyObject]) {
    for &value in values {
        // SAFETY: owned references or NULL (caller).
        unsafe { Py_XDECREF(value) };
    }
}

/// The cells of `code`'s cell variables (an argument's cell takes the argument out of its
/// slot, as `co_cell2arg` maps it) and its free variables from `func`'s closure, after the
/// locals. False, with the exception set, when a cell could not be made.
///
/// # Safety
/// GIL held; `locals` are the fresh frame's `f_localsplus` for `code`, `func`'s code.
unsafe fn fill_cells_and_free_variables(func: *mut PyObject, code: *mut PyCodeObject, locals: *mut *mut PyObject) -> bool {
    extern "C" {
        fn PyCell_New(value: *mut PyObject) -> *mut PyObject;
    }
    // SAFETY: as the contract; co_cell2arg (when not NULL) has one entry per cell variable;
    // the closure holds one cell per free variable.
    unsafe {
        let nlocals = (*code).co_nlocals as usize;
        let ncells = pyo3_ffi::PyTuple_GET_SIZE((*code).co_cellvars) as usize;
        let cell2arg = (*code).co_cell2arg;
        for i in 0..ncells {
            let arg = if cell2arg.is_null() { layout::CO_CELL_NOT_AN_ARG_VALUE as isize } else { *cell2arg.add(i) };
            let cell = if arg != layout::CO_CELL_NOT_AN_ARG_VALUE as isize {
                let slot = locals.add(arg as usize);
                let cell = PyCell_New(*slot);
                if !cell.is_null() {
                    let value = std::mem::replace(&mut *slot, std::ptr::null_mut());
                    pyo3_ffi::Py_XDECREF(value);
                }
                cell
            } else {
                PyCell_New(std::ptr::null_mut())
            };
            if cell.is_null() {
                return false;
            }
            *locals.add(nlocals + i) = cell;
        }
        let nfree = pyo3_ffi::PyTuple_GET_SIZE((*code).co_freevars) as usize;
        if nfree > 0 {
            let closure = tuple_items(*func.cast::<u8>().add(layout::FUNCTION_FUNC_CLOSURE).cast::<*mut PyObject>());
            for i in 0..nfree {
                let cell = *closure.add(i);
                Py_INCREF(cell);
                *locals.add(nlocals + ncells + i) = cell;
            }
        }
        true
    }
}

/// The frame of a call that failed while its arguments were bound (the exception is set):
/// released as after a call, and the NULL result.
///
/// # Safety
/// GIL held; `frame` a fresh frame of ours, never evaluated.
unsafe fn fail(tstate: *mut PyThreadState, frame: *mut PyFrameObject) -> *mut PyObject {
    // SAFETY: as the contract.
    unsafe { release_frame(tstate, frame) };
    std::ptr::null_mut()
}

/// `&tuple[0]`.
unsafe fn tuple_items(tuple: *mut PyObject) -> *const *mut PyObject {
    // SAFETY: a live tuple (caller); its items follow the header at the probed offset.
    unsafe { tuple.cast::<u8>().add(layout::TUPLE_OB_ITEM).cast() }
}

/// What `_Py_CheckFunctionResult(callable, result, NULL)` returns: `result` itself when
/// exactly one of a result and an exception is there (tested here first), else its error.
///
/// # Safety
/// GIL held; `tstate` current; `result` owned or NULL.
#[inline]
pub(super) unsafe fn checked_result(tstate: *mut PyThreadState, callable: *mut PyObject, result: *mut PyObject) -> *mut PyObject {
    // SAFETY: as the contract.
    unsafe {
        if result.is_null() == (*tstate).curexc_type.is_null() {
            return check_function_result(callable, result);
        }
        result
    }
}

/// `_Py_CheckFunctionResult(func, result, NULL)`, for the inconsistent case only.
#[cold]
unsafe fn check_function_result(func: *mut PyObject, result: *mut PyObject) -> *mut PyObject {
    extern "C" {
        #[cfg(any(py37, py38))]
        fn _Py_CheckFunctionResult(f: *mut PyObject, r: *mut PyObject, w: *const std::os::raw::c_char) -> *mut PyObject;
        #[cfg(any(py39, py310))]
        fn _Py_CheckFunctionResult(
            t: *mut PyThreadState,
            f: *mut PyObject,
            r: *mut PyObject,
            w: *const std::os::raw::c_char,
        ) -> *mut PyObject;
    }
    // SAFETY: GIL held (caller); `result` is owned or NULL.
    unsafe {
        #[cfg(any(py37, py38))]
        return _Py_CheckFunctionResult(func, result, std::ptr::null());
        #[cfg(any(py39, py310))]
        return _Py_CheckFunctionResult(current_tstate(), func, result, std::ptr::null());
    }
}

/// The builtins a new frame of `func` gets (borrowed), or `None` when only CPython's own
/// path can tell (no `__builtins__` in the globals: it makes up a dict or raises). Up to
/// 3.9 they are the calling frame's when it shares the globals, else `globals['__builtins__']`
/// (a module's dict for a module); 3.10 keeps them in the function.
#[inline]
unsafe fn builtins_for(tstate: *mut PyThreadState, func: *mut PyObject, globals: *mut PyObject) -> Option<*mut PyObject> {
    #[cfg(py310)]
    // SAFETY: 3.10 functions hold their builtins (probed offset).
    unsafe {
        let _ = (tstate, globals);
        Some(*func.cast::<u8>().add(layout::FUNCTION_FUNC_BUILTINS).cast::<*mut PyObject>())
    }
    #[cfg(not(py310))]
    // SAFETY: live thread state and frames (GIL held); `globals` is a function's dict.
    unsafe {
        let _ = func;
        let back = (*tstate).frame;
        if !back.is_null() && (*back).f_globals == globals {
            return Some((*back).f_builtins);
        }
        let builtins = pyo3_ffi::PyDict_GetItemWithError(globals, super::interned!(c"__builtins__"));
        if builtins.is_null() {
            pyo3_ffi::PyErr_Clear();
            return None;
        }
        if pyo3_ffi::PyModule_Check(builtins) != 0 {
            return Some(pyo3_ffi::PyModule_GetDict(builtins));
        }
        Some(builtins)
    }
}

/// `_PyFrame_New_NoTrack` for a function (no locals dict), its locals, cells and free
/// variables NULL: the code's zombie frame if it has one, else a new one.
/// `None` (nothing allocated, no exception set) sends the call to CPython's own path.
#[inline]
unsafe fn new_frame(
    tstate: *mut PyThreadState,
    func: *mut PyObject,
    code: *mut PyCodeObject,
    globals: *mut PyObject,
) -> Option<*mut PyFrameObject> {
    // SAFETY: live code and thread state (GIL held); a zombie frame is a frame of `code`
    // whose fields frame_dealloc cleared; a new one is sized as frame_alloc sizes it.
    unsafe {
        let builtins = builtins_for(tstate, func, globals)?;
        let mut frame = (*code).co_zombieframe.cast::<PyFrameObject>();
        if !frame.is_null() {
            (*code).co_zombieframe = std::ptr::null_mut();
            new_reference(frame.cast());
        } else {
            // The locals, then the cells and free variables, then the value stack.
            let nlocals = (*code).co_nlocals as isize
                + pyo3_ffi::PyTuple_GET_SIZE((*code).co_cellvars)
                + pyo3_ffi::PyTuple_GET_SIZE((*code).co_freevars);
            let extras = (*code).co_stacksize as isize + nlocals;
            frame = _PyObject_GC_NewVar(std::ptr::addr_of_mut!(PyFrame_Type), extras).cast();
            if frame.is_null() {
                pyo3_ffi::PyErr_Clear();
                return None;
            }
            (*frame).f_code = code;
            let locals = (*frame).f_localsplus.as_mut_ptr();
            (*frame).f_valuestack = locals.offset(nlocals);
            for i in 0..nlocals {
                *locals.offset(i) = std::ptr::null_mut();
            }
            (*frame).f_locals = std::ptr::null_mut();
            (*frame).f_trace = std::ptr::null_mut();
        }
        let back = (*tstate).frame;
        if !back.is_null() {
            Py_INCREF(back.cast());
        }
        (*frame).f_back = back;
        Py_INCREF(code.cast());
        (*frame).f_code = code;
        Py_INCREF(builtins);
        (*frame).f_builtins = builtins;
        Py_INCREF(globals);
        (*frame).f_globals = globals;
        (*frame).f_lasti = -1;
        (*frame).f_iblock = 0;
        (*frame).f_gen = std::ptr::null_mut();
        (*frame).f_trace_opcodes = 0;
        (*frame).f_trace_lines = 1;
        #[cfg(not(py310))]
        {
            (*frame).f_stacktop = (*frame).f_valuestack;
            (*frame).f_lineno = (*code).co_firstlineno;
            (*frame).f_executing = 0;
        }
        #[cfg(py310)]
        {
            (*frame).f_locals = std::ptr::null_mut();
            (*frame).f_trace = std::ptr::null_mut();
            (*frame).f_stackdepth = 0;
            (*frame).f_lineno = 0;
            (*frame).f_state = crate::cpython::frame_state::CREATED;
        }
        Some(frame)
    }
}

/// `_Py_NewReference` for a zombie frame coming back to life.
#[inline]
unsafe fn new_reference(op: *mut PyObject) {
    // SAFETY: `op` is a dead (refcount 0) object being reused (caller).
    unsafe {
        #[cfg(py37)]
        {
            (*op).ob_refcnt = 1;
        }
        #[cfg(py38)]
        {
            let tracing = std::ptr::addr_of!(_Py_tracemalloc_config).add(layout::TRACEMALLOC_CONFIG_TRACING).cast::<c_int>();
            if *tracing != 0 {
                _PyTraceMalloc_NewReference(op);
            }
            (*op).ob_refcnt = 1;
        }
        #[cfg(any(py39, py310))]
        {
            // `_Py_NewReference` of a release build: tracemalloc told when it traces, the
            // count set to one. The call only when tracemalloc needs it.
            let tracing = std::ptr::addr_of!(_Py_tracemalloc_config).add(layout::TRACEMALLOC_CONFIG_TRACING).cast::<c_int>();
            if *tracing != 0 {
                _Py_NewReference(op);
            } else {
                (*op).ob_refcnt = 1;
            }
        }
    }
}

/// `_PyEval_EvalFrame(tstate, frame, 0)`: the installed evaluator runs the frame — or, when
/// that is our hook and it would run the frame in machine code, the machine code directly
/// ([`crate::direct`]).
#[inline]
unsafe fn evaluate(tstate: *mut PyThreadState, frame: *mut PyFrameObject, code: *mut PyCodeObject) -> *mut PyObject {
    // SAFETY: the interpreter's evaluator slot (probed offset) always holds an evaluator
    // once the interpreter runs code; GIL held; `frame` is a fresh frame of `code`.
    unsafe {
        let installed = crate::direct::installed_evaluator(tstate);
        if let Some(result) = crate::direct::run_fresh_frame(tstate, frame, code, installed) {
            return result;
        }
        let evaluator = std::mem::transmute::<usize, Option<crate::cpython::EvalFrameFn>>(installed)
            .unwrap_or(crate::cpython::_PyEval_EvalFrameDefault);
        #[cfg(any(py37, py38))]
        return evaluator(frame, 0);
        #[cfg(any(py39, py310))]
        return evaluator(tstate, frame, 0);
    }
}

/// What `function_code_fastcall` does with the frame after the call: a frame something
/// else still holds is handed to the garbage collector; the last reference is dropped with
/// the recursion depth raised (finalizers of locals may call back into Python). When the
/// code's zombie slot is free that is `frame_dealloc`'s work done here; otherwise (or
/// inside a deferred deallocation, `Py_TRASHCAN`'s business) CPython's own dealloc does it.
#[inline]
unsafe fn release_frame(tstate: *mut PyThreadState, frame: *mut PyFrameObject) {
    // SAFETY: we own one reference to the frame; it was created untracked and is only
    // tracked here (CPython's own invariant for these frames).
    unsafe {
        let op = frame.cast::<PyObject>();
        if (*op).ob_refcnt > 1 {
            Py_DECREF(op);
            PyObject_GC_Track(op);
            return;
        }
        (*tstate).recursion_depth += 1;
        let nesting = *tstate.cast::<u8>().add(layout::TSTATE_TRASH_DELETE_NESTING).cast::<c_int>();
        if (*(*frame).f_code).co_zombieframe.is_null() && nesting == 0 {
            dealloc_into_zombie_slot(frame);
        } else {
            Py_DECREF(op);
        }
        (*tstate).recursion_depth -= 1;
    }
}

/// `frame_dealloc` of an untracked frame with its last reference dropped: clears it and
/// leaves it in its code's zombie slot (or frees it, if a finalizer run by the clearing
/// filled the slot).
#[inline]
unsafe fn dealloc_into_zombie_slot(frame: *mut PyFrameObject) {
    // SAFETY: refcount 1, owned by the caller, untracked; slots below the valuestack are
    // owned or NULL; the stack above it is empty for a finished frame or owned slots.
    unsafe {
        (*frame.cast::<PyObject>()).ob_refcnt = 0;
        let mut slot = (*frame).f_localsplus.as_mut_ptr();
        let valuestack = (*frame).f_valuestack;
        while slot < valuestack {
            let value = std::mem::replace(&mut *slot, std::ptr::null_mut());
            Py_XDECREF(value);
            slot = slot.add(1);
        }
        #[cfg(not(py310))]
        if !(*frame).f_stacktop.is_null() {
            let mut p = valuestack;
            while p < (*frame).f_stacktop {
                Py_XDECREF(*p);
                p = p.add(1);
            }
        }
        #[cfg(py310)]
        {
            for i in 0..(*frame).f_stackdepth.max(0) as usize {
                Py_XDECREF(*valuestack.add(i));
            }
            (*frame).f_stackdepth = 0;
        }
        Py_XDECREF((*frame).f_back.cast());
        Py_DECREF((*frame).f_builtins);
        Py_DECREF((*frame).f_globals);
        Py_XDECREF(std::mem::replace(&mut (*frame).f_locals, std::ptr::null_mut()));
        Py_XDECREF(std::mem::replace(&mut (*frame).f_trace, std::ptr::null_mut()));
        let code = (*frame).f_code;
        if (*code).co_zombieframe.is_null() {
            (*code).co_zombieframe = frame.cast();
        } else {
            PyObject_GC_Del(frame.cast());
        }
        Py_DECREF(code.cast());
    }
}
