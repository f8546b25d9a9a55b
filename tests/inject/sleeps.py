"""Not part of the corpus: runs far longer than the timeout test_differential.py gives it,
to check that a hanging program is reported as a timeout."""
import sys
import time

print("about to sleep", flush=True)
time.sleep(30)
sys.exit(0)
