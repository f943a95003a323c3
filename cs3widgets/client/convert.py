"""Protobuf <-> model helpers shared by the operation modules.

Widgets and the fsspec layer get :class:`~.models.Entry` objects, built by
:func:`entry_from_info`, never protobuf messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from .models import Entry, EntryType, Group, Lock, ResourceId, User
from .paths import ROOT

ENTRY_TYPES = {
    sp_res.RESOURCE_TYPE_FILE: EntryType.FILE,
    sp_res.RESOURCE_TYPE_CONTAINER: EntryType.FOLDER,
    sp_res.RESOURCE_TYPE_REFERENCE: EntryType.REFERENCE,
    sp_res.RESOURCE_TYPE_SYMLINK: EntryType.SYMLINK,
}

_PERMISSION_FLAGS = tuple(f.name for f in sp_res.ResourcePermissions.DESCRIPTOR.fields)

# Reva's local drivers report version mtimes and trash deletion times in
# milliseconds although the fields are documented as seconds. No real
# seconds value is above this (year 5138), so larger ones are milliseconds.
_MS_THRESHOLD = 100_000_000_000

_USER_TYPES = {
    1: "primary", 2: "secondary", 3: "service", 4: "application",
    5: "guest", 6: "federated", 7: "lightweight", 8: "space-owner",
}


def timestamp(ts: Any) -> datetime | None:
    """A CS3 ``types.Timestamp`` (seconds + nanos) as an aware UTC datetime."""
    if ts is None or (not ts.seconds and not getattr(ts, "nanos", 0)):
        return None
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=timezone.utc)


def to_timestamp(dt: datetime | None, message_cls: Any) -> Any:
    """An aware or naive (taken as local) datetime as a CS3 Timestamp message."""
    if dt is None:
        return None
    epoch = dt.timestamp()
    seconds = int(epoch)
    return message_cls(seconds=seconds, nanos=int((epoch - seconds) * 1e9))


def resource_id(rid: Any) -> ResourceId | None:
    """A ``storage.provider.ResourceId`` as a model."""
    if rid is None or not (rid.storage_id or rid.opaque_id):
        return None
    return ResourceId(rid.storage_id, rid.opaque_id, getattr(rid, "space_id", ""))


def resource_id_message(rid: Any) -> Any:
    """A CS3 ``ResourceId`` message from a :class:`ResourceId` model (or a message)."""
    return sp_res.ResourceId(
        storage_id=rid.storage_id,
        opaque_id=rid.opaque_id,
        space_id=getattr(rid, "space_id", ""),
    )


def known_resource(stat: Callable[[str], Any], path: str, resource_id: Any) -> tuple[str, Any]:
    """``path`` as the server names it and its ``ResourceId`` message.

    With the caller's ``resource_id`` (from an Entry) no Stat is needed.
    """
    if resource_id is None:
        info = stat(path)
        return info.path or path, info.id
    return path, resource_id_message(resource_id)


def user(u: Any) -> User:
    """A ``identity.user.User`` as a model."""
    return User(
        username=u.username,
        display_name=u.display_name,
        mail=u.mail,
        idp=u.id.idp,
        opaque_id=u.id.opaque_id,
        groups=tuple(u.groups),
        type=_USER_TYPES.get(u.id.type, "primary"),
    )


def group(g: Any) -> Group:
    """A ``identity.group.Group`` as a model."""
    return Group(
        name=g.group_name,
        display_name=g.display_name,
        mail=g.mail,
        idp=g.id.idp,
        opaque_id=g.id.opaque_id,
    )


def path_ref(path: str) -> sp_res.Reference:
    return sp_res.Reference(path=path)


def id_ref(resource_id: Any) -> sp_res.Reference:
    """A reference by id, from a :class:`ResourceId` model or its protobuf."""
    return sp_res.Reference(resource_id=resource_id_message(resource_id))


def ref_or_id(path: str, resource_id: ResourceId | None) -> sp_res.Reference:
    return path_ref(path) if resource_id is None else id_ref(resource_id)


def from_epoch(value: int) -> datetime | None:
    if not value:
        return None
    seconds = value / 1000 if value > _MS_THRESHOLD else value
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def permissions_from(perms: Any) -> frozenset[str]:
    """The names of the ``ResourcePermissions`` flags that are true."""
    if perms is None:
        return frozenset()
    return frozenset(name for name in _PERMISSION_FLAGS if getattr(perms, name, False))


def entry_from_info(info: Any) -> Entry:
    """Convert a CS3 ``ResourceInfo`` into an :class:`~.models.Entry`."""
    path = info.path or ""
    name = info.name or (path.rsplit("/", 1)[-1] if path not in ("", ROOT) else path)
    mtime = timestamp(info.mtime) if info.HasField("mtime") else None
    checksum = ""
    if info.HasField("checksum") and info.checksum.sum:
        checksum = info.checksum.sum
    metadata: dict[str, str] = {}
    if info.HasField("arbitrary_metadata"):
        metadata = dict(info.arbitrary_metadata.metadata)
    return Entry(
        path=path,
        name=name,
        type=ENTRY_TYPES.get(info.type, EntryType.OTHER),
        size=int(info.size),
        mtime=mtime,
        etag=info.etag.strip('"'),
        mime_type=info.mime_type,
        id=resource_id(info.id) if info.HasField("id") else None,
        owner=info.owner.opaque_id if info.HasField("owner") else "",
        permissions=permissions_from(info.permission_set)
        if info.HasField("permission_set")
        else frozenset(),
        checksum=checksum,
        metadata=metadata,
        lock=_lock_from(info),
    )


def _lock_from(info: Any) -> Lock | None:
    """The lock a ResourceInfo reports, if any (see :attr:`Entry.lock`)."""
    if not info.HasField("lock") or not info.lock.lock_id:
        return None
    lock = info.lock
    return Lock(
        lock_id=lock.lock_id,
        holder="",
        holder_id=lock.user.opaque_id if lock.HasField("user") else "",
        expires=timestamp(lock.expiration) if lock.HasField("expiration") else None,
        app_name=lock.app_name,
    )
