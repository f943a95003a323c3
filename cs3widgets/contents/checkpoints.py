"""``CS3Checkpoints``: Jupyter checkpoints are CS3 file versions.

The mapping:

- **A checkpoint is a file version.** Its id is the version key the server
  gave it, its ``last_modified`` the version's time. CS3 storage (EOS, Reva's
  local drivers) keeps the previous content as a version every time a file
  is overwritten, so checkpoints are made by the storage, on every save,
  whichever client saved.
- **list** returns the versions, oldest first: JupyterLab takes the last
  checkpoint of the list as the latest one.
- **create** ("Save and Create Checkpoint") returns the newest version, which
  the server made when the save before it overwrote the file. A file that
  was never overwritten has no version yet; its checkpoint is then named
  after the current content's etag (``etag-<etag>``), and restoring it
  finds the version that content became (a version keeps the etag its
  content had). Nothing is written to make a checkpoint: writing would move
  the file's modification time under the front end's "file changed" check.
- **restore** ("Revert to Checkpoint") restores that version on the server.
  The content it replaces becomes a version itself, so a revert loses
  nothing and can be undone.
- **delete** is refused: CS3 has no call to drop one version. Renaming and
  deleting all checkpoints are no-ops: the storage decides what happens to
  versions when their file moves or goes to the recycle bin (EOS keeps them
  with the file; Reva's local driver, measured, keeps them by path, so a
  renamed file starts a new history there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jupyter_server.services.contents.checkpoints import AsyncCheckpoints
from tornado.web import HTTPError

from cs3widgets.client.models import Version

if TYPE_CHECKING:
    from .manager import CS3ContentsManager

#: Checkpoint ids of content that has not become a version yet.
ETAG_PREFIX = "etag-"


def _model(version: Version) -> dict[str, Any]:
    return {"id": version.key, "last_modified": version.mtime}


class CS3Checkpoints(AsyncCheckpoints):
    """Checkpoints of a :class:`~cs3widgets.contents.CS3ContentsManager` (file versions)."""

    @property
    def _cm(self) -> CS3ContentsManager:
        return self.parent  # type: ignore[no-any-return]

    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        """The file's versions as checkpoints, oldest first."""
        cm = self._cm
        versions = await cm.run_blocking(self._versions, cm, path)
        return [_model(v) for v in reversed(versions)]

    @staticmethod
    def _versions(cm: CS3ContentsManager, path: str) -> list[Version]:
        return cm.client.files.versions(cm.cs3_path(path.strip("/")))

    async def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        """The newest version (made by the last save); one is written if there is none."""
        return await contents_mgr.run_blocking(self._create, contents_mgr, path)

    def _create(self, cm: CS3ContentsManager, path: str) -> dict[str, Any]:
        versions = self._versions(cm, path)
        if versions:
            return _model(versions[0])
        entry = cm.client.files.stat(cm.cs3_path(path.strip("/")))
        return {"id": ETAG_PREFIX + entry.etag, "last_modified": entry.mtime}

    async def restore_checkpoint(self, contents_mgr: Any, checkpoint_id: str, path: str) -> None:
        """Make version ``checkpoint_id`` the file's content again."""
        await contents_mgr.run_blocking(self._restore, contents_mgr, checkpoint_id, path)

    def _restore(self, cm: CS3ContentsManager, key: str, path: str) -> None:
        cs3 = cm.cs3_path(path.strip("/"))
        cm.refuse_if_locked(cs3, path, "reverted")
        if key.startswith(ETAG_PREFIX):
            etag = key[len(ETAG_PREFIX) :]
            if cm.client.files.stat(cs3).etag == etag:
                return  # that content is still the current one
            match = [v.key for v in self._versions(cm, path) if v.etag == etag]
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
        """Refused: CS3 cannot delete a single file version."""
        raise HTTPError(405, "CS3 file versions cannot be deleted one by one")

    async def delete_all_checkpoints(self, path: str) -> None:
        """The storage keeps or drops versions with their file: nothing to do."""


__all__ = ["CS3Checkpoints"]
