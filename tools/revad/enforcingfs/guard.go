package enforcingfs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	rpc "github.com/cs3org/go-cs3apis/cs3/rpc/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
	tusd "github.com/tus/tusd/pkg/handler"
)

// guardFS gives a local driver the write safety production storage (EOS)
// has and Reva's local drivers lack:
//
//   - uploads honour if_match (etag) and if_not_exist, checked when the
//     upload is initiated and again, atomically, when it is committed;
//   - an upload never replaces a folder (localfs "archives" the existing
//     destination as a revision, folder and all, and renames the file over);
//   - a simple PUT whose body stops short is discarded, not committed
//     (localfs's WriteChunk takes io.ErrUnexpectedEOF as the end);
//   - a move checks its source before its destination, and never replaces
//     an existing destination;
//   - CS3 locks (SetLock, GetLock, RefreshLock, Unlock) with expiry, and
//     writes, moves, deletes and metadata changes that do not carry the
//     holder's lock id are refused with CODE_LOCKED.
//
// "Atomically" means under one process-wide mutex that every guarded
// operation takes: the gRPC storage providers and the HTTP data providers
// are separate driver instances inside one revad process, over the same
// files. Methods not overridden here pass straight through.
type guardFS struct {
	storage.FS
	// home is true for a driver whose paths are relative to the caller's
	// home (localhome); keys then get the home prepended.
	home bool
}

// writeMu serialises every check-then-act of the guarded drivers.
var writeMu sync.Mutex

func newGuard(inner storage.FS, home bool) *guardFS {
	return &guardFS{FS: inner, home: home}
}

// key names p (in the driver's namespace) the same way for every guarded
// driver over the same data: "/<owner>/<path>".
func (g *guardFS) key(ctx context.Context, p string) (string, error) {
	p = path.Join("/", p)
	if !g.home {
		return p, nil
	}
	home, err := g.FS.GetHome(ctx)
	if err != nil {
		return "", err
	}
	return path.Join("/", home, p), nil
}

// resolveRef returns the path ref points to in fs's namespace.
func resolveRef(ctx context.Context, fs storage.FS, ref *provider.Reference) (string, error) {
	if id := ref.GetResourceId(); id != nil {
		base, err := fs.GetPathByID(ctx, id)
		if err != nil {
			return "", err
		}
		return path.Join("/", path.Join(base, path.Join("/", ref.GetPath()))), nil
	}
	if ref.GetPath() == "" {
		return "", errtypes.BadRequest("enforcingfs: reference without id or path")
	}
	return path.Join("/", ref.GetPath()), nil
}

func (g *guardFS) where(ctx context.Context, ref *provider.Reference) (string, string, error) {
	p, err := resolveRef(ctx, g.FS, ref)
	if err != nil {
		return "", "", err
	}
	k, err := g.key(ctx, p)
	return p, k, err
}

// stat returns the resource at p, or nil when there is none.
func (g *guardFS) stat(ctx context.Context, p string) (*provider.ResourceInfo, error) {
	info, err := g.FS.GetMD(ctx, &provider.Reference{Path: p}, nil)
	if err != nil {
		if _, missing := err.(errtypes.IsNotFound); missing {
			return nil, nil
		}
		return nil, err
	}
	return info, nil
}

// refusal is a write refused for a precondition, with its CS3 code and the
// HTTP status the tus data server answers with.
type refusal struct {
	code rpc.Code
	msg  string
}

func (r refusal) Error() string { return "enforcingfs: " + r.msg }

func (r refusal) httpStatus() int {
	switch r.code {
	case rpc.Code_CODE_LOCKED:
		return http.StatusLocked
	case rpc.Code_CODE_ABORTED:
		return http.StatusPreconditionFailed
	default:
		return http.StatusConflict
	}
}

// grpcError records r's code for the interceptor and returns an error type
// Reva's provider knows (so it answers with a failure at all).
func (r refusal) grpcError(ctx context.Context) error {
	return refuse(ctx, r.code, errtypes.Conflict(r.Error()))
}

func sameEtag(a, b string) bool {
	return strings.Trim(a, `"`) == strings.Trim(b, `"`)
}

// admitWrite decides whether a file may be written at p (key k) with the
// given intent. Call with writeMu held.
func (g *guardFS) admitWrite(ctx context.Context, p, k string, in intent) error {
	info, err := g.stat(ctx, p)
	if err != nil {
		return err
	}
	exists := info != nil
	if !exists {
		// localfs would accept the upload and fail only when renaming it
		// into a folder that is not there (an INTERNAL error after all
		// the bytes were sent).
		dir, err := g.stat(ctx, path.Dir(p))
		if err != nil {
			return err
		}
		if dir == nil || dir.GetType() != provider.ResourceType_RESOURCE_TYPE_CONTAINER {
			return refusal{rpc.Code_CODE_NOT_FOUND, "no folder " + path.Dir(p)}
		}
	}
	switch {
	case exists && info.GetType() == provider.ResourceType_RESOURCE_TYPE_CONTAINER:
		return refusal{rpc.Code_CODE_ALREADY_EXISTS, p + " is a folder; an upload never replaces a folder"}
	case in.ifNotExist && exists:
		return refusal{rpc.Code_CODE_ALREADY_EXISTS, p + " exists"}
	case in.ifMatch != "" && !exists:
		return refusal{rpc.Code_CODE_ABORTED, p + " was deleted (if_match " + in.ifMatch + ")"}
	case in.ifMatch != "" && !sameEtag(info.GetEtag(), in.ifMatch):
		return refusal{rpc.Code_CODE_ABORTED, fmt.Sprintf("%s changed: etag %s, if_match %s", p, info.GetEtag(), in.ifMatch)}
	}
	return locks.admit(k, in.lockID, false)
}

// uploadIntents remembers, per upload id, what InitiateUpload was asked to
// ensure, for the commit that happens later in the data server (another
// driver instance of the same process). Kept in memory: an upload
// initiated before a restart commits with no precondition but the folder
// and lock checks.
var (
	intentsMu     sync.Mutex
	uploadIntents = map[string]intent{}
)

func (g *guardFS) InitiateUpload(ctx context.Context, ref *provider.Reference, uploadLength int64, metadata map[string]string) (map[string]string, error) {
	p, k, err := g.where(ctx, ref)
	if err != nil {
		return nil, err
	}
	in := intentFrom(ctx)
	writeMu.Lock()
	err = g.admitWrite(ctx, p, k, in)
	writeMu.Unlock()
	if r, ok := err.(refusal); ok {
		return nil, r.grpcError(ctx)
	} else if err != nil {
		return nil, err
	}
	ids, err := g.FS.InitiateUpload(ctx, ref, uploadLength, metadata)
	if err != nil {
		return nil, err
	}
	intentsMu.Lock()
	for _, id := range ids {
		uploadIntents[id] = in
	}
	intentsMu.Unlock()
	return ids, nil
}

type uploadStore interface {
	GetUpload(ctx context.Context, id string) (tusd.Upload, error)
}

// commit finishes upload after checking, under writeMu, what InitiateUpload
// checked. A refused upload is removed: it can never be committed.
func (g *guardFS) commit(ctx context.Context, up tusd.Upload) error {
	info, err := up.GetInfo(ctx)
	if err != nil {
		return err
	}
	// tusd calls the store with context.Background(); the upload records
	// who started it, which localhome needs to find the home.
	uctx := appctx.ContextSetUser(ctx, &userpb.User{
		Id:       &userpb.UserId{Idp: info.Storage["Idp"], OpaqueId: info.Storage["UserId"]},
		Username: info.Storage["UserName"],
	})
	p := path.Join("/", info.MetaData["dir"], info.MetaData["filename"])
	k, err := g.key(uctx, p)
	if err != nil {
		return err
	}
	intentsMu.Lock()
	in := uploadIntents[info.ID]
	delete(uploadIntents, info.ID)
	intentsMu.Unlock()
	writeMu.Lock()
	defer writeMu.Unlock()
	if err := g.admitWrite(uctx, p, k, in); err != nil {
		terminate(ctx, up)
		return err
	}
	return up.FinishUpload(ctx)
}

func terminate(ctx context.Context, up tusd.Upload) {
	if t, ok := up.(tusd.TerminatableUpload); ok {
		_ = t.Terminate(ctx)
	}
}

// Upload is the data server's simple PUT: the body is written to the
// upload area and committed only if it is complete.
func (g *guardFS) Upload(ctx context.Context, ref *provider.Reference, r io.ReadCloser, metadata map[string]string) error {
	store, ok := g.FS.(uploadStore)
	if !ok {
		return errtypes.NotSupported("enforcingfs: the wrapped driver keeps no uploads")
	}
	up, err := store.GetUpload(ctx, strings.TrimPrefix(ref.GetPath(), "/"))
	if err != nil {
		return errtypes.NotFound("enforcingfs: no upload " + ref.GetPath())
	}
	info, err := up.GetInfo(ctx)
	if err != nil {
		return err
	}
	if info.Offset != 0 {
		return errtypes.Conflict("enforcingfs: upload already has data")
	}
	n, err := up.WriteChunk(ctx, 0, io.LimitReader(r, info.Size))
	if err != nil || n != info.Size {
		// localfs's WriteChunk takes a body that stopped early
		// (io.ErrUnexpectedEOF) as complete; committing it would replace
		// the file with a part of the new one.
		terminate(ctx, up)
		if err == nil {
			err = errtypes.BadRequest(fmt.Sprintf("enforcingfs: body ended after %d of %d bytes", n, info.Size))
		}
		return err
	}
	if err := g.commit(ctx, up); err != nil {
		if r, ok := err.(refusal); ok {
			// The simple data server maps only Conflict to a 4xx (409).
			return errtypes.Conflict(r.Error())
		}
		return err
	}
	return nil
}

// UseIn lets the wrapped driver set up tus, then routes every upload's
// completion through commit.
func (g *guardFS) UseIn(composer *tusd.StoreComposer) {
	inner, ok := g.FS.(composable)
	if !ok {
		return
	}
	inner.UseIn(composer)
	if composer.Core != nil {
		composer.UseCore(commitCore{DataStore: composer.Core, g: g})
	}
	if composer.Terminater != nil {
		composer.UseTerminater(unwrapTerminater{composer.Terminater})
	}
}

type commitCore struct {
	tusd.DataStore
	g *guardFS
}

func (c commitCore) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	up, err := c.DataStore.NewUpload(ctx, info)
	if err != nil {
		return nil, err
	}
	return guardedUpload{Upload: up, g: c.g}, nil
}

func (c commitCore) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	up, err := c.DataStore.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	return guardedUpload{Upload: up, g: c.g}, nil
}

type guardedUpload struct {
	tusd.Upload
	g *guardFS
}

func (u guardedUpload) FinishUpload(ctx context.Context) error {
	err := u.g.commit(ctx, u.Upload)
	if r, ok := err.(refusal); ok {
		return tusd.NewHTTPError(r, r.httpStatus())
	}
	return err
}

// unwrapTerminater hands the driver its own upload type back (localfs
// asserts it).
type unwrapTerminater struct{ tusd.TerminaterDataStore }

func (t unwrapTerminater) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	if g, ok := up.(guardedUpload); ok {
		up = g.Upload
	}
	return t.TerminaterDataStore.AsTerminatableUpload(up)
}

// lockedAgainst returns the lock refusal for writing k (and, for a folder,
// anything below it) without the holder's lock id.
func (g *guardFS) lockedAgainst(ctx context.Context, ref *provider.Reference) (string, string, error) {
	p, k, err := g.where(ctx, ref)
	if err != nil {
		return "", "", err
	}
	if err := locks.admit(k, intentFrom(ctx).lockID, true); err != nil {
		return "", "", err.(refusal).grpcError(ctx)
	}
	return p, k, nil
}

func (g *guardFS) Delete(ctx context.Context, ref *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	_, k, err := g.lockedAgainst(ctx, ref)
	if err != nil {
		return err
	}
	if err := g.FS.Delete(ctx, ref); err != nil {
		return err
	}
	locks.drop(k)
	return nil
}

func (g *guardFS) Move(ctx context.Context, oldRef, newRef *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	src, srcKey, err := g.where(ctx, oldRef)
	if err != nil {
		return err
	}
	// The source first: a move whose source is missing touches nothing.
	if info, err := g.stat(ctx, src); err != nil {
		return err
	} else if info == nil {
		return errtypes.NotFound(src)
	}
	// Then the source's lock, so a refused move has not made the caller
	// clear the destination first.
	if _, _, err := g.lockedAgainst(ctx, oldRef); err != nil {
		return err
	}
	dst, dstKey, err := g.where(ctx, newRef)
	if err != nil {
		return err
	}
	if info, err := g.stat(ctx, dst); err != nil {
		return err
	} else if info != nil {
		// os.Rename would replace a file (and an empty folder) silently.
		return refusal{rpc.Code_CODE_ALREADY_EXISTS, dst + " exists"}.grpcError(ctx)
	}
	if src == dst || strings.HasPrefix(dst, src+"/") {
		return errtypes.BadRequest("enforcingfs: cannot move a folder into itself")
	}
	if err := g.FS.Move(ctx, oldRef, newRef); err != nil {
		return err
	}
	locks.rename(srcKey, dstKey)
	return nil
}

func (g *guardFS) SetArbitraryMetadata(ctx context.Context, ref *provider.Reference, md *provider.ArbitraryMetadata) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	if _, _, err := g.lockedAgainst(ctx, ref); err != nil {
		return err
	}
	return g.FS.SetArbitraryMetadata(ctx, ref, md)
}

func (g *guardFS) UnsetArbitraryMetadata(ctx context.Context, ref *provider.Reference, keys []string) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	if _, _, err := g.lockedAgainst(ctx, ref); err != nil {
		return err
	}
	return g.FS.UnsetArbitraryMetadata(ctx, ref, keys)
}

func (g *guardFS) RestoreRevision(ctx context.Context, ref *provider.Reference, key string) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	if _, _, err := g.lockedAgainst(ctx, ref); err != nil {
		return err
	}
	return g.FS.RestoreRevision(ctx, ref, key)
}

// RestoreRecycleItem: localfs checks that the target is free and then
// renames onto it; under writeMu no upload can land in between.
func (g *guardFS) RestoreRecycleItem(ctx context.Context, basePath, key, relativePath string, restoreRef *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	return g.FS.RestoreRecycleItem(ctx, basePath, key, relativePath, restoreRef)
}

func (g *guardFS) CreateDir(ctx context.Context, ref *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	return g.FS.CreateDir(ctx, ref)
}

func (g *guardFS) TouchFile(ctx context.Context, ref *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	p, _, err := g.where(ctx, ref)
	if err != nil {
		return err
	}
	if info, err := g.stat(ctx, p); err != nil {
		return err
	} else if info != nil {
		return refusal{rpc.Code_CODE_ALREADY_EXISTS, p + " exists"}.grpcError(ctx)
	}
	return g.FS.TouchFile(ctx, ref)
}

var _ storage.FS = (*guardFS)(nil)
