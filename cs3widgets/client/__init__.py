"""The service layer over the CS3 gRPC APIs: no widget code here."""

from .auth import AuthProvider, BasicAuth, BearerAuth, TokenAuth, TokenFileAuth
from .client import CS3Client
from .config import ConfigError, CS3Config
from .connection import Connection, TLSSettings
from .errors import (
    AlreadyExists,
    Conflict,
    CS3Error,
    FailedPrecondition,
    InvalidArgument,
    InvalidName,
    Locked,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ServerError,
    Timeout,
    TransferError,
    Unauthenticated,
    Unavailable,
    Unimplemented,
)
from .files import Files
from .locks import Locks

__all__ = [
    "AlreadyExists",
    "AuthProvider",
    "BasicAuth",
    "BearerAuth",
    "CS3Client",
    "CS3Config",
    "CS3Error",
    "ConfigError",
    "Conflict",
    "Connection",
    "FailedPrecondition",
    "Files",
    "InvalidArgument",
    "InvalidName",
    "Locked",
    "Locks",
    "NotFound",
    "PermissionDenied",
    "QuotaExceeded",
    "ServerError",
    "TLSSettings",
    "Timeout",
    "TokenAuth",
    "TokenFileAuth",
    "TransferError",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
]
