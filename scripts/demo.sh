#!/usr/bin/env bash
# Sets everything up, then starts a local revad with the demo users and
# sample files, JupyterLab serving the gallery and Voilà serving the
# dashboard, all on 127.0.0.1. Prints the URLs and logins; Ctrl-C stops all.
# Extra arguments go to the demo (see --help).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$("$here/scripts/setup.sh" | tail -n 1)
exec "$venv/bin/python" -m cs3widgets.devserver.demo "$@"
