"""``CS3ContentsManager``: Jupyter's contents API over CS3 storage.

Run a Jupyter server on it with::

    c.ServerApp.contents_manager_class = "cs3widgets.contents.CS3ContentsManager"
    c.CS3ContentsManager.root_dir = "/home/Notebooks"     # default: the user's home

Credentials come from the same configuration as :func:`cs3widgets.connect`
(``CS3_*`` environment variables, ``cs3widgets_config.py``, SWAN's token
file). Every server call goes through the service layer
(:class:`~cs3widgets.client.CS3Client`) in a small thread pool, so the
server's event loop never waits for CS3.

How writes stay safe:

- ``last_modified`` is the file's modification time on the server, so
  JupyterLab's own "file changed on disk" check works.
- The manager remembers the etag of the content it last handed out or
  saved, and saves with ``if_match`` on it: a save over a newer version is
  refused (409), never applied. The refused text is written next to the
  original as a "conflicted copy" and the error message says where.
- A notebook opened for editing is locked (see :mod:`.locking`); while
  someone else holds the lock the notebook opens read-only
  (``writable: false``) and a save is refused (423), again with a copy.
- Deleting moves to the recycle bin; "Revert to checkpoint" restores a file
  version (see :mod:`.checkpoints`).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, TypeVar

import nbformat
from jupyter_server.services.contents.manager import AsyncContentsManager, copy_pat
from nbformat.v4 import new_notebook
from tornado.web import HTTPError
from traitlets import Bool, Float, Instance, Int, Type, Unicode, default

from cs3widgets.client import (
    AlreadyExists,
    CS3Client,
    CS3Error,
    NotFound,
)
from cs3widgets.client.models import Entry
from cs3widgets.client.paths import ROOT, join, validate_path

from . import models as m
from .checkpoints import CS3Checkpoints
from .chunks import ChunkSpool
from .errors import http_error
from .locking import EditLocks, describe
from .reading import read_consistent
from .saving import SafeWriter
from .server_glue import fix_preferred_path, keep_locks, session_paths

T = TypeVar("T")


def _release_at_exit(ref: weakref.ReferenceType[CS3ContentsManager]) -> None:
    cm = ref()
    if cm is not None:
        cm.shutdown()


class CS3ContentsManager(AsyncContentsManager):
    """Jupyter contents (notebooks, files, folders) kept on CS3 storage."""

    root_dir = Unicode(
        "",
        config=True,
        help="CS3 folder shown as Jupyter's root, e.g. /home/Notebooks; empty: the user's home",
    )
    lock_on_open = Bool(
        True, config=True, help="Lock a notebook for editing when a front end opens it"
    )
    # A short life bounds how long a crashed server's locks stay behind;
    # a live server refreshes its locks well before they end.
    lock_ttl = Float(300.0, config=True, help="Seconds an edit lock lives unless refreshed")
    lock_refresh_interval = Float(
        60.0, config=True, help="Seconds between refreshes of the edit locks still in use"
    )
    lock_idle_timeout = Float(
        300.0,
        config=True,
        help="Seconds a lock is kept after the last read or save when no session has the notebook",
    )
    max_workers = Int(4, config=True, help="Threads that talk to the CS3 server")
    checkpoints_class = Type(CS3Checkpoints, config=True)

    #: The service-layer client; by default built like ``cs3widgets.connect()``.
    client = Instance(CS3Client)

    @default("client")
    def _default_client(self) -> CS3Client:
        import cs3widgets

        return cs3widgets.connect()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="cs3-contents")
        self.edit_locks = EditLocks(
            self.client, ttl=self.lock_ttl, idle_timeout=self.lock_idle_timeout
        )
        self._writer = SafeWriter(self.client, self.edit_locks, self._display_path)
        self._spool = ChunkSpool()
        self._root: str | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._page_hook_done = False
        atexit.register(_release_at_exit, weakref.ref(self))

    def get_extra_handlers(self) -> list[tuple[str, type, dict[str, Any]]]:
        """``/files/``, plus the Browser's downloads from the kernels' local disk first."""
        from .download_files import download_route

        local_root = getattr(self.parent, "root_dir", "")
        extra = [download_route(local_root)] if local_root else []
        return extra + list(super().get_extra_handlers())

    def shutdown(self) -> None:
        """Release every edit lock and stop the threads (also run at exit)."""
        if self._keeper is not None:
            with contextlib.suppress(RuntimeError):  # its loop may be closed already
                self._keeper.cancel()
        with contextlib.suppress(Exception):
            self.edit_locks.release_all()
        self._pool.shutdown(wait=False)

    # -- plumbing -----------------------------------------------------------
    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking service-layer call in the pool; CS3 errors become HTTP errors."""
        self._start_keeper()
        if not self._page_hook_done:
            self._page_hook_done = fix_preferred_path(self.parent, self.preferred_dir)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, functools.partial(fn, *args))
        except CS3Error as exc:
            raise http_error(exc) from None

    def cs3_path(self, api_path: str) -> str:
        """The CS3 path of an API path (blocks once, to find the home folder)."""
        if self._root is None:
            self._root = validate_path(self.root_dir or self.client.files.home())
        parts = [p for p in api_path.strip("/").split("/") if p]
        return join(self._root, *parts) if parts else self._root

    def remember_etag(self, path: str, etag: str) -> None:
        """The content with ``etag`` is what this server's users now edit."""
        self._writer.remember(path, etag)

    def refuse_if_locked(self, cs3: str, path: str, verb: str) -> None:
        """423 when someone else holds a lock on ``cs3`` (blocking).

        Reva's local drivers do not enforce locks, so this asks first; a
        server that enforces them refuses on its own as well.
        """
        other = self.edit_locks.foreign_lock(cs3)
        if other is not None:
            raise HTTPError(
                423, f"{path} is {describe(other)}; it cannot be {verb} now", reason="Locked"
            )

    def _refuse_hidden(self, path: str, status: int = 400) -> None:
        if not self.allow_hidden and any(p.startswith(".") for p in path.split("/")):
            if status == 404:
                raise HTTPError(404, f"No such file or directory: {path}")
            raise HTTPError(400, f"hidden files are not allowed here: {path}")

    def _stat(self, cs3: str, path: str) -> Entry:
        try:
            return self.client.files.stat(cs3)
        except NotFound:
            raise HTTPError(404, f"No such file or directory: {path}") from None

    def _maybe_stat(self, path: str) -> Entry | None:
        try:
            return self.client.files.stat(self.cs3_path(path))
        except NotFound:
            return None

    # -- keeping edit locks alive ---------------------------------------------
    def _start_keeper(self) -> None:
        if self._keeper is None and self.lock_on_open:
            self._keeper = asyncio.get_running_loop().create_task(
                keep_locks(self.edit_locks, self.lock_refresh_interval, self._live_paths,
                           self._pool, self.log)
            )

    async def _live_paths(self) -> set[str]:
        if self._root is None:  # nothing was opened yet
            return set()
        return await session_paths(self.parent, self.cs3_path)

    # -- questions ------------------------------------------------------------
    async def dir_exists(self, path: str) -> bool:
        """Whether ``path`` is a folder."""
        entry = await self.run_blocking(self._maybe_stat, path)
        return entry is not None and m.kind_of(entry) == "directory"

    async def file_exists(self, path: str = "") -> bool:
        """Whether ``path`` is a file or notebook."""
        entry = await self.run_blocking(self._maybe_stat, path)
        return entry is not None and m.kind_of(entry) != "directory"

    async def exists(self, path: str) -> bool:
        """Whether anything is at ``path`` (one Stat)."""
        return await self.run_blocking(self._maybe_stat, path) is not None

    async def is_hidden(self, path: str) -> bool:
        """Dot names are hidden, as on a POSIX disk."""
        return any(p.startswith(".") for p in path.strip("/").split("/") if p)

    # -- reading ------------------------------------------------------------
    async def get(
        self,
        path: str,
        content: bool = True,
        type: str | None = None,
        format: str | None = None,
        require_hash: bool = False,
    ) -> dict[str, Any]:
        """The model of a file, notebook or folder; opening a notebook locks it."""
        path = path.strip("/")
        self._refuse_hidden(path, 404)
        model = await self.run_blocking(self._get, path, content, type, format, require_hash)
        if model["type"] == "notebook" and content:
            # The notary keeps an SQLite handle of the loop's thread: sign here.
            self.mark_trusted_cells(model["content"], path)
            self.validate_notebook_model(model)
        return model

    def _get(
        self, path: str, content: bool, type: str | None, fmt: str | None, require_hash: bool
    ) -> dict[str, Any]:
        cs3 = self.cs3_path(path)
        entry = self._stat(cs3, path)
        kind = m.kind_of(entry)
        if type == "directory" and kind != "directory":
            raise HTTPError(400, f"{path} is not a directory", reason="bad type")
        if type in ("file", "notebook") and kind == "directory":
            raise HTTPError(400, f"{path} is a directory, not a {type}", reason="bad type")
        if kind == "directory":
            return self._dir_model(entry, path, content)
        kind = type or kind
        model = m.base_model(entry, path, kind=kind)
        if kind == "notebook" and content and self.lock_on_open and model["writable"]:
            model["writable"] = self.edit_locks.open_for_edit(cs3, path)
        if not (content or require_hash):
            return model
        data, entry = read_consistent(self.client, cs3, entry)
        model.update(last_modified=entry.mtime or model["last_modified"], size=entry.size)
        model["created"] = model["last_modified"]
        if require_hash:
            m.add_hash(model, data)
        if content:
            self.remember_etag(cs3, entry.etag)
            self.edit_locks.touch(cs3)
            if kind == "notebook":
                model.update(content=m.parse_notebook(data, path), format="json")
            else:
                m.fill_file(model, data, fmt)
        return model

    def _dir_model(self, entry: Entry, path: str, content: bool) -> dict[str, Any]:
        children = self.client.files.list(self.cs3_path(path)) if content else None
        return m.directory_model(entry, path, children, self._listed)

    def _listed(self, child: Entry) -> bool:
        return (self.allow_hidden or not child.hidden) and self.should_list(child.name)

    # -- writing ------------------------------------------------------------
    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Save a model; refused (409/423, with a conflicted copy) over newer content."""
        path = path.strip("/")
        self._refuse_hidden(path)
        if "type" not in model:
            raise HTTPError(400, "No file type provided")
        chunk = model.get("chunk")
        if chunk is not None:
            return await self._save_chunk(model, path, int(chunk))
        if "content" not in model and model["type"] != "directory":
            raise HTTPError(400, "No file content provided")
        self.run_pre_save_hooks(model=model, path=path)
        return await self._save_model(model, path, create=False)

    async def new(self, model: dict[str, Any] | None = None, path: str = "") -> dict[str, Any]:
        """Create a new file, notebook or folder; refused (409) where something exists."""
        path = path.strip("/")
        self._refuse_hidden(path)
        model = dict(model or {})
        if model.get("chunk") is not None:
            # The contents handler sends every part of a new file's chunked
            # upload here until the file exists: the spool handles them all.
            return await self.save(model, path)
        model.setdefault("type", "notebook" if path.endswith(".ipynb") else "file")
        if "content" not in model and model["type"] == "notebook":
            model.update(content=new_notebook(), format="json")
        elif "content" not in model and model["type"] != "directory":
            model.update(content="", format="text", type="file")
        self.run_pre_save_hooks(model=model, path=path)
        return await self._save_model(model, path, create=True)

    async def _save_model(self, model: dict[str, Any], path: str, *, create: bool) -> dict:
        kind = model["type"]
        if kind == "directory":
            return await self.run_blocking(self._mkdir, path, create)
        message = None
        if kind == "notebook":
            nb = nbformat.from_dict(model["content"])
            self.check_and_sign(nb, path)
            data = nbformat.writes(nb, version=nbformat.NO_CONVERT).encode("utf-8")
            check: dict[str, Any] = {"content": nb}
            self.validate_notebook_model(check)
            message = check.get("message")
        elif kind == "file":
            data = m.payload(model, path)
        else:
            raise HTTPError(400, f"Unhandled contents type: {kind}")
        out = await self.run_blocking(self._write_model, path, data, kind, create)
        if message:
            out["message"] = message
        return out

    async def _save_chunk(self, model: dict[str, Any], path: str, chunk: int) -> dict:
        if model["type"] != "file":
            raise HTTPError(400, "only files can be saved in chunks")
        size = self._spool.add(path, chunk, m.payload(model, path))
        if chunk != -1:
            return m.partial_upload(path, size)
        spool = self._spool.take(path)
        try:
            return await self.run_blocking(self._write_model, path, spool, "file", False)
        finally:
            spool.close()

    def _mkdir(self, path: str, create: bool) -> dict[str, Any]:
        entry = self.client.files.mkdir(self.cs3_path(path), exist_ok=not create)
        if not entry.is_dir:
            raise HTTPError(400, f"{path} exists and is not a directory")
        return self._dir_model(entry, path, False)

    def _write_model(
        self, path: str, data: bytes | IO[bytes], kind: str, create: bool
    ) -> dict[str, Any]:
        entry = self._writer.write(self.cs3_path(path), path, data, create=create)
        return m.base_model(entry, path, kind=kind)

    def _display_path(self, cs3: str) -> str:
        """An API path where the root contains ``cs3``, else the CS3 path."""
        root = self._root or ROOT
        if cs3.startswith(root.rstrip("/") + "/"):
            return cs3[len(root.rstrip("/")) + 1 :]
        return cs3

    # -- copy, rename, delete ---------------------------------------------------
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

    def info_string(self) -> str:
        """What the server prints at start."""
        return f"Serving notebooks from CS3 ({self.client.gateway}), root {self.root_dir or '~'}"


__all__ = ["CS3ContentsManager"]
