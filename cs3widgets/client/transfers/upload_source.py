"""Upload sources: every accepted kind of source seen as a sized, seekable window.

A tus PATCH resumes from the server's offset, so a source must seek; bytes,
paths and seekable files are used as they are, anything else is spooled
first (CS3 wants ``Upload-Length`` before the first byte).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from ..errors import TransferError

MiB = 1024 * 1024

#: Bytes per read from the source and per write to the socket. Measured with
#: a streamed PATCH on localhost (256 MiB): 256 KiB ~660 MB/s, 1 MiB
#: ~760 MB/s, 4 MiB slower again (allocation and cache churn).
#: ``socket.sendfile`` of 1 MiB spans of a local file instead (no copy through
#: Python) was measured with benchmarks/transfer.py on tmpfs, 1 GiB, on
#: 2026-11-30: ours/curl pair medians tus 0.74, simple 0.75, against 0.82-1.07
#: and 0.93-1.03 for these blocks in the runs around it; so, not used.
DEFAULT_CHUNK_SIZE = 1 * MiB
#: Unknown-length sources (pipes, open(..., "wb")) are spooled to find their
#: size (CS3 wants Upload-Length up front); past this the spool is on disk.
SPOOL_MEMORY = 4 * MiB

Source = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO | IO[bytes]

class Window:
    """``size`` bytes of a stream from its current position, seen as offsets 0..size.

    A tus PATCH seeks to the server's offset first. A forward-only stream (an
    HTTP download being copied) accepts a seek to where it already is and
    refuses others, so it cannot be rewound for a retry.
    """

    def __init__(self, raw: Any, size: int, *, seekable: bool) -> None:
        self._raw = raw
        self._seekable = seekable
        self._base = raw.tell() if seekable else 0
        self._pos = 0
        self.size = size

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset}.get(
            whence, self.size + offset
        )
        if target == self._pos:
            return target
        if not self._seekable or not 0 <= target <= self.size:
            raise io.UnsupportedOperation("this source can only be read forward")
        self._raw.seek(self._base + target)
        self._pos = target
        return target

    def blocks(self, length: int, block_size: int) -> Iterator[bytes | memoryview]:
        """Yield the next ``length`` bytes in blocks of at most ``block_size``.

        Files are read with ``readinto`` into one reused buffer, so nothing is
        allocated per block; each block must be consumed before the next.
        """
        readinto = getattr(self._raw, "readinto", None)
        if readinto is None:
            while length > 0:
                block = self.read(min(block_size, length))
                length -= len(block)
                yield block
            return
        buf = bytearray(min(block_size, max(length, 1)))
        view = memoryview(buf)
        while length > 0:
            n = readinto(view[: min(len(buf), length)])
            if not n:
                raise TransferError(f"the source ended after {self._pos} of {self.size} bytes")
            self._pos += n
            length -= n
            yield view[:n]

    def read(self, n: int | None = -1) -> bytes:
        remaining = self.size - self._pos
        if n is None or n < 0 or n > remaining:
            n = remaining
        parts: list[bytes] = []
        got = 0
        while got < n:
            block = self._raw.read(n - got)
            if not block:
                raise TransferError(
                    f"the source ended after {self._pos + got} of {self.size} bytes"
                )
            parts.append(bytes(block))
            got += len(block)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        self._pos += len(data)
        return data


@contextlib.contextmanager
def open_source(src: Source) -> Iterator[Window]:
    """Normalise every accepted upload source to a sized :class:`Window`."""
    if isinstance(src, Window):
        yield src
    elif isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        yield Window(io.BytesIO(data), len(data), seekable=True)
    elif isinstance(src, (str, os.PathLike)):
        with open(src, "rb") as f:
            yield Window(f, os.fstat(f.fileno()).st_size, seekable=True)
    else:
        try:
            seekable = bool(src.seekable())
        except (AttributeError, OSError, ValueError):
            seekable = False
        if seekable:
            start = src.tell()
            end = src.seek(0, io.SEEK_END)
            src.seek(start)
            yield Window(src, end - start, seekable=True)
        else:
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
                shutil.copyfileobj(src, spool, DEFAULT_CHUNK_SIZE)
                size = spool.tell()
                spool.seek(0)
                yield Window(spool, size, seekable=True)


__all__ = ["DEFAULT_CHUNK_SIZE", "SPOOL_MEMORY", "Source", "Window", "open_source"]
