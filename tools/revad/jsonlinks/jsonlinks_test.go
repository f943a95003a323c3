package jsonlinks

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	link "github.com/cs3org/go-cs3apis/cs3/sharing/link/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	typespb "github.com/cs3org/go-cs3apis/cs3/types/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
)

// Links are listed with their password protection and expiry, and a link is
// not judged by its creator's permissions (neither Reva's public share
// provider nor CERNBox's public-share manager does so).
func TestLinksAreListedWithPasswordAndExpiry(t *testing.T) {
	opts := map[string]interface{}{"file": filepath.Join(t.TempDir(), "links.json")}
	m, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	marie := &userpb.User{Id: &userpb.UserId{Idp: "idp", OpaqueId: "marie"}, Username: "marie"}
	ctx := appctx.ContextSetUser(context.Background(), marie)
	viewer := &provider.ResourcePermissions{Stat: true, InitiateFileDownload: true}
	md := &provider.ResourceInfo{
		Id:            &provider.ResourceId{StorageId: "s", OpaqueId: "r"},
		Owner:         &userpb.UserId{Idp: "idp", OpaqueId: "einstein"},
		Path:          "/users/einstein/shared",
		PermissionSet: viewer, // no add_grant: still made
		// The json manager reads the link's name from here.
		ArbitraryMetadata: &provider.ArbitraryMetadata{Metadata: map[string]string{}},
	}
	exp := &typespb.Timestamp{Seconds: uint64(time.Now().Add(time.Hour).Unix())}
	g := &link.Grant{Permissions: &link.PublicSharePermissions{Permissions: viewer}, Password: "secret", Expiration: exp}
	if _, err := m.CreatePublicShare(ctx, marie, md, g, "", false, false, ""); err != nil {
		t.Fatalf("link refused: %v", err)
	}
	links, err := m.ListPublicShares(ctx, marie, nil, nil, false)
	if err != nil || len(links) != 1 {
		t.Fatalf("listing: %v %v", links, err)
	}
	if !links[0].GetPasswordProtected() || links[0].GetExpiration().GetSeconds() != exp.Seconds {
		t.Fatalf("password or expiry lost: %v", links[0])
	}
}
