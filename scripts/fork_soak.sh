#!/usr/bin/env bash
# The fork and process scenarios (tests/test_fork.py) run ROUNDS times (default 100) on
# each interpreter in $VERSIONS, in the venvs `make test` made: races that a single run
# may miss. Stops at the first failing round and says which.
source "$(dirname "$0")/common.sh"
ROUNDS="${ROUNDS:-100}"
for v in $VERSIONS; do
  python="$VENVS/test-$v/bin/python"
  [ -x "$python" ] || die "no test venv for $v at $python: run 'make test VERSIONS=$v' first"
  step "Python $v: tests/test_fork.py x $ROUNDS"
  for round in $(seq "$ROUNDS"); do
    (cd "$ROOT" && PYSTON_LITE_WHEELHOUSE="$DIST" "$python" -m pytest tests/test_fork.py -q -p no:cacheprovider >"$VENVS/fork-soak-$v.log" 2>&1) \
      || { cat "$VENVS/fork-soak-$v.log"; die "Python $v: round $round of $ROUNDS failed"; }
  done
  echo "Python $v: $ROUNDS rounds passed"
done
