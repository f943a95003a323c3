"""CS3 locks (SetLock, GetLock, RefreshLock, Unlock), where the server has them.

Reva's local drivers answer SetLock/GetLock with an error (INTERNAL,
"unimplemented"), EOS implements them; :class:`~.locks.Locks` then falls back
to :mod:`.metadata`.
"""

from __future__ import annotations

import time
from typing import Any

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2

from ..capabilities import LOCKS
from ..convert import id_ref
from ..errors import Conflict, FailedPrecondition, Locked, NotFound
from ..models import Lock
from .holders import LockHolders, locked_error


class NativeLockOps(LockHolders):
    """CS3 lock calls; part of :class:`~.locks.Locks`."""

    def _lock_ref(self, path: str) -> Any:
        """The reference lock calls use: the resource id (one Stat, not cached).

        A shared file is reached as the owner's path and as each recipient's
        share mount, and Reva v1.29's gateway does not follow share mounts
        for lock calls; by id every client addresses the one file, so their
        locks meet. Not cached: on local storage an id changes with a move.
        """
        rid = self._files.stat(path).id
        if rid is None or not rid.opaque_id:
            return sp_res.Reference(path=path)
        return id_ref(rid)

    def _native_lock(self, lock_id: str, expires_in: float, app_name: str) -> Any:
        me = self._whoami()
        from cs3.identity.user.v1beta1 import resources_pb2 as user_res

        lock = sp_res.Lock(
            lock_id=lock_id,
            type=sp_res.LOCK_TYPE_WRITE,
            user=user_res.UserId(idp=me.idp, opaque_id=me.opaque_id),
            app_name=app_name,
        )
        if expires_in > 0:
            lock.expiration.CopyFrom(types_pb2.Timestamp(seconds=int(time.time() + expires_in)))
        return lock

    def _call_lock(self, method: str, req: Any, path: str) -> Any:
        try:
            res = self._conn.call(method, req, path=path)
        except (FailedPrecondition, Conflict, Locked):
            current = self._native_get(path)
            if current is not None:
                raise locked_error(current, path) from None
            raise
        self._caps.found(LOCKS)
        return res

    def _native_set(self, path: str, lock_id: str, expires_in: float, app_name: str) -> Lock:
        lock = self._native_lock(lock_id, expires_in, app_name)
        self._call_lock("SetLock", sp_pb.SetLockRequest(ref=self._lock_ref(path), lock=lock), path)
        return self._model(lock)

    def _native_get(self, path: str) -> Lock | None:
        # A missing file raises NotFound here, which says nothing of locks.
        req = sp_pb.GetLockRequest(ref=self._lock_ref(path))
        try:
            res = self._conn.call("GetLock", req, path=path)
        except NotFound:
            # EOS's driver answers NOT_FOUND for "no lock" (eosfs getLock);
            # the file was there a moment ago (_lock_ref's Stat found it).
            self._caps.found(LOCKS)
            return None
        self._caps.found(LOCKS)
        return self._model(res.lock) if res.HasField("lock") and res.lock.lock_id else None


__all__ = ["NativeLockOps"]
