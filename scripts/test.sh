#!/usr/bin/env bash
# Sets everything up (Debian packages, revad, virtualenv) and runs the whole
# test suite against real revad servers: lint, then pytest (browser tests
# included). Extra arguments go to pytest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$("$here/scripts/setup.sh" | tail -n 1)
cd "$here"
"$venv/bin/ruff" check cs3widgets tests benchmarks
set +e
"$venv/bin/python" -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that must fail, never pass.
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
