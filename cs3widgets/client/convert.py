"""Protobuf -> model helpers shared by the operation modules."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .models import Group, ResourceId, User

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
    from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

    return sp_res.ResourceId(
        storage_id=rid.storage_id,
        opaque_id=rid.opaque_id,
        space_id=getattr(rid, "space_id", ""),
    )


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
