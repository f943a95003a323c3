// Command revad builds Reva's server daemon at the version pinned in go.mod,
// plus drivers of our own that close gaps of Reva's development drivers
// (see README.md): "cs3w-local" (share grants enforced), "cs3w-json"
// (received shares listed, the share-manager ping answered) and
// "cs3w-json-links" (public links listed with password and expiry kept).
// The Reva v3 build is generated from these sources (scripts/build-revad.sh).
//
// `go install MODULE@VERSION` needs the module proxy's version list for its
// deprecation check, which the registry mirror here refuses; building from
// a main module of our own with go.mod/go.sum pinning the release needs only
// the pinned versions themselves.
package main

import (
	"os"
	"strings"

	revadcmd "github.com/cs3org/reva/cmd/revad"
	"github.com/cs3org/reva/pkg/rgrpc/todo/pool"

	// Registered by name in Reva's driver registries at init.
	_ "cs3widgets.local/revad/enforcingfs"
	_ "cs3widgets.local/revad/jsonlinks"
	_ "cs3widgets.local/revad/jsonshares"
)

// largeMessages is the receive cap for the gateway's storage-provider
// clients listed in CS3W_LARGE_LISTING_ENDPOINTS.
const largeMessages = 256 << 20

func main() {
	// Reva's gateway talks to storage providers through cached clients whose
	// receive cap is a fixed 10,240,000 bytes (pkg/rgrpc/todo/pool/option.go),
	// so a folder of more than ~35,000 entries cannot be listed at all. The
	// pool caches one client per endpoint and hands it to every later caller,
	// so creating those clients first, with a larger cap, is enough.
	for _, ep := range strings.Split(os.Getenv("CS3W_LARGE_LISTING_ENDPOINTS"), ",") {
		if ep = strings.TrimSpace(ep); ep != "" {
			_, _ = pool.GetStorageProviderServiceClient(
				pool.Endpoint(ep), pool.MaxCallRecvMsgSize(largeMessages))
		}
	}
	revadcmd.Main()
}
