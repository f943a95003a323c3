#!/usr/bin/env bash
# Builds revad for one Reva line and caches the binary outside the
# repository. Usage: build-revad.sh [v1.29|v3]   (default: v3)
#
#   v1.29  tools/revad is a Go main module pinning Reva v1.29.0; built in place.
#   v3     tools/revad-v3 holds only go.mod/go.sum pinning Reva v3. The Go
#          sources (main.go and our drivers) are GENERATED from tools/revad by
#          rewriting the import path github.com/cs3org/reva/ to
#          github.com/cs3org/reva/v3/ (the APIs our drivers use are the same on
#          both lines), so there is one hand-maintained copy of our Go code.
#
# The binary is cached as $CS3W_CACHE/revad-<reva version>-<key>, the key being
# a hash of every input (our Go sources, the line's go.mod/go.sum and this
# script), so changing a driver rebuilds it on the next run. Prints the
# binary's path as its last line. Does nothing when the cached binary exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
line=${1:-v3}
src="$here/tools/revad"
case "$line" in
  v1.29|v1) line=v1.29; mod="$src"; module=github.com/cs3org/reva ;;
  v3) mod="$here/tools/revad-v3"; module=github.com/cs3org/reva/v3 ;;
  *) echo "unknown Reva line '$line' (v1.29 or v3)" >&2; exit 2 ;;
esac
# The pin, whether go.mod lists it on a "require" line or inside a block.
version=$(awk -v m="$module" '$1=="require" && $2==m {print $3; exit} $1==m {print $2; exit}' "$mod/go.mod")
# Sorted with a fixed collation so the key is the same on every machine.
# Tests do not go into the binary, so they do not count.
key=$( { (cd "$src" && find . -type f \( -name '*.go' ! -name '*_test.go' -o -name 'go.mod' -o -name 'go.sum' \) \
           | LC_ALL=C sort | xargs cat)
         [ "$line" = v1.29 ] || cat "$mod/go.mod" "$mod/go.sum" "${BASH_SOURCE[0]}"; } \
       | sha256sum | cut -c1-12)
bin="$cache/revad-$version-$key"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go is required to build revad" >&2; exit 1; }
  echo "[setup] building revad $version (first run only; a few minutes)" >&2
  mkdir -p "$cache"
  build="$mod"
  if [ "$line" != v1.29 ]; then
    # A build directory of its own per run: two test sessions may build at once.
    build=$(mktemp -d "$cache/src-revad-$line.XXXXXX")
    trap 'rm -rf "$build"' EXIT
    (cd "$src" && find . -type f -name '*.go' | tar -cf - -T -) | tar -xf - -C "$build"
    find "$build" -name '*.go' -exec sed -i 's#"github.com/cs3org/reva/#"github.com/cs3org/reva/v3/#' {} +
    cp "$mod/go.mod" "$mod/go.sum" "$build/"
  fi
  # go.sum pins every module, so the checksum database is not needed (and is
  # not reachable from these machines).
  (cd "$build" && CGO_ENABLED=1 GOSUMDB=off GOFLAGS=-mod=readonly go build -trimpath -o "$bin.tmp.$$" .)
  mv "$bin.tmp.$$" "$bin"
fi
ln -sfn "$bin" "$cache/revad-$line"
echo "$bin"
