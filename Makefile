# The two commands of the README. VERSIONS="3.8" narrows either to some interpreters.
.PHONY: test bench count wheels fork-soak

test:  ## everything CI runs: cargo test, wheels, pytest per interpreter
	scripts/test.sh

bench:  ## build, install into venvs and run the benchmark suite on every interpreter
	scripts/bench.sh $(BENCH_ARGS)

count:  ## the same venvs, counted under callgrind instead of timed (needs valgrind)
	BENCH_SCRIPT=count.py scripts/bench.sh $(COUNT_ARGS)

wheels:  ## manylinux wheels into dist/, checked with auditwheel and installed offline into fresh venvs
	scripts/wheels.sh

fork-soak:  ## tests/test_fork.py ROUNDS times (default 100) per interpreter, after make test
	scripts/fork_soak.sh
