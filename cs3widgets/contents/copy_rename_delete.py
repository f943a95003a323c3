"""Copy, rename and delete, none of them over what is there.

A copy streams the file from CS3 back to CS3 (never through a disk) and is
refused where its target exists; a rename never replaces an existing target
and carries our edit locks along; a delete moves to the CS3 recycle bin.
Someone else's lock refuses a rename or a delete (423).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from jupyter_server.services.contents.manager import copy_pat
from tornado.web import HTTPError

from cs3widgets.client import AlreadyExists, CS3Error, NotFound
from cs3widgets.client.models import Entry

from . import models as m
from .manager_parts import ManagerParts
from .saving import SafeWriter


class CopyRenameDelete(ManagerParts):
    """Mixin of :class:`~.manager.CS3ContentsManager`: copy, rename and delete."""

    # Also provided by the manager.
    _writer: SafeWriter
    refuse_if_locked: Callable[[str, str, str], None]
    dir_exists: Callable[[str], Awaitable[bool]]
    increment_filename: Callable[..., Awaitable[str]]
    emit: Callable[..., None]
    _maybe_stat: Callable[[str], Entry | None]

    async def copy(self, from_path: str, to_path: str | None = None) -> dict[str, Any]:
        """Copy a file server-side into a folder (``name-Copy1.ext``) or to a new path."""
        src = from_path.strip("/")
        self._refuse_hidden(src, 404)
        from_dir, _, from_name = src.rpartition("/")
        target = from_dir if to_path is None else to_path.strip("/")
        if await self.dir_exists(target):
            name = await self.increment_filename(
                copy_pat.sub(".", from_name), target, insert="-Copy"
            )
            target = f"{target}/{name}" if target else name
        elif to_path is None:
            raise HTTPError(404, f"No such directory: {target}")
        self._refuse_hidden(target)
        model = await self.run_blocking(self._copy, src, target)
        self.emit(data={"action": "copy", "path": target, "source_path": src})
        return model

    def _copy(self, src: str, dst: str) -> dict[str, Any]:
        entry = self._stat(self.cs3_path(src), src)
        if entry.is_dir:
            raise HTTPError(400, "Can't copy directories")
        to_dir = dst.rpartition("/")[0]
        if self._maybe_stat(to_dir) is None:
            raise HTTPError(404, f"No such directory: {to_dir}")
        try:
            copied = self.client.transfers.copy(self.cs3_path(src), self.cs3_path(dst))
        except AlreadyExists:
            raise HTTPError(409, f"{dst} exists already", reason="Already exists") from None
        return m.base_model(copied, dst)

    async def rename_file(self, old_path: str, new_path: str) -> None:
        """Rename (move) a file or folder; never replaces an existing target."""
        old, new = old_path.strip("/"), new_path.strip("/")
        if old == new:
            return
        self._refuse_hidden(old, 404)
        self._refuse_hidden(new)
        await self.run_blocking(self._rename, old, new)

    def _rename(self, old: str, new: str) -> None:
        src, dst = self.cs3_path(old), self.cs3_path(new)
        self._stat(src, old)  # a missing source is a 404, not a server error
        self.refuse_if_locked(src, old, "renamed")
        # Our own locks (on the file, or on notebooks inside the folder) are
        # given up for the move, which a lock-enforcing server would refuse
        # otherwise, and taken again at the new place.
        held = self.edit_locks.release_within(src)
        try:
            moved = self.client.files.move(src, dst, overwrite=False)
        except (AlreadyExists, NotFound) as exc:
            self._relock(held)
            if isinstance(exc, AlreadyExists):
                raise HTTPError(409, f"{new} exists already", reason="Already exists") from None
            raise HTTPError(404, f"No such file or directory: {old}") from None
        except BaseException:
            self._relock(held)
            raise
        if self._writer.forget(src) is not None:
            self.remember_etag(dst, moved.etag)
        self._relock([dst + p[len(src):] for p in held])

    def _relock(self, paths: list[str]) -> None:
        for p in paths:
            with contextlib.suppress(CS3Error):
                self.edit_locks.acquire(p)

    async def delete_file(self, path: str) -> None:
        """Move a file or folder to the CS3 recycle bin."""
        path = path.strip("/")
        self._refuse_hidden(path, 404)
        await self.run_blocking(self._delete, path)

    def _delete(self, path: str) -> None:
        cs3 = self.cs3_path(path)
        self.refuse_if_locked(cs3, path, "deleted")
        self.edit_locks.release_within(cs3)
        self._writer.forget(cs3)
        try:
            self.client.files.delete(cs3)
        except NotFound:
            raise HTTPError(404, f"No such file or directory: {path}") from None


__all__ = ["CopyRenameDelete"]
