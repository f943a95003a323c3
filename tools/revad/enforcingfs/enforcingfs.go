// Package enforcingfs registers the storage drivers "cs3w-local" (Reva's
// "local" driver with share grants enforced) and "cs3w-localhome" (Reva's
// "localhome"), both answering uploads, moves, locks and folder sizes as
// CERNBox's EOS storage does (guard.go, locks.go). FIDELITY.md lists every
// behaviour with its source in EOS or Reva.
//
// Reva v1.29's local drivers record grants but never consult them: every
// user who is not the owner gets every permission
// (pkg/storage/utils/localfs/localfs.go, permissionSet: "TODO fix
// permissions for share recipients"). Production storage (EOS) enforces its
// ACLs itself, so a client developed against the local drivers would never
// meet a permission error it will meet in production. This wrapper closes
// the gap for development and tests:
//
//   - the owner of a path (the first segment of the driver's namespace,
//     /<username>/...) is passed straight through;
//   - anybody else gets the union of the grants made to them or to one of
//     their groups on the path and its ancestors, each operation checks the
//     permission it needs, and the ResourceInfos they get back carry that
//     union as their PermissionSet (so clients show the real role).
//
// The same driver must serve the provider's HTTP data server: that server
// reads and writes by path with the caller's token, and would otherwise be a
// way around the checks.
package enforcingfs

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	typepb "github.com/cs3org/go-cs3apis/cs3/types/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/storage"
	"github.com/cs3org/reva/pkg/storage/fs/local"
	"github.com/cs3org/reva/pkg/storage/fs/registry"
	"github.com/cs3org/reva/pkg/utils/cfg"
)

// Name is the driver name to use in the revad configuration.
const Name = "cs3w-local"

func init() {
	registry.Register(Name, New)
}

type config struct {
	// Root is the "local" driver's root; its other options pass through.
	Root string `mapstructure:"root"`
	// GrantsDB is the SQLite file holding the grants (see grantStore).
	GrantsDB string `mapstructure:"grants_db"`
}

func (c *config) ApplyDefaults() {
	if c.Root == "" {
		c.Root = "/var/tmp/reva" // the local driver's own default
	}
	if c.GrantsDB == "" {
		c.GrantsDB = path.Join(c.Root, "cs3w-grants.db")
	}
}

// New builds the local driver from the same options and wraps it.
func New(ctx context.Context, m map[string]interface{}) (storage.FS, error) {
	var c config
	if err := cfg.Decode(m, &c); err != nil {
		return nil, err
	}
	inner, err := local.New(ctx, m)
	if err != nil {
		return nil, err
	}
	grants, err := openGrantStore(c.GrantsDB)
	if err != nil {
		inner.Shutdown(ctx)
		return nil, err
	}
	g := newGuard(inner, false, c.Root)
	return &enforcingFS{inner: g, guard: g, grants: grants}, nil
}

type enforcingFS struct {
	inner storage.FS
	// guard is inner, typed; guard.FS is the local driver itself, for
	// lookups that need no folder sizes or locks.
	guard  *guardFS
	grants *grantStore
}

// caller returns the user in ctx. Without one nothing is allowed: the data
// provider serves /tus without authentication (internal/http/services/
// dataprovider/dataprovider.go, Unprotected); our drivers offer no tus, but
// nothing here may depend on that.
func caller(ctx context.Context) (*userpb.User, error) {
	u, ok := appctx.ContextGetUser(ctx)
	if !ok || u.GetId() == nil {
		return nil, errtypes.PermissionDenied("enforcingfs: no user in the request")
	}
	return u, nil
}

// resolve returns the path ref points to, computed exactly as localfs
// resolves and wraps it (so the path checked is the path accessed, also for
// ".." in a relative reference or an id).
func (f *enforcingFS) resolve(ctx context.Context, ref *provider.Reference) (string, error) {
	return resolveRef(ctx, f.inner, ref)
}

// perms returns what u may do on p, or nil when u owns p (everything: the
// wrapped driver decides).
func (f *enforcingFS) perms(ctx context.Context, u *userpb.User, p string) (*provider.ResourcePermissions, error) {
	if isOwner(u, p) {
		return nil, nil
	}
	if p == "/" {
		return rootPerms(), nil
	}
	if isLinkGuest(u) {
		return externalAccountPerms(), nil
	}
	rows, err := f.grants.onAny(ctx, lineage(p))
	if err != nil {
		return nil, err
	}
	eff := &provider.ResourcePermissions{}
	for _, r := range rows {
		if grantedTo(r.grant.GetGrantee(), u) {
			addPerms(eff, r.grant.GetPermissions())
		}
	}
	return eff, nil
}

func denied(p string, n need) error {
	return errtypes.PermissionDenied(fmt.Sprintf("enforcingfs: %s not granted on %s", n.name, p))
}

// check returns the permissions u holds on p (nil for the owner) if they
// include n, else a PermissionDenied error.
func (f *enforcingFS) check(ctx context.Context, u *userpb.User, p string, n need) (*provider.ResourcePermissions, error) {
	eff, err := f.perms(ctx, u, p)
	if err != nil {
		return nil, err
	}
	if eff != nil && !n.has(eff) {
		return nil, denied(p, n)
	}
	return eff, nil
}

// access resolves ref for the caller and checks n on it.
func (f *enforcingFS) access(ctx context.Context, ref *provider.Reference, n need) (*userpb.User, string, *provider.ResourcePermissions, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	p, err := f.resolve(ctx, ref)
	if err != nil {
		return nil, "", nil, err
	}
	eff, err := f.check(ctx, u, p, n)
	return u, p, eff, err
}

func (f *enforcingFS) require(ctx context.Context, ref *provider.Reference, n need) error {
	_, _, _, err := f.access(ctx, ref, n)
	return err
}

// checkCreate checks that u may create p: the owner may, anybody else needs
// n on the parent folder.
func (f *enforcingFS) checkCreate(ctx context.Context, u *userpb.User, p string, n need) error {
	if isOwner(u, p) {
		return nil
	}
	_, err := f.check(ctx, u, path.Dir(p), n)
	return err
}

// checkWrite checks that u may write the file p: an existing file needs
// initiate_file_upload on itself, a new one on its parent.
func (f *enforcingFS) checkWrite(ctx context.Context, u *userpb.User, p string) error {
	if isOwner(u, p) {
		return nil
	}
	if _, err := f.guard.FS.GetMD(ctx, &provider.Reference{Path: p}, nil); err != nil {
		if _, missing := err.(errtypes.IsNotFound); !missing {
			return err
		}
		return f.checkCreate(ctx, u, p, needUpload)
	}
	_, err := f.check(ctx, u, p, needUpload)
	return err
}

// present makes info tell a non-owner the truth: their own permissions, and
// the real owner (the wrapped driver reports the caller as owner).
func (f *enforcingFS) present(ctx context.Context, info *provider.ResourceInfo, eff *provider.ResourcePermissions, owner string) {
	info.PermissionSet = clonePerms(eff)
	info.Owner = f.grants.owner(ctx, owner)
}

func (f *enforcingFS) GetMD(ctx context.Context, ref *provider.Reference, mdKeys []string) (*provider.ResourceInfo, error) {
	_, p, eff, err := f.access(ctx, ref, needStat)
	if err != nil {
		return nil, err
	}
	info, err := f.inner.GetMD(ctx, ref, mdKeys)
	if err != nil || eff == nil {
		return info, err
	}
	f.present(ctx, info, eff, ownerOf(p))
	return info, nil
}

func (f *enforcingFS) ListFolder(ctx context.Context, ref *provider.Reference, mdKeys []string) ([]*provider.ResourceInfo, error) {
	u, p, eff, err := f.access(ctx, ref, needList)
	if err != nil {
		return nil, err
	}
	infos, err := f.inner.ListFolder(ctx, ref, mdKeys)
	if err != nil || eff == nil {
		return infos, err
	}
	rows, err := f.grants.children(ctx, p)
	if err != nil {
		return nil, err
	}
	// Children inherit the folder's permissions and add their own grants.
	// The root's traverse-only permissions are not inherited: the homes
	// below it belong to their owners.
	inherited := eff
	if p == "/" {
		inherited = &provider.ResourcePermissions{}
	}
	own := map[string]*provider.ResourcePermissions{}
	for _, r := range rows {
		if grantedTo(r.grant.GetGrantee(), u) {
			if own[r.resource] == nil {
				own[r.resource] = &provider.ResourcePermissions{}
			}
			addPerms(own[r.resource], r.grant.GetPermissions())
		}
	}
	out := infos[:0]
	for _, info := range infos {
		child := path.Join(p, path.Base(info.GetPath()))
		if isOwner(u, child) { // the caller's own home, listed from the root
			out = append(out, info)
			continue
		}
		perms := clonePerms(inherited)
		if extra := own[child]; extra != nil {
			addPerms(perms, extra)
		}
		if !perms.Stat { // list only what the caller may stat
			continue
		}
		f.present(ctx, info, perms, ownerOf(child))
		out = append(out, info)
	}
	return out, nil
}

// requireCreate checks that the caller may create the resource ref names.
func (f *enforcingFS) requireCreate(ctx context.Context, ref *provider.Reference, n need) error {
	u, err := caller(ctx)
	if err != nil {
		return err
	}
	p, err := f.resolve(ctx, ref)
	if err != nil {
		return err
	}
	return f.checkCreate(ctx, u, p, n)
}

func (f *enforcingFS) CreateDir(ctx context.Context, ref *provider.Reference) error {
	if err := f.requireCreate(ctx, ref, needMkdir); err != nil {
		return err
	}
	return f.inner.CreateDir(ctx, ref)
}

func (f *enforcingFS) TouchFile(ctx context.Context, ref *provider.Reference) error {
	if err := f.requireCreate(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.TouchFile(ctx, ref)
}

func (f *enforcingFS) Delete(ctx context.Context, ref *provider.Reference) error {
	if err := f.require(ctx, ref, needDelete); err != nil {
		return err
	}
	return f.inner.Delete(ctx, ref)
}

func (f *enforcingFS) Move(ctx context.Context, oldRef, newRef *provider.Reference) error {
	u, src, _, err := f.access(ctx, oldRef, needMove)
	if err != nil {
		return err
	}
	dst, err := f.resolve(ctx, newRef)
	if err != nil {
		return err
	}
	// Into an existing folder, as EOS renames (see guardFS.Move).
	if dst, err = f.guard.moveTarget(ctx, src, dst); err != nil {
		return err
	}
	if !isOwner(u, dst) {
		src, err := f.guard.FS.GetMD(ctx, oldRef, nil)
		if err != nil {
			return err
		}
		n := needUpload
		if src.GetType() == provider.ResourceType_RESOURCE_TYPE_CONTAINER {
			n = needMkdir
		}
		if err := f.checkCreate(ctx, u, dst, n); err != nil {
			return err
		}
	}
	return f.inner.Move(ctx, oldRef, newRef)
}

func (f *enforcingFS) InitiateUpload(ctx context.Context, ref *provider.Reference, uploadLength int64, metadata map[string]string) (map[string]string, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p, err := f.resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := f.checkWrite(ctx, u, p); err != nil {
		return nil, err
	}
	return f.inner.InitiateUpload(ctx, ref, uploadLength, metadata)
}

// Upload is the data server's simple PUT. Its reference names an upload id
// that InitiateUpload (checked above) handed out, and the upload carries its
// destination. localfs joins the id onto its uploads folder as given
// (pkg/storage/utils/localfs/upload.go, GetUpload), so only a bare id is let
// through: "../" would make any file that looks like upload info an upload.
func (f *enforcingFS) Upload(ctx context.Context, ref *provider.Reference, r io.ReadCloser, metadata map[string]string) error {
	id := strings.TrimPrefix(ref.GetPath(), "/")
	if ref.GetResourceId() != nil || id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) {
		return errtypes.PermissionDenied("enforcingfs: not an upload id")
	}
	return f.inner.Upload(ctx, ref, r, metadata)
}

func (f *enforcingFS) ListRevisions(ctx context.Context, ref *provider.Reference) ([]*provider.FileVersion, error) {
	if err := f.require(ctx, ref, needVersions); err != nil {
		return nil, err
	}
	return f.inner.ListRevisions(ctx, ref)
}

func (f *enforcingFS) DownloadRevision(ctx context.Context, ref *provider.Reference, key string) (io.ReadCloser, error) {
	if err := f.require(ctx, ref, needDownload); err != nil {
		return nil, err
	}
	return f.inner.DownloadRevision(ctx, ref, key)
}

func (f *enforcingFS) RestoreRevision(ctx context.Context, ref *provider.Reference, key string) error {
	if err := f.require(ctx, ref, needRestore); err != nil {
		return err
	}
	return f.inner.RestoreRevision(ctx, ref, key)
}

// The local driver keeps one recycle bin for everybody (and EmptyRecycle
// would wipe it, localhome's per-user bins below it included), so each
// caller sees and acts on the items deleted from their own home only.

func (f *enforcingFS) ownRecycle(ctx context.Context, basePath, key, relativePath string, from, to *typepb.Timestamp) (*userpb.User, []*provider.RecycleItem, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	items, err := f.inner.ListRecycle(ctx, basePath, key, relativePath, from, to)
	if err != nil {
		return nil, nil, err
	}
	own := items[:0]
	for _, it := range items {
		if isOwner(u, it.GetRef().GetPath()) {
			own = append(own, it)
		}
	}
	return u, own, nil
}

func (f *enforcingFS) ownRecycleItem(ctx context.Context, key string) (*userpb.User, *provider.RecycleItem, error) {
	u, items, err := f.ownRecycle(ctx, "", "", "", nil, nil)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range items {
		if it.GetKey() == key {
			return u, it, nil
		}
	}
	return nil, nil, errtypes.NotFound("enforcingfs: no recycle item " + key)
}

func (f *enforcingFS) ListRecycle(ctx context.Context, basePath, key, relativePath string, from, to *typepb.Timestamp) ([]*provider.RecycleItem, error) {
	_, items, err := f.ownRecycle(ctx, basePath, key, relativePath, from, to)
	return items, err
}

func (f *enforcingFS) RestoreRecycleItem(ctx context.Context, basePath, key, relativePath string, restoreRef *provider.Reference) error {
	u, item, err := f.ownRecycleItem(ctx, key)
	if err != nil {
		return err
	}
	if restoreRef.GetPath() != "" { // restoring elsewhere creates there
		n := needUpload
		if item.GetType() == provider.ResourceType_RESOURCE_TYPE_CONTAINER {
			n = needMkdir
		}
		if err := f.checkCreate(ctx, u, path.Join("/", restoreRef.GetPath()), n); err != nil {
			return err
		}
	}
	return f.inner.RestoreRecycleItem(ctx, basePath, key, relativePath, restoreRef)
}

func (f *enforcingFS) PurgeRecycleItem(ctx context.Context, basePath, key, relativePath string) error {
	if _, _, err := f.ownRecycleItem(ctx, key); err != nil {
		return err
	}
	return f.inner.PurgeRecycleItem(ctx, basePath, key, relativePath)
}

func (f *enforcingFS) EmptyRecycle(ctx context.Context) error {
	_, items, err := f.ownRecycle(ctx, "", "", "", nil, nil)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := f.inner.PurgeRecycleItem(ctx, "", it.GetKey(), ""); err != nil {
			return err
		}
	}
	return nil
}

// GetPathByID needs stat on the resource, as GetMD does.
func (f *enforcingFS) GetPathByID(ctx context.Context, id *provider.ResourceId) (string, error) {
	u, err := caller(ctx)
	if err != nil {
		return "", err
	}
	p, err := f.inner.GetPathByID(ctx, id)
	if err != nil {
		return "", err
	}
	if _, err := f.check(ctx, u, path.Join("/", p), needStat); err != nil {
		return "", err
	}
	return p, nil
}

// Grants live in the grant store only (see grantStore for why localfs's own
// records are not used). A non-owner needs the matching *_grant permission
// and may pass on no more than they hold.

func (f *enforcingFS) writeGrant(ctx context.Context, ref *provider.Reference, g *provider.Grant, n need) error {
	u, p, eff, err := f.access(ctx, ref, n)
	if err != nil {
		return err
	}
	if eff == nil {
		if err := f.grants.rememberOwner(ctx, u); err != nil {
			return err
		}
	} else if !within(g.GetPermissions(), eff) {
		return errtypes.PermissionDenied("enforcingfs: cannot grant more than is held on " + p)
	}
	return f.grants.put(ctx, p, g)
}

func (f *enforcingFS) AddGrant(ctx context.Context, ref *provider.Reference, g *provider.Grant) error {
	return f.writeGrant(ctx, ref, g, needAddGrant)
}

func (f *enforcingFS) UpdateGrant(ctx context.Context, ref *provider.Reference, g *provider.Grant) error {
	return f.writeGrant(ctx, ref, g, needUpdGrant)
}

func (f *enforcingFS) RemoveGrant(ctx context.Context, ref *provider.Reference, g *provider.Grant) error {
	_, p, _, err := f.access(ctx, ref, needRmGrant)
	if err != nil {
		return err
	}
	return f.grants.remove(ctx, p, g)
}

func (f *enforcingFS) ListGrants(ctx context.Context, ref *provider.Reference) ([]*provider.Grant, error) {
	_, p, _, err := f.access(ctx, ref, needLsGrants)
	if err != nil {
		return nil, err
	}
	return f.grants.on(ctx, p)
}

// DenyGrant stays unsupported (localfs has no denials), but only after the
// permission check, so a non-owner learns nothing from the error.
func (f *enforcingFS) DenyGrant(ctx context.Context, ref *provider.Reference, g *provider.Grantee) error {
	if err := f.require(ctx, ref, needDenyGrant); err != nil {
		return err
	}
	return f.inner.DenyGrant(ctx, ref, g)
}

func (f *enforcingFS) GetQuota(ctx context.Context, ref *provider.Reference) (uint64, uint64, error) {
	if err := f.require(ctx, ref, needStat); err != nil {
		return 0, 0, err
	}
	return f.inner.GetQuota(ctx, ref)
}

// CreateReference is for the owner only: references are share mount
// points, which the gateway creates in the recipient's own home.
func (f *enforcingFS) CreateReference(ctx context.Context, p string, targetURI *url.URL) error {
	u, err := caller(ctx)
	if err != nil {
		return err
	}
	if !isOwner(u, p) {
		return errtypes.PermissionDenied("enforcingfs: references only in one's own home")
	}
	return f.inner.CreateReference(ctx, p, targetURI)
}

func (f *enforcingFS) SetArbitraryMetadata(ctx context.Context, ref *provider.Reference, md *provider.ArbitraryMetadata) error {
	if err := f.require(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.SetArbitraryMetadata(ctx, ref, md)
}

func (f *enforcingFS) UnsetArbitraryMetadata(ctx context.Context, ref *provider.Reference, keys []string) error {
	if err := f.require(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.UnsetArbitraryMetadata(ctx, ref, keys)
}

func (f *enforcingFS) GetLock(ctx context.Context, ref *provider.Reference) (*provider.Lock, error) {
	if err := f.require(ctx, ref, needStat); err != nil {
		return nil, err
	}
	return f.inner.GetLock(ctx, ref)
}

func (f *enforcingFS) SetLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	if err := f.require(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.SetLock(ctx, ref, lock)
}

func (f *enforcingFS) RefreshLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock, existingLockID string) error {
	if err := f.require(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.RefreshLock(ctx, ref, lock, existingLockID)
}

func (f *enforcingFS) Unlock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	if err := f.require(ctx, ref, needUpload); err != nil {
		return err
	}
	return f.inner.Unlock(ctx, ref, lock)
}

// The rest holds no user data (or is unsupported by the local driver).

func (f *enforcingFS) GetHome(ctx context.Context) (string, error) { return f.inner.GetHome(ctx) }

func (f *enforcingFS) CreateHome(ctx context.Context) error { return f.inner.CreateHome(ctx) }

func (f *enforcingFS) ListStorageSpaces(ctx context.Context, filter []*provider.ListStorageSpacesRequest_Filter) ([]*provider.StorageSpace, error) {
	return f.inner.ListStorageSpaces(ctx, filter)
}

func (f *enforcingFS) CreateStorageSpace(ctx context.Context, req *provider.CreateStorageSpaceRequest) (*provider.CreateStorageSpaceResponse, error) {
	return f.inner.CreateStorageSpace(ctx, req)
}

func (f *enforcingFS) UpdateStorageSpace(ctx context.Context, req *provider.UpdateStorageSpaceRequest) (*provider.UpdateStorageSpaceResponse, error) {
	return f.inner.UpdateStorageSpace(ctx, req)
}

func (f *enforcingFS) Shutdown(ctx context.Context) error {
	err := f.inner.Shutdown(ctx)
	if cerr := f.grants.close(); err == nil {
		err = cerr
	}
	return err
}

var _ storage.FS = (*enforcingFS)(nil)
