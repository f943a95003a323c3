"""``CS3Checkpoints``: Jupyter checkpoints are file versions the user named.

The mapping:

- **A checkpoint is a content of the file, named by its etag**
  (``etag-<etag>``). CS3 storage (EOS, Reva's local drivers) keeps the
  previous content as a file version every time a file is overwritten, and
  a version keeps the etag (and a restored version the etag and mtime) its
  content had: a checkpoint keeps its id while its content is the file's,
  a version's, and the file's again after a revert.
- **create** ("Save and Create Checkpoint") names the content the file holds
  *now*, and records it, with the time it was made, in the file's arbitrary
  metadata (:data:`METADATA_KEY`). Nothing is written to the file: writing
  would move its modification time under the front end's "file changed"
  check. When the next save overwrites the file, the storage keeps that
  content as a version.
- **list** returns the recorded checkpoints whose content the storage still
  has (the file's, or a version's), oldest first: JupyterLab takes the last
  one as the latest. The storage's other versions (saves without a
  checkpoint, by any client) stay in its own version history.
- **restore** ("Revert to Checkpoint") restores the version with that etag on
  the server (nothing to do when it is the current content). The content it
  replaces becomes a version itself, so a revert loses nothing and can be
  undone from the version history.
- **delete** takes the checkpoint off the record; its version stays on the
  server (CS3 has no call to drop one version). Renaming and deleting all
  checkpoints are no-ops: the storage decides what happens to versions and
  metadata when their file moves or goes to the recycle bin.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jupyter_server.services.contents.checkpoints import AsyncCheckpoints
from tornado.web import HTTPError

from cs3widgets.client import CS3Error, Locked, NotFound, PermissionDenied
from cs3widgets.client.models import Version

if TYPE_CHECKING:
    from .manager import CS3ContentsManager

#: Checkpoint ids are the etag of their content after this prefix.
ETAG_PREFIX = "etag-"
#: The file's arbitrary-metadata key holding its checkpoints (JSON).
METADATA_KEY = "cs3widgets.jupyter.checkpoints"
#: Checkpoints kept per file (the oldest are forgotten; their versions stay).
MAX_CHECKPOINTS = 50


def checkpoint_id(etag: str) -> str:
    """The id of the checkpoint of the content with ``etag``."""
    return ETAG_PREFIX + etag.strip('"')


class _Record:
    """The checkpoints made of a file (id -> when, oldest first), as its metadata keeps them."""

    def __init__(self, raw: str | None) -> None:
        made: Any = None
        if raw:
            try:
                made = json.loads(raw)
            except ValueError:
                made = None
        self.made: dict[str, str] = made if isinstance(made, dict) else {}

    def dumps(self) -> str:
        return json.dumps(self.made)  # in the order they were made

    def made_at(self, cid: str) -> datetime | None:
        try:
            return datetime.fromisoformat(self.made[cid])
        except (KeyError, TypeError, ValueError):
            return None

    def keep(self, alive: set[str]) -> None:
        """Forget checkpoints whose content the storage no longer has, and the oldest."""
        kept = [(cid, t) for cid, t in self.made.items() if cid in alive]
        self.made = dict(kept[-MAX_CHECKPOINTS:])


class CS3Checkpoints(AsyncCheckpoints):
    """Checkpoints of a :class:`~cs3widgets.contents.CS3ContentsManager` (file versions)."""

    @property
    def _cm(self) -> CS3ContentsManager:
        return self.parent  # type: ignore[no-any-return]

    # -- the record in the file's metadata ------------------------------------------
    @staticmethod
    def _record(cm: CS3ContentsManager, cs3: str) -> _Record:
        try:
            raw = cm.client.files.get_metadata(cs3, [METADATA_KEY]).get(METADATA_KEY)
        except NotFound:
            raise
        except CS3Error:
            raw = None  # a storage without arbitrary metadata: versions only
        return _Record(raw)

    @staticmethod
    def _store(cm: CS3ContentsManager, cs3: str, record: _Record) -> None:
        cm.client.files.set_metadata(
            cs3, {METADATA_KEY: record.dumps()}, lock_id=cm.edit_locks.lock_id(cs3)
        )

    # -- the Checkpoints API ----------------------------------------------------------
    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        """The checkpoints whose content the storage still has, oldest first."""
        cm = self._cm
        return await cm.run_blocking(self._list, cm, path)

    def _list(self, cm: CS3ContentsManager, path: str) -> list[dict[str, Any]]:
        cs3 = cm.cs3_path(path.strip("/"))
        record = self._record(cm, cs3)
        if not record.made:
            return []
        record.keep(self._alive(cm, cs3, path))
        listed = [{"id": cid, "last_modified": record.made_at(cid)} for cid in record.made]
        return [c for c in listed if c["last_modified"] is not None]

    def _alive(self, cm: CS3ContentsManager, cs3: str, path: str) -> set[str]:
        """Ids of the contents the storage has: the file's and its versions'."""
        alive = {checkpoint_id(v.etag) for v in self._versions(cm, path) if v.etag}
        return alive | {checkpoint_id(cm._stat(cs3, path).etag)}

    @staticmethod
    def _versions(cm: CS3ContentsManager, path: str) -> list[Version]:
        return cm.client.files.versions(cm.cs3_path(path.strip("/")))

    async def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        """A checkpoint of what the file holds now (recorded; nothing written to the file)."""
        return await contents_mgr.run_blocking(self._create, contents_mgr, path)

    def _create(self, cm: CS3ContentsManager, path: str) -> dict[str, Any]:
        cs3 = cm.cs3_path(path.strip("/"))
        entry = cm._stat(cs3, path)
        cid = checkpoint_id(entry.etag)
        record = self._record(cm, cs3)
        made = record.made_at(cid)
        if made is None:
            made = entry.mtime or datetime.now().astimezone()
            record.made[cid] = made.isoformat()
            record.keep(self._alive(cm, cs3, path))
            try:
                self._store(cm, cs3, record)
            except (Locked, PermissionDenied) as exc:
                # A reader (a viewer, or while someone else holds the lock):
                # front ends make a checkpoint when they open a file. The
                # content can still be restored by this id; it is not listed.
                cm.log.debug("checkpoint of %s not recorded: %s", path, exc)
        return {"id": cid, "last_modified": made}

    async def restore_checkpoint(self, contents_mgr: Any, checkpoint_id: str, path: str) -> None:
        """Make the content of checkpoint ``checkpoint_id`` the file's content again."""
        await contents_mgr.run_blocking(self._restore, contents_mgr, checkpoint_id, path)

    def _restore(self, cm: CS3ContentsManager, key: str, path: str) -> None:
        cs3 = cm.cs3_path(path.strip("/"))
        cm.refuse_if_locked(cs3, path, "reverted")
        if key.startswith(ETAG_PREFIX):
            if checkpoint_id(cm._stat(cs3, path).etag) == key:
                return  # that content is still the current one
            match = [v.key for v in self._versions(cm, path)
                     if v.etag and checkpoint_id(v.etag) == key]
            if not match:
                raise HTTPError(404, f"no checkpoint {key} of {path}")
            key = match[0]
        # EOS refuses a restore of a locked file from its holder too (it
        # comes with no lock holder): our lock is given up meanwhile.
        with cm.edit_locks.suspended(cs3):
            cm.client.files.restore_version(cs3, key)
        # The restored bytes are what the user sees next (Lab reloads them).
        cm.remember_etag(cs3, cm.client.files.stat(cs3).etag)

    async def rename_checkpoint(self, checkpoint_id: str, old_path: str, new_path: str) -> None:
        """The storage moves versions with their file (or not): nothing to do."""

    async def rename_all_checkpoints(self, old_path: str, new_path: str) -> None:
        """The storage moves versions with their file (or not): nothing to do."""

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """Forget the checkpoint; its version stays on the server."""
        cm = self._cm
        await cm.run_blocking(self._delete, cm, checkpoint_id, path)

    def _delete(self, cm: CS3ContentsManager, cid: str, path: str) -> None:
        cs3 = cm.cs3_path(path.strip("/"))
        record = self._record(cm, cs3)
        if record.made.pop(cid, None) is None:
            raise HTTPError(404, f"no checkpoint {cid} of {path}")
        self._store(cm, cs3, record)

    async def delete_all_checkpoints(self, path: str) -> None:
        """The storage keeps or drops versions with their file: nothing to do."""


__all__ = ["METADATA_KEY", "CS3Checkpoints", "checkpoint_id"]
