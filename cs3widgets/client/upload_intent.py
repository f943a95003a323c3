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

from .connection import Connection
from .errors import AlreadyExists, Conflict, CS3Error, Locked

if TYPE_CHECKING:
    from .files import Files


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


def who_locked(conn: Connection, files: Files, dest: str, exc: Locked) -> Locked:
    """The refusal with the holder and expiry, for a clear message."""
    from .locks import Locks, locked_error

    try:
        lock = Locks(conn, files).get_lock(dest)
    except CS3Error:
        return exc
    return exc if lock is None else locked_error(lock, dest)


def refused(status: int, dest: str, overwrite: bool) -> CS3Error:
    """The error for a commit the server refused, by what the upload asked.

    The data server answers a refused commit with one HTTP status (simple
    PUT: 409 for every reason; tus: 423 locked, 412 otherwise), so the
    caller's own intent says which precondition it was. The gRPC call that
    started the upload already reported each reason precisely; this is the
    case of a writer that came in between.
    """
    err: CS3Error
    if status == 423:
        err = Locked("the file was locked by someone else during the upload", path=dest)
    elif not overwrite:
        err = AlreadyExists("the destination was created during the upload", path=dest)
    else:
        err = Conflict("the file changed on the server during the upload", path=dest)
    err.commit_refused = True  # type: ignore[attr-defined]  # final: never retried
    return err


__all__ = ["initiate_upload", "refused", "who_locked"]
