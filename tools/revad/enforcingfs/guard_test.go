package enforcingfs

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	rpc "github.com/cs3org/go-cs3apis/cs3/rpc/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	typepb "github.com/cs3org/go-cs3apis/cs3/types/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
)

// guarded returns a fresh cs3w-local over an empty root, with the
// process-wide lock table emptied (keys are paths, the same in every test).
func guarded(t *testing.T) storage.FS {
	t.Helper()
	locks.mu.Lock()
	locks.locks = map[string]*provider.Lock{}
	locks.mu.Unlock()
	return newFS(t)
}

// asking returns einstein's context carrying a request's intent and a
// verdict, as the cs3w-intent interceptor sets them up.
func asking(in intent) (context.Context, *verdict) {
	v := &verdict{}
	ctx := context.WithValue(as(einstein), intentKey{}, in)
	return context.WithValue(ctx, verdictKey{}, v), v
}

// put uploads body to p through InitiateUpload and the simple PUT path,
// sending only the first n bytes (the whole body for n < 0).
func put(t *testing.T, fs storage.FS, ctx context.Context, p, body string, n int) error {
	t.Helper()
	ids, err := fs.InitiateUpload(ctx, ref(p), int64(len(body)), nil)
	if err != nil {
		return err
	}
	if n < 0 {
		n = len(body)
	}
	return fs.Upload(as(einstein), ref(ids["simple"]), io.NopCloser(strings.NewReader(body[:n])), nil)
}

func read(t *testing.T, fs storage.FS, p string) string {
	t.Helper()
	r, err := fs.Download(as(einstein), ref(p))
	if err != nil {
		t.Fatalf("download %s: %v", p, err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func TestUploadPreconditionsAreDecidedByTheServer(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/doc.txt"
	ctx, v := asking(intent{ifNotExist: true})
	if err := put(t, fs, ctx, p, "v1", -1); err != nil {
		t.Fatal(err)
	}
	ctx, v = asking(intent{ifNotExist: true})
	if err := put(t, fs, ctx, p, "again", -1); err == nil || v.code != rpc.Code_CODE_ALREADY_EXISTS {
		t.Fatalf("if_not_exist on an existing file: %v %v", err, v.code)
	}
	info, _ := fs.GetMD(as(einstein), ref(p), nil)
	ctx, v = asking(intent{ifMatch: `"stale"`})
	if err := put(t, fs, ctx, p, "stale", -1); err == nil || v.code != rpc.Code_CODE_ABORTED {
		t.Fatalf("stale if_match: %v %v", err, v.code)
	}
	ctx, _ = asking(intent{ifMatch: info.GetEtag()})
	if err := put(t, fs, ctx, p, "v2", -1); err != nil {
		t.Fatalf("matching if_match: %v", err)
	}
	if got := read(t, fs, p); got != "v2" {
		t.Fatalf("content %q", got)
	}
}

func TestTwoUploadsOfTheSameEtagOneCommits(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/race.txt"
	if err := put(t, fs, as(einstein), p, "base", -1); err != nil {
		t.Fatal(err)
	}
	info, _ := fs.GetMD(as(einstein), ref(p), nil)
	// Both initiate against the same etag; the second commit must fail.
	ctx, _ := asking(intent{ifMatch: info.GetEtag()})
	a, err := fs.InitiateUpload(ctx, ref(p), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.InitiateUpload(ctx, ref(p), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Upload(as(einstein), ref(a["simple"]), io.NopCloser(strings.NewReader("A")), nil); err != nil {
		t.Fatal(err)
	}
	err = fs.Upload(as(einstein), ref(b["simple"]), io.NopCloser(strings.NewReader("B")), nil)
	var c errtypes.Conflict
	if !errors.As(err, &c) {
		t.Fatalf("second commit: %v", err)
	}
	if got := read(t, fs, p); got != "A" {
		t.Fatalf("content %q", got)
	}
}

func TestShortBodyIsNeverCommitted(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/keep.txt"
	if err := put(t, fs, as(einstein), p, "old content", -1); err != nil {
		t.Fatal(err)
	}
	if err := put(t, fs, as(einstein), p, "new content, longer", 5); err == nil {
		t.Fatal("a short body was accepted")
	}
	if got := read(t, fs, p); got != "old content" {
		t.Fatalf("content %q", got)
	}
}

func TestUploadNeverReplacesAFolder(t *testing.T) {
	fs := guarded(t)
	ctx, v := asking(intent{})
	if err := put(t, fs, ctx, "/einstein/proj", "file", -1); err == nil || v.code != rpc.Code_CODE_ALREADY_EXISTS {
		t.Fatalf("upload over a folder: %v %v", err, v.code)
	}
	if info, err := fs.GetMD(as(einstein), ref("/einstein/proj"), nil); err != nil || info.GetType() != provider.ResourceType_RESOURCE_TYPE_CONTAINER {
		t.Fatalf("the folder: %v %v", info, err)
	}
	ctx, v = asking(intent{})
	if err := put(t, fs, ctx, "/einstein/missing/x", "file", -1); err == nil || v.code != rpc.Code_CODE_NOT_FOUND {
		t.Fatalf("upload into a missing folder: %v %v", err, v.code)
	}
}

func TestMoveChecksTheSourceFirstAndNeverReplaces(t *testing.T) {
	fs := guarded(t)
	dst := "/einstein/proj/dst.txt"
	if err := put(t, fs, as(einstein), dst, "precious", -1); err != nil {
		t.Fatal(err)
	}
	var nf errtypes.IsNotFound
	if err := fs.Move(as(einstein), ref("/einstein/proj/typo.txt"), ref(dst)); !errors.As(err, &nf) {
		t.Fatalf("move of a missing source: %v", err)
	}
	if err := put(t, fs, as(einstein), "/einstein/proj/src.txt", "other", -1); err != nil {
		t.Fatal(err)
	}
	ctx, v := asking(intent{})
	if err := fs.Move(ctx, ref("/einstein/proj/src.txt"), ref(dst)); err == nil || v.code != rpc.Code_CODE_ALREADY_EXISTS {
		t.Fatalf("move onto an existing file: %v %v", err, v.code)
	}
	if got := read(t, fs, dst); got != "precious" {
		t.Fatalf("content %q", got)
	}
}

func TestLocksRefuseWritesWithoutTheLockID(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/locked.txt"
	if err := put(t, fs, as(einstein), p, "v1", -1); err != nil {
		t.Fatal(err)
	}
	lock := &provider.Lock{LockId: "L1", Type: provider.LockType_LOCK_TYPE_WRITE,
		Expiration: &typepb.Timestamp{Seconds: uint64(time.Now().Add(time.Minute).Unix())}}
	if err := fs.SetLock(as(einstein), ref(p), lock); err != nil {
		t.Fatal(err)
	}
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "L2"}); err == nil {
		t.Fatal("a second lock was set")
	}
	got, err := fs.GetLock(as(einstein), ref(p))
	if err != nil || got.GetLockId() != "L1" || got.GetUser().GetOpaqueId() != "einstein-id" {
		t.Fatalf("get lock: %v %v", got, err)
	}
	for name, write := range map[string]func(context.Context) error{
		"upload": func(ctx context.Context) error { return put(t, fs, ctx, p, "v2", -1) },
		"delete": func(ctx context.Context) error { return fs.Delete(ctx, ref(p)) },
		"folder": func(ctx context.Context) error { return fs.Delete(ctx, ref("/einstein/proj")) },
		"move":   func(ctx context.Context) error { return fs.Move(ctx, ref(p), ref(p+".moved")) },
		"metadata": func(ctx context.Context) error {
			return fs.SetArbitraryMetadata(ctx, ref(p), &provider.ArbitraryMetadata{Metadata: map[string]string{"k": "v"}})
		},
	} {
		ctx, v := asking(intent{lockID: "wrong"})
		if err := write(ctx); err == nil || v.code != rpc.Code_CODE_LOCKED {
			t.Fatalf("%s without the lock id: %v %v", name, err, v.code)
		}
	}
	ctx, _ := asking(intent{lockID: "L1"})
	if err := put(t, fs, ctx, p, "v2", -1); err != nil {
		t.Fatalf("upload with the lock id: %v", err)
	}
	if err := fs.Move(ctx, ref(p), ref(p+".moved")); err != nil {
		t.Fatalf("move with the lock id: %v", err)
	}
	if got, _ := fs.GetLock(as(einstein), ref(p+".moved")); got.GetLockId() != "L1" {
		t.Fatalf("the lock did not follow the file: %v", got)
	}
	ctx, v := asking(intent{})
	if err := fs.Unlock(ctx, ref(p+".moved"), &provider.Lock{LockId: "wrong"}); err == nil || v.code != rpc.Code_CODE_LOCKED {
		t.Fatalf("unlock with the wrong id: %v %v", err, v.code)
	}
	if err := fs.Unlock(as(einstein), ref(p+".moved"), &provider.Lock{LockId: "L1"}); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.GetLock(as(einstein), ref(p+".moved")); got != nil || err != nil {
		t.Fatalf("after unlock: %v %v", got, err)
	}
}

func TestExpiredLocksHoldNothing(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/expiring.txt"
	if err := put(t, fs, as(einstein), p, "v1", -1); err != nil {
		t.Fatal(err)
	}
	past := &typepb.Timestamp{Seconds: uint64(time.Now().Add(-time.Second).Unix())}
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "old", Expiration: past}); err != nil {
		t.Fatal(err)
	}
	if got, _ := fs.GetLock(as(einstein), ref(p)); got != nil {
		t.Fatalf("an expired lock is shown: %v", got)
	}
	if err := put(t, fs, as(einstein), p, "v2", -1); err != nil {
		t.Fatalf("write under an expired lock: %v", err)
	}
}
