"""Simple uploads: the whole body in one PUT.

Used where the server offers no tus, for empty files (a zero-length tus
upload never completes) and when tus is switched off. A PUT whose body
stops short is discarded by the server, so it writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from . import http
from .errors import CS3Error, TransferError
from .models import Lock
from .transfer_http import Progress, TransferHTTP
from .upload_intent import refused
from .upload_source import Window


def put(
    link: TransferHTTP,
    url: str,
    transfer_token: str,
    source: Window,
    dest: str,
    progress: Progress | None,
    overwrite: bool = True,
    *,
    chunk_size: int,
    lock: Lock | None = None,
) -> None:
    """PUT ``source`` to ``url`` in blocks of ``chunk_size``, for ``dest``.

    Under ``lock`` the request names it (``X-Lock-Id``, ``X-Lock-Holder``),
    which is how the lock's holder is admitted by EOS.
    """
    size = source.size

    def body() -> Iterator[bytes | memoryview]:
        done = 0
        for block in source.blocks(size, chunk_size):
            yield block
            done += len(block)
            if progress is not None:
                progress(done, size)

    # An explicit Content-Length (no chunked encoding), so the server sees
    # exactly where the body must end.
    headers = link.headers(transfer_token) | http.lock_headers(lock) | {
        "Content-Length": str(size),
        "Upload-Length": str(size),
    }
    link.count("PUT")
    try:
        status, _ = link.data.send_body("PUT", url, headers, body(), path=dest)
    except httpx.HTTPError as exc:
        raise http.error_for_exception(exc, path=dest, action="upload") from None
    except CS3Error:
        raise
    except Exception as exc:
        # The source failed mid-body: the server saw a short body and
        # discards it, so nothing was written.
        raise TransferError(
            f"upload failed: {type(exc).__name__}: {exc}", path=dest
        ) from exc
    if status == 409:  # refused: the file is locked (see upload_intent.refused)
        raise refused(status, dest, overwrite)
    if status >= 300:
        raise http.error_for_status(status, path=dest, action="upload")
    if size == 0 and progress is not None:
        progress(0, 0)


__all__ = ["put"]
