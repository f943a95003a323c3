"""Reading a file's bytes together with the etag they belong to, and ``get``.

:func:`read_consistent` is the read; :class:`Reading` is the contents
manager's ``get``: the models of files, notebooks and folders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tornado.web import HTTPError

from cs3widgets.client import CS3Client
from cs3widgets.client.models import Entry

from . import models as m
from .manager_parts import ManagerParts

#: How often a read is repeated when the file changed while it was read.
READ_ATTEMPTS = 3


def read_consistent(client: CS3Client, path: str, entry: Entry) -> tuple[bytes, Entry]:
    """The bytes of ``path`` and the entry (etag, mtime) they belong to.

    ``entry`` is a Stat taken before. A Stat after the download tells whether
    someone wrote in between; then the read is repeated, so that the etag a
    later save sends as ``if_match`` is the one of the bytes handed out.
    """
    data = b""
    for _ in range(READ_ATTEMPTS):
        data = client.transfers.read_bytes(path)
        after = client.files.stat(path)
        if after.etag == entry.etag:
            return data, after
        entry = after
    return data, entry


class Reading(ManagerParts):
    """Mixin of :class:`~.manager.CS3ContentsManager`: ``get`` (files, notebooks, folders)."""

    # Also provided by the manager.
    lock_on_open: bool
    allow_hidden: bool
    hash_algorithm: str
    should_list: Callable[[str], bool]
    mark_trusted_cells: Callable[[Any, str], None]

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
            # Reading validated the notebook once already: its verdict is used.
            self.validate_notebook_model(model, validation_error=model.pop("_invalid", None))
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
            m.add_hash(model, data, self.hash_algorithm)
        if content:
            self.remember_etag(cs3, entry.etag)
            self.edit_locks.touch(cs3)
            if kind == "notebook":
                invalid: dict[str, Any] = {}
                model.update(content=m.parse_notebook(data, path, invalid), format="json",
                             _invalid=invalid)
            else:
                m.fill_file(model, data, fmt)
        return model

    def _dir_model(self, entry: Entry, path: str, content: bool) -> dict[str, Any]:
        children = self.client.files.list(self.cs3_path(path)) if content else None
        return m.directory_model(entry, path, children, self._listed)

    def _listed(self, child: Entry) -> bool:
        return (self.allow_hidden or not child.hidden) and self.should_list(child.name)


__all__ = ["READ_ATTEMPTS", "Reading", "read_consistent"]
