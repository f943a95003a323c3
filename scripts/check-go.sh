#!/usr/bin/env bash
# Checks our Go code (drivers, managers, main.go) on every Reva line:
# gofmt on the hand-written sources (and the v3.12 build's stub), vet and
# `go test` on the v1.29 sources, then `go test` on the v3 sources and vet
# and `go test` on the v3.12 ones (which compile the files tagged
# "downloadranges"), both generated exactly as scripts/build-revad.sh
# generates them. Usage: check-go.sh [v1.29] [v3] [v3.12]   (default: all)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$here/tools/revad"
unformatted=$(cd "$here/tools" && gofmt -l revad revad-v3.12/overlay)
[ -z "$unformatted" ] || { echo "gofmt: $unformatted" >&2; exit 1; }
for line in ${*:-v1.29 v3 v3.12}; do
  if [ "$line" = v1.29 ]; then
    (cd "$src" && GOSUMDB=off go vet ./... && GOSUMDB=off go test ./...)
  else
    build=$("$here/scripts/build-revad.sh" --generate "$line" | tail -n 1)
    trap 'rm -rf "$build"' EXIT
    flags=$(cat "$build/goflags")
    if [ "$line" = v3.12 ]; then
      (cd "$build" && GOSUMDB=off GOFLAGS="$flags" go vet ./...)
    fi
    (cd "$build" && GOSUMDB=off GOFLAGS="$flags" go test ./...)
    rm -rf "$build"
  fi
done
