"""fsspec's info dicts (``name``, ``size``, ``type``, ...) from entries and raw answers."""

from __future__ import annotations

from typing import Any

from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from ..client.models import Entry

_CONTAINER = sp_res.RESOURCE_TYPE_CONTAINER


def info_from_entry(entry: Entry, name: str) -> dict[str, Any]:
    """The info dict of an :class:`Entry` named ``name``."""
    return {
        "name": name,
        "size": entry.size,
        "type": "directory" if entry.is_dir else "file",
        "mtime": entry.mtime.timestamp() if entry.mtime else None,
        "etag": entry.etag,
        "mime_type": entry.mime_type,
        "id": str(entry.id) if entry.id else None,
    }


def info_from_pb(info: Any, name: str) -> dict[str, Any]:
    """:func:`info_from_entry` from a ``ResourceInfo``, no Entry built (listings are big)."""
    mtime = info.mtime.seconds + info.mtime.nanos * 1e-9 if info.HasField("mtime") else None
    rid = info.id
    return {
        "name": name,
        "size": info.size,
        "type": "directory" if info.type == _CONTAINER else "file",
        "mtime": mtime or None,
        "etag": info.etag.strip('"'),
        "mime_type": info.mime_type,
        "id": f"{rid.storage_id}!{rid.opaque_id}" if rid.storage_id or rid.opaque_id else None,
    }
