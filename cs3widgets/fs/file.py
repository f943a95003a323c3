"""File objects of ``cs3://``: ranged HTTP reads, writes uploaded on close."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

from fsspec.spec import AbstractBufferedFile

from ..client.paths import validate_path
from ..client.transfers.upload_source import SPOOL_MEMORY
from .background import in_background
from .readahead import SequentialReadahead

if TYPE_CHECKING:
    from .filesystem import CS3FileSystem

MiB = 1024 * 1024

#: The first readahead of a sequential reader; it doubles on every further
#: sequential miss up to 32 MiB (readahead.MAX_WINDOW), and the next window is
#: fetched in the background while the reader works on the current one. Random
#: reads fetch exactly what they ask for whatever the block size. Measured with
#: benchmarks/fsspec_read.py (48 MiB CSV, 100 random 64 KiB reads, medians of
#: 5 interleaved repeats on the shared 2-core machine, benchmarks/RESULTS.md):
#: fsspec's "readahead" cache with the former 4 MiB block fetched 60.8x the
#: bytes asked and took 4.0-4.3x curl's time; this cache fetches 1.00x and
#: takes 1.02-1.17x. read_csv was 0.81-1.31x curl + a local read_csv before
#: the background prefetch, 0.66x with it (the transfer overlaps the parse).
#: fsspec 2026.9's own "adaptive" cache (background prefetch) measured in the
#: same run: read_csv 0.85x, random reads 1.52x curl; hence our own cache.
#: The block size also bounds ``readline``, which fsspec serves one block a line.
DEFAULT_BLOCK_SIZE = 1 * MiB
DEFAULT_CACHE = SequentialReadahead.name


class CS3File(AbstractBufferedFile):
    """A file on CS3: ranged HTTP reads; writes uploaded when closed.

    Reads fetch ``[start, end)`` with HTTP Range requests on the download
    endpoint, which is initiated once and reused while valid
    (:meth:`Transfers.download_target`). Writes collect in a spooled
    temporary file (memory up to 4 MiB, then disk) and are uploaded by
    ``close()`` through tus, so a failure leaves the old file intact. Leaving
    a ``with`` block by an exception discards what was written.
    """

    DEFAULT_BLOCK_SIZE = DEFAULT_BLOCK_SIZE

    fs: CS3FileSystem
    closed: bool  # fsspec keeps it as a plain attribute (io.IOBase has a property)

    def __init__(self, fs: CS3FileSystem, path: str, mode: str = "rb", **kwargs: Any) -> None:
        self._spool: Any = None
        if kwargs.get("cache_type") is None:
            kwargs["cache_type"] = DEFAULT_CACHE
        if kwargs["cache_type"] == DEFAULT_CACHE:
            options = kwargs.get("cache_options") or {}
            kwargs["cache_options"] = {"submit": in_background, **options}
        super().__init__(fs, path, mode, **kwargs)

    def _fetch_range(self, start: int, end: int) -> bytes:
        with self.fs._errors(self.path):
            return self.fs.transfers.read_range(self.path, start, end)

    def _initiate_upload(self) -> None:
        validate_path(self.path)
        # Closed by _upload_chunk(final=True) or discard().
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115

    def _upload_chunk(self, final: bool = False) -> bool:
        self._spool.write(self.buffer.getbuffer())
        if final and self.autocommit:
            self.commit()
        return True

    def commit(self) -> None:
        """Upload everything written so far as the file's content."""
        spool = self._spool

        def upload() -> None:
            spool.seek(0)
            self.fs.transfers.upload(spool, self.path, overwrite=self.mode != "xb")

        try:
            self.fs._making_parents(self.path, upload)
        finally:
            self.discard()

    def discard(self) -> None:
        """Throw away what was written."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and self.writable() and not self.closed:
            self.discard()
            self.closed = True
            return
        self.close()
