// Stands in for github.com/cs3org/reva/v3/pkg/storage/fs/eos/client/grpc/recycle.go
// when scripts/build-revad.sh builds Reva v3.12 (go build -overlay). Reva's
// own file needs a go-eosgrpc version the module proxy here refuses, and does
// not compile against the one it serves. It is EOS's gRPC recycle-bin client,
// which a local test site never executes: every function here answers
// NotSupported. Nothing else of Reva is replaced.

package eosgrpc

import (
	"context"
	"time"

	"github.com/cs3org/reva/v3/pkg/errtypes"
	eosclient "github.com/cs3org/reva/v3/pkg/storage/fs/eos/client"
)

const notBuilt = "EOS gRPC recycle client not built in this revad (tools/revad-v3.12/overlay)"

// ListDeletedEntries answers NotSupported.
func (c *Client) ListDeletedEntries(ctx context.Context, auth eosclient.Authorization, recycleid string, maxentries int, from, to time.Time) ([]*eosclient.DeletedEntry, error) {
	return nil, errtypes.NotSupported(notBuilt)
}

// RestoreDeletedEntry answers NotSupported.
func (c *Client) RestoreDeletedEntry(ctx context.Context, auth eosclient.Authorization, key string) error {
	return errtypes.NotSupported(notBuilt)
}

// PurgeDeletedEntries answers NotSupported.
func (c *Client) PurgeDeletedEntries(ctx context.Context, recycleid string, auth eosclient.Authorization, entries []string) error {
	return errtypes.NotSupported(notBuilt)
}
