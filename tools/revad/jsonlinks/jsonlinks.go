// Package jsonlinks registers the public-share manager "cs3w-json-links":
// Reva's "json" public-share manager with a listing that works on both Reva
// lines.
//
// Reva v3.0.1's json manager panics in ListPublicShares: it unmarshals every
// stored link into a nil *link.PublicShare (pkg/publicshare/manager/json/
// json.go, ListPublicShares, `var local publicShare` whose embedded field
// became a pointer), so the gateway's ListPublicShares kills the request. The
// "memory" manager lists, but keeps neither the password nor the expiry, and
// forgets everything on restart: production sites keep both.
//
// The wrapper lists by reading the json manager's own file (a map from link
// id to {"share": <protojson of the PublicShare>, "password": <hash>}, the
// same on v1.29 and v3.0.1) for the ids the caller created, and fetches each
// one through the wrapped manager's GetPublicShare, which applies expiry and
// signs password-protected links exactly as upstream does, as CERNBox's
// public-share manager lists its links with password and expiry. Everything
// else is the json manager unchanged.
package jsonlinks

import (
	"context"
	"encoding/json"
	"os"
	"sort"

	user "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	link "github.com/cs3org/go-cs3apis/cs3/sharing/link/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/publicshare"
	jsonmgr "github.com/cs3org/reva/pkg/publicshare/manager/json"
	"github.com/cs3org/reva/pkg/publicshare/manager/registry"
	"github.com/cs3org/reva/pkg/utils/cfg"
	"google.golang.org/protobuf/encoding/protojson"
)

// Name is the driver name to use in the revad configuration.
const Name = "cs3w-json-links"

func init() {
	registry.Register(Name, New)
}

type config struct {
	File string `mapstructure:"file"`
}

func (c *config) ApplyDefaults() {
	if c.File == "" {
		c.File = "/var/tmp/reva/publicshares" // the json manager's own default
	}
}

// New builds the json manager from the same options and wraps it.
func New(ctx context.Context, m map[string]interface{}) (publicshare.Manager, error) {
	var c config
	if err := cfg.Decode(m, &c); err != nil {
		return nil, err
	}
	inner, err := jsonmgr.New(ctx, m)
	if err != nil {
		return nil, err
	}
	return &manager{Manager: inner, file: c.File}, nil
}

type manager struct {
	publicshare.Manager
	file string
}

type stored struct {
	Share string `json:"share"`
}

// createdBy returns the ids of the links u created, oldest first.
func (m *manager) createdBy(u *user.User) ([]string, error) {
	raw, err := os.ReadFile(m.file)
	if err != nil {
		return nil, err
	}
	db := map[string]stored{}
	if err := json.Unmarshal(raw, &db); err != nil {
		return nil, err
	}
	type found struct {
		id      string
		created uint64
	}
	var mine []found
	opts := protojson.UnmarshalOptions{DiscardUnknown: true}
	for id, rec := range db {
		var ps link.PublicShare
		if err := opts.Unmarshal([]byte(rec.Share), &ps); err != nil {
			return nil, errtypes.InternalError("cs3w-json-links: unreadable link " + id)
		}
		c := ps.GetCreator()
		if c.GetOpaqueId() != u.GetId().GetOpaqueId() || (c.GetIdp() != "" && c.GetIdp() != u.GetId().GetIdp()) {
			continue
		}
		mine = append(mine, found{id, ps.GetCtime().GetSeconds()})
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].created < mine[j].created })
	ids := make([]string, len(mine))
	for i, f := range mine {
		ids[i] = f.id
	}
	return ids, nil
}

// ListPublicShares lists the caller's links through GetPublicShare (see the
// package comment); links that expire or vanish meanwhile are left out.
func (m *manager) ListPublicShares(ctx context.Context, u *user.User, filters []*link.ListPublicSharesRequest_Filter, md *provider.ResourceInfo, sign bool) ([]*link.PublicShare, error) {
	ids, err := m.createdBy(u)
	if err != nil {
		return nil, err
	}
	out := make([]*link.PublicShare, 0, len(ids))
	for _, id := range ids {
		ref := &link.PublicShareReference{Spec: &link.PublicShareReference_Id{Id: &link.PublicShareId{OpaqueId: id}}}
		ps, err := m.Manager.GetPublicShare(ctx, u, ref, sign)
		if err != nil {
			continue // expired (and revoked by the json manager) or removed meanwhile
		}
		if len(filters) == 0 || publicshare.MatchesFilters(ps, filters) {
			out = append(out, ps)
		}
	}
	return out, nil
}
