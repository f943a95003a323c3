"""File objects over transfers: ``Transfers.open(path, "rb"/"wb")``."""

from __future__ import annotations

import contextlib
import io
import tempfile
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..models import Entry
from .upload_source import SPOOL_MEMORY

if TYPE_CHECKING:
    from . import Transfers


class HTTPReader(io.RawIOBase):
    """The raw, forward-only stream behind ``Transfers.open(path, "rb")``."""

    def __init__(self, transfers: Transfers, path: str) -> None:
        super().__init__()
        self.name = path
        self._stack = contextlib.ExitStack()
        target = transfers.initiate_download(path)
        self._stream = self._stack.enter_context(transfers._get(target))
        #: The size announced by the server, if any.
        self.size = self._stream.size

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._stream.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        if not self.closed:
            self._stack.close()
        super().close()


class UploadWriter(io.RawIOBase):
    """A writable file object that uploads its content when closed.

    Writes go to a spooled temporary file (memory up to 4 MiB, then disk), so
    memory stays flat. If a ``with`` block ends with an exception the data
    is discarded and nothing is uploaded; :meth:`discard` does the same.
    """

    def __init__(self, transfers: Transfers, path: str, options: dict[str, Any]) -> None:
        super().__init__()
        self.name = path
        self._transfers = transfers
        self._options = options
        # Closed by close(), which a file object's owner calls.
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self._discarded = False
        #: The uploaded entry, once closed.
        self.entry: Entry | None = None

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.closed:
            raise ValueError("write to a closed file")
        return self._spool.write(b)

    def tell(self) -> int:
        return self._spool.tell()

    def discard(self) -> None:
        """Close without uploading."""
        self._discarded = True
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self._discarded:
                self._spool.seek(0)
                self.entry = self._transfers.upload(self._spool, self.name, **self._options)
        finally:
            self._spool.close()
            super().close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._discarded = True
        self.close()


__all__ = ["HTTPReader", "UploadWriter"]
