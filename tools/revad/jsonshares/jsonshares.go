// Package jsonshares registers the share manager "cs3w-json": Reva's "json"
// share manager with the "exclude denials" filter made to work.
//
// Reva v1.29's user share provider adds a Filter_TYPE_EXCLUDE_DENIALS to
// every ListReceivedShares request (internal/grpc/services/
// usershareprovider/usershareprovider.go, ListReceivedShares), but the
// json and memory managers match that filter with share.MatchesFilter,
// which returns true only *for* a denial (pkg/share/share.go, MatchesFilter:
// "return share.Permissions.Permissions.DenyGrant"). Filters of one type are
// ANDed with the others, so a recipient's list holds denials only and every
// ordinary share is missing.
//
// The wrapper removes that filter before delegating and applies it the way
// it was meant (cs3org/reva#2072, "Filter the denial shares (permission = 0)
// out"): a denial share is one granting no permission at all, which is also
// how the gateway tells a denial from a grant when committing a share to
// storage (internal/grpc/services/gateway/usershareprovider.go, CreateShare),
// and how CERNBox's share manager applies the filter ("permissions > 0").
// Everything else is the json manager unchanged.
package jsonshares

import (
	"context"
	"errors"

	collaboration "github.com/cs3org/go-cs3apis/cs3/sharing/collaboration/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/share"
	"github.com/cs3org/reva/pkg/share/manager/json"
	"github.com/cs3org/reva/pkg/share/manager/registry"
	"google.golang.org/protobuf/proto"
)

// Name is the driver name to use in the revad configuration.
const Name = "cs3w-json"

func init() {
	registry.Register(Name, New)
}

// New builds the json manager from the same options ("file") and wraps it.
func New(ctx context.Context, m map[string]interface{}) (share.Manager, error) {
	inner, err := json.New(ctx, m)
	if err != nil {
		return nil, err
	}
	return &manager{Manager: inner}, nil
}

type manager struct {
	share.Manager
}

// GetShare answers a missing share with errtypes.NotFound(<its id>). Reva
// v3's gateway pings the share manager before every CreateShare with
// GetShare(id "0") and takes any error that does not end in NotFound("0")
// as "ShareManager is not online" (internal/grpc/services/gateway/
// usershareprovider.go, CreateShare, after ADR-REVA-003); the json manager
// names the whole reference in its error instead, so no share could be
// created. CERNBox's share manager answers NotFound(<id>) too. v1.29 does
// not ping; the answer is the same NotFound there.
func (m *manager) GetShare(ctx context.Context, ref *collaboration.ShareReference) (*collaboration.Share, error) {
	s, err := m.Manager.GetShare(ctx, ref)
	var nf errtypes.IsNotFound
	if err != nil && errors.As(err, &nf) && ref.GetId() != nil {
		return nil, errtypes.NotFound(ref.GetId().GetOpaqueId())
	}
	return s, err
}

// withoutDenialFilter returns filters minus any EXCLUDE_DENIALS, and whether
// there was one.
func withoutDenialFilter(filters []*collaboration.Filter) ([]*collaboration.Filter, bool) {
	kept := make([]*collaboration.Filter, 0, len(filters))
	excluded := false
	for _, f := range filters {
		if f.GetType() == collaboration.Filter_TYPE_EXCLUDE_DENIALS {
			excluded = true
			continue
		}
		kept = append(kept, f)
	}
	return kept, excluded
}

// isDenial reports whether s grants nothing.
func isDenial(s *collaboration.Share) bool {
	p := s.GetPermissions().GetPermissions()
	return p == nil || proto.Equal(p, &provider.ResourcePermissions{})
}

func (m *manager) ListReceivedShares(ctx context.Context, filters []*collaboration.Filter) ([]*collaboration.ReceivedShare, error) {
	kept, excludeDenials := withoutDenialFilter(filters)
	shares, err := m.Manager.ListReceivedShares(ctx, kept)
	if err != nil || !excludeDenials {
		return shares, err
	}
	out := shares[:0]
	for _, rs := range shares {
		if !isDenial(rs.GetShare()) {
			out = append(out, rs)
		}
	}
	return out, nil
}

// ListShares gets the same correction: the filter is in the API for both
// listings and MatchesFilter is shared.
func (m *manager) ListShares(ctx context.Context, filters []*collaboration.Filter) ([]*collaboration.Share, error) {
	kept, excludeDenials := withoutDenialFilter(filters)
	shares, err := m.Manager.ListShares(ctx, kept)
	if err != nil || !excludeDenials {
		return shares, err
	}
	out := shares[:0]
	for _, s := range shares {
		if !isDenial(s) {
			out = append(out, s)
		}
	}
	return out, nil
}
