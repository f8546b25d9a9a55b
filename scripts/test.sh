#!/usr/bin/env bash
# Everything CI runs, for each interpreter in $VERSIONS (default 3.7 3.8 3.9 3.10):
# rustfmt (once), cargo test, cargo clippy (the workspace lints in Cargo.toml), the wheels, and
# pytest (API, autoload, differential corpus, CPython regression list, auditwheel policy of the
# wheel) in a venv with both wheels installed. Stops at the first failure.
source "$(dirname "$0")/common.sh"

declare -A PY
for v in $VERSIONS; do PY[$v]="$(find_python "$v")"; done
echo "interpreters:"; for v in $VERSIONS; do echo "  $v: ${PY[$v]}"; done

step "cargo fmt --check"
cargo fmt --all --check --manifest-path "$ROOT/Cargo.toml"

rm -f "$DIST"/pyston_lite_autoload-*.whl
for v in $VERSIONS; do
  python="${PY[$v]}"
  step "Python $v: cargo test"
  PYO3_PYTHON="$python" CARGO_TARGET_DIR="$ROOT/target/py${v//./}" \
    cargo test --workspace --quiet --manifest-path "$ROOT/Cargo.toml"
  step "Python $v: cargo clippy"
  PYO3_PYTHON="$python" CARGO_TARGET_DIR="$ROOT/target/py${v//./}" \
    cargo clippy --workspace --all-targets --release --quiet --manifest-path "$ROOT/Cargo.toml" -- -D warnings
  step "Python $v: wheels"
  build_wheels "$v" "$python"
  step "Python $v: test venv"
  venv_python="$(make_venv "test-$v" "$python" pytest "coverage>=6,<8" auditwheel)"
  step "Python $v: pytest"
  (cd "$ROOT" && PYSTON_LITE_WHEELHOUSE="$DIST" "$venv_python" -m pytest tests ${PYTEST_ARGS:-})
done
step "all tests passed on: $VERSIONS"
