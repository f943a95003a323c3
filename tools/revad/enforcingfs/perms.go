package enforcingfs

import (
	"path"
	"strings"

	grouppb "github.com/cs3org/go-cs3apis/cs3/identity/group/v1beta1"
	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ownerOf returns the username whose home holds p: the namespace of the
// local driver is /<username>/..., the same layout ("{{.Username}}") that
// localhome uses over the same data. The root has no owner.
func ownerOf(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	owner, _, _ := strings.Cut(p, "/")
	return owner
}

// isOwner reports whether u owns p. Federated (OCM) and lightweight users
// have no home here, so a matching name from another site owns nothing.
func isOwner(u *userpb.User, p string) bool {
	switch u.GetId().GetType() {
	case userpb.UserType_USER_TYPE_FEDERATED, userpb.UserType_USER_TYPE_LIGHTWEIGHT:
		return false
	}
	owner := ownerOf(p)
	return owner != "" && owner == u.GetUsername()
}

// isLinkGuest reports whether u is the guest a public link logs in as
// (Reva v3.12's publicshares auth manager, pkg/auth/manager/publicshares/
// publicshares.go, Authenticate: USER_TYPE_GUEST "publiclink:<share id>";
// older lines log in as the link's owner). Nothing else makes guests here.
func isLinkGuest(u *userpb.User) bool {
	return u.GetId().GetType() == userpb.UserType_USER_TYPE_GUEST
}

// externalAccountPerms is what a link guest may do on any path: Reva's EOS
// driver serves a guest as its external account, adding that account an
// editor ACL on the path first (v3.12 pkg/storage/fs/eos/auth.go,
// getUserOrExternalAuth, getExternalAccountAuth: permissions.NewEditorRole).
// What the link allows is enforced above the storage (the public storage
// provider and the token's scope), as in production.
func externalAccountPerms() *provider.ResourcePermissions {
	return &provider.ResourcePermissions{
		GetPath: true, InitiateFileDownload: true, ListContainer: true, ListFileVersions: true,
		ListRecycle: true, Stat: true, InitiateFileUpload: true, RestoreFileVersion: true,
		RestoreRecycleItem: true, CreateContainer: true, Delete: true, Move: true, PurgeRecycle: true,
	}
}

// lineage returns p and each of its ancestors up to the owner's home, the
// resources whose grants apply to p (grants are inherited downwards, as on
// EOS).
func lineage(p string) []string {
	p = path.Clean("/" + p)
	var out []string
	for p != "/" {
		out = append(out, p)
		p = path.Dir(p)
	}
	return out
}

// grantedTo reports whether g is for u: for u's user id, or for one of u's
// groups. The token's user carries group names only, which are the group
// opaque ids of the group providers in use, so groups match on opaque id.
func grantedTo(g *provider.Grantee, u *userpb.User) bool {
	switch g.GetType() {
	case provider.GranteeType_GRANTEE_TYPE_USER:
		id := g.GetUserId()
		return id.GetOpaqueId() == u.GetId().GetOpaqueId() && id.GetIdp() == u.GetId().GetIdp()
	case provider.GranteeType_GRANTEE_TYPE_GROUP:
		return inGroup(g.GetGroupId(), u)
	}
	return false
}

func inGroup(gid *grouppb.GroupId, u *userpb.User) bool {
	for _, name := range u.GetGroups() {
		if name == gid.GetOpaqueId() {
			return true
		}
	}
	return false
}

// addPerms sets in dst every flag set in src. Done by reflection so that a
// flag added to the CS3 API later is not silently dropped.
func addPerms(dst, src *provider.ResourcePermissions) {
	if src == nil {
		return
	}
	d := dst.ProtoReflect()
	src.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() == protoreflect.BoolKind && v.Bool() {
			d.Set(fd, v)
		}
		return true
	})
}

// within reports whether every flag set in sub is also set in set: a
// recipient may pass on at most what they hold.
func within(sub, set *provider.ResourcePermissions) bool {
	if sub == nil {
		return true
	}
	ok := true
	s := set.ProtoReflect()
	sub.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() == protoreflect.BoolKind && v.Bool() && !s.Get(fd).Bool() {
			ok = false
		}
		return ok
	})
	return ok
}

func clonePerms(p *provider.ResourcePermissions) *provider.ResourcePermissions {
	return proto.Clone(p).(*provider.ResourcePermissions)
}

// rootPerms is what anybody may do on the mount root, which belongs to
// nobody: look at it and list it (the listing then shows only the homes the
// caller may stat). Without it the mount would vanish from a listing of "/".
func rootPerms() *provider.ResourcePermissions {
	return &provider.ResourcePermissions{Stat: true, ListContainer: true}
}

// A need names the permission one operation requires.
type need struct {
	name string
	has  func(*provider.ResourcePermissions) bool
}

var (
	needStat      = need{"stat", func(p *provider.ResourcePermissions) bool { return p.Stat }}
	needList      = need{"list_container", func(p *provider.ResourcePermissions) bool { return p.ListContainer }}
	needMkdir     = need{"create_container", func(p *provider.ResourcePermissions) bool { return p.CreateContainer }}
	needUpload    = need{"initiate_file_upload", func(p *provider.ResourcePermissions) bool { return p.InitiateFileUpload }}
	needDownload  = need{"initiate_file_download", func(p *provider.ResourcePermissions) bool { return p.InitiateFileDownload }}
	needDelete    = need{"delete", func(p *provider.ResourcePermissions) bool { return p.Delete }}
	needMove      = need{"move", func(p *provider.ResourcePermissions) bool { return p.Move }}
	needVersions  = need{"list_file_versions", func(p *provider.ResourcePermissions) bool { return p.ListFileVersions }}
	needRestore   = need{"restore_file_version", func(p *provider.ResourcePermissions) bool { return p.RestoreFileVersion }}
	needAddGrant  = need{"add_grant", func(p *provider.ResourcePermissions) bool { return p.AddGrant }}
	needUpdGrant  = need{"update_grant", func(p *provider.ResourcePermissions) bool { return p.UpdateGrant }}
	needRmGrant   = need{"remove_grant", func(p *provider.ResourcePermissions) bool { return p.RemoveGrant }}
	needDenyGrant = need{"deny_grant", func(p *provider.ResourcePermissions) bool { return p.DenyGrant }}
	needLsGrants  = need{"list_grants", func(p *provider.ResourcePermissions) bool { return p.ListGrants }}
)
