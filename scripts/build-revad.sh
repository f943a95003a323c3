#!/usr/bin/env bash
# Builds revad from the Go module proxy at the version pinned in
# tools/revad/go.mod and caches the binary outside the repository, keyed by
# go.mod, go.sum and every .go file of the module (our drivers included).
# Does nothing when the cached binary exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
mod="$here/tools/revad"
# The pin, whether go.mod lists it on a "require" line or inside a block.
version=$(awk '$1=="require" && $2=="github.com/cs3org/reva" {print $3; exit}
  $1=="github.com/cs3org/reva" {print $2; exit}' "$mod/go.mod")
# Sorted with a fixed collation so the key is the same on every machine.
# Tests do not go into the binary, so they do not count.
key=$(cd "$mod" && find . -type f \( -name '*.go' ! -name '*_test.go' -o -name 'go.mod' -o -name 'go.sum' \) \
  | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
bin="$cache/revad-$version-$key"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go is required to build revad" >&2; exit 1; }
  echo "[setup] building revad $version (first run only; a few minutes)" >&2
  mkdir -p "$cache"
  # A temporary name of its own: two test sessions may build at once.
  (cd "$mod" && CGO_ENABLED=1 go build -trimpath -o "$bin.tmp.$$" .)
  mv "$bin.tmp.$$" "$bin"
fi
ln -sfn "$bin" "$cache/revad"
echo "$bin"
