// Command revad builds Reva's server daemon at the version pinned in go.mod,
// unmodified, plus what a site plugs into Reva's registries (see README.md
// and FIDELITY.md): the storage drivers "cs3w-local" and "cs3w-localhome",
// the share manager "cs3w-json" and the public-share manager
// "cs3w-json-links". The Reva v3 build is generated from these sources
// (scripts/build-revad.sh).
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
	_ "cs3widgets.local/revad/jsonlinks"
	_ "cs3widgets.local/revad/jsonshares"
)

func main() {
	revadcmd.Main()
}
