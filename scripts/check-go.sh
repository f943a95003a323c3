#!/usr/bin/env bash
# Checks our Go code (drivers, managers, main.go) on every Reva line:
# gofmt on the hand-written sources (and the v3.12 build's stub), vet and
# `go test` on the v1.29 sources, then `go test` on the v3 sources and vet
# and `go test` on the v3.12 ones (which compile the files tagged
# "downloadranges"), both generated exactly as scripts/build-revad.sh
# generates them. On v3.12 the main package is left to build-revad.sh: it
# alone imports EOS's gRPC client, which compiles only with the stub.
# Usage: check-go.sh [v1.29] [v3] [v3.12]   (default: all)
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
    pkgs=./...
    if [ "$line" = v3.12 ]; then
      pkgs=$(cd "$build" && GOSUMDB=off GOFLAGS="$flags" go list -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./...)
      # shellcheck disable=SC2086
      (cd "$build" && GOSUMDB=off GOFLAGS="$flags" go vet $pkgs)
    fi
    # shellcheck disable=SC2086
    (cd "$build" && GOSUMDB=off GOFLAGS="$flags" go test $pkgs)
    rm -rf "$build"
  fi
done
