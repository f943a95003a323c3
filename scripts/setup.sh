#!/usr/bin/env bash
# Sets up everything cs3widgets needs on a fresh Debian machine, idempotently:
# Debian packages (nginx for the TLS test, chromium for browser tests), the
# revad build of one Reva line, and a Python virtualenv with the package and
# the cs3apis wheel that matches that line.
# Usage: setup.sh [LINE]   LINE: v3 (default), v1.29, v3.12, or "newest" (the
# v3 server with the newest cs3apis wheel pip offers, as a user gets it).
# Everything heavy is cached under $CS3W_CACHE (default ~/.cache/cs3widgets),
# keyed by what it was built from, so a second run takes seconds.
# Prints the virtualenv's path as its last line; the revad binary's path is
# the line before it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
mkdir -p "$cache"
log() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
apt_pkgs=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_pkgs+=(nginx-light)
[ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
# Without a colour-emoji font the listing's folder/file icons render as boxes.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || apt_pkgs+=(fonts-noto-color-emoji)
command -v openssl >/dev/null 2>&1 || apt_pkgs+=(openssl)
command -v curl >/dev/null 2>&1 || apt_pkgs+=(curl)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_pkgs[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >&2
  # Debian starts nginx on :80 after install; the tests run their own.
  $sudo_cmd systemctl disable --now nginx >/dev/null 2>&1 || $sudo_cmd service nginx stop >/dev/null 2>&1 || true
fi

line=${1:-v3}
case "$line" in
  v1.29|v3|v3.12) server=$line ;;
  newest) server=v3 ;;
  *) log "unknown line '$line' (v3, v1.29, v3.12 or newest)"; exit 2 ;;
esac
constraints="$here/constraints/reva-$line.txt"

# --- revad -----------------------------------------------------------------
revad=$("$here/scripts/build-revad.sh" "$server" | tail -n 1)

# --- Python ----------------------------------------------------------------
py=${PYTHON:-python3}
# The newest line gets the newest cs3apis wheel pip offers in the declared
# range, asked of the index on every run and made part of the venv's key, so
# a new wheel builds a new venv. Without the index, the last one found stays.
newest_pin=""
if [ "$line" = newest ]; then
  spec=$(sed -n 's/^ *"\(cs3apis[^"]*\)",.*/\1/p' "$here/pyproject.toml" | head -n 1)
  probe=$(mktemp -d)
  if "$py" -m pip download -q --no-deps --only-binary=:all: -d "$probe" "$spec" >/dev/null 2>&1; then
    newest_pin=$(basename "$(ls "$probe"/cs3apis-*.whl)" | cut -d- -f2)
    echo "cs3apis==$newest_pin" > "$cache/newest-cs3apis.txt"
  elif [ -f "$cache/newest-cs3apis.txt" ]; then
    log "could not ask the package index for cs3apis; keeping $(cat "$cache/newest-cs3apis.txt")"
    newest_pin=$(cut -d= -f3 "$cache/newest-cs3apis.txt")
  fi
  rm -rf "$probe"
  if [ -n "$newest_pin" ]; then
    constraints=$cache/newest-cs3apis.txt
    log "newest line: cs3apis $newest_pin"
  fi
fi
key=$(cat "$here/pyproject.toml" "$constraints" <("$py" --version 2>&1) | sha256sum | cut -c1-12)
venv="$cache/venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  log "creating virtualenv $venv"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q -c "$constraints" -e "$here[test]" >&2
  touch "$venv/.complete"
fi
# Editable install of *this* checkout (a cached venv may point at another clone).
"$venv/bin/pip" install -q --no-deps --no-build-isolation -e "$here" >&2 2>/dev/null \
  || "$venv/bin/pip" install -q --no-deps -e "$here" >&2
# jupyter_server's own contents tests, from the sdist of the installed version.
"$here/scripts/jupyter-server-tests.sh" "$venv" >/dev/null
# CERN's cs3client in a venv of its own, for the interop tests and benchmarks.
"$here/scripts/setup-cs3client.sh" >/dev/null
echo "$revad"
echo "$venv"
