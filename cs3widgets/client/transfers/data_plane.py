"""The data plane: every HTTP request to a CS3 data endpoint goes through here.

The gRPC gateway hands out an HTTP endpoint per transfer. :meth:`DataPlane.request`
is the one seam every request to such an endpoint passes: it adds the
headers (the user's access token as ``x-access-token``, the transfer token as
``X-Reva-Transfer``, a lock's ``X-Lock-Id``/``X-Lock-Holder``), counts the
request, asks again after a transient answer where the request changes
nothing, and maps the status to the one exception tree from one table.
Neither token ever goes into an exception message: errors name the CS3 path
and the HTTP status.

One transport, the standard library's ``http.client``. Measured on Reva's
data server (benchmarks/transfer.py, benchmarks/fsspec_read.py), httpx's
pure-Python HTTP/1.1 parser and writer cost downloads 0.43-0.87 s of CPU per
256 MiB against 0.10-0.12 s here, a tus PATCH of 1 GiB 0.83x curl's
throughput, and 100 random 64 KiB reads 4.5x curl; with ``http.client``
reading into one reused buffer, and keep-alive connections for small GETs,
all three keep up with curl.
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit

from ..connection import USER_AGENT, Connection
from ..errors import (
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
from ..models import Lock

#: Seconds: the longest a connection may take to open, and the longest
#: silence tolerated while a body streams or while the server finishes
#: writing a large body to its disk (``http.client`` has one timeout for both).
READ_TIMEOUT = 120.0

#: What a data server answers when it, or a storage behind it (an OCM peer
#: site, an EOS node), failed for the moment. A request that changes nothing
#: (:data:`IDEMPOTENT`) answered so is sent again after each pause in turn
#: (seconds): Reva v1.29 once answered a GET of a file in an accepted OCM
#: share with 500 in CI (tests/test_ocm.py) and served it in 373 tries here.
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
RETRY_PAUSES = (0.25, 1.0, 2.0)
#: Methods that change nothing on the server (a tus DELETE of an upload is
#: idempotent too: the second finds nothing).
IDEMPOTENT = frozenset({"GET", "HEAD", "DELETE"})

#: Idle keep-alive connections kept per data server.
MAX_IDLE_CONNECTIONS = 8

#: ``progress(done, total)``: bytes moved so far, and the total when known.
Progress = Callable[[int, int | None], None]

_Answer = TypeVar("_Answer")
_Key = tuple[str, str, int | None]

#: The one status table. A PUT refused with 409 is a lock held by someone
#: else on EOS (``pkg/rhttp/datatx/manager/simple/simple.go`` maps the
#: driver's Conflict to it; CERN's cs3client reads it the same way); the
#: caller asks the server which it was (Transfers._why_refused).
_STATUS_ERRORS: dict[int, type[CS3Error]] = {
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    412: Conflict,
    423: Locked,
    507: QuotaExceeded,
}


class LinkFailed(TransferError):
    """The connection to the data server failed (reset, closed, refused)."""


class SourceFailed(TransferError):
    """The local source of an upload failed part way: the server saw a short
    body, which it never commits."""


def error_for_status(status: int, *, path: str, action: str) -> CS3Error:
    """The exception for an HTTP error status answered by a data endpoint."""
    if status == 409 and action == "upload":
        return Locked("the file is locked by someone else", path=path)
    cls = _STATUS_ERRORS.get(status, TransferError)
    return cls(f"{action} failed: HTTP {status}", path=path)


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


@dataclass
class Answer:
    """A data server's answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes = b""
    #: Body bytes written into the request's ``into``.
    received: int = 0


class Streamed:
    """A GET's body, read forward as it arrives (``read(n)``)."""

    def __init__(self, resp: http.client.HTTPResponse, path: str) -> None:
        self._resp = resp
        self._path = path
        length = resp.getheader("content-length")
        #: The size the server announced, if any.
        self.size = int(length) if length is not None else None

    def read(self, n: int = -1) -> bytes:
        try:
            return self._resp.read(None if n < 0 else n)
        except TimeoutError:
            raise Timeout("download timed out", path=self._path) from None
        except (OSError, http.client.HTTPException) as exc:
            raise LinkFailed(f"download failed: {type(exc).__name__}", path=self._path) from None


class DataPlane:
    """Requests to the data endpoints of one client, over shared connections.

    Small requests without a body borrow an idle keep-alive connection (and
    retry once on a fresh one if the server had closed it); a body, sent or
    streamed into a file, gets a connection of its own, so a long transfer
    never meets a connection the server already closed.
    """

    def __init__(self, conn: Connection, *, max_idle: int = MAX_IDLE_CONNECTIONS) -> None:
        self.conn = conn
        #: Count of HTTP requests sent by method (retries included), like
        #: ``Connection.calls`` for gRPC.
        self.calls: dict[str, int] = {}
        #: Body bytes received into memory since creation.
        self.bytes_received = 0
        self._idle: dict[_Key, list[http.client.HTTPConnection]] = {}
        self._mutex = threading.Lock()
        self._max_idle = max_idle
        self._ssl: ssl.SSLContext | None = None

    # -- the seam -----------------------------------------------------------
    def headers(self, transfer_token: str = "", lock: Lock | None = None) -> dict[str, str]:
        """Headers authenticating one request (and naming a lock's holder)."""
        out = {"User-Agent": USER_AGENT, "x-access-token": self.conn.token()}
        if transfer_token:
            out["X-Reva-Transfer"] = transfer_token
        return out | lock_headers(lock)

    def request(
        self,
        method: str,
        url: str,
        *,
        path: str,
        action: str,
        transfer_token: str = "",
        lock: Lock | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | Iterable[bytes | memoryview] | None = None,
        into: BinaryIO | None = None,
        progress: Progress | None = None,
        limit: int | None = None,
        accept: Iterable[int] = (),
    ) -> Answer:
        """Send one request to a data endpoint and return its answer.

        ``body`` is sent as it is iterated; ``into`` receives a successful
        answer's body (``progress`` follows it), else the body comes back
        in :attr:`Answer.data`, at most ``limit`` bytes of a whole-file 200.
        A status of 300 or more raises its exception, unless in ``accept``.
        """
        sent = self.headers(transfer_token, lock) | (headers or {})

        def send() -> Answer:
            return self._exchange(method, url, sent, body, into, progress, limit, path, action)

        if method in IDEMPOTENT and body is None:
            answer = until_settled(send, lambda a: a.status)
        else:
            answer = send()
        if answer.status >= 300 and answer.status not in set(accept):
            raise error_for_status(answer.status, path=path, action=action)
        return answer

    @contextlib.contextmanager
    def stream(
        self,
        url: str,
        *,
        path: str,
        transfer_token: str = "",
        headers: dict[str, str] | None = None,
    ) -> Iterator[Streamed]:
        """A GET whose body is read forward by the caller, on its own connection."""
        sent = self.headers(transfer_token) | (headers or {})
        key, target = _where(url)

        def open_() -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
            conn = self._connect(key)
            self.count("GET")
            try:
                conn.request("GET", target, headers=sent)
                resp = conn.getresponse()
            except BaseException as exc:
                conn.close()
                raise _failure(exc, "download", path) from None
            if resp.status >= 300:
                resp.read()
                conn.close()
            return conn, resp

        conn, resp = until_settled(open_, lambda pair: pair[1].status)
        if resp.status >= 300:
            raise error_for_status(resp.status, path=path, action="download")
        try:
            yield Streamed(resp, path)
        finally:
            conn.close()

    def count(self, method: str) -> None:
        """Count one request sent with ``method``."""
        with self._mutex:
            self.calls[method] = self.calls.get(method, 0) + 1

    def close(self) -> None:
        """Close every idle connection."""
        with self._mutex:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for c in conns:
            c.close()

    # -- transport ------------------------------------------------------------
    def _exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | Iterable[bytes | memoryview] | None,
        into: BinaryIO | None,
        progress: Progress | None,
        limit: int | None,
        path: str,
        action: str,
    ) -> Answer:
        key, target = _where(url)
        pooled = body is None and into is None
        for attempt in (0, 1):
            conn, reused = self._take(key) if pooled else (self._connect(key), False)
            try:
                self.count(method)
                if body is None:
                    conn.request(method, target, headers=headers)
                else:
                    _send_body(conn, method, target, headers, body, path, action)
                resp = conn.getresponse()
                answer = Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()})
                if answer.status >= 300 or method == "HEAD":
                    resp.read()
                elif into is not None:
                    answer.received = _stream_body(resp, into, path, progress)
                elif limit is not None and answer.status == 200:
                    # The server ignored a Range: read only what was asked,
                    # then drop the connection rather than drain the rest.
                    answer.data = resp.read(limit)
                    conn.close()
                    pooled = False
                else:
                    answer.data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                conn.close()
                # An idle connection the server closed meanwhile: once more
                # on a fresh one (nothing was sent that it took).
                if reused and attempt == 0:
                    continue
                raise _failure(exc, action, path) from None
            except BaseException as exc:
                conn.close()
                raise _failure(exc, action, path) from None
            if pooled and not resp.will_close:
                self._give(key, conn)
            else:
                conn.close()
            with self._mutex:
                self.bytes_received += len(answer.data)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self, key: _Key) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            return http.client.HTTPSConnection(host, port, timeout=READ_TIMEOUT, context=self._ssl)
        return http.client.HTTPConnection(host, port, timeout=READ_TIMEOUT)

    def _take(self, key: _Key) -> tuple[http.client.HTTPConnection, bool]:
        with self._mutex:
            idle = self._idle.get(key)
            if idle:
                return idle.pop(), True
        return self._connect(key), False

    def _give(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        with self._mutex:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._max_idle:
                idle.append(conn)
                return
        conn.close()


def _where(url: str) -> tuple[_Key, str]:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (parts.scheme, parts.hostname or "", parts.port), target


def _send_body(
    conn: http.client.HTTPConnection,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes | Iterable[bytes | memoryview],
    path: str,
    action: str,
) -> None:
    """Headers, then the body block by block, straight to the socket."""
    conn.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    blocks = iter([body] if isinstance(body, (bytes, bytearray, memoryview)) else body)
    while True:
        try:
            block = next(blocks)
        except StopIteration:
            return
        except CS3Error:
            raise
        except Exception as exc:
            # The local source failed: the server sees a short body, which
            # it never commits, so nothing was written.
            raise SourceFailed(f"{action} failed: {type(exc).__name__}: {exc}", path=path) from exc
        conn.send(block)


def _stream_body(
    resp: http.client.HTTPResponse, out: BinaryIO, path: str, progress: Progress | None
) -> int:
    """Copy a body into ``out`` through one reused 1 MiB buffer; return its length."""
    length = resp.getheader("content-length")
    total = int(length) if length is not None else None
    if progress is not None:
        progress(0, total)
    done = 0
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    while n := resp.readinto(buf):
        out.write(view[:n])
        done += n
        if progress is not None:
            progress(done, total)
    if total is not None and done != total:
        raise TransferError(f"download ended after {done} of {total} bytes", path=path)
    return done


def _failure(exc: BaseException, action: str, path: str) -> BaseException:
    """The exception of our tree for a transport failure (never with a header)."""
    if isinstance(exc, (CS3Error, KeyboardInterrupt, SystemExit)):
        return exc
    if isinstance(exc, TimeoutError):
        return Timeout(f"{action} timed out", path=path)
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return LinkFailed(f"{action} failed: {type(exc).__name__}", path=path)
    return exc


__all__ = [
    "IDEMPOTENT",
    "READ_TIMEOUT",
    "RETRY_PAUSES",
    "TRANSIENT_STATUSES",
    "Answer",
    "DataPlane",
    "LinkFailed",
    "Progress",
    "SourceFailed",
    "Streamed",
    "error_for_status",
    "lock_headers",
    "until_settled",
]
