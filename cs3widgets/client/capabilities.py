"""What the server implements, learnt from its answers; Reva's quirks beside it.

Some CS3 calls are optional: a site may not implement CS3 locks, TouchFile,
``ListExistingShares`` or OCM. The client tries such a call where it needs
it, and :class:`Capabilities` (one per client) remembers the answer, so a
server without the feature costs one failed call, not one per operation.

Only an answer that means *not implemented* switches a feature off:
- gRPC UNIMPLEMENTED or CS3 ``CODE_UNIMPLEMENTED``: off for good;
- a row of :data:`QUIRKS`, the answers Reva gives instead. Where nothing
  transient answers the same (``certain``), off for good. Where it does
  (Reva's storage provider wraps a driver's "unimplemented" in the same
  INTERNAL as any other failure), off for :data:`RECHECK_AFTER` seconds
  only: the next use after that asks again, so a passing failure does not
  switch a feature off for the rest of the session.

Any other error says nothing about the feature: the caller raises it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from cs3.rpc.v1beta1 import code_pb2

from .errors import CS3Error, Unavailable, Unimplemented
from .per_client import per_client

#: The optional features, by name.
LOCKS = "locks"
TOUCH = "touch"
LIST_EXISTING_SHARES = "list-existing-shares"
OCM_SERVICES = "ocm"

#: How long a doubtful "not implemented" holds before the feature is tried again.
RECHECK_AFTER = 300.0


@dataclass(frozen=True)
class Quirk:
    """One answer by which a Reva server says it lacks a feature."""

    feature: str
    #: The CS3 status code of the answer (None: a gRPC transport error).
    code: int | None
    #: Words that all appear in the answer's message (lower case).
    words: tuple[str, ...]
    #: Whether only a missing feature answers so (else a failure may too).
    certain: bool
    #: Where Reva answers so.
    source: str

    def matches(self, exc: CS3Error) -> bool:
        """Whether ``exc`` is this answer."""
        message = exc.message.lower()
        return exc.code == self.code and all(w in message for w in self.words)


QUIRKS: tuple[Quirk, ...] = (
    Quirk(LOCKS, code_pb2.CODE_INTERNAL, ("error getting lock",), False,
          "reva v3.0.1 internal/grpc/services/storageprovider/storageprovider.go GetLock: "
          "every driver error but NotFound/PermissionDenied is INTERNAL 'error getting lock'; "
          "pkg/storage/utils/localfs/localfs.go GetLock returns NotSupported"),
    Quirk(LOCKS, code_pb2.CODE_INTERNAL, ("error setting lock",), False,
          "reva v3.0.1, same file, SetLock: INTERNAL 'error setting lock'; localfs SetLock "
          "is NotSupported"),
    Quirk(TOUCH, code_pb2.CODE_INTERNAL, ("error touching file",), False,
          "reva v3.0.1, same file, TouchFile: INTERNAL 'error touching file'; localfs "
          "TouchFile returns 'unimplemented: TouchFile'"),
    Quirk(LIST_EXISTING_SHARES, code_pb2.CODE_INVALID, (), True,
          "reva v1.29 gateway: ListExistingShares is declared and answers an empty status "
          "(code 0, no message); v3 implements it"),
    Quirk(OCM_SERVICES, code_pb2.CODE_INTERNAL, ("error getting", "provider client"), False,
          "reva v3.0.1 internal/grpc/services/gateway/ocminvitemanager.go, ocmshareprovider.go, "
          "ocmproviderauthorizer.go: INTERNAL 'error getting ... provider client' when no "
          "client can be made for the ocm*svc address (a gateway without OCM services "
          "answers gRPC UNIMPLEMENTED 'unknown service', which needs no row)"),
)


class Capabilities:
    """Which optional features this client's server has, as learnt so far.

    Safe to use from several threads. Nothing secret is kept.
    """

    def __init__(self, quirks: tuple[Quirk, ...] = QUIRKS) -> None:
        self._quirks = quirks
        self._lock = threading.Lock()
        self._known: dict[str, bool] = {}
        self._until: dict[str, float] = {}  # feature -> when a doubtful "no" ends

    def known(self, feature: str) -> bool | None:
        """True or False once the server showed it; None while not known."""
        with self._lock:
            until = self._until.get(feature)
            if until is not None and time.monotonic() >= until:
                del self._until[feature]
                self._known.pop(feature, None)
            return self._known.get(feature)

    def worth_trying(self, feature: str) -> bool:
        """Whether to call the feature: not known to be missing."""
        return self.known(feature) is not False

    def found(self, feature: str) -> None:
        """The server just answered a call of ``feature``: it has it."""
        with self._lock:
            self._known[feature] = True
            self._until.pop(feature, None)

    def missing(self, feature: str, exc: BaseException) -> bool:
        """Whether ``exc``, raised by a call of ``feature``, says the server lacks it.

        If so it is remembered (see the module's docstring) and the caller
        falls back; if not, the caller raises ``exc``. A feature the server
        has shown it has is never switched off by an error.
        """
        if not isinstance(exc, CS3Error) or self.known(feature):
            return False
        if isinstance(exc, Unimplemented):
            certain = True
        else:
            quirk = self.quirk(feature, exc)
            if quirk is None:
                return False
            certain = quirk.certain
        with self._lock:
            self._known[feature] = False
            if certain:
                self._until.pop(feature, None)
            else:
                self._until[feature] = time.monotonic() + RECHECK_AFTER
        return True

    def quirk(self, feature: str, exc: CS3Error) -> Quirk | None:
        """The row of the quirk table that ``exc`` is for ``feature``, if any."""
        if isinstance(exc, Unavailable) and exc.code is None:
            return None  # the gateway itself cannot be reached: says nothing of features
        return next((q for q in self._quirks if q.feature == feature and q.matches(exc)), None)


def capabilities(conn: Any) -> Capabilities:
    """The capabilities of the client that owns ``conn`` (made on first use)."""
    return per_client(conn, "capabilities", Capabilities)


__all__ = [
    "LIST_EXISTING_SHARES",
    "LOCKS",
    "OCM_SERVICES",
    "QUIRKS",
    "RECHECK_AFTER",
    "TOUCH",
    "Capabilities",
    "Quirk",
    "capabilities",
]
