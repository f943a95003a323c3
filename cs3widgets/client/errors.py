"""One exception hierarchy for everything the service layer raises.

Both CS3 ``status.code`` values and gRPC transport errors map into it. Every
exception keeps the server's message and the path involved; none ever
carries a token or password (messages come from the server or from us, and
we never format credentials into them).
"""

from __future__ import annotations

from typing import Any

import grpc
from cs3.rpc.v1beta1 import code_pb2


class CS3Error(Exception):
    """Base class of every error the service layer raises."""

    #: A short, user-facing name for the kind of failure.
    title = "Error"
    #: The gateway method that failed ("Delete", "CreateShare", ...), set by
    #: the connection; widgets word their message after it.
    operation = ""
    #: Set on an upload refused when it was committed: final, never retried.
    commit_refused = False

    def __init__(self, message: str = "", *, path: str | None = None, code: int | None = None,
                 operation: str = ""):
        self.message = message or self.title
        self.path = path
        self.code = code
        if operation:
            self.operation = operation
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, path={self.path!r})"


class NotFound(CS3Error):
    """The file, share or user does not exist."""

    title = "Not found"


class PermissionDenied(CS3Error):
    """The authenticated user may not do this."""

    title = "Permission denied"


class AlreadyExists(CS3Error):
    """The target exists already (file, folder or share)."""

    title = "Already exists"


class Locked(CS3Error):
    """The resource is locked by someone else."""

    title = "Locked"

    def __init__(
        self,
        message: str = "",
        *,
        path: str | None = None,
        code: int | None = None,
        holder: str | None = None,
        expires: Any = None,
    ):
        self.holder = holder
        self.expires = expires
        super().__init__(message, path=path, code=code)


class Unauthenticated(CS3Error):
    """Login failed, or the token is missing, expired or rejected."""

    title = "Not authenticated"


class Unavailable(CS3Error):
    """The gateway (or a service behind it) cannot be reached."""

    title = "Service unavailable"


class Timeout(Unavailable):
    """A call did not finish within its deadline."""

    title = "Timed out"


class InvalidName(CS3Error):
    """A path or name was refused before anything was sent to the server."""

    title = "Invalid name"


class InvalidArgument(CS3Error):
    """The server refused the request's arguments."""

    title = "Invalid argument"


class FailedPrecondition(CS3Error):
    """A precondition failed, for example the etag no longer matches."""

    title = "Precondition failed"


class Conflict(FailedPrecondition):
    """The file changed on the server since it was read (etag mismatch)."""

    title = "Changed on the server"


class QuotaExceeded(CS3Error):
    """Not enough storage left."""

    title = "Quota exceeded"


class Unimplemented(CS3Error):
    """The server does not implement this operation."""

    title = "Not supported by the server"


class TransferError(CS3Error):
    """An HTTP upload or download failed."""

    title = "Transfer failed"


class ServerError(CS3Error):
    """Any other server-side failure."""

    title = "Server error"


_CS3_CODES: dict[int, type[CS3Error]] = {
    code_pb2.CODE_NOT_FOUND: NotFound,
    code_pb2.CODE_PERMISSION_DENIED: PermissionDenied,
    code_pb2.CODE_ALREADY_EXISTS: AlreadyExists,
    code_pb2.CODE_LOCKED: Locked,
    code_pb2.CODE_UNAUTHENTICATED: Unauthenticated,
    code_pb2.CODE_UNAVAILABLE: Unavailable,
    code_pb2.CODE_DEADLINE_EXCEEDED: Timeout,
    code_pb2.CODE_INVALID_ARGUMENT: InvalidArgument,
    code_pb2.CODE_OUT_OF_RANGE: InvalidArgument,
    code_pb2.CODE_FAILED_PRECONDITION: FailedPrecondition,
    code_pb2.CODE_ABORTED: Conflict,
    code_pb2.CODE_INSUFFICIENT_STORAGE: QuotaExceeded,
    code_pb2.CODE_RESOURCE_EXHAUSTED: QuotaExceeded,
    code_pb2.CODE_UNIMPLEMENTED: Unimplemented,
}

_GRPC_CODES: dict[grpc.StatusCode, type[CS3Error]] = {
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: Timeout,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
}


def error_for_code(code: int) -> type[CS3Error]:
    """The exception class for a CS3 ``cs3.rpc.v1beta1.Code`` value."""
    return _CS3_CODES.get(code, ServerError)


def from_status(status: Any, *, path: str | None = None) -> CS3Error:
    """Build the exception for a non-OK ``cs3.rpc.v1beta1.Status``."""
    cls = error_for_code(status.code)
    return cls(status.message or cls.title, path=path, code=status.code)


def from_rpc_error(exc: grpc.RpcError, *, address: str, path: str | None = None) -> CS3Error:
    """Map a gRPC transport error; the message names the gateway address."""
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    details = exc.details() if hasattr(exc, "details") else ""
    cls = _GRPC_CODES.get(code, ServerError)
    if cls is PermissionDenied and "token" in (details or "").lower():
        # Reva's auth interceptor rejects an expired or forged token with a
        # transport-level PERMISSION_DENIED ("auth: core access token is
        # invalid"); real permission errors come back as a CS3 status.
        cls = Unauthenticated
    if cls is Unavailable:
        message = f"cannot reach the CS3 gateway at {address}"
    elif cls is Timeout:
        message = f"the CS3 gateway at {address} did not answer in time"
    else:
        message = details or f"{code.name.lower()} from {address}"
    return cls(message, path=path)


def check(response: Any, *, path: str | None = None) -> Any:
    """Return ``response`` if its status is OK, else raise the mapped error."""
    status = response.status
    if status.code != code_pb2.CODE_OK:
        raise from_status(status, path=path)
    return response
