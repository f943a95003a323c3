package enforcingfs

import (
	"context"
	"path"

	tusd "github.com/tus/tusd/pkg/handler"
)

// composable is what Reva's tus data transfer looks for on a storage.FS
// (pkg/rhttp/datatx/manager/tus/tus.go); without it the data server offers
// no tus endpoint at all.
type composable interface {
	UseIn(composer *tusd.StoreComposer)
}

// UseIn lets the wrapped driver set up tus, then guards upload creation.
func (f *enforcingFS) UseIn(composer *tusd.StoreComposer) {
	inner, ok := f.inner.(composable)
	if !ok {
		return
	}
	inner.UseIn(composer)
	if composer.Core != nil {
		composer.UseCore(guardedCore{DataStore: composer.Core, fs: f})
	}
}

// guardedCore checks tus "creation" (POST). There the client names the
// destination itself in Upload-Metadata (dir, filename), and /tus is served
// without authentication, so this is a second way to start an upload besides
// InitiateUpload. Continuing an upload (HEAD, PATCH, DELETE) goes through
// GetUpload with an id only InitiateUpload or a checked POST handed out.
type guardedCore struct {
	tusd.DataStore
	fs *enforcingFS
}

func (g guardedCore) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	dest := path.Join("/", info.MetaData["dir"], info.MetaData["filename"])
	if err := g.fs.checkWrite(ctx, u, dest); err != nil {
		return nil, err
	}
	return g.DataStore.NewUpload(ctx, info)
}
