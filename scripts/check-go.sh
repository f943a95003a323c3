#!/usr/bin/env bash
# Checks our Go code (drivers, managers, main.go) on both Reva lines:
# gofmt and vet on the hand-written v1.29 sources, then `go test` on them and
# on the v3 sources generated from them exactly as scripts/build-revad.sh
# generates them. Usage: check-go.sh [v1.29] [v3]   (default: both)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$here/tools/revad"
unformatted=$(cd "$src" && gofmt -l .)
[ -z "$unformatted" ] || { echo "gofmt: $unformatted" >&2; exit 1; }
for line in ${*:-v1.29 v3}; do
  if [ "$line" = v1.29 ]; then
    (cd "$src" && GOSUMDB=off go vet ./... && GOSUMDB=off go test ./...)
  else
    build=$("$here/scripts/build-revad.sh" --generate "$line")
    trap 'rm -rf "$build"' EXIT
    (cd "$build" && GOSUMDB=off GOFLAGS=-mod=readonly go test ./...)
    rm -rf "$build"
  fi
done
