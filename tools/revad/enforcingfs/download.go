//go:build !downloadranges

// Download before Reva v3.12, whose storage.FS reads whole files only. The
// line that passes byte ranges to the driver builds download_ranges.go
// instead (scripts/build-revad.sh, tag "downloadranges").

package enforcingfs

import (
	"context"
	"io"

	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
)

func (f *enforcingFS) Download(ctx context.Context, ref *provider.Reference) (io.ReadCloser, error) {
	if err := f.require(ctx, ref, needDownload); err != nil {
		return nil, err
	}
	return f.inner.Download(ctx, ref)
}
