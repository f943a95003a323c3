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

This module holds the manager's configuration, threads and path mapping;
``get`` is in :mod:`.reading`, ``save`` and ``new`` in :mod:`.saving`, and
``copy``, ``rename_file`` and ``delete_file`` in :mod:`.copy_rename_delete`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import hashlib
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from jupyter_server.services.contents.manager import AsyncContentsManager
from tornado.web import HTTPError
from traitlets import Bool, Enum, Float, Instance, Int, Type, Unicode, default

from cs3widgets.client import CS3Client, CS3Error, NotFound
from cs3widgets.client.models import Entry
from cs3widgets.client.paths import ROOT, join, validate_path

from . import models as m
from .checkpoints import CS3Checkpoints
from .chunks import ChunkSpool
from .copy_rename_delete import CopyRenameDelete
from .errors import http_error
from .locking import EditLocks, describe
from .reading import Reading
from .saving import SafeWriter, Saving
from .server_glue import fix_preferred_path, keep_locks, session_paths

T = TypeVar("T")


def _release_at_exit(ref: weakref.ReferenceType[CS3ContentsManager]) -> None:
    cm = ref()
    if cm is not None:
        cm.shutdown()


class CS3ContentsManager(Reading, Saving, CopyRenameDelete, AsyncContentsManager):
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
    # The next four are those of Jupyter's own FileContentsManager.
    hash_algorithm = Enum(
        sorted(hashlib.algorithms_available), default_value="sha256", config=True,
        help="Hash algorithm of the content hashes asked for with hash=1",
    )
    max_copy_folder_size_mb = Int(
        500, config=True, help="Largest folder (in MB) that may be copied; larger ones are refused"
    )
    delete_to_trash = Bool(
        True, config=True,
        help="Deletes always go to the CS3 recycle bin; False, as for Jupyter's own manager, "
             "also refuses to delete a folder that is not empty (unless always_delete_dir)",
    )
    always_delete_dir = Bool(
        False, config=True, help="With delete_to_trash=False, delete folders that are not empty"
    )
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

    def _display_path(self, cs3: str) -> str:
        """An API path where the root contains ``cs3``, else the CS3 path."""
        root = self._root or ROOT
        if cs3.startswith(root.rstrip("/") + "/"):
            return cs3[len(root.rstrip("/")) + 1 :]
        return cs3

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

    def info_string(self) -> str:
        """What the server prints at start."""
        return f"Serving notebooks from CS3 ({self.client.gateway}), root {self.root_dir or '~'}"


__all__ = ["CS3ContentsManager"]
