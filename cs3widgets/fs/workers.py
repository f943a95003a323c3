"""Per-process helpers of the filesystem: unpickling on workers, background work."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from ..client.delegation import ClientRecipe, WorkerAccess, shared_client
from ..client.transfers import Transfers

if TYPE_CHECKING:
    from .filesystem import CS3FileSystem

T = TypeVar("T")

#: Threads for download initiations started by ``open`` and for readahead
#: prefetches; both spend their time waiting on the network.
BACKGROUND_THREADS = 4
_background: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    # A forked child (a Dask worker started by fork) has no threads of its parent's pool.
    global _background
    _background = None


os.register_at_fork(after_in_child=_forget_pool)


def in_background(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Run ``fn(*args)`` on the filesystem's background threads."""
    global _background
    if _background is None:
        _background = ThreadPoolExecutor(BACKGROUND_THREADS, thread_name_prefix="cs3-background")
    return _background.submit(fn, *args)


def prefetch_target(transfers: Transfers, path: str) -> None:
    """Ask for ``path``'s download target in the background (errors are dropped)."""
    future = in_background(transfers.download_target, path)
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
