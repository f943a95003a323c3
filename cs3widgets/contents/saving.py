"""Safe saves: the server decides, and a refused save keeps what the user typed.

Every save of an existing file carries the etag of the content this Jupyter
server last handed out or wrote for it (``if_match``), and a new file is
created with must-not-exist. A refusal (the file changed, someone else holds
its lock) writes the user's bytes as a conflicted copy next to the original
(:mod:`.conflicts`) and answers 409 or 423 with where the copy is.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import IO, Any

from tornado.web import HTTPError

from cs3widgets.client import AlreadyExists, Conflict, CS3Client, CS3Error, Locked
from cs3widgets.client.models import Entry

from .conflicts import save_copy
from .locking import EditLocks, describe, lock_from


@functools.cache
def takes_lock_id(fn: Callable[..., Any]) -> bool:
    """Whether a service-layer write accepts ``lock_id=`` (newer clients do)."""
    return "lock_id" in inspect.signature(fn).parameters


class SafeWriter:
    """Uploads for one contents manager, with the etags its users edit."""

    def __init__(
        self, client: CS3Client, locks: EditLocks, display: Callable[[str], str]
    ) -> None:
        self._client = client
        self._locks = locks
        self._display = display
        self._etags: dict[str, str] = {}
        self._mutex = threading.Lock()

    def remember(self, path: str, etag: str) -> None:
        """The content with ``etag`` is what this server's users now edit."""
        with self._mutex:
            self._etags[path] = etag

    def forget(self, path: str) -> str | None:
        """Drop (and return) the etag remembered for ``path``."""
        with self._mutex:
            return self._etags.pop(path, None)

    def write(self, cs3: str, path: str, data: bytes | IO[bytes], *, create: bool) -> Entry:
        """Upload ``data`` to ``cs3`` (``path`` names it to the user); raise 409/423 if refused."""
        if not create:
            # Reva's local drivers ignore locks on writes, so someone else's
            # lock is looked up here; where the server enforces lock ids it
            # refuses the upload too (Locked, below).
            other = self._locks.foreign_lock(cs3)
            if other is not None:
                raise self._refused(cs3, data, 423, f"{path} is {describe(other)}")
        kwargs: dict[str, Any] = {}
        with self._mutex:
            etag = self._etags.get(cs3)
        if create:
            kwargs["overwrite"] = False
        elif etag is not None:
            kwargs["if_match"] = etag
        lock_id = self._locks.lock_id(cs3)
        if lock_id and takes_lock_id(type(self._client.transfers).upload):
            kwargs["lock_id"] = lock_id
        try:
            entry = self._client.transfers.upload(data, cs3, **kwargs)
        except AlreadyExists:
            raise HTTPError(409, f"{path} exists already", reason="Already exists") from None
        except Conflict:
            why = f"{path} changed on the server since you opened it"
            raise self._refused(cs3, data, 409, why) from None
        except Locked as exc:
            # The server's refusal may name the holder only by id: ask who.
            holder = self._locks.foreign_lock(cs3) or lock_from(exc)
            raise self._refused(cs3, data, 423, f"{path} is {describe(holder)}") from None
        self.remember(cs3, entry.etag)
        self._locks.touch(cs3)
        return entry

    def _refused(self, cs3: str, data: bytes | IO[bytes], status: int, why: str) -> HTTPError:
        """The error for a refused save, after keeping the user's bytes as a copy."""
        try:
            copy = save_copy(self._client, cs3, data)
        except CS3Error as exc:
            return HTTPError(
                status,
                f"{why}; your version was NOT saved anywhere ({exc}). "
                "Copy your changes elsewhere before reloading.",
                reason="Not saved",
            )
        return HTTPError(
            status,
            f"{why}; nothing was overwritten. Your version was saved as {self._display(copy)}",
            reason="Saved as a copy",
        )


__all__ = ["SafeWriter", "takes_lock_id"]
