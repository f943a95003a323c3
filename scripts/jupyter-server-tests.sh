#!/usr/bin/env bash
# Fetches jupyter_server's own contents-manager tests for the jupyter_server
# installed in a virtualenv: the sdist of that exact version (pip download),
# of which tests/services/contents/ is extracted, with what it needs of the
# folders above it (tests/utils.py, the packages' __init__.py, and
# tests/conftest.py, whose list of test folders is read, not run), into
#   $CS3W_CACHE/jupyter_server-tests/<version>/tests/...
# tests/test_jupyter_server_*.py run them against CS3ContentsManager.
# Idempotent and cached, safe to run from several processes at once; nothing
# is copied into the repository.
# Usage: jupyter-server-tests.sh VENV   (prints the folder of the tests)
set -euo pipefail
venv=$1
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
log() { printf '[setup] %s\n' "$*" >&2; }

version=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("jupyter_server"))')
dest="$cache/jupyter_server-tests/$version"
# Several setups may run at once (test.sh sets lines up together): one fetches.
mkdir -p "$cache/jupyter_server-tests"
exec 9>"$dest.lock"
flock 9
if [ ! -f "$dest/.complete" ]; then
  log "fetching jupyter_server $version's contents tests (its sdist)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$venv/bin/pip" download -q --no-binary :all: --no-deps -d "$work" "jupyter_server==$version" >&2
  sdist=$(ls "$work"/jupyter_server-*.tar.gz)
  top="jupyter_server-$version"
  tar -xzf "$sdist" -C "$work" "$top/tests/__init__.py" "$top/tests/utils.py" \
    "$top/tests/conftest.py" "$top/tests/services/__init__.py" "$top/tests/services/contents"
  rm -rf "$dest"
  mkdir -p "$dest"
  mv "$work/$top/tests" "$dest/tests"
  touch "$dest/.complete"
fi
echo "$dest/tests/services/contents"
