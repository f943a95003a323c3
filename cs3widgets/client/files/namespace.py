"""Changing the namespace: mkdir, touch, move, rename, delete."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.types.v1beta1 import types_pb2

from ..capabilities import TOUCH, capabilities
from ..convert import path_ref
from ..errors import (
    AlreadyExists,
    Conflict,
    CS3Error,
    FailedPrecondition,
    InvalidArgument,
    InvalidName,
    NotFound,
    ServerError,
    TransferError,
)
from ..models import Entry
from ..paths import ROOT, is_within, join, parent, validate_name, validate_new, validate_target
from ..transfers.data_plane import DataPlane
from .reading import ReadOps


class NamespaceOps(ReadOps):
    """Create, move and delete files and folders; part of :class:`~.files.Files`."""

    #: Set by :class:`~cs3widgets.client.CS3Client`: ``(path, lock_id)``
    #: raises :class:`Locked` for someone else's lock, which neither EOS nor
    #: a server without CS3 locks refuses a move or delete for
    #: (:meth:`Locks.refuse_if_locked`).
    lock_guard: Callable[[str, str | None], None] | None = None

    # None = not known yet; False once the server answered that TouchFile
    # is not implemented (Reva's local drivers), so we stop asking.

    # -- creating ---------------------------------------------------------
    def mkdir(self, path: str, parents: bool = False, exist_ok: bool = False) -> Entry:
        """Create a folder; with ``parents`` also the missing folders above it."""
        path = validate_new(path)
        try:
            self._conn.call(
                "CreateContainer", sp_pb.CreateContainerRequest(ref=path_ref(path)), path=path
            )
        except AlreadyExists:
            entry = self.stat(path)
            if exist_ok and entry.is_dir:
                return entry
            raise
        except NotFound:
            up = parent(path)
            if not parents or up == ROOT:
                raise
            self.mkdir(up, parents=True, exist_ok=True)
            return self.mkdir(path, parents=False, exist_ok=exist_ok)
        return self.stat(path)

    def touch(self, path: str) -> Entry:
        """Create an empty file if ``path`` does not exist; return its entry.

        An existing file is left as it is (content and mtime).
        """
        path = validate_new(path)
        caps = capabilities(self._conn)
        if caps.worth_trying(TOUCH):
            try:
                self._conn.call("TouchFile", sp_pb.TouchFileRequest(ref=path_ref(path)), path=path)
                caps.found(TOUCH)
                return self.stat(path)
            except AlreadyExists:
                return self.stat(path)
            except CS3Error as exc:
                # Reva's local drivers do not implement TouchFile: an empty
                # upload does the same.
                if not caps.missing(TOUCH, exc):
                    raise
        try:
            return self.stat(path)
        except NotFound:
            pass
        # Created meanwhile by someone else (refused at initiate or commit): keep it.
        with contextlib.suppress(AlreadyExists, Conflict):
            self._upload_empty(path)
        return self.stat(path)

    def _upload_empty(self, path: str) -> None:
        """Create an empty file with a zero-byte simple upload (touch fallback)."""
        opaque = types_pb2.Opaque(
            map={"Upload-Length": types_pb2.OpaqueEntry(decoder="plain", value=b"0")}
        )
        # if_not_exist is sent, but upstream drops it before the storage: a
        # file created between touch's Stat and this PUT is replaced (EOS
        # keeps the replaced content among its versions).
        req = sp_pb.InitiateFileUploadRequest(ref=path_ref(path), opaque=opaque, if_not_exist=True)
        res = self._conn.call("InitiateFileUpload", req, path=path)
        protocols = {p.protocol: p for p in res.protocols}
        proto = protocols.get("simple")
        if proto is None:
            raise TransferError("the server offers no simple upload to create the file", path=path)
        DataPlane(self._conn).request(
            "PUT", proto.upload_endpoint, path=path, action="creating the file",
            transfer_token=proto.token, headers={"Upload-Length": "0", "Content-Length": "0"},
            body=b"",
        )

    # -- moving and deleting ---------------------------------------------
    def move(
        self, src: str, dst: str, overwrite: bool = False, lock_id: str | None = None
    ) -> Entry:
        """Move ``src`` to ``dst`` (a full path, not a folder to move into).

        An existing ``dst`` is refused (AlreadyExists); with ``overwrite`` it
        goes to the recycle bin first, but only once ``src`` is known to
        exist, so a mistyped source never costs the destination.

        A file locked by someone else raises :class:`Locked` (EOS checks a
        lock only on writes, so the client asks). The holder passes
        ``lock_id``: the lock is released first.
        """
        src, dst = validate_target(src), validate_new(dst)
        if src == dst:
            return self.stat(src)
        if is_within(dst, src):
            raise InvalidName("cannot move a folder into itself", path=dst)
        req = sp_pb.MoveRequest(
            source=path_ref(src), destination=path_ref(dst), lock_id=lock_id or ""
        )
        # Someone else's lock on the source refuses the move before anything
        # happens to the destination.
        self._advisory(src, lock_id)
        if self.exists(dst):
            # Reva's plain local drivers rename over an existing file, and
            # the old one is then gone (no version, no trash): the client
            # checks. A file created at dst between this Stat and the Move
            # is refused by EOS, replaced by a plain local driver.
            if not overwrite:
                raise AlreadyExists("the destination exists already", path=dst)
            self.stat(src)  # NotFound here leaves dst untouched
            self.delete(dst)  # to the recycle bin
        if lock_id:
            self._release(src, lock_id)
        self._refused_if_locked("Move", req, src)
        return self.stat(dst)

    def rename(
        self, path: str, new_name: str, overwrite: bool = False, lock_id: str | None = None
    ) -> Entry:
        """Give ``path`` a new name in the same folder."""
        path = validate_target(path)
        new_name = validate_name(new_name)
        return self.move(path, join(parent(path), new_name), overwrite=overwrite, lock_id=lock_id)

    def delete(self, path: str, lock_id: str | None = None) -> None:
        """Delete a file or folder (it goes to the recycle bin where there is one).

        A file locked by someone else raises :class:`Locked` (EOS checks a
        lock only on writes, so the client asks). The holder passes
        ``lock_id``: the lock is released first.
        """
        path = validate_target(path)
        req = sp_pb.DeleteRequest(ref=path_ref(path), lock_id=lock_id or "")
        self._advisory(path, lock_id)
        if lock_id:
            self._release(path, lock_id)
        self._refused_if_locked("Delete", req, path)

    def _advisory(self, path: str, lock_id: str | None) -> None:
        """Honour someone else's lock here: the server does not (see lock_guard)."""
        if self.lock_guard is not None:
            self.lock_guard(path, lock_id)

    def _release(self, path: str, lock_id: str) -> None:
        from ..locks import Locks

        Locks(self._conn, self).unlock(path, lock_id)  # type: ignore[arg-type]

    def _refused_if_locked(self, method: str, req: object, path: str) -> None:
        """Call ``method``; a refusal that a lock explains becomes :class:`Locked`.

        Upstream's storage provider reports a lock refusal of Delete and Move
        as INTERNAL (it maps only NotFound and PermissionDenied), whatever
        the EOS client made of it ("file is locked", "lock mismatch"): one
        GetLock tells whether a lock is the reason, and names its holder.
        """
        try:
            self._conn.call(method, req, path=path)
        except (ServerError, InvalidArgument, FailedPrecondition) as exc:
            from ..transfers.upload_intent import lock_on

            self.stat(path)  # a missing file: NotFound says it plainly

            lock = lock_on(self._conn, self, path)  # type: ignore[arg-type]
            if lock is None:
                raise
            from ..locks.holders import locked_error

            raise locked_error(lock, path) from exc
