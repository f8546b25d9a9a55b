# The two commands of the README. VERSIONS="3.8" narrows either to some interpreters.
.PHONY: test bench wheels

test:  ## everything CI runs: cargo test, wheels, pytest per interpreter
	scripts/test.sh

bench:  ## build, install into venvs and run the benchmark suite on every interpreter
	scripts/bench.sh $(BENCH_ARGS)
