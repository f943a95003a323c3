package enforcingfs

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
	tusd "github.com/tus/tusd/pkg/handler"
)

// guardFS makes a local driver answer as CERNBox's storage does (EOS behind
// Reva's EOS driver) where the local driver differs in a way a client sees.
// Each behaviour, with its source in EOS or Reva, is in FIDELITY.md:
//
//   - InitiateUpload offers only the "simple" protocol, and the driver has
//     no tus data endpoint (the EOS driver implements neither);
//   - a simple PUT is refused as EOS refuses the write it opens: into a
//     missing folder, onto a folder, or onto a file whose app lock is
//     foreign to the writing user and lock holder (locks.go); a body that
//     stops short is never committed;
//   - a move is a rename as EOS does it (into an existing folder, never
//     over an existing file, never a folder into itself);
//   - CS3 locks (locks.go), reported with every entry;
//   - a folder's size is the size of its tree.
//
// The gRPC storage providers and the HTTP data providers are separate
// driver instances inside one revad process, over the same files; writeMu
// makes every check of a write and the write itself one step for all of
// them. Methods not overridden here pass straight through.
type guardFS struct {
	storage.FS
	// home is true for a driver whose paths are relative to the caller's
	// home (localhome); keys then get the home prepended.
	home bool
	// data is the wrapped driver's data directory on disk (<root>/data),
	// where a key names a file as <data><key>.
	data string
}

// writeMu serialises every check-then-act of the guarded drivers.
var writeMu sync.Mutex

func newGuard(inner storage.FS, home bool, root string) *guardFS {
	return &guardFS{FS: inner, home: home, data: filepath.Join(root, "data")}
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

func isFolder(info *provider.ResourceInfo) bool {
	return info.GetType() == provider.ResourceType_RESOURCE_TYPE_CONTAINER
}

// InitiateUpload offers the simple protocol only, as the EOS driver does
// (its InitiateUpload returns {"simple": <path>}); the upload id of the
// local driver stays the simple endpoint. Nothing is checked here: EOS
// decides when the data is written.
func (g *guardFS) InitiateUpload(ctx context.Context, ref *provider.Reference, uploadLength int64, metadata map[string]string) (map[string]string, error) {
	ids, err := g.FS.InitiateUpload(ctx, ref, uploadLength, metadata)
	if err != nil {
		return nil, err
	}
	id, ok := ids["simple"]
	if !ok {
		return nil, errtypes.NotSupported("enforcingfs: the wrapped driver offers no simple upload")
	}
	return map[string]string{"simple": id}, nil
}

type uploadStore interface {
	GetUpload(ctx context.Context, id string) (tusd.Upload, error)
}

func terminate(ctx context.Context, up tusd.Upload) {
	if t, ok := up.(tusd.TerminatableUpload); ok {
		_ = t.Terminate(ctx)
	}
}

// admitOpen is what EOS decides when a write of the file p (key k) is
// opened, before it takes any byte (EOS HttpHandler::Put and
// XrdMgmOfsFile::open; Reva's EOS HTTP client maps 409 to Conflict, the
// rest to an internal error):
//   - no parent folder: ENOENT, HTTP 409, Conflict;
//   - p is a folder: the file cannot be created (EEXIST), HTTP 500;
//   - a live app lock on p foreign to who and app: Conflict (HTTP 409 from
//     EOS 5.2.15 to 5.3.14; see FIDELITY.md).
func (g *guardFS) admitOpen(ctx context.Context, p, k, who, app string) error {
	dir, err := g.stat(ctx, path.Dir(p))
	if err != nil {
		return err
	}
	if dir == nil {
		return errtypes.Conflict("enforcingfs: open file - no folder " + path.Dir(p))
	}
	if !isFolder(dir) {
		return errtypes.InternalError("enforcingfs: open file - " + path.Dir(p) + " is not a folder")
	}
	info, err := g.stat(ctx, p)
	if err != nil {
		return err
	}
	if info == nil {
		return nil
	}
	if isFolder(info) {
		return errtypes.InternalError("enforcingfs: create file - " + p + " is a folder")
	}
	return locks.admitWrite(k, who, app)
}

// Upload is the data server's simple PUT (the data server hands the PUT's
// X-Lock-Holder in metadata["lockholder"]). The body goes to the local
// driver's upload area and is committed only when it is complete, as EOS
// commits nothing of a PUT whose body stops short.
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
		return errtypes.InternalError("enforcingfs: upload already has data")
	}
	// The upload records who started it, which localhome needs to find the
	// home; the writer is whoever sends the PUT.
	owner := &userpb.User{
		Id:       &userpb.UserId{Idp: info.Storage["Idp"], OpaqueId: info.Storage["UserId"]},
		Username: info.Storage["UserName"],
	}
	writer := owner
	if u, ok := appctx.ContextGetUser(ctx); ok && u.GetId() != nil {
		writer = u
	}
	app := writeApp
	if holder := metadata["lockholder"]; holder != "" {
		app = encodeAppName(holder)
	}
	uctx := appctx.ContextSetUser(ctx, owner)
	p := path.Join("/", info.MetaData["dir"], info.MetaData["filename"])
	k, err := g.key(uctx, p)
	if err != nil {
		return err
	}
	writeMu.Lock()
	err = g.admitOpen(uctx, p, k, writer.GetId().GetOpaqueId(), app)
	writeMu.Unlock()
	if err != nil {
		// Nothing was written: the endpoint stays usable, as EOS's (the
		// file's path) does, for a PUT once the lock is gone.
		return err
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
	writeMu.Lock()
	defer writeMu.Unlock()
	// localfs's FinishUpload "archives" whatever is at p, a folder too,
	// and renames the upload over it: a folder made meanwhile stays.
	if cur, err := g.stat(uctx, p); err != nil {
		terminate(ctx, up)
		return err
	} else if isFolder(cur) {
		terminate(ctx, up)
		return errtypes.InternalError("enforcingfs: create file - " + p + " is a folder")
	}
	return up.FinishUpload(ctx)
}

// moveTarget is where EOS puts src when asked to rename it to dst: into
// dst when dst is an existing folder (EOS _rename appends the name).
func (g *guardFS) moveTarget(ctx context.Context, src, dst string) (string, error) {
	info, err := g.stat(ctx, dst)
	if err != nil {
		return "", err
	}
	if info != nil && isFolder(info) && src != dst {
		return path.Join(dst, path.Base(src)), nil
	}
	return dst, nil
}

// Move renames as EOS's rename does (EOS XrdMgmOfs::_rename, without
// overwrite, as its gRPC Rename calls it): the same name is a success; a
// missing source fails; a folder cannot go below itself; an existing file
// is never replaced; into an existing folder the source keeps its name, and
// an empty folder of that name there is replaced. Reva's EOS gRPC client
// reports EOS's error codes as internal errors, EEXIST as a bad request;
// the storage provider answers both with CODE_INTERNAL. A lock moves with
// its file.
func (g *guardFS) Move(ctx context.Context, oldRef, newRef *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	src, srcKey, err := g.where(ctx, oldRef)
	if err != nil {
		return err
	}
	dst, _, err := g.where(ctx, newRef)
	if err != nil {
		return err
	}
	if src == dst {
		return nil
	}
	info, err := g.stat(ctx, src)
	if err != nil {
		return err
	}
	if info == nil {
		return errtypes.InternalError("enforcingfs: rename - source does not exist")
	}
	if isFolder(info) && strings.HasPrefix(dst, src+"/") {
		return errtypes.InternalError("enforcingfs: rename - old path is subpath of new path")
	}
	target, err := g.moveTarget(ctx, src, dst)
	if err != nil {
		return err
	}
	there, err := g.stat(ctx, target)
	if err != nil {
		return err
	}
	switch {
	case there == nil:
	case !isFolder(there):
		return errtypes.BadRequest("enforcingfs: rename - target file name exists")
	case target == src:
		// A folder moved into its own parent: EOS would remove it (when
		// empty) as the folder in the way, and lose it.
		return errtypes.InternalError("enforcingfs: rename - target is the source")
	default:
		tk, err := g.key(ctx, target)
		if err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(g.data, tk)); err != nil {
			return errtypes.InternalError("enforcingfs: rename - cannot replace folder " + target)
		}
	}
	parent, err := g.stat(ctx, path.Dir(target))
	if err != nil {
		return err
	}
	if parent == nil || !isFolder(parent) {
		return errtypes.InternalError("enforcingfs: rename - no folder " + path.Dir(target))
	}
	if err := g.FS.Move(ctx, oldRef, &provider.Reference{Path: target}); err != nil {
		return err
	}
	dstKey, err := g.key(ctx, target)
	if err != nil {
		return err
	}
	locks.rename(srcKey, dstKey)
	return nil
}

// Delete forgets the locks of what it deletes (EOS keeps a lock with the
// file, which goes to the recycle bin).
func (g *guardFS) Delete(ctx context.Context, ref *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	_, k, err := g.where(ctx, ref)
	if err != nil {
		return err
	}
	if err := g.FS.Delete(ctx, ref); err != nil {
		return err
	}
	locks.drop(k)
	return nil
}

// RestoreRecycleItem: localfs checks that the target is free and then
// renames onto it; under writeMu no upload or move lands in between.
func (g *guardFS) RestoreRecycleItem(ctx context.Context, basePath, key, relativePath string, restoreRef *provider.Reference) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	return g.FS.RestoreRecycleItem(ctx, basePath, key, relativePath, restoreRef)
}

// treeSize is the number of bytes in the files below the folder k, or
// false when k is not a folder on disk (a share reference, say).
func (g *guardFS) treeSize(k string) (uint64, bool) {
	root := filepath.Join(g.data, k)
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return 0, false
	}
	var total uint64
	_ = filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished meanwhile: count what is there
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += uint64(fi.Size())
			}
		}
		return nil
	})
	return total, true
}

// withTreeSizes gives each folder in infos the size of its tree, as EOS
// reports a folder (the EOS driver's convert takes its TreeSize). Files
// cost nothing.
func (g *guardFS) withTreeSizes(ctx context.Context, infos []*provider.ResourceInfo) error {
	var base string
	for _, info := range infos {
		if !isFolder(info) {
			continue
		}
		if base == "" {
			b, err := g.key(ctx, "/")
			if err != nil {
				return err
			}
			base = b
		}
		if size, ok := g.treeSize(path.Join(base, info.GetPath())); ok {
			info.Size = size
		}
	}
	return nil
}

// GetMD reports a folder's tree size and the resource's lock.
func (g *guardFS) GetMD(ctx context.Context, ref *provider.Reference, mdKeys []string) (*provider.ResourceInfo, error) {
	info, err := g.FS.GetMD(ctx, ref, mdKeys)
	if err != nil {
		return nil, err
	}
	infos := []*provider.ResourceInfo{info}
	if err := g.withTreeSizes(ctx, infos); err != nil {
		return nil, err
	}
	return info, g.withLocks(ctx, infos)
}

// ListFolder reports tree sizes and locks the same way, per entry.
func (g *guardFS) ListFolder(ctx context.Context, ref *provider.Reference, mdKeys []string) ([]*provider.ResourceInfo, error) {
	infos, err := g.FS.ListFolder(ctx, ref, mdKeys)
	if err != nil {
		return nil, err
	}
	if err := g.withTreeSizes(ctx, infos); err != nil {
		return nil, err
	}
	return infos, g.withLocks(ctx, infos)
}

var _ storage.FS = (*guardFS)(nil)
