//go:build downloadranges

package enforcingfs

import (
	"context"
	"io"
	"testing"

	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/storage"
)

// download reads a whole file on every line (download_ranges.go).
func download(ctx context.Context, fs storage.FS, ref *provider.Reference) (io.ReadCloser, error) {
	return fs.Download(ctx, ref, nil)
}

// rangedFixture returns cs3w-local (home false) or cs3w-localhome with
// "0123456789" in einstein's r.txt, and that file's path in the driver.
func rangedFixture(t *testing.T, home bool) (storage.FS, string) {
	t.Helper()
	if !home {
		fs := guarded(t)
		put(t, fs, "/einstein/r.txt", "0123456789")
		return fs, "/einstein/r.txt"
	}
	fs, err := NewHome(context.Background(), map[string]interface{}{"root": t.TempDir(), "user_layout": "{{.Username}}"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Shutdown(context.Background()) })
	if err := fs.CreateHome(as(einstein)); err != nil {
		t.Fatal(err)
	}
	put(t, fs, "/r.txt", "0123456789")
	return fs, "/r.txt"
}

// The data server hands the ranges of a Range header to the driver and
// sends what it reads, range after range (download_ranges.go).
func TestRangedDownloads(t *testing.T) {
	for _, home := range []bool{false, true} {
		fs, p := rangedFixture(t, home)
		cases := []struct {
			ranges []storage.Range
			want   string
		}{
			{[]storage.Range{{Start: 0, Length: 10}}, "0123456789"},
			{[]storage.Range{{Start: 3, Length: 4}}, "3456"},
			{[]storage.Range{{Start: 9, Length: 1}}, "9"},
			{[]storage.Range{{Start: 7, Length: 3}, {Start: 1, Length: 2}}, "78912"},
		}
		for _, c := range cases {
			r, err := fs.Download(as(einstein), ref(p), c.ranges)
			if err != nil {
				t.Fatalf("home=%v %v: %v", home, c.ranges, err)
			}
			b, err := io.ReadAll(r)
			r.Close()
			if err != nil || string(b) != c.want {
				t.Errorf("home=%v %v: got %q, %v; want %q", home, c.ranges, b, err, c.want)
			}
		}
		// A range past the end of the file (it shrank since the data
		// server's stat) is an error, never short data.
		r, err := fs.Download(as(einstein), ref(p), []storage.Range{{Start: 8, Length: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(r); err != io.ErrUnexpectedEOF {
			t.Errorf("home=%v: a range past the end read with %v", home, err)
		}
		r.Close()
	}
}
