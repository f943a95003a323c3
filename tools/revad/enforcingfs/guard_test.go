package enforcingfs

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	typepb "github.com/cs3org/go-cs3apis/cs3/types/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
	tusd "github.com/tus/tusd/pkg/handler"
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

// putAs uploads body to p as u through InitiateUpload and the simple PUT,
// sending only the first n bytes (the whole body for n < 0) and holder as
// the PUT's X-Lock-Holder (none when empty).
func putAs(t *testing.T, fs storage.FS, u *userpb.User, p, body string, n int, holder string) error {
	t.Helper()
	ids, err := fs.InitiateUpload(as(u), ref(p), int64(len(body)), nil)
	if err != nil {
		return err
	}
	if n < 0 {
		n = len(body)
	}
	md := map[string]string{}
	if holder != "" {
		md["lockholder"] = holder
	}
	return fs.Upload(as(u), ref(ids["simple"]), io.NopCloser(strings.NewReader(body[:n])), md)
}

func put(t *testing.T, fs storage.FS, p, body string) {
	t.Helper()
	if err := putAs(t, fs, einstein, p, body, -1, ""); err != nil {
		t.Fatalf("put %s: %v", p, err)
	}
}

func read(t *testing.T, fs storage.FS, p string) string {
	t.Helper()
	r, err := download(as(einstein), fs, ref(p))
	if err != nil {
		t.Fatalf("download %s: %v", p, err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func isConflict(err error) bool {
	_, ok := err.(errtypes.Conflict)
	return ok
}

func inAMinute() *typepb.Timestamp {
	return &typepb.Timestamp{Seconds: uint64(time.Now().Add(time.Minute).Unix())}
}

func TestOnlySimpleUploadsAreOffered(t *testing.T) {
	fs := guarded(t)
	ids, err := fs.InitiateUpload(as(einstein), ref("/einstein/proj/a.txt"), 1, nil)
	if err != nil || len(ids) != 1 || ids["simple"] == "" {
		t.Fatalf("protocols: %v %v", ids, err)
	}
	if _, ok := fs.(interface{ UseIn(*tusd.StoreComposer) }); ok {
		t.Fatal("the driver offers tus")
	}
}

func TestShortBodyIsNeverCommitted(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/keep.txt"
	put(t, fs, p, "old content")
	if err := putAs(t, fs, einstein, p, "new content, longer", 5, ""); err == nil || isConflict(err) {
		t.Fatalf("a short body: %v", err)
	}
	if got := read(t, fs, p); got != "old content" {
		t.Fatalf("content %q", got)
	}
}

// EOS refuses when it opens the write: onto a folder (500 through Reva),
// into a missing folder (409). The upload is initiated all the same.
func TestUploadRefusalsAreEOSs(t *testing.T) {
	fs := guarded(t)
	err := putAs(t, fs, einstein, "/einstein/proj", "file", -1, "")
	if _, ok := err.(errtypes.InternalError); !ok {
		t.Fatalf("upload over a folder: %v", err)
	}
	if info, err := fs.GetMD(as(einstein), ref("/einstein/proj"), nil); err != nil || info.GetType() != provider.ResourceType_RESOURCE_TYPE_CONTAINER {
		t.Fatalf("the folder: %v %v", info, err)
	}
	if err := putAs(t, fs, einstein, "/einstein/missing/x", "file", -1, ""); !isConflict(err) {
		t.Fatalf("upload into a missing folder: %v", err)
	}
}

func TestMoveRenamesAsEOSDoes(t *testing.T) {
	fs := guarded(t)
	put(t, fs, "/einstein/proj/dst.txt", "precious")
	put(t, fs, "/einstein/proj/src.txt", "other")
	if err := fs.Move(as(einstein), ref("/einstein/proj/typo.txt"), ref("/einstein/proj/dst.txt")); err == nil {
		t.Fatal("moved a missing source")
	}
	var br errtypes.BadRequest
	if err := fs.Move(as(einstein), ref("/einstein/proj/src.txt"), ref("/einstein/proj/dst.txt")); !errors.As(err, &br) {
		t.Fatalf("move onto an existing file: %v", err)
	}
	if got := read(t, fs, "/einstein/proj/dst.txt"); got != "precious" {
		t.Fatalf("content %q", got)
	}
	if err := fs.Move(as(einstein), ref("/einstein/proj"), ref("/einstein/proj/deeper")); err == nil {
		t.Fatal("moved a folder into itself")
	}
	if err := fs.Move(as(einstein), ref("/einstein/proj/src.txt"), ref("/einstein/proj/src.txt")); err != nil {
		t.Fatalf("move onto itself: %v", err)
	}
	// Onto an existing folder: into it.
	if err := fs.Move(as(einstein), ref("/einstein/proj/src.txt"), ref("/einstein/private")); err != nil {
		t.Fatalf("move onto a folder: %v", err)
	}
	if got := read(t, fs, "/einstein/private/src.txt"); got != "other" {
		t.Fatalf("moved content %q", got)
	}
}

// EOS compares the writer's user and app with the lock's owner; * matches
// anyone, and the app of a write is the encoded X-Lock-Holder.
func TestLockedFileIsWrittenByItsUserAndAppOnly(t *testing.T) {
	fs := guarded(t)
	if err := fs.AddGrant(as(einstein), ref("/einstein/proj"), userGrant(marie, editor)); err != nil {
		t.Fatal(err)
	}
	p := "/einstein/proj/locked.txt"
	put(t, fs, p, "v1")
	lock := &provider.Lock{LockId: "L1", Type: provider.LockType_LOCK_TYPE_WRITE,
		User: einstein.Id, AppName: "Jupyter Lab", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), lock); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who    *userpb.User
		holder string
		ok     bool
	}{
		{einstein, "Jupyter Lab", true},
		{einstein, "jupyter lab", true}, // encoded: lower case, _ for spaces
		{einstein, "", false},
		{einstein, "other", false},
		{marie, "Jupyter Lab", false},
	} {
		err := putAs(t, fs, c.who, p, "v2", -1, c.holder)
		if c.ok != (err == nil) || (err != nil && !isConflict(err)) {
			t.Fatalf("%s with holder %q: %v", c.who.Username, c.holder, err)
		}
	}
	// An app-only lock: anybody writing with the app.
	if err := fs.Unlock(as(einstein), ref(p), lock); err != nil {
		t.Fatal(err)
	}
	appOnly := &provider.Lock{LockId: "L2", AppName: "wopi", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), appOnly); err != nil {
		t.Fatal(err)
	}
	if err := putAs(t, fs, marie, p, "v3", -1, "wopi"); err != nil {
		t.Fatalf("app-only lock, its app: %v", err)
	}
	if err := putAs(t, fs, einstein, p, "v4", -1, ""); !isConflict(err) {
		t.Fatalf("app-only lock, no holder: %v", err)
	}
	if got := read(t, fs, p); got != "v3" {
		t.Fatalf("content %q", got)
	}
}

// EOS checks app locks when a file is opened and when the lock attribute
// is set, nothing else: a locked file can be moved, changed in metadata and
// deleted by anyone allowed to, and its folder is not locked.
func TestLocksDoNotBlockNamespaceOperations(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/doc.txt"
	put(t, fs, p, "v1")
	theirs := &provider.Lock{LockId: "M", User: marie.Id, AppName: "x", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), theirs); err != nil {
		t.Fatal(err)
	}
	if err := fs.SetArbitraryMetadata(as(einstein), ref(p), &provider.ArbitraryMetadata{Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	put(t, fs, "/einstein/proj/other.txt", "in the folder")
	if err := fs.Move(as(einstein), ref(p), ref(p+".moved")); err != nil {
		t.Fatalf("move: %v", err)
	}
	if got, err := fs.GetLock(as(einstein), ref(p+".moved")); err != nil || got.GetLockId() != "M" {
		t.Fatalf("the lock did not follow the file: %v %v", got, err)
	}
	if err := fs.Delete(as(einstein), ref(p+".moved")); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

func TestGetLockWithoutALockIsNotFound(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/free.txt"
	put(t, fs, p, "v1")
	var nf errtypes.IsNotFound
	if l, err := fs.GetLock(as(einstein), ref(p)); !errors.As(err, &nf) {
		t.Fatalf("unlocked: %v %v", l, err)
	}
	past := &typepb.Timestamp{Seconds: uint64(time.Now().Add(-time.Second).Unix())}
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "old", Expiration: past}); err != nil {
		t.Fatal(err)
	}
	// The EOS driver lists the lock attribute as it is, expired or not,
	// until GetLock removes an expired one.
	if info, err := fs.GetMD(as(einstein), ref(p), nil); err != nil || info.GetLock().GetLockId() != "old" {
		t.Fatalf("listed lock: %v %v", info.GetLock(), err)
	}
	if l, err := fs.GetLock(as(einstein), ref(p)); !errors.As(err, &nf) {
		t.Fatalf("expired: %v %v", l, err)
	}
	if info, _ := fs.GetMD(as(einstein), ref(p), nil); info.GetLock() != nil {
		t.Fatalf("removed lock still listed: %v", info.GetLock())
	}
	if err := putAs(t, fs, einstein, p, "v2", -1, ""); err != nil {
		t.Fatalf("write under an expired lock: %v", err)
	}
}

// The EOS driver sets (and refreshes) the lock attribute as root with the
// new lock's app: EOS lets that replace a live lock only when the lock
// names no user and the same app.
func TestSetLockOverALiveLock(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/l.txt"
	put(t, fs, p, "v1")
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "S", Type: provider.LockType_LOCK_TYPE_SHARED, Expiration: inAMinute()}); err == nil {
		t.Fatal("a shared lock was set")
	}
	app := &provider.Lock{LockId: "A1", AppName: "wopi", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), app); err != nil {
		t.Fatal(err)
	}
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "A2", AppName: "wopi", Expiration: inAMinute()}); err != nil {
		t.Fatalf("same app again: %v", err)
	}
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "B", AppName: "other", Expiration: inAMinute()}); !isConflict(err) {
		t.Fatalf("another app: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), &provider.Lock{LockId: "A2", AppName: "wopi"}); err != nil {
		t.Fatal(err)
	}
	mine := &provider.Lock{LockId: "U", User: einstein.Id, AppName: "wopi", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), mine); err != nil {
		t.Fatal(err)
	}
	if err := fs.SetLock(as(einstein), ref(p), mine); !isConflict(err) {
		t.Fatalf("a user's lock set again: %v", err)
	}
}

func TestRefreshAndUnlockAnswerAsTheEOSDriver(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/r.txt"
	put(t, fs, p, "v1")
	var br errtypes.BadRequest
	if err := fs.RefreshLock(as(einstein), ref(p), &provider.Lock{LockId: "X", Expiration: inAMinute()}, ""); !errors.As(err, &br) {
		t.Fatalf("refresh without a lock: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), &provider.Lock{LockId: "X"}); !errors.As(err, &br) {
		t.Fatalf("unlock without a lock: %v", err)
	}
	app := &provider.Lock{LockId: "A", AppName: "wopi", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), app); err != nil {
		t.Fatal(err)
	}
	if err := fs.RefreshLock(as(einstein), ref(p), &provider.Lock{LockId: "A", AppName: "other", Expiration: inAMinute()}, ""); !errors.As(err, &br) {
		t.Fatalf("refresh by another holder: %v", err)
	}
	if err := fs.RefreshLock(as(einstein), ref(p), app, "wrong"); !errors.As(err, &br) {
		t.Fatalf("refresh with another existing id: %v", err)
	}
	later := &provider.Lock{LockId: "A", AppName: "wopi", Expiration: &typepb.Timestamp{Seconds: inAMinute().Seconds + 60}}
	if err := fs.RefreshLock(as(einstein), ref(p), later, "A"); err != nil {
		t.Fatalf("refresh by the holder: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), &provider.Lock{LockId: "wrong", AppName: "wopi"}); !errors.As(err, &br) {
		t.Fatalf("unlock with another id: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), &provider.Lock{LockId: "A"}); !errors.As(err, &br) {
		t.Fatalf("unlock without the app: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), &provider.Lock{LockId: "A", AppName: "wopi"}); err != nil {
		t.Fatal(err)
	}
	// A lock naming a user cannot be refreshed: EOS refuses the attribute
	// to root (a Conflict, CODE_INTERNAL from RefreshLock).
	mine := &provider.Lock{LockId: "U", User: einstein.Id, AppName: "wopi", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), mine); err != nil {
		t.Fatal(err)
	}
	if err := fs.RefreshLock(as(einstein), ref(p), mine, "U"); !isConflict(err) {
		t.Fatalf("refresh of a user's lock: %v", err)
	}
}

func TestListingsReportLocks(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/shown.txt"
	put(t, fs, p, "v1")
	if err := fs.SetLock(as(einstein), ref(p), &provider.Lock{LockId: "L", AppName: "a", Expiration: inAMinute()}); err != nil {
		t.Fatal(err)
	}
	list, err := fs.ListFolder(as(einstein), ref("/einstein/proj"), nil)
	if err != nil || len(list) != 1 || list[0].GetLock().GetLockId() != "L" {
		t.Fatalf("listing: %v %v", list, err)
	}
}

func TestFolderSizesAreTreeSizes(t *testing.T) {
	fs := guarded(t)
	put(t, fs, "/einstein/proj/a.txt", "abc")
	if err := fs.CreateDir(as(einstein), ref("/einstein/proj/sub")); err != nil {
		t.Fatal(err)
	}
	put(t, fs, "/einstein/proj/sub/b.txt", "defgh")
	info, err := fs.GetMD(as(einstein), ref("/einstein/proj"), nil)
	if err != nil || info.GetSize() != 8 {
		t.Fatalf("folder size: %v %v", info.GetSize(), err)
	}
	list, err := fs.ListFolder(as(einstein), ref("/einstein/proj"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]uint64{}
	for _, i := range list {
		sizes[filepath.Base(i.GetPath())] = i.GetSize()
	}
	if sizes["a.txt"] != 3 || sizes["sub"] != 5 {
		t.Fatalf("listed sizes: %v", sizes)
	}
}

// cs3w-localhome over the same data: a lock set through one driver holds
// through the other, and it offers simple uploads only.
func TestHomeDriverSharesLocks(t *testing.T) {
	locks.mu.Lock()
	locks.locks = map[string]*provider.Lock{}
	locks.mu.Unlock()
	root := t.TempDir()
	users, err := New(context.Background(), map[string]interface{}{"root": root})
	if err != nil {
		t.Fatal(err)
	}
	defer users.Shutdown(context.Background())
	home, err := NewHome(context.Background(), map[string]interface{}{"root": root, "user_layout": "{{.Username}}"})
	if err != nil {
		t.Fatal(err)
	}
	defer home.Shutdown(context.Background())
	if err := home.CreateHome(as(einstein)); err != nil {
		t.Fatal(err)
	}
	ids, err := home.InitiateUpload(as(einstein), ref("/f.txt"), 2, nil)
	if err != nil || len(ids) != 1 {
		t.Fatalf("home protocols: %v %v", ids, err)
	}
	if err := home.Upload(as(einstein), ref(ids["simple"]), io.NopCloser(strings.NewReader("hi")), nil); err != nil {
		t.Fatal(err)
	}
	lock := &provider.Lock{LockId: "H", AppName: "a", Expiration: inAMinute()}
	if err := home.SetLock(as(einstein), ref("/f.txt"), lock); err != nil {
		t.Fatal(err)
	}
	if got, err := users.GetLock(as(einstein), ref("/einstein/f.txt")); err != nil || got.GetLockId() != "H" {
		t.Fatalf("through /users: %v %v", got, err)
	}
}

// A PUT refused when EOS would open the write wrote nothing: the same
// endpoint takes a PUT once the lock is gone.
func TestRefusedPutLeavesTheEndpointUsable(t *testing.T) {
	fs := guarded(t)
	p := "/einstein/proj/retry.txt"
	put(t, fs, p, "v1")
	lock := &provider.Lock{LockId: "R", AppName: "a", Expiration: inAMinute()}
	if err := fs.SetLock(as(einstein), ref(p), lock); err != nil {
		t.Fatal(err)
	}
	ids, err := fs.InitiateUpload(as(einstein), ref(p), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Upload(as(einstein), ref(ids["simple"]), io.NopCloser(strings.NewReader("v2")), nil); !isConflict(err) {
		t.Fatalf("PUT under a foreign lock: %v", err)
	}
	if err := fs.Unlock(as(einstein), ref(p), lock); err != nil {
		t.Fatal(err)
	}
	if err := fs.Upload(as(einstein), ref(ids["simple"]), io.NopCloser(strings.NewReader("v2")), nil); err != nil {
		t.Fatalf("PUT after unlock: %v", err)
	}
	if got := read(t, fs, p); got != "v2" {
		t.Fatalf("content %q", got)
	}
}
