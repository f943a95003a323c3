"""One gRPC channel to a CS3 gateway, with deadlines, TLS and token injection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
from cs3.gateway.v1beta1 import gateway_api_pb2 as gw_pb
from cs3.gateway.v1beta1 import gateway_api_pb2_grpc as gw_grpc
from cs3.rpc.v1beta1 import code_pb2

from .auth import AuthProvider
from .errors import CS3Error, Unauthenticated, Unavailable, check, from_rpc_error, from_status
from .wire import RawRequest

DEFAULT_DEADLINE = 30.0
USER_AGENT = "cs3widgets"


@dataclass(frozen=True)
class TLSSettings:
    """TLS for the gRPC channel. Files are PEM; all optional but ``enabled``."""

    enabled: bool = True
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    server_name: str | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        """Build gRPC channel credentials from the files."""

        def read(p: str | None) -> bytes | None:
            return Path(p).expanduser().read_bytes() if p else None

        return grpc.ssl_channel_credentials(
            root_certificates=read(self.ca_file),
            private_key=read(self.key_file),
            certificate_chain=read(self.cert_file),
        )


def _never_sent(exc: grpc.RpcError) -> bool:
    """Whether a call failed before reaching the server (no connection at all).

    gRPC fails a call at once, unsent, while its channel cannot connect;
    only then is a retry safe for every method (writes included).
    """
    if not hasattr(exc, "code") or exc.code() != grpc.StatusCode.UNAVAILABLE:
        return False
    details = (exc.details() or "").lower() if hasattr(exc, "details") else ""
    return "failed to connect" in details or "connection refused" in details


class Connection:
    """A channel to the gateway plus an auth provider.

    Every call gets a deadline and the ``x-access-token`` metadata. A call
    answered UNAUTHENTICATED (as a CS3 status or a gRPC error) triggers one
    re-authentication and one retry. ``calls`` counts the RPCs sent, by method
    name, so that tests and benchmarks can assert round trips.
    """

    def __init__(
        self,
        gateway: str,
        auth: AuthProvider | None = None,
        *,
        tls: TLSSettings | None = None,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.gateway = gateway
        self.auth = auth
        self.tls = tls
        self.deadline = deadline
        self.calls: Counter[str] = Counter()
        self._calls_lock = threading.Lock()
        self._closed = False
        self._channel, self.stub = self._open()

    def _open(self) -> tuple[grpc.Channel, Any]:
        options = [
            ("grpc.primary_user_agent", USER_AGENT),
            ("grpc.max_receive_message_length", 256 * 1024 * 1024),
            # gRPC's default backoff grows to 120 s while the gateway is
            # down, so a channel could stay "unavailable" for minutes after
            # it came back. Capped at 1 s, the next call after an outage
            # finds it (together with the rebuild in _send).
            ("grpc.initial_reconnect_backoff_ms", 100),
            ("grpc.min_reconnect_backoff_ms", 100),
            ("grpc.max_reconnect_backoff_ms", 1000),
        ]
        tls = self.tls
        if tls and tls.enabled:
            if tls.server_name:
                options.append(("grpc.ssl_target_name_override", tls.server_name))
            channel = grpc.secure_channel(self.gateway, tls.credentials(), options=options)
        else:
            channel = grpc.insecure_channel(self.gateway, options=options)
        return channel, gw_grpc.GatewayAPIStub(channel)

    def reconnect(self) -> None:
        """Replace the gRPC channel with a new one (after an outage, or on demand).

        The token is kept; call ``auth.invalidate()`` as well to log in again.
        """
        if self._closed:
            raise Unavailable("the connection is closed")
        old = self._channel
        self._channel, self.stub = self._open()
        old.close()

    # -- auth -------------------------------------------------------------
    def login(self, auth_type: str, client_id: str, client_secret: str) -> str:
        """Authenticate through the gateway and return the Reva token."""
        req = gw_pb.AuthenticateRequest(
            type=auth_type, client_id=client_id, client_secret=client_secret
        )
        res = self._send("Authenticate", req, metadata=None, deadline=None)
        if res.status.code != code_pb2.CODE_OK:
            err = from_status(res.status)
            if not isinstance(err, (Unavailable,)):
                # Reva answers a wrong password with assorted codes
                # (UNAUTHENTICATED, NOT_FOUND, INTERNAL); all mean the same.
                err = Unauthenticated(f"login failed: {res.status.message or 'rejected'}")
            raise err
        if not res.token:
            raise Unauthenticated("login failed: the server returned no token")
        return res.token

    def token(self) -> str:
        """The current access token (for HTTP transfers; never log it)."""
        if self.auth is None:
            raise Unauthenticated("no authentication configured")
        return self.auth.token(self.login)

    # -- calls ------------------------------------------------------------
    def _count(self, method: str) -> None:
        with self._calls_lock:
            self.calls[method] += 1

    def _send(
        self,
        method: str,
        request: Any,
        *,
        metadata: list[tuple[str, str]] | None,
        deadline: float | None,
        path: str | None = None,
    ) -> Any:
        if self._closed:
            raise Unavailable("the connection is closed", path=path)
        for attempt in (0, 1):
            self._count(method)
            try:
                call = getattr(self.stub, method)
                payload = request
                if isinstance(request, RawRequest):
                    # Sent as encoded (see wire.py): no serializer of the wheel's.
                    call = self._channel.unary_unary(
                        f"/cs3.gateway.v1beta1.GatewayAPI/{method}",
                        response_deserializer=request.response.FromString,
                    )
                    payload = request.payload
                return call(payload, timeout=deadline or self.deadline, metadata=metadata)
            except grpc.RpcError as exc:
                err = from_rpc_error(exc, address=self.gateway, path=path)
                if attempt == 0 and _never_sent(exc):
                    # The channel had given up on the gateway (it was down):
                    # the request was not sent, so a fresh channel may
                    # retry it at once, and later calls do not wait out the
                    # old channel's backoff.
                    self.reconnect()
                    continue
                raise err from None
        raise AssertionError("unreachable")

    def call(
        self,
        method: str,
        request: Any,
        *,
        path: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Call a unary GatewayAPI method with auth; raise mapped errors.

        The one place CS3 statuses become exceptions: callers catch the
        mapped error (its ``code`` keeps the CS3 status code, its
        ``operation`` the method) instead of inspecting statuses by hand.
        ``request`` may be a callable building the message, for requests
        that carry the token in their body (WhoAmI): it is rebuilt for the retry.
        """
        try:
            return self._call(method, request, path=path, deadline=deadline)
        except CS3Error as err:
            err.operation = err.operation or method
            raise

    def _call(
        self, method: str, request: Any, *, path: str | None, deadline: float | None
    ) -> Any:
        for attempt in (0, 1):
            md = [("x-access-token", self.token())]
            message = request() if callable(request) else request
            try:
                res = self._send(method, message, metadata=md, deadline=deadline, path=path)
            except Unauthenticated:
                if attempt == 0 and self.auth is not None:
                    self.auth.invalidate()
                    continue
                raise
            if res.status.code == code_pb2.CODE_UNAUTHENTICATED and attempt == 0:
                if self.auth is not None:
                    self.auth.invalidate()
                continue
            return check(res, path=path)
        raise Unauthenticated("the server rejected the credentials", path=path)

    def stream(
        self, method: str, request: Any, *, path: str | None = None, deadline: float | None = None
    ) -> Iterator[Any]:
        """Call a server-streaming method; yield responses, raising mapped errors."""
        try:
            yield from self._stream(method, request, path=path, deadline=deadline)
        except CS3Error as err:
            err.operation = err.operation or method
            raise

    def _stream(
        self, method: str, request: Any, *, path: str | None, deadline: float | None
    ) -> Iterator[Any]:
        for attempt in (0, 1):
            md = [("x-access-token", self.token())]
            if self._closed:
                raise Unavailable("the connection is closed", path=path)
            self._count(method)
            first = True
            try:
                for res in getattr(self.stub, method)(
                    request, timeout=deadline or self.deadline, metadata=md
                ):
                    if res.status.code == code_pb2.CODE_UNAUTHENTICATED and first and attempt == 0:
                        break
                    first = False
                    yield check(res, path=path)
                else:
                    return
            except grpc.RpcError as exc:
                err = from_rpc_error(exc, address=self.gateway, path=path)
                if not (isinstance(err, Unauthenticated) and first and attempt == 0):
                    raise err from None
            if self.auth is not None:
                self.auth.invalidate()
        raise Unauthenticated("the server rejected the credentials", path=path)

    # -- lifecycle --------------------------------------------------------
    def close(self) -> None:
        """Close the channel. Further calls raise :class:`Unavailable`."""
        if not self._closed:
            self._closed = True
            self._channel.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Connection(gateway={self.gateway!r}, auth={self.auth!r})"


__all__ = ["DEFAULT_DEADLINE", "CS3Error", "Connection", "TLSSettings"]
