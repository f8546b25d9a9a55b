"""The differential corpus only shows that output matches stock; these tests show that the
code was compiled, not left to the interpreter: on versions with a code generator, every
code object of the block-stack programs compiles at threshold 0 (no compile failure of any
reason), and the functions that use each block opcode of the version are in machine code."""

import os
import re
import sys

import pytest

from conftest import COMPILES, TESTS_DIR, check_python, clean_env
PROGRAMS = ["unwind_control_flow.py", "generators_unwind.py", "with_statements.py", "finally_control.py"]


@pytest.mark.skipif(not COMPILES, reason="no code generator for this version yet")
@pytest.mark.parametrize("program", PROGRAMS)
def test_block_stack_programs_compile_without_failures(program, tmp_path):
    stats = tmp_path / "stats.txt"
    path = os.path.join(TESTS_DIR, "programs", program)
    check_python(
        """
        import runpy, sys
        sys.argv = [sys.argv[1]]
        runpy.run_path(sys.argv[0], run_name="__main__")
        """,
        args=[path],
        cwd=os.path.dirname(path),
        env=clean_env(PYSTON_LITE_THRESHOLD="0", PYSTON_LITE_STATS_FILE=str(stats)),
    )
    line = stats.read_text()
    compiled = int(re.search(r"compiled=(\d+)", line).group(1))
    failed = re.search(r"failed=(\{[^}]*\})", line).group(1)
    assert compiled > 10 and failed == "{}", line


@pytest.mark.skipif(not COMPILES, reason="no code generator for this version yet")
def test_functions_using_each_block_opcode_are_compiled():
    out = check_python(
        """
        import dis, pyston_lite
        class CM:
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return True
        def loops(n):
            out = []
            for i in range(n):
                try:
                    if i == 1:
                        continue
                    if i == 3:
                        break
                    out.append(i)
                except KeyError:
                    pass
                finally:
                    out.append(-i)
            return out
        def returns(n):
            for i in range(n):
                with CM():
                    try:
                        return i
                    finally:
                        pass
        def swallowed():
            with CM():
                raise KeyError
            return "after"
        fns = [loops, returns, swallowed]
        results = [loops(5), returns(3), swallowed()]
        ops = sorted({i.opname for f in fns for i in dis.get_instructions(f)})
        print(results)
        print(" ".join(ops))
        print(" ".join(pyston_lite.info(f)["state"] for f in fns))
        print(pyston_lite.stats()["failed"])
        """,
        env=clean_env(PYSTON_LITE_THRESHOLD="0"),
    )
    results, ops, states, failed = out.splitlines()
    assert results == "[[0, 0, -1, 2, -2, -3], 0, 'after']"
    assert states == "compiled compiled compiled"
    assert failed == "{}"
    wanted = {"SETUP_FINALLY", "SETUP_WITH", "POP_EXCEPT"}
    if sys.version_info[:2] <= (3, 8):
        wanted |= {"END_FINALLY", "WITH_CLEANUP_START", "WITH_CLEANUP_FINISH"}
    if sys.version_info[:2] == (3, 7):
        wanted |= {"SETUP_LOOP", "SETUP_EXCEPT", "BREAK_LOOP", "CONTINUE_LOOP"}
    elif sys.version_info[:2] == (3, 8):
        wanted |= {"BEGIN_FINALLY", "CALL_FINALLY", "POP_FINALLY"}
    else:
        wanted |= {"RERAISE", "WITH_EXCEPT_START", "JUMP_IF_NOT_EXC_MATCH"}
    assert wanted <= set(ops.split()), ops
