"""Per-process helpers of the filesystem: unpickling on workers, background initiations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..client.delegation import ClientRecipe, WorkerAccess, shared_client
from ..client.transfers import Transfers

if TYPE_CHECKING:
    from .filesystem import CS3FileSystem

_prefetcher: ThreadPoolExecutor | None = None


def prefetch_target(transfers: Transfers, path: str) -> None:
    """Ask for ``path``'s download target in the background (errors are dropped)."""
    global _prefetcher
    if _prefetcher is None:
        _prefetcher = ThreadPoolExecutor(2, thread_name_prefix="cs3-open")
    future = _prefetcher.submit(transfers.download_target, path)
    future.add_done_callback(lambda f: f.exception())  # reported by the Stat instead


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
