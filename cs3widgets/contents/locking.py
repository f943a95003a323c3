"""Edit locks of the contents manager: taken on open, kept alive, given back.

A notebook opened for editing is locked with the service layer's lock code
(:class:`~cs3widgets.client.Locks`: CS3 locks where the server has them, the
metadata fallback otherwise), the same code the Browser uses, so every CS3
client sees who edits it. The manager's keeper task refreshes each lock
while the notebook is still in use, that is while a Jupyter session (a
kernel) has it open or it was read or saved within ``idle_timeout``; after
that the lock is released. A crashed server's locks simply expire (``ttl``).

All methods here block on the server: the manager calls them off the event
loop.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timezone

from cs3widgets.client import CS3Client, CS3Error, Locked, NotFound, PermissionDenied
from cs3widgets.client.models import Lock

log = logging.getLogger(__name__)


@dataclass
class _Held:
    lock: Lock
    last_used: float


class EditLocks:
    """The locks one contents manager holds, by CS3 path."""

    def __init__(
        self,
        client: CS3Client,
        *,
        ttl: float,
        idle_timeout: float,
        app_name: str = "jupyter (cs3widgets)",
    ) -> None:
        self._client = client
        self.ttl = ttl
        self.idle_timeout = idle_timeout
        self.app_name = app_name
        self._held: dict[str, _Held] = {}
        self._mutex = threading.Lock()

    # -- questions ----------------------------------------------------------
    def lock_id(self, path: str) -> str | None:
        """Our lock id on ``path``, or None when we hold no lock there."""
        with self._mutex:
            held = self._held.get(path)
        return held.lock.lock_id if held else None

    def held(self, path: str) -> Lock | None:
        """Our lock on ``path``, or None when we hold no lock there."""
        with self._mutex:
            entry = self._held.get(path)
        return entry.lock if entry else None

    def held_paths(self) -> list[str]:
        """Paths we hold locks on."""
        with self._mutex:
            return list(self._held)

    def foreign_lock(self, path: str) -> Lock | None:
        """The lock someone else holds on ``path``, or None.

        The server is asked every time: a lock we remember may have expired
        and been taken by another client meanwhile.
        """
        try:
            lock = self._client.locks.get_lock(path)
        except NotFound:
            return None
        if lock is None or lock.lock_id == self.lock_id(path):
            return None
        return lock

    # -- taking and giving back --------------------------------------------
    def acquire(self, path: str) -> Lock | None:
        """Lock ``path`` for us; return the holder's lock when someone else has it.

        Returns None when we hold the lock now (new or refreshed).
        """
        mine = self.lock_id(path)
        if mine is not None:
            try:
                lock = self._client.locks.refresh_lock(path, mine, expires_in=self.ttl)
            except Locked as exc:
                self._forget(path)
                return lock_from(exc)
            except CS3Error:
                self._forget(path)  # expired or released meanwhile: take it anew
            else:
                self._remember(path, lock)
                return None
        try:
            lock = self._client.locks.set_lock(path, expires_in=self.ttl, app_name=self.app_name)
        except Locked as exc:
            return lock_from(exc)
        self._remember(path, lock)
        return None

    def open_for_edit(self, path: str, shown: str) -> bool:
        """Lock ``path`` for a front end opening it; False means open it read-only.

        ``shown`` names the file in log lines.
        """
        try:
            other = self.acquire(path)
        except PermissionDenied:
            return False
        except CS3Error as exc:
            # Opening must not fail because a lock could not be taken; the
            # if_match on save still protects the file.
            log.warning("could not lock %s for editing: %s", shown, exc)
            return True
        if other is not None:
            log.info("%s is %s; opened read-only", shown, describe(other))
            return False
        return True

    def touch(self, path: str) -> None:
        """Note that ``path`` was used just now (read or saved)."""
        with self._mutex:
            held = self._held.get(path)
            if held is not None:
                held.last_used = time.monotonic()

    def release(self, path: str) -> None:
        """Give our lock on ``path`` back (no-op when we hold none)."""
        held = self._forget(path)
        if held is None:
            return
        try:
            self._client.locks.unlock(path, held.lock.lock_id)
        except CS3Error as exc:
            # Gone, moved or taken over after expiry: nothing of ours is left.
            log.debug("unlock %s: %s", path, exc)

    @contextlib.contextmanager
    def suspended(self, path: str) -> Iterator[None]:
        """Give our lock on ``path`` up for the block, take it again after.

        For the few writes the service layer cannot send a lock id with
        (restoring a version): a server that enforces locks would refuse
        them from the holder too.
        """
        held = self.lock_id(path) is not None
        if held:
            self.release(path)
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(CS3Error):
                    self.acquire(path)

    def release_within(self, path: str) -> list[str]:
        """Release our locks on ``path`` and below it; return the paths released."""
        inside = [p for p in self.held_paths() if p == path or p.startswith(path.rstrip("/") + "/")]
        for p in inside:
            self.release(p)
        return inside

    def release_all(self) -> None:
        """Release every lock (server shutdown)."""
        for path in self.held_paths():
            self.release(path)

    def keep_alive(self, live: set[str]) -> None:
        """Refresh locks still in use, release the others.

        ``live`` holds the CS3 paths that have a Jupyter session now.
        """
        now = time.monotonic()
        with self._mutex:
            items = list(self._held.items())
        for path, held in items:
            if path not in live and now - held.last_used > self.idle_timeout:
                self.release(path)
                continue
            try:
                lock = self._client.locks.refresh_lock(
                    path, held.lock.lock_id, expires_in=self.ttl
                )
            except CS3Error as exc:
                log.info("lost the edit lock on %s: %s", path, exc)
                self._forget(path)
            else:
                with self._mutex:
                    if path in self._held:
                        self._held[path].lock = lock

    # -- bookkeeping ----------------------------------------------------------
    def _remember(self, path: str, lock: Lock) -> None:
        with self._mutex:
            self._held[path] = _Held(lock, time.monotonic())

    def _forget(self, path: str) -> _Held | None:
        with self._mutex:
            return self._held.pop(path, None)


def lock_from(exc: Locked) -> Lock:
    """A lock model from a :class:`Locked` error (holder and expiry only)."""
    return Lock(lock_id="", holder=exc.holder or "another client", expires=exc.expires)


def describe(lock: Lock) -> str:
    """``locked by marie until 2026-11-29 22:10 UTC`` (no ids, nothing secret)."""
    until = ""
    if lock.expires is not None:
        until = f" until {lock.expires.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return f"locked by {lock.holder or 'another client'}{until}"

__all__ = ["EditLocks", "describe", "lock_from"]
