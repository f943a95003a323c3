"""Copy, rename and delete, none of them over what is there.

A copy streams the file (or every file of a folder) from CS3 back to CS3
(never through a disk) and is refused where its target exists; a rename
never replaces an existing target and carries our edit locks along; a
delete moves to the CS3 recycle bin. Someone else's lock refuses a rename
or a delete (423). Hidden paths are refused with 400 where Jupyter's own
manager refuses them (a read of one answers 404, as if it were not there).
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
    _dir_model: Callable[[Entry, str, bool], dict[str, Any]]
    max_copy_folder_size_mb: int
    delete_to_trash: bool
    always_delete_dir: bool

    async def copy(self, from_path: str, to_path: str | None = None) -> dict[str, Any]:
        """Copy a file or folder server-side into a folder (``name-Copy1.ext``) or to a new path."""
        src = from_path.strip("/")
        self._refuse_hidden(src)
        from_dir, _, from_name = src.rpartition("/")
        if (await self.run_blocking(self._stat, self.cs3_path(src), src)).is_dir:
            return await self._copy_folder(src, from_dir if to_path is None else to_path.strip("/"))
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

    async def _copy_folder(self, src: str, into: str) -> dict[str, Any]:
        """Copy folder ``src`` into folder ``into`` (made if missing), as Jupyter's own manager.

        Into an existing folder the copy is named ``name-Copy1`` where ``name``
        is taken; into a missing one it keeps its name. Folders larger than
        ``max_copy_folder_size_mb`` are refused (400).
        """
        name = copy_pat.sub(".", src.rpartition("/")[2])
        if await self.dir_exists(into):
            name = await self.increment_filename(name, into, insert="-Copy")
        target = f"{into}/{name}" if into else name
        self._refuse_hidden(target)
        if target == src or target.startswith(src + "/"):
            raise HTTPError(400, f"Can't copy '{src}' into itself")
        model = await self.run_blocking(self._copy_tree, src, target)
        self.emit(data={"action": "copy", "path": target, "source_path": src})
        return model

    def _copy_tree(self, src: str, dst: str) -> dict[str, Any]:
        limit = self.max_copy_folder_size_mb * 1024 * 1024
        size = 0
        for _, _, files in self.client.files.walk(self.cs3_path(src)):
            size += sum(f.size for f in files)
            if size > limit:
                raise HTTPError(400, f"Can't copy folders larger than "
                                     f"{self.max_copy_folder_size_mb} MB: {src}")
        parent = dst.rpartition("/")[0]
        if parent:
            self.client.files.mkdir(self.cs3_path(parent), parents=True, exist_ok=True)
        try:
            copied = self.client.transfers.copy(self.cs3_path(src), self.cs3_path(dst))
        except AlreadyExists:
            raise HTTPError(409, f"{dst} exists already", reason="Already exists") from None
        return self._dir_model(copied, dst, False)

    def _copy(self, src: str, dst: str) -> dict[str, Any]:
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
        self._refuse_hidden(old)
        self._refuse_hidden(new)
        if new.startswith(old + "/"):
            raise HTTPError(409, f"{old} cannot be moved into itself ({new})")
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
        self._refuse_hidden(path)
        await self.run_blocking(self._delete, path)

    def _delete(self, path: str) -> None:
        cs3 = self.cs3_path(path)
        self.refuse_if_locked(cs3, path, "deleted")
        # As Jupyter's own manager where deletes are final, a folder that is
        # not empty is kept (here it would go to the recycle bin).
        keep_full = not (self.delete_to_trash or self.always_delete_dir)
        if keep_full and self._stat(cs3, path).is_dir and self.client.files.list(cs3):
            raise HTTPError(400, f"Directory {path} not empty")
        self.edit_locks.release_within(cs3)
        self._writer.forget(cs3)
        try:
            self.client.files.delete(cs3)
        except NotFound:
            raise HTTPError(404, f"No such file or directory: {path}") from None


__all__ = ["CopyRenameDelete"]
