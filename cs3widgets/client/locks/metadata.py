"""The metadata lock: a lock kept in the file's arbitrary metadata.

Where the server has no CS3 locks (:mod:`.native`), a lock is kept in
the file's arbitrary metadata, one key per lock attempt::

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

The fallback's limits are in :mod:`.locks`.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import Locked
from ..models import Lock, ResourceId
from .holders import LockHolders, locked_error

#: Metadata key prefix of fallback locks.
KEY_PREFIX = "cs3widgets.lock."
#: A ``choosing`` key older than this is a crashed client and is ignored.
CHOOSING_TTL = 15.0
#: How long an attempt waits for others to leave ``choosing`` before giving up.
CHOOSING_WAIT = 10.0
_POLL = 0.05

_CHOOSING, _WAITING, HELD = "choosing", "waiting", "held"


@dataclass(frozen=True)
class Attempt:
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


def _parse(key: str, value: str) -> Attempt | None:
    try:
        d = json.loads(value)
        return Attempt(
            lock_id=key[len(KEY_PREFIX) :],
            holder=str(d["h"]),
            ticket=int(d["n"]),
            state=str(d["s"]),
            expires=float(d["exp"]),
            app_name=str(d.get("app", "")),
        )
    except (ValueError, KeyError, TypeError):
        return None  # someone else's junk under our prefix: ignore it


class MetadataLockOps(LockHolders):
    """The metadata fallback lock; part of :class:`~.locks.Locks`."""

    # The public refresh, in :class:`~.locks.Locks`: re-taking a lock we
    # hold extends it.
    refresh_lock: Callable[..., Lock]

    def _rid(self, path: str) -> ResourceId | None:
        """The resource id lock keys are read and written by (cached per path).

        A shared file is reachable as the owner's path and as each
        recipient's share mount, and the server may keep metadata per path:
        by id every client sees the same keys, so their locks meet.
        """
        return self._files.id_of(path)  # the client's path -> id cache, else one Stat

    def _md_read(self, path: str, *, include_expired: bool = False) -> list[Attempt]:
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

    def _raise_if_held(self, path: str, attempts: list[Attempt], lock_id: str) -> None:
        held = [a for a in attempts if a.lock_id != lock_id and a.state == HELD]
        if held:
            raise locked_error(min(held, key=Attempt.order).as_lock(), path)

    def _md_acquire(self, path: str, lock_id: str, expires_in: float, app_name: str) -> Lock:
        me = self._whoami().username
        attempts = self._md_read(path, include_expired=True)
        now = time.time()
        mine = [
            a for a in attempts if a.lock_id == lock_id and a.state == HELD and a.expires > now
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
                    raise locked_error(min(ahead, key=Attempt.order).as_lock(), path)
                if not any(a.state == _CHOOSING for a in others):
                    break
                if time.monotonic() > deadline:
                    raise Locked("another client is acquiring the lock", path=path)
                time.sleep(_POLL)
            lock = self._md_write(
                path, lock_id, me, ticket, HELD, expires_in, app_name, until=until
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


__all__ = ["CHOOSING_TTL", "CHOOSING_WAIT", "HELD", "KEY_PREFIX", "Attempt", "MetadataLockOps"]
