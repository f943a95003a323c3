// Command revad builds Reva's server daemon at the version pinned in go.mod,
// plus two drivers of our own that close gaps of Reva's development drivers
// (see README.md): "cs3w-local" (share grants enforced) and "cs3w-json"
// (received shares listed).
//
// `go install MODULE@VERSION` needs the module proxy's version list for its
// deprecation check, which the registry mirror here refuses; building from
// a main module of our own with go.mod/go.sum pinning the release needs only
// the pinned versions themselves.
package main

import (
	revadcmd "github.com/cs3org/reva/cmd/revad"

	// Registered by name in Reva's driver registries at init.
	_ "cs3widgets.local/revad/enforcingfs"
	_ "cs3widgets.local/revad/jsonshares"
)

func main() {
	revadcmd.Main()
}
