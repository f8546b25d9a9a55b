#!/usr/bin/env bash
# `make wheels`: the release wheels into dist/, checked the way a package index and a user
# would see them. For each interpreter in $VERSIONS (default 3.7 3.8 3.9 3.10):
#   1. builds the pyston_lite wheel (plus the pure-Python pyston_lite_autoload wheel, once);
#   2. runs `auditwheel show` on every wheel (scripts/wheel_policy.py) and fails when a policy is
#      not manylinux or needs a newer glibc than the wheel's tag says; prints wheel -> policy;
#   3. makes a fresh venv, installs pyston_lite_autoload from dist/ alone (pip --no-index pulls
#      pyston_lite in as its dependency) and checks, in a plain `python -c`, that the autoload
#      imported pyston_lite, that the JIT is on and that a hot function was compiled.
# Stops at the first failure. A missing interpreter is an error (find_python says how to fix it).
source "$(dirname "$0")/common.sh"

for v in $VERSIONS; do
  case "$v" in 3.7|3.8|3.9|3.10) ;; *) die "VERSIONS has $v: pyston_lite wheels exist for 3.7, 3.8, 3.9 and 3.10 only";; esac
done
declare -A PY
for v in $VERSIONS; do PY[$v]="$(find_python "$v")"; done
echo "interpreters:"; for v in $VERSIONS; do echo "  $v: ${PY[$v]}"; done

# auditwheel_python: the tools venv's python, with auditwheel (from PyPI) installed in it.
auditwheel_python() {
  local tools
  tools="$(tools_python)"
  if ! "$tools" -c "import auditwheel" 2>/dev/null; then
    "$tools" -m pip install -q --disable-pip-version-check "auditwheel>=6,<7" >&2
  fi
  echo "$tools"
}

rm -f "$DIST"/pyston_lite_autoload-*.whl
wheels=()
for v in $VERSIONS; do
  step "Python $v: wheels"
  build_wheels "$v" "${PY[$v]}"
  wheels+=("$(ls "$DIST"/pyston_lite-*-"cp${v//./}"-*.whl)")
done
wheels+=("$(ls "$DIST"/pyston_lite_autoload-*.whl)")

step "auditwheel show"
"$(auditwheel_python)" "$ROOT/scripts/wheel_policy.py" "${wheels[@]}"

# What a user's `python -c` runs in the fresh venv: no JIT variable is inherited.
check='
import sys
assert "pyston_lite" in sys.modules, "the autoload did not import pyston_lite"
import pyston_lite
assert pyston_lite.is_enabled(), "pyston_lite is imported but the JIT is off"
def hot(n):
    return sum(i * i for i in range(n))
for _ in range(1000):
    hot(10)
state = pyston_lite.info(hot)["state"]
assert state == "compiled", "a function called 1000 times is %s, not compiled" % state
print("pyston_lite %s from %s: JIT on, hot function compiled" % (
    pyston_lite.__version__, pyston_lite.__file__))
'
unset_jit=()
for name in $(compgen -e); do
  case "$name" in PYSTON_LITE_*|JIT_*|DISABLE_PYSTON) unset_jit+=(-u "$name");; esac
done
for v in $VERSIONS; do
  step "Python $v: fresh venv, pip install --no-index --find-links dist pyston_lite_autoload"
  venv="$VENVS/wheels-$v"
  rm -rf "$venv"
  "${PY[$v]}" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-index --find-links "$DIST" \
    pyston_lite_autoload
  "$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -i '^pyston' \
    || die "pip installed no pyston_lite into $venv"
  (cd "$venv" && env "${unset_jit[@]}" "$venv/bin/python" -c "$check") \
    || die "Python $v: the JIT is not on after installing the wheels (see above)"
done
step "wheels in $DIST checked on: $VERSIONS"
