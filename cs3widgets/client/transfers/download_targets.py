"""Download targets: where a file's bytes are fetched, cached per file while valid.

``InitiateFileDownload`` (gRPC) answers with an HTTP endpoint and a transfer
token. Ranged reads of one file reuse that answer for its lifetime, never
longer, instead of asking the gateway again for every range.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as res_pb

from ..connection import Connection
from ..errors import TransferError
from ..paths import validate_path
from ..tokens import jwt_claims

#: Download targets (endpoint + transfer token) cached for ranged reads: how
#: many files, and for how long when the server does not say (seconds).
#: With a JWT transfer token the cache keeps it until TARGET_MARGIN seconds
#: before its ``exp``, and never past TARGET_MAX_AGE.
TARGET_CACHE_SIZE = 256
TARGET_TTL = 60.0
TARGET_MARGIN = 30.0
TARGET_MAX_AGE = 600.0


@dataclass(frozen=True)
class DownloadTarget:
    """Where a file's bytes can be fetched over HTTP (from InitiateFileDownload).

    ``expires_at`` (epoch seconds) is when the transfer token stops being
    valid, when it says so (a JWT ``exp``); ``None`` when unknown.
    """

    path: str
    url: str = field(repr=False)
    transfer_token: str = field(default="", repr=False)
    expires_at: float | None = None


class DownloadTargets:
    """Asks the gateway for download targets and keeps them per file while valid.

    A target is kept until its transfer token is within :data:`TARGET_MARGIN`
    of expiry; when the server says nothing about its lifetime, for
    :data:`TARGET_TTL` seconds; at most :data:`TARGET_CACHE_SIZE` files,
    least recently used dropped first. The cache never decides alone: a GET
    the data server refuses makes the caller :meth:`forget` the target and
    ask again.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._targets: OrderedDict[str, tuple[DownloadTarget, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._initiating: dict[str, threading.Lock] = {}

    def initiate(self, path: str) -> DownloadTarget:
        """Ask the gateway where ``path``'s bytes can be fetched (never cached)."""
        path = validate_path(path)
        req = sp_pb.InitiateFileDownloadRequest(ref=res_pb.Reference(path=path))
        res = self.conn.call("InitiateFileDownload", req, path=path)
        protocols = {p.protocol: p for p in res.protocols}
        proto = protocols.get("simple") or (res.protocols[0] if res.protocols else None)
        if proto is None or not proto.download_endpoint:
            raise TransferError("the server offered no download endpoint", path=path)
        exp = jwt_claims(proto.token).get("exp") if proto.token else None
        return DownloadTarget(
            path,
            proto.download_endpoint,
            proto.token,
            float(exp) if isinstance(exp, (int, float)) else None,
        )

    def get(self, path: str) -> DownloadTarget:
        """A download target for ``path``, reused while it is valid."""
        path = validate_path(path)
        hit = self._cached(path)
        if hit is not None:
            return hit
        with self._lock:
            initiating = self._initiating.setdefault(path, threading.Lock())
        # Threads asking for the same file at once share one initiation.
        with initiating:
            hit = self._cached(path)
            if hit is not None:
                return hit
            now = time.time()
            target = self.initiate(path)
            until = now + TARGET_TTL
            if target.expires_at is not None:
                until = min(target.expires_at - TARGET_MARGIN, now + TARGET_MAX_AGE)
            with self._lock:
                self._targets[path] = (target, until)
                self._targets.move_to_end(path)
                while len(self._targets) > TARGET_CACHE_SIZE:
                    self._targets.popitem(last=False)
                self._initiating.pop(path, None)
        return target

    def _cached(self, path: str) -> DownloadTarget | None:
        with self._lock:
            hit = self._targets.get(path)
            if hit is not None and time.time() < hit[1]:
                self._targets.move_to_end(path)
                return hit[0]
        return None

    def forget(self, path: str | None = None) -> None:
        """Drop the cached target of ``path`` (of every file if ``None``)."""
        with self._lock:
            if path is None:
                self._targets.clear()
            else:
                self._targets.pop(path, None)


__all__ = [
    "TARGET_CACHE_SIZE",
    "TARGET_MARGIN",
    "TARGET_MAX_AGE",
    "TARGET_TTL",
    "DownloadTarget",
    "DownloadTargets",
]
