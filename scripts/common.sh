# Shared by the scripts in this folder (sourced, not run).
# Finds interpreters as docs/architecture.md §2 says, builds wheels, makes venvs.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$ROOT/.venvs"
DIST="$ROOT/dist"
# The versions to work on: VERSIONS="3.8 3.10" narrows it.
VERSIONS="${VERSIONS:-3.7 3.8 3.9 3.10}"

die() { echo "error: $*" >&2; exit 1; }
step() { echo; echo "=== $* ($(date +%H:%M:%S))"; }

# find_python 3.X: prints the path of a CPython 3.X, from (in order) $PYTHON3_X (e.g.
# PYTHON3_8), $PYTHON when it is that version, python3.X on PATH that actually runs, and
# pyenv's versions folder. Fails loudly when there is none.
find_python() {
  local want="$1" var="PYTHON${1//./_}" candidate
  local -a candidates=()
  [ -n "${!var:-}" ] && candidates+=("${!var}")
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  command -v "python$want" >/dev/null 2>&1 && candidates+=("$(command -v "python$want")")
  local pyenv_root
  pyenv_root="$( (command -v pyenv >/dev/null && pyenv root) 2>/dev/null || echo "$HOME/.pyenv")"
  for candidate in $(ls -d "$pyenv_root/versions/$want".*/bin/python 2>/dev/null | sort -V -r); do
    candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
      echo "$candidate"
      return 0
    fi
  done
  die "no CPython $want found (tried \$$var, \$PYTHON, python$want on PATH, $pyenv_root/versions/$want.*). Install it (e.g. pyenv install $want) or set $var=/path/to/python$want"
}

# tools_python: a venv with the build tools (maturin, build), made with the newest python3.
tools_python() {
  local venv="$VENVS/tools"
  if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/pyproject-build" ]; then
    local host
    host="$(command -v python3 || true)"
    [ -n "$host" ] || die "python3 is needed on PATH to run maturin"
    "$host" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q "maturin>=1.9.4,<2" build
  fi
  echo "$venv/bin/python"
}

# build_wheels 3.X PYTHON: the pyston_lite wheel for that interpreter and the (pure)
# autoload wheel, both into $DIST. Each version builds in target/py3X.
build_wheels() {
  local version="$1" python="$2" tools tag
  tools="$(tools_python)"
  tag="cp${version//./}"
  rm -f "$DIST"/pyston_lite-*-"$tag"-*.whl
  CARGO_TARGET_DIR="$ROOT/target/py${version//./}" \
    "$(dirname "$tools")/maturin" build --release --quiet -i "$python" --out "$DIST" \
    --manifest-path "$ROOT/Cargo.toml"
  ls "$DIST"/pyston_lite-*-"$tag"-*.whl >/dev/null || die "maturin built no $tag wheel"
  if ! ls "$DIST"/pyston_lite_autoload-*.whl >/dev/null 2>&1; then
    "$tools" -m build --wheel --outdir "$DIST" "$ROOT/autoload" >/dev/null
    rm -rf "$ROOT/autoload/build"
  fi
}

# make_venv NAME PYTHON PACKAGES...: a fresh venv under $VENVS with our wheels (from $DIST,
# no index) and the given PyPI packages; prints its python.
make_venv() {
  local name="$1" python="$2"; shift 2
  local venv="$VENVS/$name"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-index \
    --find-links "$DIST" --force-reinstall --no-deps pyston_lite pyston_lite_autoload
  echo "$venv/bin/python"
}
