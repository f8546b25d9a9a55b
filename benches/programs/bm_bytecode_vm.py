"""A toy stack-based bytecode VM written in Python: an assembler with labels and an if/elif dispatch loop running prime and Fibonacci programs."""

import pyperf

PRIME_LIMIT = 750
FIB_ROUNDS = 1600
EXPECTED = ((44683, 132, 61431), (107434, 24280))

(PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JMP, JZ, JNZ, DUP, POP, EMIT, HALT) = range(15)

OPCODES = {
    "push": PUSH, "load": LOAD, "store": STORE, "add": ADD, "sub": SUB, "mul": MUL,
    "mod": MOD, "lt": LT, "jmp": JMP, "jz": JZ, "jnz": JNZ, "dup": DUP, "pop": POP,
    "emit": EMIT, "halt": HALT,
}

# Sums and counts the primes in [lo, hi); lo and hi are set by the caller.
PRIMES_SOURCE = """
        load lo
        store n
        push 0
        store total
        push 0
        store count
loop_n: load n
        load hi
        lt
        jz done
        push 2
        store d
loop_d: load n
        load d
        dup
        mul
        lt
        jnz is_prime
        load n
        load d
        mod
        jz next_n
        load d
        push 1
        add
        store d
        jmp loop_d
is_prime:
        load total
        load n
        add
        store total
        load count
        push 1
        add
        store count
next_n: load n
        push 1
        add
        store n
        jmp loop_n
done:   load total
        emit
        load count
        emit
        halt
"""

# Advances the Fibonacci pair (a, b) modulo 1000003 by k steps; a, b, k set by the caller.
FIB_SOURCE = """
again:  load k
        jz finish
        load a
        load b
        dup
        store a
        add
        push 1000003
        mod
        store b
        load k
        push 1
        sub
        store k
        jmp again
finish: load a
        emit
        load b
        emit
        halt
"""


def assemble(source):
    """Two passes: collect label addresses, then encode (opcode, argument) pairs."""
    lines = []
    labels = {}
    for raw in source.strip().splitlines():
        line = raw.strip()
        if ":" in line:
            label, line = line.split(":", 1)
            labels[label.strip()] = len(lines)
            line = line.strip()
        if line:
            lines.append(line.split())
    slots = {}
    code = []
    for parts in lines:
        op = OPCODES[parts[0]]
        arg = 0
        if len(parts) > 1:
            text = parts[1]
            if op in (JMP, JZ, JNZ):
                arg = labels[text]
            elif op in (LOAD, STORE):
                arg = slots.setdefault(text, len(slots))
            else:
                arg = int(text)
        code.append((op, arg))
    return code, slots


def run(program, inputs):
    code, names = program
    stack = []
    push = stack.append
    pop = stack.pop
    slots = [0] * len(names)
    for name, value in inputs.items():
        slots[names[name]] = value
    out = []
    pc = 0
    steps = 0
    while True:
        op, arg = code[pc]
        pc += 1
        steps += 1
        if op == LOAD:
            push(slots[arg])
        elif op == PUSH:
            push(arg)
        elif op == STORE:
            slots[arg] = pop()
        elif op == ADD:
            b = pop()
            push(pop() + b)
        elif op == JZ:
            if not pop():
                pc = arg
        elif op == JMP:
            pc = arg
        elif op == LT:
            b = pop()
            push(1 if pop() < b else 0)
        elif op == MUL:
            b = pop()
            push(pop() * b)
        elif op == MOD:
            b = pop()
            push(pop() % b)
        elif op == JNZ:
            if pop():
                pc = arg
        elif op == SUB:
            b = pop()
            push(pop() - b)
        elif op == DUP:
            push(stack[-1])
        elif op == POP:
            pop()
        elif op == EMIT:
            out.append(pop())
        elif op == HALT:
            return out, steps
        else:
            raise RuntimeError("bad opcode %r" % op)


def workload():
    primes = assemble(PRIMES_SOURCE)
    fib = assemble(FIB_SOURCE)
    # Many short runs rather than one long one: the VM loop is entered often.
    total = count = steps = 0
    for lo in range(2, PRIME_LIMIT, 25):
        (seg_total, seg_count), seg_steps = run(primes, {"lo": lo, "hi": min(lo + 25, PRIME_LIMIT)})
        total += seg_total
        count += seg_count
        steps += seg_steps
    a, b = 0, 1
    fib_steps = 0
    for _ in range(FIB_ROUNDS // 40):
        (a, b), seg_steps = run(fib, {"a": a, "b": b, "k": 40})
        fib_steps += seg_steps
    return (total, count, steps), (a, fib_steps)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("bytecode_vm", bench)
