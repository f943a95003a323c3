package enforcingfs

import (
	"context"

	"github.com/cs3org/reva/pkg/storage"
	"github.com/cs3org/reva/pkg/storage/fs/localhome"
	"github.com/cs3org/reva/pkg/storage/fs/registry"
)

// HomeName is the driver for the /home provider and its data server:
// Reva's "localhome" with the write safety of guardFS. Every path is in the
// caller's own home, so there are no grants to enforce. Its user_layout
// must be "{{.Username}}", so that its files are keyed as cs3w-local's
// ("/<username>/<path>") and one lock or precondition holds through both.
const HomeName = "cs3w-localhome"

func init() {
	registry.Register(HomeName, NewHome)
}

// NewHome builds the localhome driver from the same options and guards it.
func NewHome(ctx context.Context, m map[string]interface{}) (storage.FS, error) {
	inner, err := localhome.New(ctx, m)
	if err != nil {
		return nil, err
	}
	return newGuard(inner, true), nil
}
