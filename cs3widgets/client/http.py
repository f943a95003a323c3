"""Shared HTTP settings for the CS3 data endpoints: timeouts, headers, errors.

The gRPC gateway hands out an HTTP endpoint per transfer. Every request to it
carries the user's access token (``x-access-token``) and, when the protocol
returned one, the transfer token (``X-Reva-Transfer``). Neither token ever
goes into an exception message: errors name the CS3 path and the HTTP status.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable
from typing import BinaryIO
from urllib.parse import urlsplit

import httpx

from .connection import USER_AGENT, Connection
from .errors import (
    Conflict,
    CS3Error,
    Locked,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    Timeout,
    TransferError,
    Unauthenticated,
)

#: Seconds. ``read`` is the longest silence tolerated while a body streams or
#: while the server finishes writing a large chunk to its disk.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
WRITE_TIMEOUT = 120.0
POOL_TIMEOUT = 30.0

HTTP_TIMEOUT = httpx.Timeout(
    connect=CONNECT_TIMEOUT, read=READ_TIMEOUT, write=WRITE_TIMEOUT, pool=POOL_TIMEOUT
)

_STATUS_ERRORS: dict[int, type[CS3Error]] = {
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    412: Conflict,
    423: Locked,
    507: QuotaExceeded,
}


def make_client(*, verify: bool | str = True) -> httpx.Client:
    """An ``httpx.Client`` with explicit timeouts for the data endpoints."""
    return httpx.Client(
        timeout=HTTP_TIMEOUT,
        verify=verify,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def transfer_headers(conn: Connection, transfer_token: str = "") -> dict[str, str]:
    """Headers authenticating one data-endpoint request."""
    headers = {"x-access-token": conn.token()}
    if transfer_token:
        headers["X-Reva-Transfer"] = transfer_token
    return headers


def error_for_status(status: int, *, path: str, action: str) -> CS3Error:
    """The exception for an HTTP error status answered by a data endpoint."""
    cls = _STATUS_ERRORS.get(status, TransferError)
    return cls(f"{action} failed: HTTP {status}", path=path)


def raise_for_status(response: httpx.Response, *, path: str, action: str) -> None:
    """Raise the mapped error if ``response`` is an HTTP error."""
    if response.status_code >= 400:
        raise error_for_status(response.status_code, path=path, action=action)


def error_for_exception(exc: httpx.HTTPError, *, path: str, action: str) -> CS3Error:
    """Map an httpx transport error (never includes headers, so no token)."""
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"{action} timed out", path=path)
    return TransferError(f"{action} failed: {type(exc).__name__}", path=path)


def download_into(
    url: str,
    headers: dict[str, str],
    out: BinaryIO,
    *,
    path: str,
    progress: Callable[[int, int | None], None] | None = None,
    block_size: int = 1 << 20,
) -> int:
    """Stream a GET body into ``out`` and return the number of bytes.

    Why the standard library here and httpx elsewhere: measured on 256 MiB
    downloads from Reva's data server (benchmarks/transfer.py and a side
    script), httpx's h11 parser spent 0.43-0.87 s of CPU per 256 MiB against
    0.10-0.12 s for ``http.client`` reading into one reused 1 MiB buffer, and
    on the shared 2-core machine that CPU is what kept downloads at 0.3-0.7 of
    curl. Everything else (control calls, ranges, uploads) stays on httpx.
    """
    parts = urlsplit(url)
    port = parts.port
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname or "", port, timeout=READ_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", port, timeout=READ_TIMEOUT)
    done = 0
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", target, headers={"User-Agent": USER_AGENT, **headers})
        resp = conn.getresponse()
        if resp.status >= 300:
            raise error_for_status(resp.status, path=path, action="download")
        length = resp.getheader("content-length")
        total = int(length) if length is not None else None
        if progress is not None:
            progress(0, total)
        buf = bytearray(block_size)
        view = memoryview(buf)
        while n := resp.readinto(buf):
            out.write(view[:n])
            done += n
            if progress is not None:
                progress(done, total)
    except TimeoutError:
        raise Timeout("download timed out", path=path) from None
    except (OSError, http.client.HTTPException) as exc:
        raise TransferError(f"download failed: {type(exc).__name__}", path=path) from None
    finally:
        conn.close()
    if total is not None and done != total:
        raise TransferError(f"download ended after {done} of {total} bytes", path=path)
    return done
