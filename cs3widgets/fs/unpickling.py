"""Unpickling a filesystem in another process (a Dask worker): one per recipe there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..client.delegation import ClientRecipe, WorkerAccess, shared_client

if TYPE_CHECKING:
    from .filesystem import CS3FileSystem

_worker_filesystems: dict[tuple[Any, ...], CS3FileSystem] = {}


def from_recipe(
    cls: type[CS3FileSystem], recipe: ClientRecipe, access: WorkerAccess, lifetime: float
) -> CS3FileSystem:
    """Unpickle: one filesystem (and one client) per recipe in each process."""
    key = (cls, recipe, access, lifetime)
    fs = _worker_filesystems.get(key)
    if fs is None or fs.client.conn.closed:
        fs = cls(
            client=shared_client(recipe),
            worker_access=access,
            worker_lifetime=lifetime,
            _recipe=recipe,
            skip_instance_cache=True,
        )
        _worker_filesystems[key] = fs
    return fs

__all__ = ["from_recipe"]
