"""The read cache of ``cs3://`` files: exact fetches for random access, growing readahead
fetched in the background for sequential reads.

fsspec's ``readahead`` cache fetches ``block_size`` bytes past every miss.
With a 4 MiB block that made 100 random 64 KiB reads fetch 384 MB to deliver
6.6 MB (issue 13). Here a read that jumps somewhere new fetches exactly what
was asked; a read that continues where the cached bytes end is treated as
sequential, and the readahead window starts at ``blocksize`` and doubles on
every further sequential miss up to ``max_window``. Whole-file reads
(``f.read()``) are one request for exactly the file.

While a sequential reader works on one window (``pandas.read_csv`` parsing
it), the next window is already being fetched on a background thread, so the
transfer overlaps the reader's work instead of adding to it. A jump drops
that prefetch. Figures behind the defaults are in :mod:`cs3widgets.fs.file`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from fsspec.caching import BaseCache, register_cache

MiB = 1024 * 1024

#: Largest readahead of a sequential reader. With the window being read and
#: the next one prefetched, a file holds at most twice this in memory.
MAX_WINDOW = 32 * MiB

Submit = Callable[..., "Future[bytes]"]


class SequentialReadahead(BaseCache):
    """One contiguous buffer; readahead only while reads are sequential.

    ``submit(fn, *args) -> Future`` runs the prefetch of the next window in
    the background (``CS3File`` passes the filesystem's threads); without
    it, every window is fetched when it is needed.
    """

    name = "cs3-readahead"

    def __init__(
        self,
        blocksize: int,
        fetcher: Any,
        size: int,
        max_window: int = MAX_WINDOW,
        submit: Submit | None = None,
        **_: Any,
    ) -> None:
        super().__init__(blocksize, fetcher, size)
        self.max_window = max(max_window, blocksize)
        self.window = 0
        self.cache = b""
        self.start = 0
        self.end = 0
        self._submit = submit
        #: The next window, being fetched: (start, end, future).
        self._ahead: tuple[int, int, Future[bytes]] | None = None
        self._count_lock = threading.Lock()
        #: Bytes fetched from the server, prefetches included
        #: (``total_requested_bytes`` counts asked bytes).
        self.fetched_bytes = 0

    def _get(self, start: int, end: int) -> bytes:
        data = self.fetcher(start, end)
        with self._count_lock:  # prefetches count from their own thread
            self.fetched_bytes += len(data)
            self.miss_count += 1
        return data

    def _fetch(self, start: int | None, stop: int | None) -> bytes:
        start = 0 if start is None else start
        stop = self.size if stop is None else min(stop, self.size)
        if start >= self.size or start >= stop:
            return b""
        self.total_requested_bytes += stop - start
        if self.start <= start and stop <= self.end:
            self.hit_count += 1
            return self.cache[start - self.start : stop - self.start]
        if self.start <= start <= self.end:
            # Continues where the buffer ends (or starts a file at 0): read ahead.
            self.window = min(self.max_window, max(self.blocksize, self.window * 2))
            new_end = min(self.size, max(stop, self.end + self.window))
            tail = self.cache[start - self.start :]
            fresh = self._next(self.end, new_end)
            self.cache = tail + fresh if tail else fresh
            self.start, self.end = start, self.end + len(fresh)
            self._prefetch()
        else:
            # A jump: fetch what was asked, nothing more, and drop any prefetch.
            self._drop_ahead()
            self.window = 0
            self.cache = self._get(start, stop)
            self.start, self.end = start, stop
        return self.cache[start - self.start : stop - self.start]

    def _next(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)``, taking the prefetched window where it covers them."""
        ahead, self._ahead = self._ahead, None
        if ahead is None or ahead[0] != start:
            if ahead is not None:
                ahead[2].cancel()
            return self._get(start, end)
        data = ahead[2].result()  # a failed prefetch raises its (mapped) error here
        if ahead[1] < end:
            data += self._get(ahead[1], end)
        return data

    def _prefetch(self) -> None:
        """Start fetching the window after the buffer, as big as the next readahead."""
        if self._submit is None or self.end >= self.size or self.window == 0:
            return
        window = min(self.max_window, self.window * 2)
        end = min(self.size, self.end + window)
        self._ahead = (self.end, end, self._submit(self._get, self.end, end))

    def _drop_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead[2].cancel()  # one already running finishes; its bytes are dropped
            self._ahead = None

    def close(self) -> None:
        """Drop the buffer and any prefetch (fsspec calls this when the file closes)."""
        self._drop_ahead()
        self.cache = b""


register_cache(SequentialReadahead, clobber=True)

__all__ = ["MAX_WINDOW", "SequentialReadahead"]
