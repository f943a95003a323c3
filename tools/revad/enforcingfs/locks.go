package enforcingfs

import (
	"context"
	"path"
	"strings"
	"sync"
	"time"

	rpc "github.com/cs3org/go-cs3apis/cs3/rpc/v1beta1"
	provider "github.com/cs3org/go-cs3apis/cs3/storage/provider/v1beta1"
	"github.com/cs3org/reva/pkg/appctx"
	"github.com/cs3org/reva/pkg/errtypes"
	"google.golang.org/protobuf/proto"
)

// lockTable holds the CS3 locks of every guarded driver of the process,
// keyed like guardFS.key ("/<owner>/<path>"), so a lock set through /home
// holds through /users and the data servers as well. Reva's local drivers
// answer the lock calls with "unimplemented"; EOS keeps locks (as extended
// attributes) and refuses writes without the holder's lock id, which is
// what this gives the development server. Locks live in memory: they do not
// survive a restart of revad.
type lockTable struct {
	mu    sync.Mutex
	locks map[string]*provider.Lock
}

var locks = &lockTable{locks: map[string]*provider.Lock{}}

func expired(l *provider.Lock) bool {
	exp := l.GetExpiration()
	return exp != nil && exp.GetSeconds() != 0 && time.Unix(int64(exp.GetSeconds()), 0).Before(time.Now())
}

// get returns the live lock on k, dropping an expired one.
func (t *lockTable) get(k string) *provider.Lock {
	l := t.locks[k]
	if l != nil && expired(l) {
		delete(t.locks, k)
		return nil
	}
	return l
}

// admit refuses a write of k without the lock id of a live lock on k (or,
// with below, on anything inside k).
func (t *lockTable) admit(k, lockID string, below bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key := range t.locks {
		if key != k && !(below && strings.HasPrefix(key, k+"/")) {
			continue
		}
		if l := t.get(key); l != nil && l.GetLockId() != lockID {
			return refusal{rpc.Code_CODE_LOCKED, key + " is locked" + holder(l)}
		}
	}
	return nil
}

func holder(l *provider.Lock) string {
	if u := l.GetUser(); u != nil {
		return " by " + u.GetOpaqueId()
	}
	if a := l.GetAppName(); a != "" {
		return " by " + a
	}
	return ""
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

// rename moves the locks on src and below to dst (locks follow the file).
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
func (g *guardFS) lockTarget(ctx context.Context, ref *provider.Reference) (string, error) {
	p, k, err := g.where(ctx, ref)
	if err != nil {
		return "", err
	}
	info, err := g.stat(ctx, p)
	if err != nil {
		return "", err
	}
	if info == nil {
		return "", errtypes.NotFound(p)
	}
	return k, nil
}

func (g *guardFS) SetLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	if lock.GetLockId() == "" {
		return errtypes.BadRequest("enforcingfs: a lock needs a lock id")
	}
	k, err := g.lockTarget(ctx, ref)
	if err != nil {
		return err
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	if l := locks.get(k); l != nil && l.GetLockId() != lock.GetLockId() {
		// Reva maps Conflict to FAILED_PRECONDITION, as for EOS. Setting
		// the holder's own lock id again renews it.
		return errtypes.Conflict("enforcingfs: " + k + " is already locked" + holder(l))
	}
	l := proto.Clone(lock).(*provider.Lock)
	if l.User == nil && l.AppName == "" {
		if u, ok := appctx.ContextGetUser(ctx); ok {
			l.User = u.GetId()
		}
	}
	locks.locks[k] = l
	return nil
}

// GetLock answers OK with no lock when the resource is not locked.
func (g *guardFS) GetLock(ctx context.Context, ref *provider.Reference) (*provider.Lock, error) {
	k, err := g.lockTarget(ctx, ref)
	if err != nil {
		return nil, err
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	if l := locks.get(k); l != nil {
		return proto.Clone(l).(*provider.Lock), nil
	}
	return nil, nil
}

// RefreshLock renews the lock whose id is existingLockID (or, when that is
// empty, lock's own id), replacing it with lock.
func (g *guardFS) RefreshLock(ctx context.Context, ref *provider.Reference, lock *provider.Lock, existingLockID string) error {
	k, err := g.lockTarget(ctx, ref)
	if err != nil {
		return err
	}
	if existingLockID == "" {
		existingLockID = lock.GetLockId()
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	l := locks.get(k)
	if l == nil {
		return refuse(ctx, rpc.Code_CODE_FAILED_PRECONDITION, errtypes.Conflict("enforcingfs: "+k+" is not locked"))
	}
	if l.GetLockId() != existingLockID {
		return refusal{rpc.Code_CODE_LOCKED, k + " is locked" + holder(l)}.grpcError(ctx)
	}
	n := proto.Clone(lock).(*provider.Lock)
	if n.User == nil && n.AppName == "" {
		n.User, n.AppName = l.GetUser(), l.GetAppName()
	}
	locks.locks[k] = n
	return nil
}

func (g *guardFS) Unlock(ctx context.Context, ref *provider.Reference, lock *provider.Lock) error {
	k, err := g.lockTarget(ctx, ref)
	if err != nil {
		return err
	}
	locks.mu.Lock()
	defer locks.mu.Unlock()
	l := locks.get(k)
	if l == nil {
		return refuse(ctx, rpc.Code_CODE_FAILED_PRECONDITION, errtypes.Conflict("enforcingfs: "+k+" is not locked"))
	}
	if l.GetLockId() != lock.GetLockId() {
		return refusal{rpc.Code_CODE_LOCKED, k + " is locked" + holder(l)}.grpcError(ctx)
	}
	delete(locks.locks, k)
	return nil
}

// GetMD reports a live CS3 lock in ResourceInfo.Lock, as EOS does, so a
// client sees who holds a file without asking GetLock for it.
func (g *guardFS) GetMD(ctx context.Context, ref *provider.Reference, mdKeys []string) (*provider.ResourceInfo, error) {
	info, err := g.FS.GetMD(ctx, ref, mdKeys)
	if err != nil {
		return nil, err
	}
	return info, g.withLocks(ctx, []*provider.ResourceInfo{info})
}

// ListFolder reports locks the same way: a listing shows them at no cost
// of one call per entry.
func (g *guardFS) ListFolder(ctx context.Context, ref *provider.Reference, mdKeys []string) ([]*provider.ResourceInfo, error) {
	infos, err := g.FS.ListFolder(ctx, ref, mdKeys)
	if err != nil {
		return nil, err
	}
	return infos, g.withLocks(ctx, infos)
}

// withLocks sets Lock on each info that has a live lock. Nothing is looked
// up while no lock exists at all (a 100,000-entry listing stays as cheap).
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
		if l := locks.get(path.Join(base, info.GetPath())); l != nil {
			info.Lock = proto.Clone(l).(*provider.Lock)
		}
	}
	return nil
}
