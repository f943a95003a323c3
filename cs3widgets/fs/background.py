"""The filesystem's background threads: download initiations and readahead prefetches."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from ..client.transfers import Transfers

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


__all__ = ["BACKGROUND_THREADS", "in_background", "prefetch_target"]
