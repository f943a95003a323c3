"""File locks: CS3 locks where the server has them, a metadata lock otherwise.

Reva's local drivers answer SetLock/GetLock with an error (INTERNAL,
"unimplemented"), EOS implements them. Where they are missing, a lock is kept
in the file's arbitrary metadata, one key per lock attempt, and acquired by
Lamport's bakery algorithm (:mod:`.metadata` says how and why).

Limits of the fallback, and why CS3 locks come first wherever the server has
them: it is advisory (the server does not refuse a write without the lock id,
so only clients that take the lock respect it); other CS3 clients do not see
it (they call GetLock); it costs several round trips; and expiry depends on
the clients' clocks agreeing.

:class:`Locks` is composed of the CS3 lock calls (:mod:`.native`), the
metadata lock (:mod:`.metadata`) and who holds a lock
(:mod:`.holders`); the names below stay importable from here.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb

from ..capabilities import LOCKS, capabilities
from ..connection import Connection
from ..errors import (
    CS3Error,
    FailedPrecondition,
    InvalidName,
    Locked,
    NotFound,
    ServerError,
)
from ..models import Lock, User
from ..paths import validate_target
from .holders import locked_error
from .metadata import CHOOSING_TTL as CHOOSING_TTL
from .metadata import CHOOSING_WAIT as CHOOSING_WAIT
from .metadata import HELD, KEY_PREFIX, Attempt, MetadataLockOps
from .native import NativeLockOps

if TYPE_CHECKING:
    from ..files import Files

#: Default lock lifetime in seconds.
DEFAULT_EXPIRES_IN = 1800.0


class Locks(NativeLockOps, MetadataLockOps):
    """Lock operations of a :class:`~cs3widgets.client.CS3Client`.

    CS3 lock calls live in :mod:`.native`, the metadata lock in
    :mod:`.metadata`, the caller and lock holders in :mod:`.holders`.
    """

    def __init__(self, conn: Connection, files: Files | None = None) -> None:
        self._conn = conn
        if files is None:
            from ..files import Files  # files/ imports this package: not at import time

            files = Files(conn)
        self._files = files
        self._me: User | None = None
        # Whether the server has CS3 locks, learnt once per client
        # (capabilities.py), so a lock-less server costs one failed call
        # per session, not per operation.
        self._caps = capabilities(conn)

    @property
    def native(self) -> bool | None:
        """Whether the server implements CS3 locks (None until first used)."""
        return self._caps.known(LOCKS)

    def supported(self, path: str) -> bool | None:
        """Whether the server has CS3 locks; asks once (one GetLock on ``path``).

        None while unknown: ``path`` does not exist, so nothing was asked.
        """
        if self.native is None:
            with contextlib.suppress(NotFound):
                self.get_lock(path)
        return self.native

    def refuse_if_locked(self, path: str, lock_id: str | None = None) -> None:
        """Raise :class:`Locked` if someone else holds a lock on ``path``.

        EOS checks a lock only when a file is opened for writing, so it lets
        anybody move or delete a file another holds (tools/revad/FIDELITY.md),
        and a server without CS3 locks knows nothing of a metadata lock:
        before a move or a delete, the client asks (one GetLock).
        """
        lock = self.get_lock(path)
        if lock is not None and lock.lock_id != lock_id:
            raise locked_error(lock, path)

    def me(self) -> User:
        """The user this client is logged in as (asked once)."""
        return self._whoami()

    # -- public API -------------------------------------------------------
    def set_lock(
        self,
        path: str,
        *,
        expires_in: float = DEFAULT_EXPIRES_IN,
        app_name: str = "cs3widgets",
        lock_id: str | None = None,
    ) -> Lock:
        """Lock ``path`` for writing; raise :class:`Locked` if someone holds it."""
        path = validate_target(path)
        if expires_in <= 0:
            raise InvalidName("expires_in must be positive", path=path)
        lock_id = lock_id or uuid.uuid4().hex
        if self._caps.worth_trying(LOCKS):
            try:
                return self._native_set(path, lock_id, expires_in, app_name)
            except Locked:
                # Setting our own lock again is a refresh: EOS refuses a
                # second SetLock while a lock naming a user is live.
                current = self._native_get(path)
                if current is None or current.lock_id != lock_id:
                    raise
                return self.refresh_lock(path, lock_id, expires_in=expires_in)
            except CS3Error as exc:
                if not self._caps.missing(LOCKS, exc):
                    raise
        return self._md_acquire(path, lock_id, expires_in, app_name)

    def get_lock(self, path: str) -> Lock | None:
        """The lock on ``path``, or None when it is not locked."""
        path = validate_target(path)
        if self._caps.worth_trying(LOCKS):
            try:
                return self._native_get(path)
            except CS3Error as exc:
                if not self._caps.missing(LOCKS, exc):
                    raise
        held = [a for a in self._md_read(path) if a.state == HELD]
        return min(held, key=Attempt.order).as_lock() if held else None

    def refresh_lock(
        self, path: str, lock_id: str, *, expires_in: float = DEFAULT_EXPIRES_IN
    ) -> Lock:
        """Extend our lock ``lock_id``; raise if it expired or someone else holds it."""
        path = validate_target(path)
        if self.native is None:
            self.get_lock(path)  # decides native vs metadata
        if self.native:
            # EOS renews a lock only for its holder, user and app: the app
            # is the lock's own.
            current = self._native_get(path)
            if current is None:
                raise FailedPrecondition("the lock expired or was released", path=path)
            if current.lock_id != lock_id:
                raise locked_error(current, path)
            lock = self._native_lock(lock_id, expires_in, current.app_name)
            req = sp_pb.RefreshLockRequest(ref=self._lock_ref(path), lock=lock)
            try:
                self._call_lock("RefreshLock", req, path)
            except ServerError:
                # Reva's EOS driver renews a lock by setting EOS's lock
                # attribute again as root, which EOS refuses while a lock
                # naming a user is live (tools/revad/FIDELITY.md): give it
                # back and take it anew, with the same id.
                self.unlock(path, lock_id)
                return self._native_set(path, lock_id, expires_in, current.app_name)
            return self._model(lock)
        attempts = self._md_read(path)
        mine = [a for a in attempts if a.lock_id == lock_id and a.state == HELD]
        if not mine:
            self._raise_if_held(path, attempts, lock_id)
            raise FailedPrecondition("the lock expired or was released", path=path)
        a = mine[0]
        return self._md_write(path, lock_id, a.holder, a.ticket, HELD, expires_in, a.app_name)

    def unlock(self, path: str, lock_id: str) -> None:
        """Release lock ``lock_id``. Releasing an expired or released lock is a no-op."""
        path = validate_target(path)
        if self.native is None:
            self.get_lock(path)
        if self.native:
            # EOS releases a lock only for its holder, user and app: one
            # GetLock gives the app (and spares a call when it is gone).
            current = self._native_get(path)
            if current is None:
                return
            if current.lock_id != lock_id:
                raise locked_error(current, path)
            lock = self._native_lock(lock_id, 0, current.app_name)
            req = sp_pb.UnlockRequest(ref=self._lock_ref(path), lock=lock)
            try:
                self._call_lock("Unlock", req, path)
            except Locked:
                raise
            except FailedPrecondition:
                # Not locked (expired or released already): nothing to do.
                return
            return
        attempts = self._md_read(path, include_expired=True)
        if any(a.lock_id == lock_id for a in attempts):
            self._files.delete_metadata(
                path, [KEY_PREFIX + lock_id], resource_id=self._rid(path)
            )
            return
        self._raise_if_held(path, [a for a in attempts if a.expires > time.time()], lock_id)

    @contextlib.contextmanager
    def lock(
        self,
        path: str,
        *,
        expires_in: float = DEFAULT_EXPIRES_IN,
        app_name: str = "cs3widgets",
    ) -> Iterator[Lock]:
        """``with client.locks.lock(path) as lk:`` holds the lock inside the block."""
        lk = self.set_lock(path, expires_in=expires_in, app_name=app_name)
        try:
            yield lk
        except BaseException:
            # Do not hide the block's own error behind an unlock failure.
            with contextlib.suppress(Exception):
                self.unlock(path, lk.lock_id)
            raise
        self.unlock(path, lk.lock_id)


__all__ = ["DEFAULT_EXPIRES_IN", "KEY_PREFIX", "Locks", "locked_error"]
