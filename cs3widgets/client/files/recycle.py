"""The user's recycle bin: list, restore, purge."""

from __future__ import annotations

from datetime import datetime, timezone

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb

from ..convert import ENTRY_TYPES, from_epoch, path_ref
from ..errors import AlreadyExists, InvalidName, NotFound
from ..models import EntryType, RecycleItem
from ..paths import validate_target
from .id_paths import IdPathOps
from .namespace import NamespaceOps


class RecycleOps(NamespaceOps, IdPathOps):
    """Recycle bin; part of :class:`~.files.Files` (a restore elsewhere is a move)."""

    def recycle_list(self) -> list[RecycleItem]:
        """Items in the user's recycle bin, newest first."""
        home = self.home()
        req = sp_pb.ListRecycleRequest(ref=path_ref(home))
        res = self._conn.call("ListRecycle", req, path=home)
        items = [
            RecycleItem(
                key=i.key,
                original_path=i.ref.path,
                type=ENTRY_TYPES.get(i.type, EntryType.OTHER),
                size=int(i.size),
                deleted=from_epoch(int(i.deletion_time.seconds))
                if i.HasField("deletion_time")
                else None,
            )
            for i in res.recycle_items
        ]
        items.sort(
            key=lambda i: i.deleted or datetime.min.replace(tzinfo=timezone.utc), reverse=True
        )
        return items

    def recycle_restore(self, key: str, restore_path: str | None = None) -> None:
        """Restore a recycle-bin item to where it was, or to ``restore_path``.

        Reva v1.29 hands ``restore_ref`` to the driver without removing the
        mount prefix, so an absolute path lands in the wrong place. A restore
        elsewhere is therefore done portably: restore in place, then move.
        """
        if not isinstance(key, str) or not key:
            raise InvalidName("the recycle-bin key is empty")
        target = validate_target(restore_path) if restore_path is not None else None
        home = self.home()
        original: str | None = None
        if target is not None:
            match = [i for i in self.recycle_list() if i.key == key]
            if not match:
                raise NotFound("no such item in the recycle bin", path=key)
            original = match[0].original_path
            if self.exists(target):
                raise AlreadyExists("the restore destination exists already", path=target)
        req = sp_pb.RestoreRecycleItemRequest(ref=path_ref(home), key=key)
        self._conn.call("RestoreRecycleItem", req, path=original or key)
        if target is not None and original is not None and original != target:
            self.move(original, target)

    def recycle_purge(self, key: str | None = None) -> None:
        """Delete one recycle-bin item for good, or empty the bin when ``key`` is None."""
        if key is not None and (not isinstance(key, str) or not key):
            raise InvalidName("the recycle-bin key is empty")
        home = self.home()
        req = sp_pb.PurgeRecycleRequest(ref=path_ref(home), key=key or "")
        self._conn.call("PurgeRecycle", req, path=key or home)
