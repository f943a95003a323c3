"""The HTTP side shared by every kind of transfer of one ``Transfers``.

One httpx client (control requests and streamed GETs), the keep-alive
``http.client`` connections of ranged reads and uploads, the headers that
authenticate a data-endpoint request, and a count of the requests sent by
method, like ``Connection.calls`` for gRPC.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import httpx

from . import http
from .connection import Connection
from .download_targets import DownloadTarget

#: ``progress(done, total)``: bytes moved so far, and the total when known.
Progress = Callable[[int, int | None], None]


class TransferHTTP:
    """HTTP clients, request headers and request counts of one ``Transfers``."""

    def __init__(self, conn: Connection, client: httpx.Client | None = None) -> None:
        self.conn = conn
        self._client = client
        #: Count of HTTP requests sent by method, like ``conn.calls`` for gRPC.
        self.calls: dict[str, int] = {}
        #: Keep-alive connections for ranged reads, and uploads' bodies.
        self.data = http.DataConnections(count=lambda: self.count("GET"))

    @property
    def client(self) -> httpx.Client:
        """The httpx client (created on first use)."""
        if self._client is None:
            self._client = http.make_client()
        return self._client

    def close(self) -> None:
        """Close the httpx client and the idle data connections."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self.data.close()

    def headers(self, transfer_token: str = "") -> dict[str, str]:
        """Headers authenticating one data-endpoint request."""
        return http.transfer_headers(self.conn, transfer_token)

    def count(self, method: str) -> None:
        """Count one request sent with ``method``."""
        self.calls[method] = self.calls.get(method, 0) + 1

    @contextlib.contextmanager
    def stream(
        self, target: DownloadTarget, *, byte_range: tuple[int, int] | None = None
    ) -> Iterator[httpx.Response]:
        """Open a streamed GET of ``target`` (optionally a byte range)."""
        headers = self.headers(target.transfer_token)
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        self.count("GET")
        try:
            with self.client.stream("GET", target.url, headers=headers) as resp:
                http.raise_for_status(resp, path=target.path, action="download")
                yield resp
        except httpx.HTTPError as exc:
            raise http.error_for_exception(exc, path=target.path, action="download") from None


__all__ = ["Progress", "TransferHTTP"]
