package enforcingfs

import (
	"context"
	"database/sql"
	"path"
	"strings"

	grouppb "github.com/cs3org/go-cs3apis/cs3/identity/group/v1beta1"
	userpb "github.com/cs3org/go-cs3apis/cs3/identity/user/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/pkg/errors"
	"google.golang.org/protobuf/proto"

	// The driver localfs itself uses, so no new dependency.
	_ "github.com/mattn/go-sqlite3"
)

// grantStore keeps the grants of the wrapped storage in a SQLite file of its
// own. localfs records grants too, but its records cannot be read back: its
// ListGrants splits "u:<id>:<type>@<idp>" on ':' and so returns the user
// *type* as the user id (and cuts any idp containing ':'); its RemoveGrant
// looks for "u:<id>@<idp>", a key AddGrant never writes, so nothing is ever
// revoked (pkg/storage/utils/localfs/localfs.go, AddGrant/ListGrants/
// RemoveGrant). Enforcing grants needs records that round-trip exactly, so
// the full ResourcePermissions message is stored.
//
// The gRPC storage provider and the HTTP data provider each build their own
// driver instance; both open the same file, which SQLite keeps consistent.
type grantStore struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS grants (
	resource     TEXT    NOT NULL,
	parent       TEXT    NOT NULL,
	grantee_type INTEGER NOT NULL,
	grantee_idp  TEXT    NOT NULL,
	grantee_id   TEXT    NOT NULL,
	user_type    INTEGER NOT NULL,
	permissions  BLOB    NOT NULL,
	PRIMARY KEY (resource, grantee_type, grantee_idp, grantee_id)
);
CREATE INDEX IF NOT EXISTS grants_by_parent ON grants (parent);
CREATE TABLE IF NOT EXISTS owners (
	username  TEXT PRIMARY KEY,
	idp       TEXT    NOT NULL,
	opaque_id TEXT    NOT NULL,
	user_type INTEGER NOT NULL
);`

func openGrantStore(file string) (*grantStore, error) {
	// Two driver instances share the file: wait for each other's writes
	// rather than failing with SQLITE_BUSY.
	db, err := sql.Open("sqlite3", "file:"+file+"?_busy_timeout=5000&_journal_mode=WAL")
	if err != nil {
		return nil, errors.Wrap(err, "enforcingfs: opening grant store")
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, errors.Wrap(err, "enforcingfs: creating grant store")
	}
	return &grantStore{db: db}, nil
}

func (s *grantStore) close() error { return s.db.Close() }

// granteeKey returns the columns that identify a grantee.
func granteeKey(g *provider.Grantee) (typ int32, idp, id string, userType int32, err error) {
	switch g.GetType() {
	case provider.GranteeType_GRANTEE_TYPE_USER:
		u := g.GetUserId()
		if u == nil || u.OpaqueId == "" {
			return 0, "", "", 0, errors.New("enforcingfs: user grantee without id")
		}
		return int32(g.Type), u.Idp, u.OpaqueId, int32(u.Type), nil
	case provider.GranteeType_GRANTEE_TYPE_GROUP:
		gr := g.GetGroupId()
		if gr == nil || gr.OpaqueId == "" {
			return 0, "", "", 0, errors.New("enforcingfs: group grantee without id")
		}
		return int32(g.Type), gr.Idp, gr.OpaqueId, 0, nil
	default:
		return 0, "", "", 0, errors.New("enforcingfs: unsupported grantee type " + g.GetType().String())
	}
}

// put adds or replaces the grant of g.Grantee on resource.
func (s *grantStore) put(ctx context.Context, resource string, g *provider.Grant) error {
	typ, idp, id, userType, err := granteeKey(g.GetGrantee())
	if err != nil {
		return err
	}
	perms, err := proto.Marshal(g.GetPermissions())
	if err != nil {
		return errors.Wrap(err, "enforcingfs: encoding permissions")
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO grants VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (resource, grantee_type, grantee_idp, grantee_id)
		DO UPDATE SET permissions = excluded.permissions, user_type = excluded.user_type`,
		resource, path.Dir(resource), typ, idp, id, userType, perms)
	return errors.Wrap(err, "enforcingfs: storing grant")
}

// remove deletes the grant of g.Grantee on resource; a missing grant is not
// an error (revoking twice leaves the same state).
func (s *grantStore) remove(ctx context.Context, resource string, g *provider.Grant) error {
	typ, idp, id, _, err := granteeKey(g.GetGrantee())
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM grants
		WHERE resource = ? AND grantee_type = ? AND grantee_idp = ? AND grantee_id = ?`,
		resource, typ, idp, id)
	return errors.Wrap(err, "enforcingfs: removing grant")
}

// storedGrant is one row: the resource it is on and the grant itself.
type storedGrant struct {
	resource string
	grant    *provider.Grant
}

func (s *grantStore) query(ctx context.Context, where string, args ...any) ([]storedGrant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT resource, grantee_type, grantee_idp,
		grantee_id, user_type, permissions FROM grants WHERE `+where, args...)
	if err != nil {
		return nil, errors.Wrap(err, "enforcingfs: reading grants")
	}
	defer rows.Close()
	var out []storedGrant
	for rows.Next() {
		var (
			resource, idp, id string
			typ, userType     int32
			blob              []byte
		)
		if err := rows.Scan(&resource, &typ, &idp, &id, &userType, &blob); err != nil {
			return nil, errors.Wrap(err, "enforcingfs: reading grants")
		}
		perms := &provider.ResourcePermissions{}
		if err := proto.Unmarshal(blob, perms); err != nil {
			return nil, errors.Wrap(err, "enforcingfs: decoding permissions")
		}
		grantee := &provider.Grantee{Type: provider.GranteeType(typ)}
		if grantee.Type == provider.GranteeType_GRANTEE_TYPE_USER {
			grantee.Id = &provider.Grantee_UserId{UserId: &userpb.UserId{
				Idp: idp, OpaqueId: id, Type: userpb.UserType(userType)}}
		} else {
			grantee.Id = &provider.Grantee_GroupId{GroupId: &grouppb.GroupId{Idp: idp, OpaqueId: id}}
		}
		out = append(out, storedGrant{resource, &provider.Grant{Grantee: grantee, Permissions: perms}})
	}
	return out, errors.Wrap(rows.Err(), "enforcingfs: reading grants")
}

// on returns the grants on exactly one resource.
func (s *grantStore) on(ctx context.Context, resource string) ([]*provider.Grant, error) {
	rows, err := s.query(ctx, "resource = ?", resource)
	if err != nil {
		return nil, err
	}
	grants := make([]*provider.Grant, len(rows))
	for i, r := range rows {
		grants[i] = r.grant
	}
	return grants, nil
}

// onAny returns the grants on any of the given resources.
func (s *grantStore) onAny(ctx context.Context, resources []string) ([]storedGrant, error) {
	if len(resources) == 0 {
		return nil, nil
	}
	args := make([]any, len(resources))
	for i, r := range resources {
		args[i] = r
	}
	return s.query(ctx, "resource IN (?"+strings.Repeat(", ?", len(resources)-1)+")", args...)
}

// children returns the grants on the direct children of dir, so that listing
// a folder costs one query whatever its size.
func (s *grantStore) children(ctx context.Context, dir string) ([]storedGrant, error) {
	return s.query(ctx, "parent = ? AND resource != ?", dir, dir)
}

// rememberOwner records the id of the user whose home is /<username>. The
// wrapped driver reports the *caller* as the owner of everything it stats;
// for a share recipient that is wrong, and the real owner's id is only ever
// seen when the owner acts. Grants are made by the owner first, so by the
// time anyone else can read a resource its owner is known.
func (s *grantStore) rememberOwner(ctx context.Context, u *userpb.User) error {
	id := u.GetId()
	_, err := s.db.ExecContext(ctx, `INSERT INTO owners VALUES (?, ?, ?, ?)
		ON CONFLICT (username) DO UPDATE SET idp = excluded.idp,
		opaque_id = excluded.opaque_id, user_type = excluded.user_type`,
		u.Username, id.GetIdp(), id.GetOpaqueId(), int32(id.GetType()))
	return errors.Wrap(err, "enforcingfs: recording owner")
}

// owner returns the recorded id of username, or nil when not known yet.
func (s *grantStore) owner(ctx context.Context, username string) *userpb.UserId {
	var (
		idp, id  string
		userType int32
	)
	err := s.db.QueryRowContext(ctx, "SELECT idp, opaque_id, user_type FROM owners WHERE username = ?",
		username).Scan(&idp, &id, &userType)
	if err != nil {
		return nil
	}
	return &userpb.UserId{Idp: idp, OpaqueId: id, Type: userpb.UserType(userType)}
}
