#!/usr/bin/env bash
# Sets up CERN's cs3client (PyPI) in a virtualenv of its own, as a user would
# install it: `pip install cs3client==VERSION`, nothing of this project in it.
# It pins a newer cs3apis than the test server's, so it never shares the
# project's virtualenv. Used by tests/test_cs3client_interop.py and by
# benchmarks/cs3client_runner.py.
# Usage: setup-cs3client.sh [VERSION]   (default 1.7.1, the version whose
# behaviour the interop test pins).
# Idempotent: the virtualenv is cached under
# ${CS3W_CACHE:-~/.cache/cs3widgets}/cs3client-VERSION and marked complete
# only once pip finished, so a half-built one is built again. Safe to run
# from several processes at once (test.sh runs two Reva lines together):
# one builds, the others wait for it (flock).
# Prints the virtualenv's python as its last line.
set -euo pipefail

version=${1:-1.7.1}
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
venv="$cache/cs3client-$version"
py=${PYTHON:-python3}
log() { printf '[setup-cs3client] %s\n' "$*" >&2; }

mkdir -p "$cache"
exec 9>"$venv.lock"
flock 9
# The marker names the interpreter it was built with: a venv is tied to it.
want="cs3client==$version $("$py" -c 'import sys; print(sys.version.split()[0])')"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.complete" 2>/dev/null)" != "$want" ]; then
  log "creating virtualenv $venv ($want)"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "cs3client==$version" >&2
  "$venv/bin/python" -c 'import cs3client.cs3client, cs3client.auth, cs3client.file' >&2
  printf '%s\n' "$want" > "$venv/.complete"
fi
echo "$venv/bin/python"
