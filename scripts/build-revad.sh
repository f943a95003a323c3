#!/usr/bin/env bash
# Builds revad from the Go module proxy at the version pinned in
# tools/revad/go.mod and caches the binary outside the repository, keyed by
# the pinned go.sum. Does nothing when the cached binary exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
mod="$here/tools/revad"
version=$(awk '$1=="require" && $2=="github.com/cs3org/reva" {print $3}' "$mod/go.mod")
key=$(cat "$mod/go.mod" "$mod/go.sum" "$mod/main.go" | sha256sum | cut -c1-12)
bin="$cache/revad-$version-$key"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go is required to build revad" >&2; exit 1; }
  echo "[setup] building revad $version (first run only; a few minutes)" >&2
  mkdir -p "$cache"
  (cd "$mod" && CGO_ENABLED=1 go build -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
ln -sfn "$bin" "$cache/revad"
echo "$bin"
