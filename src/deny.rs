//! Deny patterns: code kept out of the compiler without editing it (`PYSTON_LITE_DENY`,
//! `PYSTON_LITE_DENY_FILE`, `enable(deny=..., deny_file=...)`). Parsing is plain Rust (the
//! options call it); matching runs on the cold path where a code object is about to be
//! compiled, never at frame entry, and looks for a qualname only when some pattern's module
//! part matches the frame's module.

use interp::cpython::{_PyObject_GetDictPtr, PyClassMethod_Type, PyCodeObject, PyFrameObject, PyStaticMethod_Type};
use parking_lot::Mutex;
use pyo3::ffi::{self, PyObject};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering::Relaxed};
use std::sync::Arc;

/// One `module[:qualname]` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// As written (trimmed): what `info()` reports as `denied_by`.
    text: Arc<str>,
    /// The module part, a shell-style wildcard pattern (`fnmatch` semantics).
    module: Vec<Glob>,
    /// `None` for a whole module (`pkg.mod` or `pkg.mod:*`); otherwise a qualname that
    /// denies itself and everything whose qualname continues it after a dot (a class's
    /// methods and nested classes, a function's local functions).
    qualname: Option<String>,
}

/// One element of a module-part pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Glob {
    /// `*`: any run of characters, dots included.
    Star,
    /// `?`: any one character.
    AnyChar,
    Char(char),
    /// `[...]` or `[!...]`: one character in (or not in) the inclusive ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

// What a pattern must look like, one sentence per mistake (the option error's "expected").
const NO_MODULE: &str = "module:qualname patterns with a module before the ':' (e.g. pkg.mod:func, pkg.mod:Class, pkg.*)";
const BAD_MODULE: &str = "a dotted module name before the ':' (letters, digits, _ and ., with the wildcards * ? [...])";
const UNCLOSED: &str = "a closed [...] wildcard in the module part";
const ONE_COLON: &str = "one ':' between the module and the qualname";
const BAD_QUALNAME: &str = "a qualname after the ':' (func, Class, Class.method, func.<locals>.inner) or *";
const WILDCARD_QUALNAME: &str = "wildcards in the module part only (after the ':' comes a qualname or *)";

impl Pattern {
    /// Parses one pattern; the error says what was expected instead.
    pub fn parse(text: &str) -> Result<Pattern, &'static str> {
        let text = text.trim();
        let (module, qualname) = match text.split_once(':') {
            Some((module, qualname)) => (module, Some(qualname)),
            None => (text, None),
        };
        if module.is_empty() {
            return Err(NO_MODULE);
        }
        if qualname.is_some_and(|q| q.contains(':')) {
            return Err(ONE_COLON);
        }
        let module = parse_glob(module)?;
        let qualname = match qualname {
            None | Some("*") => None,
            Some(q) => Some(check_qualname(q)?.to_string()),
        };
        Ok(Pattern { text: text.into(), module, qualname })
    }

    /// The pattern as written.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    fn matches_module(&self, module: &[char]) -> bool {
        glob_match(&self.module, module)
    }

    /// Whether code of qualname `qualname` (`None`: a module body) is denied, its module
    /// having matched.
    fn matches_qualname(&self, qualname: Option<&str>) -> bool {
        match (&self.qualname, qualname) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(want), Some(q)) => q.strip_prefix(want.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')),
        }
    }
}

/// The patterns of a comma-separated list (`PYSTON_LITE_DENY`, a `deny=` string, one line
/// of a deny file); empty items are skipped. The error names the item and what was
/// expected.
pub fn parse_list(text: &str) -> Result<Vec<Pattern>, (String, &'static str)> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| Pattern::parse(item).map_err(|expected| (item.to_string(), expected)))
        .collect()
}

/// The patterns of a deny file: one per line, `#` starts a comment, blank lines are
/// skipped. The error carries the 1-based line number.
pub fn parse_file(text: &str) -> Result<Vec<Pattern>, (usize, String, &'static str)> {
    let mut patterns = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        patterns.extend(parse_list(line).map_err(|(item, expected)| (i + 1, item, expected))?);
    }
    Ok(patterns)
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn parse_glob(module: &str) -> Result<Vec<Glob>, &'static str> {
    if module.starts_with('.') || module.ends_with('.') || module.contains("..") {
        return Err(BAD_MODULE);
    }
    let mut globs = Vec::new();
    let mut chars = module.chars().peekable();
    while let Some(c) = chars.next() {
        globs.push(match c {
            '*' if globs.last() == Some(&Glob::Star) => continue,
            '*' => Glob::Star,
            '?' => Glob::AnyChar,
            '[' => {
                let negated = chars.next_if_eq(&'!').is_some();
                let mut ranges = Vec::new();
                // A `]` right after `[` or `[!` is a member, as in fnmatch.
                let mut first = true;
                loop {
                    let low = match chars.next() {
                        None => return Err(UNCLOSED),
                        Some(']') if !first => break,
                        Some(low) => low,
                    };
                    first = false;
                    let mut high = low;
                    if chars.peek() == Some(&'-') {
                        let mut ahead = chars.clone();
                        ahead.next();
                        if let Some(&end) = ahead.peek().filter(|&&end| end != ']') {
                            chars.next();
                            chars.next();
                            high = end;
                        }
                    }
                    ranges.push((low, high));
                }
                Glob::Class { negated, ranges }
            }
            c if c == '.' || is_name_char(c) => Glob::Char(c),
            _ => return Err(BAD_MODULE),
        });
    }
    Ok(globs)
}

fn check_qualname(qualname: &str) -> Result<&str, &'static str> {
    if qualname.contains(['*', '?', '[', ']']) {
        return Err(WILDCARD_QUALNAME);
    }
    let identifier = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(is_name_char)
    };
    // `<locals>`, `<lambda>`, `<listcomp>` ...: the components CPython puts in qualnames.
    let component = |part: &str| identifier(part.strip_prefix('<').and_then(|p| p.strip_suffix('>')).unwrap_or(part));
    if qualname.split('.').all(component) {
        Ok(qualname)
    } else {
        Err(BAD_QUALNAME)
    }
}

/// `fnmatch.fnmatchcase` over characters: `*` matches any run (dots included).
fn glob_match(globs: &[Glob], name: &[char]) -> bool {
    let one = |glob: &Glob, c: char| match glob {
        Glob::Star => unreachable!("handled by the caller"),
        Glob::AnyChar => true,
        Glob::Char(want) => *want == c,
        Glob::Class { negated, ranges } => ranges.iter().any(|&(low, high)| (low..=high).contains(&c)) != *negated,
    };
    let (mut g, mut n) = (0, 0);
    // After a `*`: where to resume in the globs, and the first name index it has not eaten.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match globs.get(g) {
            Some(Glob::Star) => {
                star = Some((g + 1, n));
                g += 1;
                continue;
            }
            Some(glob) if one(glob, name[n]) => {
                g += 1;
                n += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((resume, eaten)) => {
                star = Some((resume, eaten + 1));
                g = resume;
                n = eaten + 1;
            }
            None => return false,
        }
    }
    globs[g..].iter().all(|glob| *glob == Glob::Star)
}

/// The patterns in force (set by `enable()`), and whether there are any: the one load the
/// compile path makes when nothing is denied.
static PATTERNS: Mutex<Vec<Pattern>> = Mutex::new(Vec::new());
static ANY: AtomicBool = AtomicBool::new(false);

/// Replaces the patterns in force. They apply to code objects whose compile is decided
/// from now on.
pub fn set(patterns: Vec<Pattern>) {
    let mut current = PATTERNS.lock();
    ANY.store(!patterns.is_empty(), Relaxed);
    *current = patterns;
}

/// Whether any pattern is in force.
#[inline]
pub fn any() -> bool {
    ANY.load(Relaxed)
}

/// The pattern that denies the code of `frame`, if any. The module is `f_globals['__name__']`;
/// the qualname, which 3.7–3.10 code objects do not carry, is looked for only when a
/// pattern with a qualname matched the module (see [`Search::qualname`]). Runs no Python
/// code and leaves the thread's exception (a generator's first entry may be a `throw()`)
/// as it found it.
///
/// # Safety
/// `frame` is a live frame about to be evaluated; the GIL is held.
pub unsafe fn denied_by(frame: *mut PyFrameObject) -> Option<Arc<str>> {
    let (mut kind, mut value, mut traceback) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: GIL held (caller); what is fetched is put back below.
    unsafe { ffi::PyErr_Fetch(&mut kind, &mut value, &mut traceback) };
    // SAFETY: forwarded from the caller.
    let pattern = unsafe { matching_pattern(frame) };
    // SAFETY: GIL held; restores what was fetched (NULLs included).
    unsafe { ffi::PyErr_Restore(kind, value, traceback) };
    pattern
}

/// [`denied_by`] without the exception's save and restore.
///
/// # Safety
/// As [`denied_by`].
unsafe fn matching_pattern(frame: *mut PyFrameObject) -> Option<Arc<str>> {
    // SAFETY: live frame (caller); a borrowed item of its globals, read with the GIL held.
    let module = unsafe {
        let globals = (*frame).f_globals;
        if ffi::PyDict_Check(globals) == 0 {
            return None;
        }
        text(ffi::PyDict_GetItemString(globals, c"__name__".as_ptr()))?
    };
    let module: Vec<char> = module.chars().collect();
    // A copy, so that nothing below runs with the lock held.
    let candidates: Vec<Pattern> = PATTERNS.lock().iter().filter(|p| p.matches_module(&module)).cloned().collect();
    if let Some(whole) = candidates.iter().find(|p| p.qualname.is_none()) {
        return Some(whole.text.clone());
    }
    if candidates.is_empty() {
        return None;
    }
    // SAFETY: live frame and the frames below it, GIL held (caller).
    let qualname = unsafe {
        let globals = (*frame).f_globals;
        let mut below = (*frame).f_back;
        while !below.is_null() && ((*below).f_globals != globals || !is_module_body(below)) {
            below = (*below).f_back;
        }
        let module_body = (!below.is_null()).then(|| (*below).f_code);
        Search { globals, module_body, target: std::ptr::null_mut(), classes: HashSet::new() }.qualname(frame, 0)
    }?;
    candidates.iter().find(|p| p.matches_qualname(qualname.as_deref())).map(|p| p.text.clone())
}

static WRAPPED: AtomicPtr<PyObject> = AtomicPtr::new(std::ptr::null_mut());
static MODULE: AtomicPtr<PyObject> = AtomicPtr::new(std::ptr::null_mut());

/// The interned str `name`, made at its first use and kept (NULL if it cannot be made).
///
/// # Safety
/// GIL held (which orders the first uses).
unsafe fn interned(cell: &AtomicPtr<PyObject>, name: &std::ffi::CStr) -> *mut PyObject {
    let mut key = cell.load(Relaxed);
    if key.is_null() {
        // SAFETY: GIL held (caller); the reference is kept for the process's life.
        key = unsafe { ffi::PyUnicode_InternFromString(name.as_ptr()) };
        if key.is_null() {
            // SAFETY: GIL held.
            unsafe { ffi::PyErr_Clear() };
        }
        cell.store(key, Relaxed);
    }
    key
}

/// The text of a str object (`None` for anything else or text that is not UTF-8).
///
/// # Safety
/// `object` is NULL or live; the GIL is held.
unsafe fn text(object: *mut PyObject) -> Option<String> {
    // SAFETY: live str (checked); its UTF-8 buffer lives as long as the object.
    unsafe {
        if object.is_null() || ffi::PyUnicode_Check(object) == 0 {
            return None;
        }
        let mut size = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(object, &mut size);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        std::str::from_utf8(std::slice::from_raw_parts(data.cast::<u8>(), size as usize)).ok().map(str::to_string)
    }
}

/// Whether `code` is a function's (`CO_NEWLOCALS`: its children's qualnames go through
/// `<locals>`) rather than a class body's or a module's.
///
/// # Safety
/// Live code object.
unsafe fn is_function_code(code: *mut PyCodeObject) -> bool {
    // SAFETY: live code object (caller).
    unsafe { (*code).co_flags & ffi::CO_NEWLOCALS != 0 }
}

/// Whether `frame` runs a module body: not a function, locals are the globals.
///
/// # Safety
/// Live frame.
unsafe fn is_module_body(frame: *mut PyFrameObject) -> bool {
    // SAFETY: live frame (caller).
    unsafe { !is_function_code((*frame).f_code) && (*frame).f_locals == (*frame).f_globals }
}

/// The qualname CPython gives `child`, a code object among the constants of `parent`
/// (whose qualname is `parent_qualname`, `None` for a module body).
///
/// # Safety
/// Live code objects.
unsafe fn child_qualname(parent: *mut PyCodeObject, parent_qualname: Option<&str>, child: *mut PyCodeObject) -> Option<String> {
    // SAFETY: live code objects (caller).
    let name = unsafe { text((*child).co_name) }?;
    Some(match parent_qualname {
        None => name,
        // SAFETY: as above.
        Some(q) if unsafe { is_function_code(parent) } => format!("{q}.<locals>.{name}"),
        Some(q) => format!("{q}.{name}"),
    })
}

/// The code objects among `code`'s constants.
///
/// # Safety
/// Live code object; the GIL is held while the iterator is used.
unsafe fn nested_code(code: *mut PyCodeObject) -> impl Iterator<Item = *mut PyCodeObject> {
    // SAFETY: a live code object's co_consts is a tuple it holds.
    let consts = unsafe { (*code).co_consts };
    // SAFETY: as above; the tuple outlives the iteration (the code holds it).
    let len = if consts.is_null() || unsafe { ffi::PyTuple_Check(consts) } == 0 { 0 } else { unsafe { ffi::PyTuple_GET_SIZE(consts) } };
    (0..len).filter_map(move |i| {
        // SAFETY: index in range of the live tuple.
        let item = unsafe { ffi::PyTuple_GET_ITEM(consts, i) };
        // SAFETY: live item.
        (unsafe { ffi::PyCode_Check(item) } != 0).then_some(item.cast::<PyCodeObject>())
    })
}

/// The values of a dict, borrowed.
///
/// # Safety
/// `dict` is a live dict not changed while the iterator is used (no Python code runs); the
/// GIL is held.
unsafe fn dict_values(dict: *mut PyObject) -> impl Iterator<Item = *mut PyObject> {
    let mut pos: ffi::Py_ssize_t = 0;
    std::iter::from_fn(move || {
        let (mut key, mut value) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: live dict (caller); PyDict_Next returns borrowed references.
        (unsafe { ffi::PyDict_Next(dict, &mut pos, &mut key, &mut value) } != 0).then_some(value)
    })
}

/// The qualname search of code run with `globals`.
struct Search {
    globals: *mut PyObject,
    /// The code of the module body, when a frame runs it (an import in progress, or
    /// `__main__`): every code object of the module's source is among its nested constants.
    module_body: Option<*mut PyCodeObject>,
    /// The code object looked for now.
    target: *mut PyObject,
    /// Classes already looked into for `target` (class attributes can make cycles).
    classes: HashSet<usize>,
}

impl Search {
    /// The qualname of the code `frame` runs: `Some(None)` for a module body, `None` when
    /// it cannot be found. Looked for, in order:
    /// 1. in the frame below, when that runs the code's lexical parent (a class body runs
    ///    right above its `class` statement);
    /// 2. in the module body's code, when a frame runs it (while the module is imported,
    ///    and always for `__main__`): every code object of the module's source is among
    ///    its nested constants;
    /// 3. among the module's live functions (`__qualname__`), the functions and
    ///    `staticmethod`/`classmethod`/`property` objects in its classes' dicts, one level
    ///    into other objects' instance dicts (`functools.cached_property`'s function, an
    ///    `lru_cache`'s `__wrapped__`), following `__wrapped__`, and below each the nested
    ///    code objects (`func.<locals>.inner`, `<lambda>`, comprehensions, class bodies).
    ///
    /// # Safety
    /// Live frame, GIL held.
    unsafe fn qualname(&mut self, frame: *mut PyFrameObject, depth: usize) -> Option<Option<String>> {
        // SAFETY: live frames (the stack below a live frame is live), GIL held.
        unsafe {
            let code = (*frame).f_code;
            if is_module_body(frame) {
                return Some(None);
            }
            let back = (*frame).f_back;
            // Lexical nesting bounds the depth; the limit only guards odd frame chains.
            if depth < 100 && !back.is_null() && (*back).f_globals == self.globals && nested_code((*back).f_code).any(|c| c == code) {
                if let Some(parent) = self.qualname(back, depth + 1) {
                    return child_qualname((*back).f_code, parent.as_deref(), code).map(Some);
                }
            }
            self.find(code).map(Some)
        }
    }

    /// Looks for `target` in the running module body's code, then among the module's
    /// objects.
    ///
    /// # Safety
    /// Live code object, GIL held.
    unsafe fn find(&mut self, target: *mut PyCodeObject) -> Option<String> {
        self.target = target.cast();
        self.classes.clear();
        if let Some(body) = self.module_body {
            // SAFETY: the module body's frame is below the frame searched for, so live.
            if let Some(found) = unsafe { self.in_code(body, None) } {
                return Some(found);
            }
        }
        // SAFETY: GIL held (caller); borrowed items of the live globals.
        unsafe {
            let module = ffi::PyDict_GetItemString(self.globals, c"__name__".as_ptr());
            dict_values(self.globals).find_map(|value| self.object(value, module, 1))
        }
    }

    /// Looks for the target in the code tree below `code` (qualname `qualname`).
    ///
    /// # Safety
    /// Live code object, GIL held.
    unsafe fn in_code(&mut self, code: *mut PyCodeObject, qualname: Option<&str>) -> Option<String> {
        // SAFETY: live code objects (caller; constants are held by their code).
        unsafe {
            for child in nested_code(code) {
                let Some(name) = child_qualname(code, qualname, child) else { continue };
                if child.cast() == self.target {
                    return Some(name);
                }
                if let Some(found) = self.in_code(child, Some(&name)) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Looks for the target in a function and what it wraps (`__wrapped__`, followed a few
    /// steps).
    ///
    /// # Safety
    /// Live function object, GIL held.
    unsafe fn function(&mut self, mut function: *mut PyObject) -> Option<String> {
        // SAFETY: live exact functions (each holds what it wraps), borrowed fields, GIL held.
        unsafe {
            for _ in 0..8 {
                if ffi::PyFunction_Check(function) == 0 {
                    return None;
                }
                let f = function.cast::<ffi::PyFunctionObject>();
                if (*f).func_globals == self.globals {
                    let code = (*f).func_code.cast::<PyCodeObject>();
                    // A `__qualname__` copied from another function (functools.wraps)
                    // does not name this code; its code is found where it was defined.
                    if let (Some(q), Some(co_name)) = (text((*f).func_qualname), text((*code).co_name)) {
                        if q.rsplit('.').next() == Some(co_name.as_str()) {
                            if code.cast() == self.target {
                                return Some(q);
                            }
                            if let Some(found) = self.in_code(code, Some(&q)) {
                                return Some(found);
                            }
                        }
                    }
                }
                let (dict, key) = ((*f).func_dict, interned(&WRAPPED, c"__wrapped__"));
                if dict.is_null() || key.is_null() {
                    return None;
                }
                function = ffi::PyDict_GetItem(dict, key);
                if function.is_null() {
                    return None;
                }
            }
            None
        }
    }

    /// Looks for the target in one value of the module's globals or of a class's dict
    /// (`depth` counts the class nesting, bounded for odd class graphs).
    ///
    /// # Safety
    /// Live object, GIL held; `module` is the module's `__name__` (or NULL).
    unsafe fn object(&mut self, value: *mut PyObject, module: *mut PyObject, depth: usize) -> Option<String> {
        // Only exact built-in types' members are read: no user-defined attribute access runs,
        // so the dicts the objects came from do not change meanwhile.
        // SAFETY: live objects held by those dicts, GIL held.
        unsafe {
            if ffi::PyFunction_Check(value) != 0 {
                return self.function(value);
            }
            let ty = ffi::Py_TYPE(value);
            if ty == std::ptr::addr_of_mut!(PyStaticMethod_Type) || ty == std::ptr::addr_of_mut!(PyClassMethod_Type) {
                return self.attribute(value, c"__func__");
            }
            if ty == std::ptr::addr_of_mut!(ffi::PyProperty_Type) {
                return self
                    .attribute(value, c"fget")
                    .or_else(|| self.attribute(value, c"fset"))
                    .or_else(|| self.attribute(value, c"fdel"));
            }
            if ffi::PyType_Check(value) != 0 {
                return self.class(value.cast(), module, depth);
            }
            if ffi::PyModule_Check(value) != 0 {
                return None;
            }
            // One level into an instance dict: the functions a wrapper object holds.
            let dict = _PyObject_GetDictPtr(value);
            if dict.is_null() || (*dict).is_null() || ffi::PyDict_Check(*dict) == 0 {
                return None;
            }
            dict_values(*dict).filter(|&v| ffi::PyFunction_Check(v) != 0).find_map(|v| self.function(v))
        }
    }

    /// An exact type's member `name` of `value` (a member descriptor: runs no Python
    /// code), looked into if it is a function.
    ///
    /// # Safety
    /// Live object of an exact built-in type with that member; GIL held.
    unsafe fn attribute(&mut self, value: *mut PyObject, name: &std::ffi::CStr) -> Option<String> {
        // SAFETY: as the contract; the new reference is released after the look.
        unsafe {
            let member = ffi::PyObject_GetAttrString(value, name.as_ptr());
            if member.is_null() {
                ffi::PyErr_Clear();
                return None;
            }
            let found = if ffi::PyFunction_Check(member) != 0 { self.function(member) } else { None };
            ffi::Py_DECREF(member);
            found
        }
    }

    /// A class defined in the module (`__module__` is its name): the values of its dict.
    ///
    /// # Safety
    /// Live type, GIL held.
    unsafe fn class(&mut self, ty: *mut ffi::PyTypeObject, module: *mut PyObject, depth: usize) -> Option<String> {
        // SAFETY: live type and its dict (GIL held); borrowed items.
        unsafe {
            if depth > 50 || (*ty).tp_flags & ffi::Py_TPFLAGS_HEAPTYPE == 0 || module.is_null() || !self.classes.insert(ty as usize) {
                return None;
            }
            let dict = (*ty).tp_dict;
            if dict.is_null() || ffi::PyDict_Check(dict) == 0 {
                return None;
            }
            let key = interned(&MODULE, c"__module__");
            let defined_in = if key.is_null() { key } else { ffi::PyDict_GetItem(dict, key) };
            if defined_in.is_null()
                || ffi::PyUnicode_Check(defined_in) == 0
                || ffi::PyUnicode_Check(module) == 0
                || ffi::PyUnicode_Compare(defined_in, module) != 0
            {
                return None;
            }
            dict_values(dict).find_map(|value| self.object(value, module, depth + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, module: &str, qualname: Option<&str>) -> bool {
        let p = Pattern::parse(pattern).unwrap();
        p.matches_module(&module.chars().collect::<Vec<_>>()) && p.matches_qualname(qualname)
    }

    #[test]
    fn functions_classes_and_modules() {
        assert!(matches("pkg.mod:func", "pkg.mod", Some("func")));
        assert!(matches("pkg.mod:func", "pkg.mod", Some("func.<locals>.inner")));
        assert!(!matches("pkg.mod:func", "pkg.mod", Some("func2")));
        assert!(!matches("pkg.mod:func", "pkg.mod", None));
        assert!(!matches("pkg.mod:func", "pkg.modx", Some("func")));
        assert!(matches("pkg.mod:C", "pkg.mod", Some("C.m")));
        assert!(matches("pkg.mod:C", "pkg.mod", Some("C.Inner.m")));
        assert!(matches("pkg.mod:C.Inner", "pkg.mod", Some("C.Inner.m")));
        assert!(!matches("pkg.mod:C.Inner", "pkg.mod", Some("C.m")));
        assert!(!matches("pkg.mod:C", "pkg.mod", Some("Cx.m")));
        for whole in ["pkg.mod", "pkg.mod:*", " pkg.mod:* "] {
            assert!(matches(whole, "pkg.mod", None));
            assert!(matches(whole, "pkg.mod", Some("anything.at.all")));
            assert!(!matches(whole, "pkg.mod2", None));
        }
    }

    #[test]
    fn module_wildcards_follow_fnmatch() {
        assert!(matches("pkg.*", "pkg.a", None));
        assert!(matches("pkg.*", "pkg.a.b", None));
        assert!(!matches("pkg.*", "pkg", None));
        assert!(matches("*", "anything", None));
        assert!(matches("p?g.mod", "pkg.mod", None));
        assert!(matches("pkg.mod[0-9]", "pkg.mod7", None));
        assert!(!matches("pkg.mod[!0-9]", "pkg.mod7", None));
        assert!(matches("pkg.mod[!0-9]", "pkg.modx", None));
        assert!(matches("*.tests.*:Case", "a.tests.b", Some("Case.test")));
        assert!(matches("a*b*c", "axxbyyc", None));
        assert!(!matches("a*b*c", "axxbyy", None));
        assert!(matches("x[]]", "x]", None));
        assert!(matches("x[a-]", "x-", None));
    }

    #[test]
    fn bad_patterns_say_what_was_expected() {
        assert_eq!(Pattern::parse(":func"), Err(NO_MODULE));
        assert_eq!(Pattern::parse("a:b:c"), Err(ONE_COLON));
        assert_eq!(Pattern::parse("pkg/mod.py"), Err(BAD_MODULE));
        assert_eq!(Pattern::parse("pkg..mod"), Err(BAD_MODULE));
        assert_eq!(Pattern::parse("pkg.mod[abc"), Err(UNCLOSED));
        assert_eq!(Pattern::parse("pkg.mod:"), Err(BAD_QUALNAME));
        assert_eq!(Pattern::parse("pkg.mod:C..m"), Err(BAD_QUALNAME));
        assert_eq!(Pattern::parse("pkg.mod:1f"), Err(BAD_QUALNAME));
        assert_eq!(Pattern::parse("pkg.mod:f x"), Err(BAD_QUALNAME));
        assert_eq!(Pattern::parse("pkg.mod:C.*"), Err(WILDCARD_QUALNAME));
        assert!(Pattern::parse("pkg.mod:f.<locals>.<lambda>").is_ok());
        assert_eq!(Pattern::parse(" a.b:C ").unwrap().text().as_ref(), "a.b:C");
    }

    #[test]
    fn lists_and_files() {
        let texts = |v: Vec<Pattern>| v.iter().map(|p| p.text().to_string()).collect::<Vec<_>>();
        assert_eq!(texts(parse_list("a:f, b ,,c.*").unwrap()), ["a:f", "b", "c.*"]);
        assert_eq!(parse_list("a:f,b:").unwrap_err(), ("b:".to_string(), BAD_QUALNAME));
        let file = "# deny these\n\npkg.mod:f  # slow to compile\n  other.*\n";
        assert_eq!(texts(parse_file(file).unwrap()), ["pkg.mod:f", "other.*"]);
        assert_eq!(parse_file("a\n\nb:c:d\n").unwrap_err(), (3, "b:c:d".to_string(), ONE_COLON));
    }
}
