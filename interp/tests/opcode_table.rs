//! Runs on an embedded interpreter of the build's version and checks `interp::opcode` and
//! `interp::bytecode` against it: `opcode.opmap`, `hasjrel`/`hasjabs`, `dis.stack_effect` for
//! every opcode over a spread of arguments, and `dis.get_instructions` over real code.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CString;
use std::sync::OnceLock;

use interp::bytecode::{self, Instruction};
use interp::opcode::{self, JumpKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

/// Runs `code` in a fresh namespace and returns that namespace.
fn run<'py>(py: Python<'py>, code: &str) -> Bound<'py, PyDict> {
    let globals = PyDict::new(py);
    let code = CString::new(code).unwrap();
    py.run(&code, Some(&globals), None).unwrap();
    globals
}

#[test]
fn running_interpreter_is_the_build_version() {
    Python::attach(|py| {
        let info = py.import("sys").unwrap().getattr("version_info").unwrap();
        let running: (u8, u8) = (info.get_item(0).unwrap().extract().unwrap(), info.get_item(1).unwrap().extract().unwrap());
        assert_eq!(running, interp::BUILD_VERSION);
    });
}

#[test]
fn opmap_matches_both_ways() {
    Python::attach(|py| {
        let module = py.import("opcode").unwrap();
        let opmap: BTreeMap<String, u8> = module.getattr("opmap").unwrap().extract().unwrap();
        for (name, &number) in &opmap {
            let info = opcode::info(number).unwrap_or_else(|| panic!("{name} = {number} is missing from our table"));
            assert_eq!(info.name, name, "opcode {number}");
            assert_eq!(opcode::by_name(name).map(|i| i.opcode), Some(number), "{name}");
        }
        for info in opcode::all() {
            assert_eq!(opmap.get(info.name), Some(&info.opcode), "{} is not in opcode.opmap", info.name);
        }
        assert_eq!(opmap.len(), opcode::all().len());
        // opname fills the unused numbers with "<n>"; we return None for exactly those.
        let opname: Vec<String> = module.getattr("opname").unwrap().extract().unwrap();
        assert_eq!(opname.len(), 256);
        for (number, name) in opname.iter().enumerate() {
            match opcode::info(number as u8) {
                Some(info) => assert_eq!(info.name, name),
                None => assert_eq!(*name, format!("<{number}>")),
            }
        }
    });
}

#[test]
fn constants_and_jump_kinds_match() {
    Python::attach(|py| {
        let module = py.import("opcode").unwrap();
        let get_u8 = |name: &str| module.getattr(name).unwrap().extract::<u8>().unwrap();
        assert_eq!(get_u8("HAVE_ARGUMENT"), opcode::HAVE_ARGUMENT);
        assert_eq!(get_u8("EXTENDED_ARG"), opcode::EXTENDED_ARG);
        let set = |name: &str| -> BTreeSet<u8> { module.getattr(name).unwrap().extract::<Vec<u8>>().unwrap().into_iter().collect() };
        let ours = |kind: JumpKind| -> BTreeSet<u8> { opcode::all().iter().filter(|i| i.jump == kind).map(|i| i.opcode).collect() };
        assert_eq!(set("hasjrel"), ours(JumpKind::Relative), "hasjrel");
        assert_eq!(set("hasjabs"), ours(JumpKind::Absolute), "hasjabs");
        // Only opcodes with an argument can jump.
        for info in opcode::all() {
            assert!(!info.is_jump() || info.has_arg(), "{}", info.name);
        }
    });
}

/// Arguments to try for opcodes that take one: everything up to 300 plus values around the
/// byte boundaries and the top of C's `int`.
fn sample_args() -> Vec<u32> {
    let mut args: Vec<u32> = (0..=300).collect();
    args.extend([511, 512, 513, 767, 1000, 0xffff, 0x1_0000, 0x1_0001, 0xff_ffff, 0x100_0000, 0x7fff_fffe, i32::MAX as u32]);
    args
}

#[test]
fn stack_effects_match_dis() {
    Python::attach(|py| {
        let dis = py.import("dis").unwrap();
        let stack_effect = dis.getattr("stack_effect").unwrap();
        // `dis.stack_effect(*args, **kwargs)`, with ValueError as None.
        let call = |args: Bound<'_, PyTuple>, jump: Option<bool>| -> Option<i32> {
            let kwargs = PyDict::new(py);
            if let Some(jump) = jump {
                kwargs.set_item("jump", jump).unwrap();
            }
            match stack_effect.call(args, Some(&kwargs)) {
                Ok(value) => Some(value.extract().unwrap()),
                Err(err) if err.is_instance_of::<PyValueError>(py) => None,
                Err(err) => panic!("dis.stack_effect raised {err}"),
            }
        };
        // 3.7's dis.stack_effect has no `jump` parameter.
        let has_jump_param = !cfg!(py37);
        let args = sample_args();
        let mut compared = 0usize;
        for number in 0..=255u8 {
            let opargs: &[u32] = if opcode::has_arg(number) { &args } else { &[0] };
            for &oparg in opargs {
                let py_args =
                    if opcode::has_arg(number) { (number, oparg).into_pyobject(py).unwrap() } else { (number,).into_pyobject(py).unwrap() };
                let what = format!("opcode {number} ({:?}) oparg {oparg}", opcode::info(number).map(|i| i.name));
                let max = opcode::stack_effect_max(number, oparg);
                assert_eq!(max, call(py_args.clone(), None), "{what}, no jump argument");
                let taken = opcode::stack_effect(number, oparg, true);
                let not_taken = opcode::stack_effect(number, oparg, false);
                if has_jump_param {
                    assert_eq!(taken, call(py_args.clone(), Some(true)), "{what}, jump=True");
                    assert_eq!(not_taken, call(py_args.clone(), Some(false)), "{what}, jump=False");
                }
                // Without `jump`, dis reports the larger of the two edges.
                assert_eq!(max, taken.max(not_taken), "{what}");
                assert_eq!(max.is_none(), taken.is_none(), "{what}");
                compared += 1;
            }
            if !opcode::has_arg(number) {
                // dis refuses an argument for these; ours ignores it.
                let with_arg = (number, 0u32).into_pyobject(py).unwrap();
                assert_eq!(call(with_arg, None), None, "opcode {number} with an argument");
            }
        }
        assert!(compared > 30_000);
    });
}

/// Python that compiles the sources of some stdlib modules plus a few generated ones and returns
/// `cases`: for every code object in them (nested ones included), `(name, co_code,
/// co_stacksize, [(offset, opcode, arg, jump target or None)])`, the last from
/// `dis.get_instructions`.
const COLLECT: &str = r#"
import dis, importlib, opcode, sys

MODULES = ["dis", "inspect", "argparse", "json.decoder", "json.encoder", "collections",
           "typing", "contextlib", "enum", "asyncio.tasks", "asyncio.base_events", "tarfile"]

FEATURES = '''
import contextlib
def loops(xs, ys):
    total = 0
    for x in xs:
        try:
            if x is None:
                continue
            if x in ys:
                break
            total += x
        except (TypeError, ValueError) as e:
            total -= 1
            continue
        finally:
            total *= 2
    else:
        total = -total
    while total > 100:
        total //= 3
        if total == 7:
            return total
    return total

def withs(path, *args, **kwargs):
    with open(path) as f, contextlib.suppress(OSError):
        data = f.read()
    return [*args, *data], {**kwargs, "a": 1}, f"{data!r:>{len(args)}} {path}"

async def asyncs(session, items):
    async with session as s:
        async for item in s.iter(items):
            await item
    return [x async for x in s if x]

def gen(n):
    yield from range(n)
    x = yield n
    return (lambda y, *, z=3: y + z)(x)

class C:
    a: int = 1
    def m(self, *args, k=2, **kw):
        nonlocal_value = 1
        def inner():
            nonlocal nonlocal_value
            nonlocal_value += 1
            return nonlocal_value
        return super().m(*args, **kw) if args else inner()

def conditions(a, b):
    assert a, "message"
    return (a and b) or (not a and b), a if b else -a, a < b < 3, a[1:2:3], a[::]
'''

MATCH = '''
def matching(command):
    match command:
        case [x, y, *rest] if x > y:
            return rest
        case {"k": v, **others}:
            return v, others
        case Point(x=0, y=yy) | Point(x=yy, y=0):
            return yy
        case str() as s:
            return s
        case _:
            return None
'''

def big_source():
    # Enough constants for one and two EXTENDED_ARG prefixes, and jumps whose targets need
    # three argument bytes.
    lines = ["def big(x):", "    if x:"]
    lines += ["        y = %d" % i for i in range(70000)]
    lines += ["    while x:", "        x -= 1", "        if x == 5:", "            break",
              "    return x"]
    return "\n".join(lines) + "\n"

def walk(co):
    yield co
    for const in co.co_consts:
        if hasattr(const, "co_code"):
            yield from walk(const)

def module_code(name):
    module = importlib.import_module(name)
    with open(module.__file__, encoding="utf-8") as f:
        return compile(f.read(), module.__file__, "exec")

jumps = set(opcode.hasjrel) | set(opcode.hasjabs)

def expected(co):
    return [(i.offset, i.opcode, i.arg, i.argval if i.opcode in jumps else None)
            for i in dis.get_instructions(co)]

codes = []
for name in MODULES:
    codes.extend(walk(module_code(name)))
codes.extend(walk(compile(FEATURES, "<features>", "exec")))
if sys.version_info >= (3, 10):
    codes.extend(walk(compile(MATCH, "<match>", "exec")))
codes.extend(walk(compile(big_source(), "<big>", "exec")))
cases = [(co.co_name, co.co_code, co.co_stacksize, expected(co)) for co in codes]
"#;

/// What `dis` reports for one instruction: offset, opcode, arg, jump target.
type DisRow = (usize, u8, Option<u32>, Option<usize>);

/// One code object of `COLLECT`.
struct Case {
    name: String,
    co_code: Vec<u8>,
    stacksize: i32,
    dis: Vec<DisRow>,
}

/// The code objects of `COLLECT`, collected once for all tests.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        Python::attach(|py| {
            let namespace = run(py, COLLECT);
            let cases = namespace.get_item("cases").unwrap().unwrap();
            let cases: Vec<(String, Bound<'_, PyBytes>, i32, Vec<DisRow>)> = cases.extract().unwrap();
            cases
                .into_iter()
                .map(|(name, co_code, stacksize, dis)| Case { name, co_code: co_code.as_bytes().to_vec(), stacksize, dis })
                .collect()
        })
    })
}

#[test]
fn decoding_matches_dis_get_instructions() {
    let cases = cases();
    assert!(cases.len() > 1000, "only {} code objects", cases.len());
    let (mut instructions, mut prefixed, mut max_prefixes, mut jumps) = (0, 0, 0, 0);
    for Case { name, co_code, dis: expected, .. } in cases {
        let ours = bytecode::decode(co_code);
        assert_eq!(ours.len(), expected.len(), "{name}: instruction count");
        let starts: BTreeSet<usize> = ours.iter().map(|i| i.start).collect();
        for (index, (instr, &(offset, number, arg, target))) in ours.iter().zip(expected).enumerate() {
            let row = (instr.offset, instr.opcode, instr.arg(), instr.jump_target());
            assert_eq!(row, (offset, number, arg, target), "{name} at offset {offset}");
            assert_eq!(instr.index(), index, "{name} at offset {offset}");
            let info = instr.info().unwrap_or_else(|| panic!("{name}: unknown opcode {number}"));
            assert_eq!(info.is_jump(), target.is_some(), "{name} at offset {offset}");
            // `start` is the first of the EXTENDED_ARGs directly before the instruction.
            let mut start = index;
            while start > 0 && ours[start - 1].opcode == opcode::EXTENDED_ARG {
                start -= 1;
            }
            assert_eq!(instr.start, ours[start].offset, "{name} at offset {offset}");
            if let Some(target) = target {
                // Jumps land on whole instructions: never inside a run of prefixes.
                assert!(starts.contains(&target), "{name}: jump at {offset} into a prefix run");
                assert_eq!(target % 2, 0);
                jumps += 1;
            }
            if instr.has_prefix() && instr.opcode != opcode::EXTENDED_ARG {
                prefixed += 1;
                max_prefixes = max_prefixes.max((instr.offset - instr.start) / 2);
            }
            instructions += 1;
        }
    }
    // The generated function exercised one and two prefixes, and jumps over them.
    assert!(prefixed > 60_000, "{prefixed} instructions with EXTENDED_ARG");
    assert_eq!(max_prefixes, 2);
    assert!(instructions > 200_000 && jumps > 3_000, "{instructions} instructions, {jumps} jumps");
}

/// The deepest value stack `code` can reach, by propagating depths along the control flow our
/// table describes (jump edges with `stack_effect(.., true)`, fall-through edges with `false`)
/// and keeping the larger depth where paths meet, to a fixed point — the shape of the
/// compiler's own `stackdepth()`. Panics past `limit` (which also ends any runaway loop) and if
/// an instruction's final depth is negative. Shallower paths may go negative on the way: the
/// compiler's model of 3.7/3.8 `finally` blocks charges the handler edge with 6 values that the
/// normal path into the same code does not push.
fn max_stack_depth(name: &str, code: &[Instruction], limit: i32) -> i32 {
    let index_of: BTreeMap<usize, usize> = code.iter().enumerate().map(|(i, instr)| (instr.offset, i)).collect();
    let mut depth_at: Vec<Option<i32>> = vec![None; code.len()];
    // 3.10's generators and coroutines start with the first sent value (None) on the stack,
    // which GEN_START pops.
    let entry_depth = match code.first() {
        Some(first) if opcode::info(first.opcode).map(|i| i.name) == Some("GEN_START") => 1,
        _ => 0,
    };
    let mut work = vec![(0usize, entry_depth)];
    let mut max = 0;
    while let Some((index, depth)) = work.pop() {
        if index >= code.len() || depth_at[index].is_some_and(|seen| seen >= depth) {
            continue;
        }
        assert!(depth <= limit, "{name}: depth {depth} at {:?}", code[index]);
        depth_at[index] = Some(depth);
        max = max.max(depth);
        let instr = &code[index];
        let info = instr.info().unwrap();
        // 3.7's stack_effect has no value for EXTENDED_ARG and NOP, which move nothing.
        let effect = |jump| opcode::stack_effect(instr.opcode, instr.oparg, jump).unwrap_or(0);
        // 3.7's CONTINUE_LOOP unwinds to its loop's depth, which the loop's own entry set.
        if let Some(target) = instr.jump_target().filter(|_| info.flow != opcode::Flow::Unwind) {
            let target_depth = depth + effect(true);
            max = max.max(target_depth);
            work.push((index_of[&target], target_depth));
        }
        // CALL_FINALLY's finally body comes back to the next instruction.
        if !info.is_terminator() || info.flow == opcode::Flow::CallFinally {
            let next_depth = depth + effect(false);
            max = max.max(next_depth);
            work.push((index + 1, next_depth));
        }
    }
    for (instr, depth) in code.iter().zip(&depth_at) {
        assert!(depth.unwrap_or(0) >= 0, "{name}: depth {depth:?} at {instr:?}");
    }
    max
}

#[test]
fn control_flow_and_stack_effects_reproduce_co_stacksize() {
    let cases = cases();
    let mut equal = 0;
    for Case { name, co_code, stacksize, .. } in cases {
        let max = max_stack_depth(name, &bytecode::decode(co_code), *stacksize);
        assert!(max <= *stacksize, "{name}: {max} > co_stacksize {stacksize}");
        if max == *stacksize {
            equal += 1;
        } else {
            println!("{name}: {max} < co_stacksize {stacksize}");
        }
    }
    println!("{equal} of {} code objects reproduce co_stacksize exactly", cases.len());
    // Up to 3.9 the peephole optimizer runs after the compiler sized the stack and can fold
    // constant tuples away, leaving co_stacksize larger than the bytecode needs; 3.10 optimizes
    // first.
    if cfg!(py310) {
        assert_eq!(equal, cases.len());
    } else {
        assert!(equal * 100 >= cases.len() * 99, "only {equal} of {}", cases.len());
    }
}

#[test]
fn decoding_a_live_function_matches_its_attributes() {
    Python::attach(|py| {
        let namespace = run(py, "def f(xs):\n    for x in xs:\n        if x:\n            return x\n");
        let code = namespace.get_item("f").unwrap().unwrap().getattr("__code__").unwrap();
        let co_code = code.getattr("co_code").unwrap();
        let co_code = co_code.cast::<PyBytes>().unwrap().as_bytes().to_vec();
        let instrs: Vec<Instruction> = bytecode::decode(&co_code);
        // Every FOR_ITER exit and the branch land inside the function.
        for instr in &instrs {
            if let Some(target) = instr.jump_target() {
                assert!(target < co_code.len(), "{instr:?}");
            }
        }
        let names: Vec<&str> = instrs.iter().map(|i| i.info().unwrap().name).collect();
        assert!(names.contains(&"FOR_ITER") && names.contains(&"RETURN_VALUE"), "{names:?}");
    });
}
