#!/usr/bin/env bash
# Builds revad for one Reva line and caches the binary outside the
# repository. Usage: build-revad.sh [--generate] [v1.29|v3|v3.12]   (default: v3)
#
#   v1.29  tools/revad is a Go main module pinning Reva v1.29.0; built in place.
#   v3     tools/revad-v3 holds only go.mod/go.sum pinning Reva v3. The Go
#          sources (main.go and our drivers) are GENERATED from tools/revad by
#          rewriting the import path github.com/cs3org/reva/ to
#          github.com/cs3org/reva/v3/ (the APIs our drivers use are the same on
#          both lines), so there is one hand-maintained copy of our Go code.
#   v3.12  tools/revad-v3.12: go.mod/go.sum pinning Reva v3.12.1, generated the
#          same way, built with the tag "downloadranges" (storage.FS.Download
#          takes byte ranges from v3.12 on; the files tagged so implement them)
#          and with two workarounds, because the module proxy here refuses the
#          go-eosgrpc version v3.12 requires: go.mod replaces go-eosgrpc with a
#          served version, and Reva's EOS gRPC recycle client
#          (pkg/storage/fs/eos/client/grpc/recycle.go), which does not compile
#          against it, is swapped at build time (`go mod vendor`, then
#          `-overlay`; Go refuses overlays inside the module cache) for
#          tools/revad-v3.12/overlay/recycle.go, whose functions answer
#          NotSupported. A local site never executes EOS code.
#
# The binary is cached as $CS3W_CACHE/revad-<reva version>-<key>, the key being
# a hash of every input (our Go sources, the line's go.mod/go.sum, the
# rewrite rule, and for v3.12 the stub and the build flags), so changing a
# driver rebuilds it on the next run. Prints the binary's path as its last
# line. Does nothing when the cached binary exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CS3W_CACHE:-$HOME/.cache/cs3widgets}
generate_only=0
if [ "${1:-}" = --generate ]; then generate_only=1; shift; fi
line=${1:-v3}
src="$here/tools/revad"
case "$line" in
  v1.29|v1) line=v1.29; mod="$src"; module=github.com/cs3org/reva ;;
  v3) mod="$here/tools/revad-v3"; module=github.com/cs3org/reva/v3 ;;
  v3.12) mod="$here/tools/revad-v3.12"; module=github.com/cs3org/reva/v3 ;;
  *) echo "unknown Reva line '$line' (v1.29, v3 or v3.12)" >&2; exit 2 ;;
esac
# The build tags of a line (part of the cache key for v3.12), and the file the
# v3.12 build swaps for the stub.
tags=""
[ "$line" != v3.12 ] || tags=-tags=downloadranges
stub="$here/tools/revad-v3.12/overlay/recycle.go"
stubbed=vendor/github.com/cs3org/reva/v3/pkg/storage/fs/eos/client/grpc/recycle.go
# How the v3 sources are generated from ours (part of the cache key).
rewrite='s#"github.com/cs3org/reva/#"github.com/cs3org/reva/v3/#'
# The pin, whether go.mod lists it on a "require" line or inside a block.
version=$(awk -v m="$module" '$1=="require" && $2==m {print $3; exit} $1==m {print $2; exit}' "$mod/go.mod")
# Sorted with a fixed collation so the key is the same on every machine.
# Tests do not go into the binary, so they do not count.
key=$( { (cd "$src" && find . -type f \( -name '*.go' ! -name '*_test.go' -o -name 'go.mod' -o -name 'go.sum' \) \
           | LC_ALL=C sort | xargs cat)
         [ "$line" = v1.29 ] || { cat "$mod/go.mod" "$mod/go.sum"; echo "$rewrite"; }
         [ "$line" != v3.12 ] || { cat "$stub"; echo "$stubbed -mod=vendor $tags"; }; } \
       | sha256sum | cut -c1-12)
bin="$cache/revad-$version-$key"

# The v3 sources: ours, with Reva's import path rewritten (see the top).
# Writes the Go flags to build or test them with into $dir/goflags. With a
# second argument "build", a v3.12 tree is vendored and the flags name the
# overlay with the stub (what building revad needs); without, our packages
# (all but main, which alone imports EOS's client) test straight from the
# module cache, whose paths stay the same from run to run, so Go's build
# cache serves them.
generate() {
  local dir=$1
  (cd "$src" && find . -type f -name '*.go' | tar -cf - -T -) | tar -xf - -C "$dir"
  find "$dir" -name '*.go' -exec sed -i "$rewrite" {} +
  cp "$mod/go.mod" "$mod/go.sum" "$dir/"
  local flags="-mod=readonly $tags"
  if [ "$line" = v3.12 ] && [ "${2:-}" = build ]; then
    (cd "$dir" && GOSUMDB=off GOFLAGS=-mod=mod go mod vendor)
    [ -f "$dir/$stubbed" ] || { echo "$stubbed is not in the vendored Reva" >&2; exit 1; }
    printf '{"Replace": {"%s": "%s"}}\n' "$dir/$stubbed" "$stub" > "$dir/overlay.json"
    flags="-mod=vendor $tags -overlay=$dir/overlay.json"
  fi
  echo "$flags" > "$dir/goflags"
}
if [ "$generate_only" = 1 ]; then
  [ "$line" != v1.29 ] || { echo "v1.29 is not generated: use tools/revad" >&2; exit 2; }
  mkdir -p "$cache"
  dir=$(mktemp -d "$cache/src-revad-$line.XXXXXX")
  generate "$dir"
  echo "$dir"
  exit 0
fi

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go is required to build revad" >&2; exit 1; }
  echo "[setup] building revad $version (first run only; a few minutes)" >&2
  mkdir -p "$cache"
  build="$mod"
  if [ "$line" != v1.29 ]; then
    # A build directory of its own per run: two test sessions may build at once.
    build=$(mktemp -d "$cache/src-revad-$line.XXXXXX")
    trap 'rm -rf "$build"' EXIT
    generate "$build" build
  fi
  # go.sum pins every module, so the checksum database is not needed (and is
  # not reachable from these machines).
  flags=-mod=readonly
  [ "$line" = v1.29 ] || flags=$(cat "$build/goflags")
  (cd "$build" && CGO_ENABLED=1 GOSUMDB=off GOFLAGS="$flags" go build -trimpath -o "$bin.tmp.$$" .)
  mv "$bin.tmp.$$" "$bin"
fi
ln -sfn "$bin" "$cache/revad-$line"
echo "$bin"
