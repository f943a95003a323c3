"""File locks: CS3 locks where the server has them, a metadata lock otherwise.

Reva's local drivers answer SetLock/GetLock with an error (INTERNAL,
"unimplemented"), EOS implements them. Where they are missing, a lock is kept
in the file's arbitrary metadata, one key per lock attempt::

    cs3widgets.lock.<lock_id> = {"h": holder, "n": ticket, "s": state, "exp": epoch, ...}

Arbitrary metadata has no compare-and-swap, and "write, read back, compare"
on a single shared key still lets two clients both win when their reads
interleave. So acquiring follows Lamport's bakery algorithm instead, which
needs only per-client registers that are read and written atomically:

1. write own key in state ``choosing``;
2. read all keys; if someone holds the lock, withdraw and raise Locked;
   otherwise take ticket = 1 + the largest ticket seen;
3. write own key in state ``waiting`` with that ticket;
4. read all keys until no other attempt is ``choosing``; if any other attempt
   has a smaller (ticket, lock_id), withdraw and raise Locked; else win and
   write own key in state ``held``.

Every other attempt that starts after our step 3 reads our ticket and takes a
larger one, and an attempt that was choosing is waited for, so two attempts
never both win. No timing assumption is needed for safety. Expired keys (a
crashed client) count as absent; expiry compares client clocks.

Limits of the fallback, and why CS3 locks come first wherever the server has
them: it is advisory (the server does not refuse a write without the lock id,
so only clients that take the lock respect it); other CS3 clients do not see
it (they call GetLock); it costs several round trips; and expiry depends on
the clients' clocks agreeing.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2

from . import convert
from .connection import Connection
from .convert import _id_ref
from .errors import (
    Conflict,
    FailedPrecondition,
    InvalidName,
    Locked,
    NotFound,
    ServerError,
    Unimplemented,
)
from .files import Files
from .identity import Identity
from .models import Lock, ResourceId, User
from .paths import validate_target

#: Default lock lifetime in seconds.
DEFAULT_EXPIRES_IN = 1800.0
#: Metadata key prefix of fallback locks.
KEY_PREFIX = "cs3widgets.lock."
#: A ``choosing`` key older than this is a crashed client and is ignored.
CHOOSING_TTL = 15.0
#: How long an attempt waits for others to leave ``choosing`` before giving up.
CHOOSING_WAIT = 10.0
_POLL = 0.05

_CHOOSING, _WAITING, _HELD = "choosing", "waiting", "held"


@dataclass(frozen=True)
class _Attempt:
    """One fallback-lock key as read from the server."""

    lock_id: str
    holder: str
    ticket: int
    state: str
    expires: float
    app_name: str

    def order(self) -> tuple[int, str]:
        return (self.ticket, self.lock_id)

    def as_lock(self) -> Lock:
        return Lock(
            lock_id=self.lock_id,
            holder=self.holder,
            type="write",
            expires=datetime.fromtimestamp(self.expires, tz=timezone.utc),
            app_name=self.app_name,
            via_metadata=True,
        )


def _parse(key: str, value: str) -> _Attempt | None:
    try:
        d = json.loads(value)
        return _Attempt(
            lock_id=key[len(KEY_PREFIX) :],
            holder=str(d["h"]),
            ticket=int(d["n"]),
            state=str(d["s"]),
            expires=float(d["exp"]),
            app_name=str(d.get("app", "")),
        )
    except (ValueError, KeyError, TypeError):
        return None  # someone else's junk under our prefix: ignore it


def locked_error(lock: Lock, path: str) -> Locked:
    """A :class:`Locked` naming the holder and the expiry."""
    when = f" until {lock.expires:%Y-%m-%d %H:%M:%S} UTC" if lock.expires else ""
    return Locked(
        f"locked by {lock.holder or 'another client'}{when}",
        path=path,
        holder=lock.holder,
        expires=lock.expires,
    )


class Locks:
    """Lock operations of a :class:`~cs3widgets.client.CS3Client`."""

    def __init__(self, conn: Connection, files: Files | None = None) -> None:
        self._conn = conn
        self._files = files or Files(conn)
        self._me: User | None = None
        # None = unknown; True/False once the server showed whether it has
        # CS3 locks. Decided once per client, so a lock-less server costs
        # one failed call per session, not per operation.
        self._native: bool | None = None

    @property
    def native(self) -> bool | None:
        """Whether the server implements CS3 locks (None until first used)."""
        return self._native

    def _whoami(self) -> User:
        if self._me is None:
            self._me = Identity(self._conn).whoami()
        return self._me

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
        if self._native is not False:
            try:
                return self._native_set(path, lock_id, expires_in, app_name)
            except (Unimplemented, ServerError):
                if self._native:
                    raise
                self._native = False
        return self._md_acquire(path, lock_id, expires_in, app_name)

    def get_lock(self, path: str) -> Lock | None:
        """The lock on ``path``, or None when it is not locked."""
        path = validate_target(path)
        if self._native is not False:
            try:
                return self._native_get(path)
            except (Unimplemented, ServerError):
                if self._native:
                    raise
                self._native = False
        held = [a for a in self._md_read(path) if a.state == _HELD]
        return min(held, key=_Attempt.order).as_lock() if held else None

    def refresh_lock(
        self, path: str, lock_id: str, *, expires_in: float = DEFAULT_EXPIRES_IN
    ) -> Lock:
        """Extend our lock ``lock_id``; raise if it expired or someone else holds it."""
        path = validate_target(path)
        if self._native is None:
            self.get_lock(path)  # decides native vs metadata
        if self._native:
            lock = self._native_lock(lock_id, expires_in, "cs3widgets")
            req = sp_pb.RefreshLockRequest(ref=self._lock_ref(path), lock=lock)
            self._call_lock("RefreshLock", req, path)
            return self._model(lock)
        attempts = self._md_read(path)
        mine = [a for a in attempts if a.lock_id == lock_id and a.state == _HELD]
        if not mine:
            self._raise_if_held(path, attempts, lock_id)
            raise FailedPrecondition("the lock expired or was released", path=path)
        a = mine[0]
        return self._md_write(path, lock_id, a.holder, a.ticket, _HELD, expires_in, a.app_name)

    def unlock(self, path: str, lock_id: str) -> None:
        """Release lock ``lock_id``. Releasing an expired or released lock is a no-op."""
        path = validate_target(path)
        if self._native is None:
            self.get_lock(path)
        if self._native:
            lock = self._native_lock(lock_id, 0, "")
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

    # -- CS3 locks --------------------------------------------------------
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
        return _id_ref(rid)

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

    def _model(self, lock: Any) -> Lock:
        holder = ""
        if lock.HasField("user") and lock.user.opaque_id:
            me = self._whoami()
            if lock.user.opaque_id == me.opaque_id:
                holder = me.username
            else:
                with contextlib.suppress(Exception):
                    holder = (
                        Identity(self._conn)
                        .get_user_by_id(lock.user.idp, lock.user.opaque_id)
                        .username
                    )
                holder = holder or lock.user.opaque_id
        return Lock(
            lock_id=lock.lock_id,
            holder=holder or lock.app_name,
            type="write",
            expires=convert.timestamp(lock.expiration) if lock.HasField("expiration") else None,
            app_name=lock.app_name,
        )

    def _call_lock(self, method: str, req: Any, path: str) -> Any:
        try:
            res = self._conn.call(method, req, path=path)
        except (FailedPrecondition, Conflict, Locked):
            current = self._native_get(path)
            if current is not None:
                raise locked_error(current, path) from None
            raise
        self._native = True
        return res

    def _native_set(self, path: str, lock_id: str, expires_in: float, app_name: str) -> Lock:
        lock = self._native_lock(lock_id, expires_in, app_name)
        self._call_lock("SetLock", sp_pb.SetLockRequest(ref=self._lock_ref(path), lock=lock), path)
        return self._model(lock)

    def _native_get(self, path: str) -> Lock | None:
        try:
            req = sp_pb.GetLockRequest(ref=self._lock_ref(path))
            res = self._conn.call("GetLock", req, path=path)
        except NotFound:
            # Servers with locks answer NOT_FOUND for "no lock"; the file itself
            # may also be missing, which Stat tells apart.
            self._native = True
            self._files.stat(path)
            return None
        self._native = True
        return self._model(res.lock) if res.HasField("lock") and res.lock.lock_id else None

    # -- metadata fallback -------------------------------------------------
    def _rid(self, path: str) -> ResourceId | None:
        """The resource id lock keys are read and written by (cached per path).

        A shared file is reachable as the owner's path and as each
        recipient's share mount, and the server may keep metadata per path:
        by id every client sees the same keys, so their locks meet.
        """
        return self._files.id_of(path)  # the client's path -> id cache, else one Stat

    def _md_read(self, path: str, *, include_expired: bool = False) -> list[_Attempt]:
        now = time.time()
        out = []
        for key, value in self._files.get_metadata(path, resource_id=self._rid(path)).items():
            if not key.startswith(KEY_PREFIX):
                continue
            a = _parse(key, value)
            if a is not None and (include_expired or a.expires > now):
                out.append(a)
        return out

    def _md_write(
        self,
        path: str,
        lock_id: str,
        holder: str,
        ticket: int,
        state: str,
        ttl: float,
        app_name: str,
        *,
        until: float | None = None,
    ) -> Lock:
        exp = until if until is not None else time.time() + ttl
        value = json.dumps(
            {"h": holder, "n": ticket, "s": state, "exp": exp, "app": app_name},
            separators=(",", ":"),
        )
        self._files.set_metadata(
            path, {KEY_PREFIX + lock_id: value}, resource_id=self._rid(path)
        )
        attempt = _parse(KEY_PREFIX + lock_id, value)
        assert attempt is not None
        return attempt.as_lock()

    def _raise_if_held(self, path: str, attempts: list[_Attempt], lock_id: str) -> None:
        held = [a for a in attempts if a.lock_id != lock_id and a.state == _HELD]
        if held:
            raise locked_error(min(held, key=_Attempt.order).as_lock(), path)

    def _md_acquire(self, path: str, lock_id: str, expires_in: float, app_name: str) -> Lock:
        me = self._whoami().username
        attempts = self._md_read(path, include_expired=True)
        now = time.time()
        mine = [
            a for a in attempts if a.lock_id == lock_id and a.state == _HELD and a.expires > now
        ]
        if mine:
            return self.refresh_lock(path, lock_id, expires_in=expires_in)
        self._raise_if_held(path, [a for a in attempts if a.expires > now], lock_id)
        stale = [KEY_PREFIX + a.lock_id for a in attempts if a.expires <= now]

        key = KEY_PREFIX + lock_id
        self._md_write(path, lock_id, me, 0, _CHOOSING, CHOOSING_TTL, app_name)  # step 1
        try:
            others = [a for a in self._md_read(path) if a.lock_id != lock_id]  # step 2
            self._raise_if_held(path, others, lock_id)
            ticket = 1 + max((a.ticket for a in others), default=0)
            # One expiry for the waiting and the held entry, so that a loser
            # who sees the waiting one is told the time the lock really ends.
            until = time.time() + expires_in
            self._md_write(
                path, lock_id, me, ticket, _WAITING, expires_in, app_name, until=until
            )  # step 3
            deadline = time.monotonic() + CHOOSING_WAIT
            while True:  # step 4
                others = [a for a in self._md_read(path) if a.lock_id != lock_id]
                ahead = [
                    a for a in others if a.state != _CHOOSING and a.order() < (ticket, lock_id)
                ]
                if ahead:
                    raise locked_error(min(ahead, key=_Attempt.order).as_lock(), path)
                if not any(a.state == _CHOOSING for a in others):
                    break
                if time.monotonic() > deadline:
                    raise Locked("another client is acquiring the lock", path=path)
                time.sleep(_POLL)
            lock = self._md_write(
                path, lock_id, me, ticket, _HELD, expires_in, app_name, until=until
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self._files.delete_metadata(path, [key], resource_id=self._rid(path))
            raise
        if stale:
            # Tidy keys of crashed clients; harmless if it fails.
            with contextlib.suppress(Exception):
                self._files.delete_metadata(path, stale, resource_id=self._rid(path))
        return lock


__all__ = ["DEFAULT_EXPIRES_IN", "KEY_PREFIX", "Locks", "locked_error"]
