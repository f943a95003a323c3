"""What an upload asks of the server, and the errors when the server refuses it.

The client states its intent in ``InitiateFileUpload`` (``if_match``,
``if_not_exist``, ``lock_id``); the server decides, then and again when the
upload commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as res_pb
from cs3.types.v1beta1 import types_pb2 as types_pb

from ..connection import Connection
from ..errors import AlreadyExists, Conflict, CS3Error, Locked
from ..models import Lock

if TYPE_CHECKING:
    from ..files import Files


def initiate_upload(
    conn: Connection,
    dest: str,
    size: int,
    *,
    if_match: str | None = None,
    overwrite: bool = True,
    lock_id: str | None = None,
) -> dict[str, Any]:
    """Ask for an upload; the server refuses it now if the intent already fails.

    ``if_match`` (the etag the caller read) and ``if_not_exist`` (when
    not ``overwrite``) are decided by the server, again when the upload
    commits; ``lock_id`` lets the holder of a lock write. Returns the
    offered protocols by name (``"tus"``, ``"simple"``).
    """
    req = sp_pb.InitiateFileUploadRequest(
        ref=res_pb.Reference(path=dest),
        opaque=types_pb.Opaque(
            map={
                "Upload-Length": types_pb.OpaqueEntry(
                    decoder="plain", value=str(size).encode()
                )
            }
        ),
        lock_id=lock_id or "",
    )
    if if_match is not None:
        req.if_match = if_match
    elif not overwrite:
        req.if_not_exist = True
    res = conn.call("InitiateFileUpload", req, path=dest)
    return {p.protocol: p for p in res.protocols}


def lock_on(conn: Connection, files: Files, path: str) -> Lock | None:
    """The lock on ``path`` (one GetLock), or None when unlocked or unknown."""
    from ..locks import Locks

    try:
        return Locks(conn, files).get_lock(path)
    except CS3Error:
        return None


def who_locked(conn: Connection, files: Files, dest: str, exc: Locked) -> Locked:
    """The refusal with the holder and expiry, for a clear message."""
    from ..locks import locked_error

    lock = lock_on(conn, files, dest)
    return exc if lock is None else locked_error(lock, dest)


def refused(status: int, dest: str, overwrite: bool) -> CS3Error:
    """The error for a write the data server refused.

    Reva's simple data server answers 409 for the driver's ``Conflict``
    (``pkg/rhttp/datatx/manager/simple/simple.go``), which is how EOS's
    driver refuses a write to a file locked by another user or app; CERN's
    ``cs3client`` reads 409 the same way. tus servers answer 423 for a lock.
    The caller then asks GetLock once, to name the holder
    (:func:`who_locked`). A 412 is a precondition a server decided itself.
    """
    err: CS3Error
    if status in (409, 423):
        err = Locked("the file is locked by someone else", path=dest)
    elif not overwrite:
        err = AlreadyExists("the destination was created during the upload", path=dest)
    else:
        err = Conflict("the file changed on the server during the upload", path=dest)
    err.commit_refused = True  # final: never retried
    return err


__all__ = ["initiate_upload", "lock_on", "refused", "who_locked"]
