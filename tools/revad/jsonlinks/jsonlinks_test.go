package jsonlinks

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	link "github.com/cs3org/go-cs3apis/cs3/sharing/link/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
	"github.com/cs3org/reva/pkg/errtypes"
)

func TestLinkNeedsTheRightToShare(t *testing.T) {
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
		PermissionSet: viewer,
		// The json manager reads the link's name from here.
		ArbitraryMetadata: &provider.ArbitraryMetadata{Metadata: map[string]string{}},
	}
	g := &link.Grant{Permissions: &link.PublicSharePermissions{Permissions: viewer}}
	_, err = m.CreatePublicShare(ctx, marie, md, g, "", false, false, "")
	var denied errtypes.IsPermissionDenied
	if !errors.As(err, &denied) {
		t.Fatalf("a Viewer made a link: err = %v", err)
	}
	if links, _ := m.ListPublicShares(ctx, marie, nil, nil, false); len(links) != 0 {
		t.Fatalf("a refused link was stored: %v", links)
	}
	md.PermissionSet = &provider.ResourcePermissions{Stat: true, InitiateFileDownload: true, AddGrant: true}
	if _, err := m.CreatePublicShare(ctx, marie, md, g, "", false, false, ""); err != nil {
		t.Fatalf("a sharer could not make a link: %v", err)
	}
}
