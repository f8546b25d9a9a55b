#!/usr/bin/env bash
# Builds the wheels for each interpreter in $VERSIONS and runs the benchmark suite
# (stock vs pyston_lite-in-Rust vs the real pyston_lite 2.3.5), printing the tables.
# Extra arguments go to benches/run.py (e.g. --fast, --rigorous, --only bm_nbody), or to
# benches/count.py when BENCH_SCRIPT=count.py (`make count`).
source "$(dirname "$0")/common.sh"

args=()
for v in $VERSIONS; do
  python="$(find_python "$v")"
  step "Python $v: wheels"
  build_wheels "$v" "$python"
  args+=(--python "$python")
done
step "benchmarks"
exec "$(command -v python3)" "$ROOT/benches/${BENCH_SCRIPT:-run.py}" "${args[@]}" --wheels "$DIST" "$@"
