//! Compile speed (criterion): analysis + x86-64 code generation + install into the arena,
//! over every compilable function of a few stdlib modules, on the embedded interpreter `PYO3_PYTHON` names.
//! Run, e.g. for 3.8: `PYO3_PYTHON=$(pyenv root)/versions/3.8.18/bin/python cargo bench -p pyston_lite_jit`.
//! The time per iteration divided by the instruction count printed at start gives µs per
//! bytecode instruction.

use criterion::{criterion_group, criterion_main, Criterion};

#[cfg(codegen)]
fn compile_speed(c: &mut Criterion) {
    use jit::codemem::CodeMemory;
    use jit::compiled::MachineCode;
    use pyo3::prelude::*;

    Python::attach(|py| {
        // Every function code object of a few stdlib modules that the compiler accepts.
        let globals = pyo3::types::PyDict::new(py);
        py.run(
            c"import importlib\ncodes = []\nfor name in ['json.decoder', 'argparse', 'textwrap', 'string', 'collections', 'dataclasses']:\n    for v in vars(importlib.import_module(name)).values():\n        for f in ([v] + list(vars(v).values()) if isinstance(v, type) else [v]):\n            if hasattr(f, '__code__'):\n                codes.append(f.__code__)\n",
            Some(&globals),
            None,
        )
        .unwrap();
        let codes: Vec<Py<PyAny>> = globals.get_item("codes").unwrap().unwrap().extract().unwrap();
        let mut arena = CodeMemory::new(256 << 20).unwrap();
        let compilable: Vec<&Py<PyAny>> = codes
            .iter()
            // SAFETY: live code objects, GIL held.
            .filter(|code| match unsafe { MachineCode::compile(code.as_ptr().cast(), &mut arena) } {
                Ok(machine) => {
                    machine.free(&mut arena);
                    true
                }
                Err(_) => false,
            })
            .collect();
        let instructions: usize = compilable.iter().map(|code| code.bind(py).getattr("co_code").unwrap().len().unwrap() / 2).sum();
        eprintln!("compile_speed: {} functions, {} bytecode instructions per iteration", compilable.len(), instructions);
        c.bench_function("compile stdlib functions", |b| {
            b.iter(|| {
                for code in &compilable {
                    // SAFETY: live code objects, GIL held; the code is freed right away.
                    let machine = unsafe { MachineCode::compile(code.as_ptr().cast(), &mut arena) }.unwrap();
                    machine.free(&mut arena);
                }
            })
        });
    });
}

#[cfg(not(codegen))]
fn compile_speed(_: &mut Criterion) {
    eprintln!("compile_speed: no code generator for this interpreter version yet");
}

criterion_group!(benches, compile_speed);
criterion_main!(benches);
