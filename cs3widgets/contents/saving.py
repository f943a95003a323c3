"""Safe saves: the server decides, and a refused save keeps what the user typed.

Every save of an existing file carries the etag of the content this Jupyter
server last handed out or wrote for it (``if_match``), and a new file is
created with must-not-exist. A refusal (the file changed, someone else holds
its lock) writes the user's bytes as a conflicted copy next to the original
(:mod:`.conflicts`) and answers 409 or 423 with where the copy is.

:class:`SafeWriter` does the uploads; :class:`Saving` is the contents
manager's ``save`` and ``new`` (notebooks signed and validated, chunked
uploads spooled, folders made).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import IO, Any

import nbformat
from nbformat.v4 import new_notebook
from tornado.web import HTTPError

from cs3widgets.client import AlreadyExists, Conflict, CS3Client, CS3Error, Locked
from cs3widgets.client.models import Entry

from . import models as m
from .chunks import ChunkSpool
from .conflicts import save_copy
from .locking import EditLocks, describe, lock_from
from .manager_parts import ManagerParts


@functools.cache
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
        held = self._locks.held(cs3)
        if held is not None:
            # EOS admits the holder's write by its user and app, named by
            # the X-Lock-Holder header the upload sends for ``lock``.
            kwargs["lock"] = held
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


class Saving(ManagerParts):
    """Mixin of :class:`~.manager.CS3ContentsManager`: ``save`` and ``new``."""

    # Also provided by the manager.
    _writer: SafeWriter
    _spool: ChunkSpool
    run_pre_save_hooks: Callable[..., None]
    log: Any
    check_and_sign: Callable[..., None]
    _dir_model: Callable[[Entry, str, bool], dict[str, Any]]

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
            data, message = self._notebook_bytes(model, path)
        elif kind == "file":
            data = m.payload(model, path)
        else:
            raise HTTPError(400, f"Unhandled contents type: {kind}")
        out = await self.run_blocking(self._write_model, path, data, kind, create)
        if message:
            out["message"] = message
        return out

    def _notebook_bytes(self, model: dict[str, Any], path: str) -> tuple[bytes, str | None]:
        """A notebook model's bytes, signed, and the validation message (validated once)."""
        try:
            nb = nbformat.from_dict(model["content"])
            self.check_and_sign(nb, path)
            # nbformat validates what it writes; its verdict is used as is.
            invalid: dict[str, Any] = {}
            data = nbformat.writes(nb, version=nbformat.NO_CONVERT,
                                   capture_validation_error=invalid).encode("utf-8")
        except HTTPError:
            raise
        except Exception as exc:  # a broken notary store, a model nbformat cannot write
            self.log.error("Error while saving file: %s %s", path, exc, exc_info=True)
            raise HTTPError(500, f"Unexpected error while saving file: {path} {exc}") from exc
        check: dict[str, Any] = {"content": nb}
        self.validate_notebook_model(check, validation_error=invalid)
        return data, check.get("message")

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


__all__ = ["SafeWriter", "Saving"]
