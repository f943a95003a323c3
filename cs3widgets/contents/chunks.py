"""Chunked saves: large uploads arrive from the Lab front end in parts.

JupyterLab sends a file larger than its chunk size (1 MiB) as a series of
saves whose model carries ``chunk`` = 1, 2, ... and finally -1. CS3 cannot
append to a file, and uploading every part again would cost O(n²) bytes, so
the parts are spooled on the Jupyter server (in memory up to 8 MiB, then in
a temporary file) and the whole file is uploaded once, when the last chunk
arrives. Until then nothing on the server changes: a cancelled upload
leaves no partial file behind.
"""

from __future__ import annotations

import tempfile
import threading
from typing import IO

from tornado.web import HTTPError

SPOOL_MEMORY = 8 * 1024 * 1024


class ChunkSpool:
    """Parts of unfinished chunked saves, by path."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[IO[bytes], int]] = {}
        self._mutex = threading.Lock()

    def add(self, path: str, chunk: int, data: bytes) -> int:
        """Append part ``chunk`` of ``path``; return the bytes spooled so far."""
        with self._mutex:
            if chunk == 1:
                self._drop(path)
                # Kept open across requests until the last chunk; closed in take/discard.
                spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
                self._parts[path] = (spool, 1)
            elif path not in self._parts:
                raise HTTPError(400, f"upload of {path} was not started (chunk {chunk} came first)")
            spool, last = self._parts[path]
            if chunk != -1 and chunk != last + 1 and chunk != 1:
                self._drop(path)
                raise HTTPError(400, f"upload of {path}: chunk {chunk} came after chunk {last}")
            spool.write(data)
            self._parts[path] = (spool, chunk if chunk != -1 else last)
            return spool.tell()

    def take(self, path: str) -> IO[bytes]:
        """The finished file, rewound; the caller closes it."""
        with self._mutex:
            spool, _ = self._parts.pop(path)
        spool.seek(0)
        return spool

    def discard(self, path: str) -> None:
        """Forget an unfinished upload."""
        with self._mutex:
            self._drop(path)

    def _drop(self, path: str) -> None:
        old = self._parts.pop(path, None)
        if old is not None:
            old[0].close()


__all__ = ["SPOOL_MEMORY", "ChunkSpool"]
