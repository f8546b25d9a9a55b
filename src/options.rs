//! Every user-facing option, parsed in one place: from the environment first, then from
//! `enable(**kwargs)`. Pyston-lite's variable names are accepted as aliases.

use crate::deny::{self, Pattern};
use std::borrow::Cow;
use std::fmt;

/// Entries before a code object is compiled when nothing is configured. Provisional: the
/// compiler issue sets it by measurement (Pyston-lite compiles after roughly 200 entries).
pub const DEFAULT_THRESHOLD: u64 = 200;
/// Entries before code that loops is compiled when nothing is configured: its first entry
/// (see docs/loops.md for why, and what it costs).
pub const DEFAULT_LOOP_THRESHOLD: u64 = 0;
/// Code-memory budget when nothing is configured.
pub const DEFAULT_MAX_CODE_BYTES: u64 = 100 * 1024 * 1024;

const MB: u64 = 1024 * 1024;
/// The largest code-memory budget: what the code arena can reserve at most (64 GiB).
pub const MAX_CODE_BYTES: u64 = jit::codemem::MAX_RESERVE as u64;
const MAX_CODE_MB: u64 = MAX_CODE_BYTES / MB;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Frame entries a code object runs in the fallback evaluator before it is compiled;
    /// 0 compiles at first entry.
    pub threshold: u64,
    /// Frame entries before a code object that loops (a function, or the `__main__` module
    /// body, with a backward jump) is compiled; 0 compiles it at first entry, so that a loop
    /// in code entered once runs compiled.
    pub loop_threshold: u64,
    /// Machine-code budget in bytes; once reached, compiling stops with a counted reason.
    pub max_code_bytes: u64,
    /// Print `stats()` to stderr when the interpreter exits.
    pub print_stats_at_exit: bool,
    /// Append the exit-time stats line to this file instead (for runs whose stderr is
    /// captured, such as CPython's test runner's workers).
    pub stats_file: Option<String>,
    /// Inline caches in compiled code (all by default; fewer to measure or rule them out).
    pub inline_caches: jit::InlineCaches,
    /// Append each compiled code object to `/tmp/perf-<pid>.map` (see `perf_map.rs`).
    pub perf_map: bool,
    /// Code never compiled: `PYSTON_LITE_DENY` or `deny=` (see `deny.rs`).
    pub deny: Vec<Pattern>,
    /// The same, read from `PYSTON_LITE_DENY_FILE` or `deny_file=`; kept apart so that each
    /// keyword overrides its own variable.
    pub deny_from_file: Vec<Pattern>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: DEFAULT_THRESHOLD,
            loop_threshold: DEFAULT_LOOP_THRESHOLD,
            max_code_bytes: DEFAULT_MAX_CODE_BYTES,
            print_stats_at_exit: false,
            stats_file: None,
            inline_caches: jit::InlineCaches::All,
            perf_map: false,
            deny: Vec::new(),
            deny_from_file: Vec::new(),
        }
    }
}

/// A bad option value: which option (the variable or keyword as the user spelled it), the
/// value, and what was expected.
#[derive(Debug, PartialEq, Eq)]
pub struct OptionError {
    pub name: String,
    pub value: String,
    pub expected: Cow<'static, str>,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value {:?} for {}: expected {}", self.value, self.name, self.expected)
    }
}

/// One option as the environment spells it: our name, then Pyston-lite's alias ("" when
/// Pyston-lite has none).
struct EnvOption {
    name: &'static str,
    alias: &'static str,
    apply: fn(&mut Options, &str, &str) -> Result<(), OptionError>,
}

const ENV_OPTIONS: [EnvOption; 9] = [
    EnvOption {
        name: "PYSTON_LITE_THRESHOLD",
        alias: "JIT_MIN_RUNS",
        apply: |o, n, v| {
            o.threshold = parse_count(n, v)?;
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_LOOP_THRESHOLD",
        alias: "",
        apply: |o, n, v| {
            o.loop_threshold = parse_count(n, v)?;
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_MAX_CODE_MB",
        alias: "JIT_MAX_MEM",
        apply: |o, n, v| {
            // Pyston-lite's JIT_MAX_MEM counts bytes; ours counts megabytes.
            o.max_code_bytes = if n == "JIT_MAX_MEM" { parse_code_bytes(n, v)? } else { parse_megabytes(n, v)? };
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_STATS",
        alias: "JIT_SHOW_STATS",
        apply: |o, n, v| {
            o.print_stats_at_exit = parse_flag(n, v)?;
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_INLINE_CACHES",
        alias: "",
        apply: |o, n, v| {
            o.inline_caches = match v.trim().to_ascii_lowercase().as_str() {
                "globals" => jit::InlineCaches::Globals,
                _ => match parse_flag(n, v) {
                    Ok(true) => jit::InlineCaches::All,
                    Ok(false) => jit::InlineCaches::None,
                    Err(e) => return Err(OptionError { expected: "1, 0 or globals".into(), ..e }),
                },
            };
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_STATS_FILE",
        alias: "",
        apply: |o, _, v| {
            o.stats_file = (!v.is_empty()).then(|| v.to_string());
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_PERF_MAP",
        alias: "",
        apply: |o, n, v| {
            o.perf_map = parse_flag(n, v)?;
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_DENY",
        alias: "",
        apply: |o, n, v| {
            o.deny = parse_patterns(n, v)?;
            Ok(())
        },
    },
    EnvOption {
        name: "PYSTON_LITE_DENY_FILE",
        alias: "",
        apply: |o, n, v| {
            o.deny_from_file = read_deny_file(n, v)?;
            Ok(())
        },
    },
];

impl Options {
    /// Options from the environment (via `lookup`, normally `std::env::var`), on top of the
    /// defaults. Our name wins over Pyston-lite's alias when both are set.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Options, OptionError> {
        let mut options = Options::default();
        for option in &ENV_OPTIONS {
            for name in [option.alias, option.name].into_iter().filter(|n| !n.is_empty()) {
                if let Some(value) = lookup(name) {
                    (option.apply)(&mut options, name, &value)?;
                }
            }
        }
        Ok(options)
    }

    /// Applies one `enable()` keyword; `Ok(false)` when the keyword is not an option.
    pub fn set_keyword(&mut self, name: &str, value: &KeywordValue) -> Result<bool, OptionError> {
        let error = |expected: &'static str| OptionError { name: name.to_string(), value: value.to_string(), expected: expected.into() };
        match (name, value) {
            ("threshold", KeywordValue::Int(n)) => self.threshold = count_in_range(name, *n)?,
            ("loop_threshold", KeywordValue::Int(n)) => self.loop_threshold = count_in_range(name, *n)?,
            ("threshold" | "loop_threshold", _) => return Err(error(COUNT_EXPECTED)),
            ("max_code_mb", KeywordValue::Int(n)) => self.max_code_bytes = megabytes_to_bytes(name, &value.to_string(), *n as f64)?,
            ("max_code_mb", KeywordValue::Float(x)) => self.max_code_bytes = megabytes_to_bytes(name, &value.to_string(), *x)?,
            ("max_code_mb", _) => return Err(error(MEGABYTES_EXPECTED)),
            ("stats", KeywordValue::Bool(b)) => self.print_stats_at_exit = *b,
            ("stats", _) => return Err(error("True or False")),
            ("perf_map", KeywordValue::Bool(b)) => self.perf_map = *b,
            ("perf_map", _) => return Err(error("True or False")),
            ("deny", KeywordValue::Str { text, .. }) => self.deny = parse_patterns(name, text)?,
            ("deny", KeywordValue::StrList { items, .. }) => {
                self.deny = items.iter().map(|item| parse_patterns(name, item)).collect::<Result<Vec<_>, _>>()?.concat()
            }
            ("deny", _) => return Err(error("a list of module:qualname patterns")),
            ("deny_file", KeywordValue::Str { text, .. }) => self.deny_from_file = read_deny_file(name, text)?,
            ("deny_file", _) => return Err(error("the path of a file of deny patterns")),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Every deny pattern in force: the variable's (or keyword's) and the file's.
    pub fn deny_patterns(&self) -> Vec<Pattern> {
        self.deny.iter().chain(&self.deny_from_file).cloned().collect()
    }
}

/// The Python value of an `enable()` keyword, reduced to what options can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum KeywordValue {
    Bool(bool),
    Int(i128),
    Float(f64),
    /// A str, with its `repr()` for error messages.
    Str {
        text: String,
        repr: String,
    },
    /// A list or tuple of str.
    StrList {
        items: Vec<String>,
        repr: String,
    },
    /// Anything else, kept as its `repr()` for the error message.
    Other(String),
}

impl fmt::Display for KeywordValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeywordValue::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            KeywordValue::Int(n) => write!(f, "{n}"),
            KeywordValue::Float(x) => write!(f, "{x}"),
            KeywordValue::Str { repr, .. } | KeywordValue::StrList { repr, .. } | KeywordValue::Other(repr) => f.write_str(repr),
        }
    }
}

/// The patterns of a comma-separated list; a bad one is the error's value.
fn parse_patterns(name: &str, value: &str) -> Result<Vec<Pattern>, OptionError> {
    deny::parse_list(value).map_err(|(pattern, expected)| OptionError { name: name.to_string(), value: pattern, expected: expected.into() })
}

/// The patterns of the deny file at `path` (none for an empty path). A file that cannot be
/// read, or a bad pattern in it (named with its line), is the error.
fn read_deny_file(name: &str, path: &str) -> Result<Vec<Pattern>, OptionError> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(path).map_err(|e| OptionError {
        name: name.to_string(),
        value: path.to_string(),
        expected: format!("a readable file of deny patterns (reading it failed: {e})").into(),
    })?;
    deny::parse_file(&text).map_err(|(line, pattern, expected)| OptionError {
        name: format!("{name} ({path}, line {line})"),
        value: pattern,
        expected: expected.into(),
    })
}

/// What an entry count must be, from either path.
const COUNT_EXPECTED: &str = "a non-negative integer";

/// The one range check of an entry count (0 to 2**64-1), for keywords and variables alike.
fn count_in_range(name: &str, n: i128) -> Result<u64, OptionError> {
    u64::try_from(n).map_err(|_| OptionError { name: name.to_string(), value: n.to_string(), expected: COUNT_EXPECTED.into() })
}

fn parse_count(name: &str, value: &str) -> Result<u64, OptionError> {
    let error = || OptionError { name: name.to_string(), value: value.to_string(), expected: COUNT_EXPECTED.into() };
    let n = value.trim().parse::<i128>().map_err(|_| error())?;
    count_in_range(name, n).map_err(|_| error())
}

/// What a code-memory budget in megabytes must be, from either path.
const MEGABYTES_EXPECTED: &str = "a number of megabytes from 0 to 65536";

/// The one range check of a budget in megabytes, for `max_code_mb=` and
/// `PYSTON_LITE_MAX_CODE_MB` alike (`value` is the text the user gave, for the message).
fn megabytes_to_bytes(name: &str, value: &str, mb: f64) -> Result<u64, OptionError> {
    if (0.0..=MAX_CODE_MB as f64).contains(&mb) {
        Ok((mb * MB as f64) as u64)
    } else {
        Err(OptionError { name: name.to_string(), value: value.to_string(), expected: MEGABYTES_EXPECTED.into() })
    }
}

fn parse_megabytes(name: &str, value: &str) -> Result<u64, OptionError> {
    // NaN fails the range check; so does anything that does not parse.
    megabytes_to_bytes(name, value, value.trim().parse::<f64>().unwrap_or(f64::NAN))
}

/// Pyston-lite's `JIT_MAX_MEM`, in bytes, with the same limit.
fn parse_code_bytes(name: &str, value: &str) -> Result<u64, OptionError> {
    match value.trim().parse::<u64>() {
        Ok(bytes) if bytes <= MAX_CODE_BYTES => Ok(bytes),
        _ => Err(OptionError {
            name: name.to_string(),
            value: value.to_string(),
            expected: "a number of bytes from 0 to 68719476736".into(),
        }),
    }
}

fn parse_flag(name: &str, value: &str) -> Result<bool, OptionError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(OptionError { name: name.to_string(), value: value.to_string(), expected: "1 or 0".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn defaults_without_environment() {
        assert_eq!(Options::from_env(env(&[])).unwrap(), Options::default());
    }

    #[test]
    fn our_names_and_aliases() {
        let o =
            Options::from_env(env(&[("PYSTON_LITE_THRESHOLD", "0"), ("PYSTON_LITE_MAX_CODE_MB", "1.5"), ("JIT_SHOW_STATS", "1")])).unwrap();
        assert_eq!(o.threshold, 0);
        assert_eq!(o.max_code_bytes, 3 * MB / 2);
        assert!(o.print_stats_at_exit);
        let o = Options::from_env(env(&[("JIT_MIN_RUNS", "7"), ("JIT_MAX_MEM", "50000")])).unwrap();
        assert_eq!((o.threshold, o.max_code_bytes), (7, 50000));
    }

    #[test]
    fn our_name_wins_over_alias() {
        let o = Options::from_env(env(&[("JIT_MIN_RUNS", "7"), ("PYSTON_LITE_THRESHOLD", "3")])).unwrap();
        assert_eq!(o.threshold, 3);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = Options::from_env(env(&[("PYSTON_LITE_THRESHOLD", "-1")])).unwrap_err();
        assert_eq!(e.to_string(), "invalid value \"-1\" for PYSTON_LITE_THRESHOLD: expected a non-negative integer");
        assert!(Options::from_env(env(&[("PYSTON_LITE_MAX_CODE_MB", "lots")])).is_err());
        assert!(Options::from_env(env(&[("JIT_SHOW_STATS", "maybe")])).is_err());
        assert!(Options::from_env(env(&[("PYSTON_LITE_PERF_MAP", "yes please")])).is_err());
        assert!(Options::from_env(env(&[("PYSTON_LITE_PERF_MAP", "1")])).unwrap().perf_map);
    }

    #[test]
    fn inline_cache_levels() {
        let level = |v: &str| Options::from_env(env(&[("PYSTON_LITE_INLINE_CACHES", v)])).map(|o| o.inline_caches);
        assert_eq!(level("1"), Ok(jit::InlineCaches::All));
        assert_eq!(level("0"), Ok(jit::InlineCaches::None));
        assert_eq!(level("Globals"), Ok(jit::InlineCaches::Globals));
        let e = level("some").unwrap_err();
        assert_eq!(e.to_string(), "invalid value \"some\" for PYSTON_LITE_INLINE_CACHES: expected 1, 0 or globals");
    }

    #[test]
    fn keywords() {
        let mut o = Options::default();
        assert_eq!(o.set_keyword("threshold", &KeywordValue::Int(5)), Ok(true));
        assert_eq!(o.threshold, 5);
        assert!(o.set_keyword("threshold", &KeywordValue::Int(-5)).is_err());
        assert!(o.set_keyword("threshold", &KeywordValue::Float(1.0)).is_err());
        assert_eq!(o.set_keyword("max_code_mb", &KeywordValue::Int(2)), Ok(true));
        assert_eq!(o.max_code_bytes, 2 * MB);
        assert!(o.set_keyword("stats", &KeywordValue::Int(1)).is_err());
        assert_eq!(o.set_keyword("perf_map", &KeywordValue::Bool(true)), Ok(true));
        assert!(o.perf_map);
        assert!(o.set_keyword("perf_map", &KeywordValue::Int(1)).is_err());
        assert_eq!(o.set_keyword("max_code_mb", &KeywordValue::Float(0.5)), Ok(true));
        assert_eq!(o.max_code_bytes, MB / 2);
        assert_eq!(o.set_keyword("nonsense", &KeywordValue::Int(1)), Ok(false));
        assert_eq!(o.set_keyword("loop_threshold", &KeywordValue::Int(3)), Ok(true));
        assert_eq!(o.loop_threshold, 3);
        // 2**64 + 5 once wrapped to 5.
        let e = o.set_keyword("threshold", &KeywordValue::Int((1 << 64) + 5)).unwrap_err();
        let env_e = Options::from_env(env(&[("PYSTON_LITE_THRESHOLD", "18446744073709551621")])).unwrap_err();
        assert_eq!((e.expected.as_ref(), env_e.expected.as_ref()), (COUNT_EXPECTED, COUNT_EXPECTED));
        assert_eq!(o.threshold, 5);
    }

    #[test]
    fn deny_patterns_from_variable_file_and_keywords() {
        let texts = |o: &Options| o.deny_patterns().iter().map(|p| p.text().to_string()).collect::<Vec<_>>();
        let dir = std::env::temp_dir().join(format!("pyston-lite-deny-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("deny.txt");
        std::fs::write(&file, "# comment\n\npkg.mod:Class\nother.*  # all of it\n").unwrap();
        let path = file.to_str().unwrap();
        let o = Options::from_env(env(&[("PYSTON_LITE_DENY", "a:f, b"), ("PYSTON_LITE_DENY_FILE", path)])).unwrap();
        assert_eq!(texts(&o), ["a:f", "b", "pkg.mod:Class", "other.*"]);

        // Each keyword replaces its own variable's patterns.
        let mut k = o.clone();
        let list = KeywordValue::StrList { items: vec!["c:g".into(), "d,e:h".into()], repr: String::new() };
        assert_eq!(k.set_keyword("deny", &list), Ok(true));
        assert_eq!(texts(&k), ["c:g", "d", "e:h", "pkg.mod:Class", "other.*"]);
        assert_eq!(k.set_keyword("deny_file", &KeywordValue::Str { text: String::new(), repr: "''".into() }), Ok(true));
        assert_eq!(k.set_keyword("deny", &KeywordValue::Str { text: "x:y".into(), repr: "'x:y'".into() }), Ok(true));
        assert_eq!(texts(&k), ["x:y"]);

        let e = Options::from_env(env(&[("PYSTON_LITE_DENY", "a:f,b:c:d")])).unwrap_err();
        assert_eq!(e.to_string(), "invalid value \"b:c:d\" for PYSTON_LITE_DENY: expected one ':' between the module and the qualname");
        std::fs::write(&file, "ok.mod\nbad.mod:C.*\n").unwrap();
        let e = Options::from_env(env(&[("PYSTON_LITE_DENY_FILE", path)])).unwrap_err();
        assert_eq!(e.name, format!("PYSTON_LITE_DENY_FILE ({path}, line 2)"));
        assert_eq!(e.value, "bad.mod:C.*");
        let missing = dir.join("missing.txt");
        let e = Options::from_env(env(&[("PYSTON_LITE_DENY_FILE", missing.to_str().unwrap())])).unwrap_err();
        assert!(e.to_string().contains("expected a readable file of deny patterns (reading it failed: No such file"), "{e}");
        let e = Options::default().set_keyword("deny", &KeywordValue::Int(1)).unwrap_err();
        assert_eq!(e.to_string(), "invalid value \"1\" for deny: expected a list of module:qualname patterns");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn code_budget_has_one_range_from_keyword_and_environment() {
        // 2**44 MB is 2**64 bytes: once wrapped to a zero budget through the keyword.
        for mb in [1u64 << 44, MAX_CODE_MB + 1] {
            let env_error = Options::from_env(env(&[("PYSTON_LITE_MAX_CODE_MB", &mb.to_string())])).unwrap_err();
            let kw_error = Options::default().set_keyword("max_code_mb", &KeywordValue::Int(mb as i128)).unwrap_err();
            assert_eq!(env_error.expected, kw_error.expected);
            assert_eq!(
                kw_error.to_string(),
                format!("invalid value \"{mb}\" for max_code_mb: expected a number of megabytes from 0 to 65536")
            );
        }
        for bad in [
            KeywordValue::Int(-1),
            KeywordValue::Float(-0.5),
            KeywordValue::Float(f64::NAN),
            KeywordValue::Float(f64::INFINITY),
            KeywordValue::Bool(true),
        ] {
            assert_eq!(Options::default().set_keyword("max_code_mb", &bad).unwrap_err().expected, MEGABYTES_EXPECTED);
        }
        for bad in ["-1", "nan", "inf", "65536.5", "lots"] {
            assert_eq!(Options::from_env(env(&[("PYSTON_LITE_MAX_CODE_MB", bad)])).unwrap_err().expected, MEGABYTES_EXPECTED);
        }
        let mut o = Options::default();
        assert_eq!(o.set_keyword("max_code_mb", &KeywordValue::Int(MAX_CODE_MB as i128)), Ok(true));
        assert_eq!(o.max_code_bytes, MAX_CODE_BYTES);
        let o = Options::from_env(env(&[("PYSTON_LITE_MAX_CODE_MB", "65536")])).unwrap();
        assert_eq!(o.max_code_bytes, MAX_CODE_BYTES);
        assert_eq!(Options::from_env(env(&[("JIT_MAX_MEM", "68719476736")])).unwrap().max_code_bytes, MAX_CODE_BYTES);
        assert!(Options::from_env(env(&[("JIT_MAX_MEM", "68719476737")])).is_err());
    }
}
