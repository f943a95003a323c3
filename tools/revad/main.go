// Command revad builds Reva's server daemon at the version pinned in go.mod.
//
// `go install MODULE@VERSION` needs the module proxy's version list for its
// deprecation check, which the registry mirror here refuses; building from
// a main module of our own with go.mod/go.sum pinning the release needs only
// the pinned versions themselves.
package main

import revadcmd "github.com/cs3org/reva/cmd/revad"

func main() {
	revadcmd.Main()
}
