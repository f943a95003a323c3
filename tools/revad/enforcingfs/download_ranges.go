//go:build downloadranges

// Download from Reva v3.12 on: the data server
// (pkg/rhttp/datatx/utils/download/download.go, GetOrHeadFile) parses the
// Range header, hands the driver the ranges and expects back their bytes, one
// range after the other; it answers 416 if the driver refuses. Reva's local
// drivers refuse every range (pkg/storage/utils/localfs/localfs.go,
// Download: NotSupported), while the EOS driver passes them on to EOS
// (pkg/storage/fs/eos/file_ops.go, Download; client/grpc/eoshttp.go,
// GETFile sets the Range header), so CERNBox serves ranged reads. guardFS
// serves them from the whole file (FIDELITY.md, row 22).

package enforcingfs

import (
	"context"
	"io"

	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
)

func (f *enforcingFS) Download(ctx context.Context, ref *provider.Reference, ranges []storage.Range) (io.ReadCloser, error) {
	if err := f.require(ctx, ref, needDownload); err != nil {
		return nil, err
	}
	return f.inner.Download(ctx, ref, ranges)
}

// Download opens the whole file with the wrapped driver and, for ranges,
// returns the bytes of each range in the order given.
func (g *guardFS) Download(ctx context.Context, ref *provider.Reference, ranges []storage.Range) (io.ReadCloser, error) {
	r, err := g.FS.Download(ctx, ref, nil)
	if err != nil || len(ranges) == 0 {
		return r, err
	}
	file, ok := r.(io.ReadSeekCloser)
	if !ok {
		r.Close()
		return nil, errtypes.NotSupported("enforcingfs: the wrapped driver's download cannot seek")
	}
	return &rangeReader{file: file, ranges: ranges}, nil
}

// rangeReader reads the ranges of file one after the other.
type rangeReader struct {
	file   io.ReadSeekCloser
	ranges []storage.Range
	// left is what remains of ranges[0] once it has been sought to.
	left   int64
	inside bool
}

func (r *rangeReader) Read(p []byte) (int, error) {
	for r.left == 0 {
		if r.inside {
			r.ranges, r.inside = r.ranges[1:], false
		}
		if len(r.ranges) == 0 {
			return 0, io.EOF
		}
		if _, err := r.file.Seek(r.ranges[0].Start, io.SeekStart); err != nil {
			return 0, err
		}
		r.left, r.inside = r.ranges[0].Length, true
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.file.Read(p)
	r.left -= int64(n)
	if err == io.EOF && r.left > 0 {
		// The file is shorter than the range (it shrank since the stat).
		err = io.ErrUnexpectedEOF
	} else if err == io.EOF {
		err = nil
	}
	return n, err
}

func (r *rangeReader) Close() error { return r.file.Close() }
