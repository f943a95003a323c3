package enforcingfs

import (
	"context"
	"path"
	"strings"
	"sync"
	"time"

	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/errtypes"
	"github.com/cs3org/reva/pkg/utils"
	"google.golang.org/protobuf/proto"
)

// CS3 locks as CERNBox has them: Reva's EOS driver keeps a lock as two
// extended attributes of the file (pkg/storage/utils/eosfs/eosfs.go,
// setLock/encodeLock): the CS3 lock itself, and EOS's own app lock
// "expires:<s>,type:shared,owner:<user>:<app>", which EOS enforces. Reva's
// local drivers answer every lock call with "unimplemented". The rules below
// are EOS's and the EOS driver's; see FIDELITY.md for the sources.
//
// Locks live in memory, keyed like guardFS.key ("/<owner>/<path>"), so a
// lock set through /home holds through /users and both data servers. They
// do not survive a restart of revad (EOS keeps them with the file).

const (
	// writeApp is the EOS app of a data write without a lock holder
	// (eosfs upload.go, Upload).
	writeApp = "reva_eosclient::write"
	// lockSetter is the EOS identity the EOS driver sets and refreshes lock
	// attributes as: it calls SetAttr with an empty authorization, and EOS
	// runs such a request as uid 0 ("root") with the lock's app (eosgrpc
	// initNSRequest; EOS mgm/grpc/GrpcNsInterface.cc, Exec).
	lockSetter = "root"
	// maxLockLifetime: EOS ignores an app lock that expires more than a week
	// ahead (EOS XattrLock::foreignLock).
	maxLockLifetime = 7 * 24 * 3600
)

// encodeAppName is the EOS app a lock holder's writes and locks carry: the
// EOS driver's EncodeAppName.
func encodeAppName(app string) string {
	return "reva_eosclient::app_" + strings.ToLower(strings.ReplaceAll(app, " ", "_"))
}

// lockOwner is the "owner" of the EOS app lock the EOS driver writes for l:
// the user's opaque id and the encoded app, each "*" when the lock has none.
func lockOwner(l *provider.Lock) string {
	user, app := "*", "*"
	if l.GetUser() != nil {
		user = l.GetUser().GetOpaqueId()
	}
	if l.GetAppName() != "" {
		app = encodeAppName(l.GetAppName())
	}
	return user + ":" + app
}

// foreign reports whether EOS refuses who, writing with app, because of l:
// the lock is within its lifetime (at most a week) and its owner is neither
// "who:app", "*:app" nor "who:*" (EOS XattrLock::foreignLock, isrw).
func foreign(l *provider.Lock, who, app string, now time.Time) bool {
	left := int64(l.GetExpiration().GetSeconds()) - now.Unix()
	if left <= 0 || left > maxLockLifetime {
		return false
	}
	owner := lockOwner(l)
	return owner != who+":"+app && owner != "*:"+app && owner != who+":*"
}

// expired is the EOS driver's test in getLock: the expiration is past.
func expired(l *provider.Lock, now time.Time) bool {
	return time.Unix(int64(l.GetExpiration().GetSeconds()), 0).Before(now)
}

// sameHolder is the EOS driver's comparison of two locks' holders: the
// users, unless either lock names an app, in which case the apps alone.
func sameHolder(a, b *provider.Lock) bool {
	same := true
	if a.GetUser() != nil || b.GetUser() != nil {
		same = utils.UserEqual(a.GetUser(), b.GetUser())
	}
	if a.GetAppName() != "" || b.GetAppName() != "" {
		same = a.GetAppName() == b.GetAppName()
	}
	return same
}

type lockTable struct {
	mu    sync.Mutex
	locks map[string]*provider.Lock
}

var locks = &lockTable{locks: map[string]*provider.Lock{}}

// admitWrite refuses a data write of the file k by who with app when EOS
// would: a live lock on k whose owner is foreign to them.
func (t *lockTable) admitWrite(k, who, app string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l := t.locks[k]; l != nil && foreign(l, who, app, time.Now()) {
		return errtypes.Conflict("enforcingfs: " + k + " has a valid extended attribute lock")
	}
	return nil
}

// drop forgets the locks on k and below (the resource was deleted).
func (t *lockTable) drop(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key := range t.locks {
		if key == k || strings.HasPrefix(key, k+"/") {
			delete(t.locks, key)
		}
	}
}

// rename moves the locks on src and below to dst: EOS keeps a lock as an
// attribute of the file, which a rename keeps.
func (t *lockTable) rename(src, dst string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key, l := range t.locks {
		if key == src || strings.HasPrefix(key, src+"/") {
			delete(t.locks, key)
			t.locks[dst+strings.TrimPrefix(key, src)] = l
		}
	}
}

// lockTarget resolves ref for a lock call; the resource must exist.
func (g *guardFS) lockTarget(ctx context.Context, ref *provider.Reference) (string, *provider.ResourceInfo, error) {
	p, k, err := g.where(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	info, err := g.stat(ctx, p)
	if err != nil {
		return "", nil, err
	}
	if info == nil {
		return "", nil, errtypes.NotFound(p)
	}
	return k, info, nil
}

// SetLock is the EOS driver's SetLock: shared locks are not supported, and
// the lock attribute is set as lockSetter with the new lock's app, which EOS
// refuses (EBUSY, the driver's Conflict) on a file whose live lock is
// foreign to that identity. In effect a live lock can be replaced only by a
// lock of the same app when it names no user. EOS checks no lock when the
// attribute is set on a folder.
func (g *guardFS) SetLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	if lock.GetType() == provider.LockType_LOCK_TYPE_SHARED {
		return errtypes.NotSupported("shared lock not yet implemented")
	}
	return g.setLock(ctx, ref, lock)
}

func (g *guardFS) setLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	k, info, err := g.lockTarget(ctx, ref)
	if err != nil {
		return err
	}
	if lock.GetExpiration() == nil {
		// The EOS driver encodes lock.Expiration.Seconds unchecked (a nil
		// pointer dereference); refused here rather than crashing.
		return errtypes.InternalError("enforcingfs: a lock needs an expiration")
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	if cur := locks.locks[k]; cur != nil && info.GetType() != provider.ResourceType_RESOURCE_TYPE_CONTAINER &&
		foreign(cur, lockSetter, encodeAppName(lock.GetAppName()), time.Now()) {
		return errtypes.Conflict("resource already locked")
	}
	locks.locks[k] = proto.Clone(lock).(*provider.Lock)
	return nil
}

// GetLock is the EOS driver's GetLock with CERNBox's EOS gRPC client: no
// lock, or an expired one (which it removes), is NotFound.
func (g *guardFS) GetLock(ctx context.Context, ref *provider.Reference) (*provider.Lock, error) {
	k, _, err := g.lockTarget(ctx, ref)
	if err != nil {
		return nil, err
	}
	return locks.get(k)
}

// get returns the lock on k: NotFound when there is none or it expired
// (then it is removed).
func (t *lockTable) get(k string) (*provider.Lock, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.locks[k]
	if l == nil {
		return nil, errtypes.NotFound("lock not found for ref")
	}
	if expired(l, time.Now()) {
		delete(t.locks, k)
		return nil, errtypes.NotFound("lock not found for ref")
	}
	return proto.Clone(l).(*provider.Lock), nil
}

// held returns the lock on the existing resource ref for RefreshLock and
// Unlock: without one, the EOS driver's BadRequest("file was not locked").
func (g *guardFS) held(ctx context.Context, ref *provider.Reference) (string, *provider.Lock, error) {
	k, _, err := g.lockTarget(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	l, err := locks.get(k)
	if err != nil {
		return "", nil, errtypes.BadRequest("file was not locked")
	}
	return k, l, nil
}

// RefreshLock is the EOS driver's RefreshLock: it sets the new lock the way
// SetLock does, so a refused attribute is a Conflict, which the storage
// provider reports as CODE_INTERNAL for this call.
func (g *guardFS) RefreshLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock, existingLockID string) error {
	if lock.GetType() == provider.LockType_LOCK_TYPE_SHARED {
		return errtypes.NotSupported("shared lock not yet implemented")
	}
	_, old, err := g.held(ctx, ref)
	if err != nil {
		return err
	}
	if !sameHolder(old, lock) {
		return errtypes.BadRequest("caller does not hold the lock")
	}
	if existingLockID != "" && old.GetLockId() != existingLockID {
		return errtypes.BadRequest("lock id does not match")
	}
	return g.setLock(ctx, ref, lock)
}

// Unlock is the EOS driver's Unlock (EOS checks no lock when an attribute
// is removed).
func (g *guardFS) Unlock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	k, old, err := g.held(ctx, ref)
	if err != nil {
		return err
	}
	if old.GetLockId() != lock.GetLockId() {
		return errtypes.BadRequest("lock id does not match")
	}
	if !sameHolder(old, lock) {
		return errtypes.BadRequest("caller does not hold the lock")
	}
	locks.mu.Lock()
	delete(locks.locks, k)
	locks.mu.Unlock()
	return nil
}

// withLocks sets Lock on each info whose resource carries a lock, as the EOS
// driver reports the lock attribute with every entry (eosfs.go, convert):
// also an expired one, which only GetLock removes. Nothing is looked up
// while no lock exists at all.
func (g *guardFS) withLocks(ctx context.Context, infos []*provider.ResourceInfo) error {
	locks.mu.Lock()
	none := len(locks.locks) == 0
	locks.mu.Unlock()
	if none {
		return nil
	}
	base, err := g.key(ctx, "/")
	if err != nil {
		return err
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	for _, info := range infos {
		if l := locks.locks[path.Join(base, info.GetPath())]; l != nil {
			info.Lock = proto.Clone(l).(*provider.Lock)
		}
	}
	return nil
}
