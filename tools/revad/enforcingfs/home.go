package enforcingfs

import (
	"context"

	"github.com/cs3org/reva/pkg/storage"
	"github.com/cs3org/reva/pkg/storage/fs/localhome"
	"github.com/cs3org/reva/pkg/storage/fs/registry"
	"github.com/cs3org/reva/pkg/utils/cfg"
)

// HomeName is the driver for the /home provider and its data server:
// Reva's "localhome" answering as guardFS describes. Every path is in the
// caller's own home, so there are no grants to enforce. Its user_layout
// must be "{{.Username}}", so that its files are keyed as cs3w-local's
// ("/<username>/<path>") and one lock holds through both.
const HomeName = "cs3w-localhome"

func init() {
	registry.Register(HomeName, NewHome)
}

type homeConfig struct {
	Root string `mapstructure:"root"`
}

func (c *homeConfig) ApplyDefaults() {
	if c.Root == "" {
		c.Root = "/var/tmp/reva" // localhome's own default
	}
}

// NewHome builds the localhome driver from the same options and guards it.
func NewHome(ctx context.Context, m map[string]interface{}) (storage.FS, error) {
	var c homeConfig
	if err := cfg.Decode(m, &c); err != nil {
		return nil, err
	}
	inner, err := localhome.New(ctx, m)
	if err != nil {
		return nil, err
	}
	return newGuard(inner, true, c.Root), nil
}
