"""Shared HTTP settings for the CS3 data endpoints: timeouts, headers, errors.

The gRPC gateway hands out an HTTP endpoint per transfer. Every request to it
carries the user's access token (``x-access-token``) and, when the protocol
returned one, the transfer token (``X-Reva-Transfer``). Neither token ever
goes into an exception message: errors name the CS3 path and the HTTP status.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, TypeVar
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
from .models import Lock

#: Seconds. ``read`` is the longest silence tolerated while a body streams or
#: while the server finishes writing a large chunk to its disk.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
WRITE_TIMEOUT = 120.0
POOL_TIMEOUT = 30.0

HTTP_TIMEOUT = httpx.Timeout(
    connect=CONNECT_TIMEOUT, read=READ_TIMEOUT, write=WRITE_TIMEOUT, pool=POOL_TIMEOUT
)

#: What a data server answers when it, or a storage behind it (an OCM peer
#: site, an EOS node), failed for the moment. A request that changes nothing
#: (GET, HEAD) answered so is sent again after each pause in turn (seconds):
#: Reva v1.29 once answered a GET of a file in an accepted OCM share with 500
#: in CI (tests/test_ocm.py) and served it in 373 tries here.
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
RETRY_PAUSES = (0.25, 1.0, 2.0)

_Answer = TypeVar("_Answer")

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


def lock_headers(lock: Lock | None) -> dict[str, str]:
    """The headers that let a lock's holder write (none without a lock).

    Reva's data server hands them to the storage driver as the upload's
    ``lockid``/``lockholder`` metadata (``pkg/rhttp/datatx/manager/simple/simple.go``);
    EOS's driver writes as the app the holder names, and EOS admits the
    write to a locked file only from the lock's user and app.
    """
    if lock is None:
        return {}
    return {"X-Lock-Id": lock.lock_id, "X-Lock-Holder": lock.app_name}


def until_settled(send: Callable[[], _Answer], status: Callable[[_Answer], int]) -> _Answer:
    """Call ``send`` (a request that changes nothing) again after each pause
    of :data:`RETRY_PAUSES` while its answer's ``status`` is transient; return
    the last answer."""
    for pause in RETRY_PAUSES:
        answer = send()
        if status(answer) not in TRANSIENT_STATUSES:
            return answer
        time.sleep(pause)
    return send()


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
    count: Callable[[], None] | None = None,
) -> int:
    """Stream a GET body into ``out`` and return the number of bytes.

    A transient error status (:data:`TRANSIENT_STATUSES`) before the body is
    asked again after a pause; ``count`` is called for every GET sent.

    Why the standard library here and httpx elsewhere: measured on 256 MiB
    downloads from Reva's data server (benchmarks/transfer.py and a side
    script), httpx's h11 parser spent 0.43-0.87 s of CPU per 256 MiB against
    0.10-0.12 s for ``http.client`` reading into one reused 1 MiB buffer, and
    on the shared 2-core machine that CPU is what kept downloads at 0.3-0.7 of
    curl. Everything else (control calls, ranges, uploads) stays on httpx.
    """
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": USER_AGENT, **headers}

    def get() -> tuple[int, int]:
        """One GET: its status, and the bytes written to ``out`` if it succeeded."""
        if count is not None:
            count()
        conn = _connection(parts.scheme, parts.hostname or "", parts.port)
        try:
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            if resp.status >= 300:
                return resp.status, 0
            return resp.status, _stream_body(resp, out, path, progress, block_size)
        except TimeoutError:
            raise Timeout("download timed out", path=path) from None
        except (OSError, http.client.HTTPException) as exc:
            raise TransferError(f"download failed: {type(exc).__name__}", path=path) from None
        finally:
            conn.close()

    status, done = until_settled(get, lambda answer: answer[0])
    if status >= 300:
        raise error_for_status(status, path=path, action="download")
    return done


def _connection(
    scheme: str, host: str, port: int | None, context: ssl.SSLContext | None = None
) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(
            host, port, timeout=READ_TIMEOUT, context=context or ssl.create_default_context()
        )
    return http.client.HTTPConnection(host, port, timeout=READ_TIMEOUT)


def _stream_body(
    resp: http.client.HTTPResponse,
    out: BinaryIO,
    path: str,
    progress: Callable[[int, int | None], None] | None,
    block_size: int,
) -> int:
    length = resp.getheader("content-length")
    total = int(length) if length is not None else None
    if progress is not None:
        progress(0, total)
    done = 0
    buf = bytearray(block_size)
    view = memoryview(buf)
    while n := resp.readinto(buf):
        out.write(view[:n])
        done += n
        if progress is not None:
            progress(done, total)
    if total is not None and done != total:
        raise TransferError(f"download ended after {done} of {total} bytes", path=path)
    return done


#: Idle keep-alive connections kept per data server.
MAX_IDLE_CONNECTIONS = 8

_Key = tuple[str, str, int | None]


class DataConnections:
    """Keep-alive HTTP/1.1 connections to the data endpoints, shared by threads.

    Ranged reads (``fs.open`` + ``seek``, ``cat_ranges``) send many small
    GETs; a fresh TCP connection and httpx's pure-Python parser per GET is
    what made 100 random 64 KiB reads cost 4.5x curl (benchmarks/fsspec_read.py).
    Here each GET borrows an idle ``http.client`` connection (C-buffered
    socket reads), reads the body with one ``read`` and gives the connection
    back. ``count`` is called for every GET sent, and ``bytes_received``
    counts body bytes, for tests and benchmarks.
    """

    def __init__(
        self,
        *,
        max_idle: int = MAX_IDLE_CONNECTIONS,
        count: Callable[[], None] | None = None,
    ) -> None:
        self._idle: dict[_Key, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._max_idle = max_idle
        self._ssl: ssl.SSLContext | None = None
        self._count = count
        #: Body bytes received since creation.
        self.bytes_received = 0

    def _connect(self, key: _Key) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https" and self._ssl is None:
            self._ssl = ssl.create_default_context()
        return _connection(scheme, host, port, self._ssl)

    def _take(self, key: _Key) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop(), True
        return self._connect(key), False

    def _give(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._max_idle:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for c in conns:
            c.close()

    def send_body(
        self, method: str, url: str, headers: dict[str, str], blocks: Iterable[Any], *, path: str
    ) -> tuple[int, dict[str, str]]:
        """Send one upload request with a streamed body; return status and headers.

        Uploads go through ``http.client`` for the reason reads do: httpx's
        pure-Python HTTP/1.1 writer cost a tus PATCH of 1 GiB 0.83x curl's
        throughput (benchmarks/transfer.py, benchmarks/RESULTS.md), while
        blocks written straight to the socket keep up with curl. A fresh
        connection per upload: a long body must never meet a pooled
        connection the server already closed. Transport failures are raised
        as httpx transport errors, so callers keep one set of exceptions.
        """
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn = self._connect((parts.scheme, parts.hostname or "", parts.port))
        try:
            conn.putrequest(method, target, skip_accept_encoding=True)
            for name, value in {"User-Agent": USER_AGENT, **headers}.items():
                conn.putheader(name, value)
            conn.endheaders()
            for block in blocks:
                conn.send(block)
            resp = conn.getresponse()
            resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}
        except TimeoutError:
            raise httpx.WriteTimeout(f"{method} timed out") from None
        except (OSError, http.client.HTTPException) as exc:
            raise httpx.WriteError(f"{method} failed: {type(exc).__name__}") from None
        finally:
            conn.close()

    def get_range(
        self, url: str, headers: dict[str, str], start: int, end: int | None, *, path: str
    ) -> bytes:
        """Bytes ``[start, end)`` of ``url`` (``end=None``: to the end of the file).

        A server that ignores ``Range`` (200) or refuses it (416 although the
        range starts inside the file) is read from the start and only the
        slice is kept, so the answer is right whatever the server does.
        """
        if end is not None and end <= start:
            return b""
        spec = f"bytes={start}-" + ("" if end is None else str(end - 1))
        status, data, content_range = self._get(url, headers | {"Range": spec}, path, start, end)
        if status >= 300 and status != 416:
            raise error_for_status(status, path=path, action="download")
        if status == 206:
            return data
        if status == 416:
            # "bytes */<size>": the range starts at or after the end.
            total = content_range.rpartition("/")[2]
            if total.isdigit() and start >= int(total):
                return b""
            status, data, _ = self._get(url, headers, path, start, end)
            if status >= 300:
                raise error_for_status(status, path=path, action="download")
        return data[start:end]

    def get_suffix(self, url: str, headers: dict[str, str], n: int, *, path: str) -> bytes:
        """The last ``n`` bytes of ``url`` (an HTTP suffix range, ``bytes=-n``)."""
        if n <= 0:
            return b""
        status, data, _ = self._get(url, headers | {"Range": f"bytes=-{n}"}, path, 0, None)
        if status == 416:  # an empty file
            return b""
        if status >= 300:
            raise error_for_status(status, path=path, action="download")
        return data if status == 206 else data[-n:]

    def _get(
        self, url: str, headers: dict[str, str], path: str, start: int, end: int | None
    ) -> tuple[int, bytes, str]:
        return until_settled(
            lambda: self._get_once(url, headers, path, start, end), lambda answer: answer[0]
        )

    def _get_once(
        self, url: str, headers: dict[str, str], path: str, start: int, end: int | None
    ) -> tuple[int, bytes, str]:
        parts = urlsplit(url)
        key: _Key = (parts.scheme, parts.hostname or "", parts.port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": USER_AGENT, **headers}
        for attempt in (0, 1):
            conn, reused = self._take(key)
            try:
                if self._count is not None:
                    self._count()
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                status = resp.status
                if status == 416:
                    content_range = resp.getheader("content-range") or ""
                    resp.read()
                    self._give(key, conn)
                    return status, b"", content_range
                if status >= 300:
                    resp.read()
                    self._give(key, conn)
                    return status, b"", ""
                if status == 200 and end is not None:
                    # The server ignored Range: read only up to ``end``, then
                    # drop the connection rather than drain the rest.
                    data = resp.read(end)
                    conn.close()
                else:
                    data = resp.read()
                    if resp.will_close:
                        conn.close()
                    else:
                        self._give(key, conn)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                # An idle connection the server closed meanwhile: retry once
                # on a fresh one (GET is idempotent).
                if reused and attempt == 0:
                    continue
                raise TransferError(
                    f"download failed: {type(exc).__name__}", path=path
                ) from None
            except TimeoutError:
                conn.close()
                raise Timeout("download timed out", path=path) from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise TransferError(
                    f"download failed: {type(exc).__name__}", path=path
                ) from None
            except BaseException:
                conn.close()
                raise
            with self._lock:
                self.bytes_received += len(data)
            return status, data, ""
        raise AssertionError("unreachable")  # pragma: no cover
