"""Not part of the corpus: its output depends on the JIT mode on purpose, so that
test_differential.py can check that the differential runner reports differences in stdout,
stderr and exit status."""
import os
import sys

jit_loaded = "pyston_lite" in sys.modules
print("pyston_lite imported:", jit_loaded)
print("threshold variable:", os.environ.get("PYSTON_LITE_THRESHOLD"))
sys.stderr.write("stderr says %s\n" % ("jit" if jit_loaded else "stock"))
sys.exit(4 if jit_loaded else 0)
