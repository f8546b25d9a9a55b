"""Not part of any normal run: test_cpython_regr.py puts this directory on PYTHONPATH of the
JIT-mode run only, to inject a difference and check that cpython_regr.py reports it.

It breaks string.capwords, so test.test_string.ModuleTest.test_capwords fails in that run
(and only that test: nothing else in test_string uses capwords)."""
import string

string.capwords = lambda s, sep=None: s
