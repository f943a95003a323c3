"""Streaming uploads and downloads through the CS3 data endpoints.

``InitiateFileUpload``/``InitiateFileDownload`` (gRPC) hand out an HTTP
endpoint per transfer; the bytes then flow over HTTP in chunks, so memory
stays flat whatever the size.

One write path serves tus and simple PUT. The client states its intent in
``InitiateFileUpload`` (``if_match``, ``if_not_exist``, ``lock_id``) and the
server decides, atomically, when it commits the upload: production storage
(EOS) does, and so do our development drivers (tools/revad/enforcingfs).
Nothing is checked client-side first. The bytes go to the server's upload
area and are renamed into place only once complete: tus finishes with the
PATCH that reaches the size, and a simple PUT whose body stops short is
discarded (Reva's plain local drivers would commit it; ours do not). A
failed or killed upload therefore leaves nothing at the destination, in
the recycle bin or as a hidden file. tus is preferred where offered because
it can resume.

Every HTTP request goes through one seam, :class:`~.data_plane.DataPlane`
(headers, counting, retries of idempotent requests, one status table). The
tus core (HEAD for the offset, streamed PATCH, DELETE) is spoken directly
rather than through tuspy; the measured reason is in
:func:`cs3widgets.client.transfers.tus._patch`.

``Transfers`` is the facade over the modules that do the work: download
targets and their cache (``download_targets.py``), every HTTP request
(``data_plane.py``), ranged reads (``ranged_reads.py``), tus (``tus.py``),
simple PUT (``simple_put.py``), copies (``copying.py``) and file objects
(``transfer_streams.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

from ..connection import Connection
from ..errors import (
    AlreadyExists,
    CS3Error,
    Locked,
    NotFound,
    PermissionDenied,
    TransferError,
    Unauthenticated,
)
from ..locks.holders import locked_error
from ..models import Entry, Lock
from ..paths import parent, validate_new, validate_path
from . import tus
from .copying import Copies
from .data_plane import DataPlane, LinkFailed, Progress, SourceFailed, Streamed
from .download_targets import (
    TARGET_CACHE_SIZE,
    TARGET_MARGIN,
    TARGET_MAX_AGE,
    TARGET_TTL,
    DownloadTarget,
    DownloadTargets,
)
from .ranged_reads import fetch_range
from .simple_put import put
from .streams import HTTPReader, UploadWriter
from .tus import TUS_HEADERS, TUS_RETRIES, TUS_RETRY_DELAY, PendingUpload, UploadInterrupted
from .upload_intent import initiate_upload, lock_on, who_locked
from .upload_plan import UploadPlan
from .upload_source import DEFAULT_CHUNK_SIZE, MiB, Source, Window, open_source
from .write_guard import GUARD_APP, WriteGuard

if TYPE_CHECKING:
    from ..files import Files
    from ..locks import Locks

Destination = str | os.PathLike | BinaryIO | IO[bytes]


# -- the operations -------------------------------------------------------------
class Transfers:
    """Uploads, downloads, file objects and copies, streamed in chunks."""

    def __init__(
        self,
        conn: Connection,
        files: Files | None = None,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        use_tus: bool = True,
        locks: Locks | None = None,
    ) -> None:
        if files is None:
            from ..files import Files

            files = Files(conn)
        if locks is None:
            from ..locks import Locks

            locks = Locks(conn, files)
        self.conn = conn
        self.files = files
        self.locks = locks
        self._guard = WriteGuard(files, locks)
        self.chunk_size = chunk_size
        #: Set to False to force the simple-PUT path even where tus is offered.
        self.use_tus = use_tus
        self._link = DataPlane(conn)
        #: Count of HTTP requests sent by method, like ``conn.calls`` for gRPC.
        self.http_calls: dict[str, int] = self._link.calls
        # Download targets by path, shared by ranged reads of one file.
        self._targets = DownloadTargets(conn)

    def close(self) -> None:
        """Close the HTTP client."""
        self._link.close()
        self.forget_download()

    # -- helpers -------------------------------------------------------------
    def _headers(self, transfer_token: str = "") -> dict[str, str]:
        """Headers authenticating one data request (benchmarks replay them in curl)."""
        return self._link.headers(transfer_token)

    def _initiate_upload(self, dest: str, size: int, **intent: Any) -> dict[str, Any]:
        """Ask for an upload; ``intent`` is ``if_match``, ``overwrite``, ``lock_id``.

        See :func:`upload_intent.initiate_upload`: the server refuses now an
        intent that already fails, and decides again when the upload commits.
        """
        return initiate_upload(self.conn, dest, size, **intent)

    def initiate_download(self, path: str) -> DownloadTarget:
        """Ask the gateway where ``path``'s bytes can be fetched."""
        return self._targets.initiate(path)

    def download_target(self, path: str) -> DownloadTarget:
        """A download target for ``path``, reused while it is valid.

        Ranged reads of one file (``cat_ranges``, a file object seeking
        around) share one InitiateFileDownload. A target is kept until its
        transfer token is within :data:`TARGET_MARGIN` of expiry; when the
        server says nothing about its lifetime, for :data:`TARGET_TTL`
        seconds. Every GET still carries the current access token, and a GET
        the data server refuses drops the target and asks the gateway again
        (:meth:`read_range`), so the server decides, not the cache.
        """
        return self._targets.get(path)

    def forget_download(self, path: str | None = None) -> None:
        """Drop the cached download target of ``path`` (of every file if ``None``)."""
        self._targets.forget(path)

    def read_range(self, path: str, start: int, end: int | None) -> bytes:
        """Bytes ``[start, end)`` of the file at ``path`` (``end=None``: to its end).

        ``start`` may be negative: the last ``-start`` bytes (an HTTP suffix
        range, no Stat needed). Uses the cached download target; if the data
        server refuses it (expired, revoked, file gone), the target is dropped
        and the gateway is asked once more, whose answer then stands.
        """
        path = validate_path(path)
        for attempt in (0, 1):
            target = self.download_target(path)
            try:
                return self.fetch_range(target, start, end)
            except (Unauthenticated, PermissionDenied, NotFound):
                self.forget_download(path)
                if attempt:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _get(self, target: DownloadTarget) -> AbstractContextManager[Streamed]:
        """Open a GET of ``target`` whose body is read as it arrives."""
        return self._link.stream(
            target.url, path=target.path, transfer_token=target.transfer_token
        )

    # -- upload --------------------------------------------------------------
    def upload(
        self,
        src: Source,
        dest: str,
        *,
        progress: Progress | None = None,
        if_match: str | None = None,
        overwrite: bool = True,
        resumable: bool = False,
        lock: Lock | None = None,
        lock_id: str | None = None,
    ) -> Entry:
        """Upload ``src`` (bytes, a local path or a readable binary file) to ``dest``.

        ``progress(done, total)`` is called after every chunk. With
        ``if_match`` the upload is refused (:class:`Conflict`) if the file's
        etag is no longer that value; with ``overwrite=False`` an existing file
        is refused (:class:`AlreadyExists`); a folder is never replaced. A
        file locked by someone else is refused (:class:`Locked`): the server
        decides that, and admits the write of the lock's holder, which sends
        ``lock`` (a :class:`Lock` from ``client.locks.set_lock``) as
        ``X-Lock-Id``/``X-Lock-Holder``. ``lock_id`` alone names a lock taken
        with the default app name.

        How the precondition is made safe depends on the server
        (:mod:`.write_guard`): where it has CS3 locks, the file is locked
        while it is compared and written, so no other writer can come in
        between. Without CS3 locks the client checks first; a writer that
        lands between that check and the commit (one ``InitiateFileUpload``
        plus the transfer of the body) is detected afterwards, their version
        is put back and ours is kept as a conflicted copy (:class:`Conflict`
        says where).

        On failure nothing appears at ``dest`` and a file it overwrote keeps
        its old content (EOS never commits a short body; Reva's plain local
        drivers do, and the old content is then among the file's versions).
        The server's partial data is deleted, unless ``resumable=True``: then
        :class:`UploadInterrupted` is raised and its ``pending`` can be
        passed to :meth:`resume` (or :meth:`abort`).
        """
        dest = validate_new(dest)
        if lock is None and lock_id:
            lock = Lock(lock_id=lock_id, holder="", app_name=GUARD_APP)
        plan = UploadPlan(dest, progress, if_match, overwrite, resumable, lock)
        with open_source(src) as source:
            return self._write(source, plan)

    def _write(self, source: Window, plan: UploadPlan) -> Entry:
        """Upload ``source`` as ``plan`` says, under the write guard (see :meth:`upload`)."""

        def write(held: Lock | None) -> Entry:
            return self._upload(source, replace(plan, lock=held))

        def keep_ours(path: str) -> Entry:
            source.seek(0)  # a forward-only source cannot: the guard says so
            return self._upload(source, UploadPlan(path, overwrite=False))

        return self._guard.run(plan, write, keep_ours)

    def _upload(self, source: Window, plan: UploadPlan) -> Entry:
        """Initiate and send one upload (no guard: :meth:`_write` decides when)."""
        dest = plan.dest
        source.seek(0)
        try:
            # if_match, if_not_exist and lock_id are sent as the CS3 API
            # defines them; upstream Reva drops them before the storage, so a
            # site that honours them is a bonus (the guard does not rely on it).
            protocols = self._initiate_upload(
                dest, source.size, if_match=plan.if_match, overwrite=plan.overwrite,
                lock_id=plan.lock.lock_id if plan.lock else None,
            )
        except Locked as exc:
            raise who_locked(self.conn, self.files, dest, exc) from None
        try:
            return self._send(source, plan, protocols)
        except (Locked, TransferError) as exc:
            raise self._why_refused(dest, plan.lock, exc) from None

    def _why_refused(self, dest: str, held: Lock | None, exc: CS3Error) -> CS3Error:
        """The plain reason for a refused data PUT, asked of the server after it.

        The data server says little: EOS answers 409 both for a lock held by
        someone else and for a missing folder, and 500 for a file over a
        folder (tools/revad/FIDELITY.md); EOS from 5.3.15 answers a locked
        file with 500 too; Reva's plain local drivers answer 500 for a file
        over a folder and for a missing folder. One GetLock and a Stat or two
        tell which. A failed connection or source is no refusal: it stands.
        """
        if isinstance(exc, (LinkFailed, SourceFailed)):
            return exc
        lock = lock_on(self.conn, self.files, dest)
        if lock is not None and (held is None or lock.lock_id != held.lock_id):
            return locked_error(lock, dest)
        if not self.files.exists(parent(dest)):
            return NotFound("the folder does not exist", path=parent(dest))
        with contextlib.suppress(CS3Error):
            if self.files.stat(dest).is_dir:
                return AlreadyExists("a folder has this name; an upload never replaces a folder",
                                     path=dest)
        return exc

    def _send(self, source: Window, plan: UploadPlan, protocols: dict[str, Any]) -> Entry:
        offer = protocols.get("tus") if self.use_tus else None
        # A zero-length tus upload never completes (tusd finishes an upload
        # only inside a PATCH that reaches its size), so it goes as a PUT.
        if offer is not None and source.size > 0:
            pending = PendingUpload(
                plan.dest, source.size, offer.upload_endpoint, offer.token, plan.if_match, 0,
                plan.overwrite, plan.lock,
            )
            tus.run_upload(
                self._link, pending, source, plan.progress, plan.resumable,
                chunk_size=self.chunk_size, fresh=True,
            )
            return self.files.stat(plan.dest)
        simple = protocols.get("simple")
        if simple is None:
            raise TransferError("the server offered no usable upload protocol", path=plan.dest)
        put(
            self._link, simple.upload_endpoint, simple.token, source, plan.dest, plan.progress,
            chunk_size=self.chunk_size, lock=plan.lock,
        )
        return self.files.stat(plan.dest)

    # -- tus: resume, offset, abort --------------------------------------------
    def resume(
        self, pending: PendingUpload, src: Source, *, progress: Progress | None = None
    ) -> Entry:
        """Continue an interrupted upload from the server's offset.

        ``src`` must be the same content as the first attempt (it is read from
        the server's offset on).
        """
        with open_source(src) as source:
            if source.size != pending.size:
                raise TransferError(
                    f"the source has {source.size} bytes, the upload expects {pending.size}",
                    path=pending.dest,
                )
            tus.run_upload(
                self._link, pending, source, progress, True, chunk_size=self.chunk_size
            )
        return self.files.stat(pending.dest)

    def upload_offset(self, pending: PendingUpload) -> int:
        """How many bytes of ``pending`` the server holds (tus HEAD)."""
        return tus.upload_offset(self._link, pending)

    def abort(self, pending: PendingUpload) -> None:
        """Delete a tus upload's partial data on the server (tus termination)."""
        tus.abort_upload(self._link, pending)

    # -- download ------------------------------------------------------------
    def download(
        self, src: str, dst: Destination, *, progress: Progress | None = None
    ) -> int:
        """Download ``src`` to a local path or a writable binary file; return the bytes.

        A local path is written through a temporary sibling and renamed at the
        end, so a failed download leaves no partial file.
        """
        src = validate_path(src)
        target = self.initiate_download(src)
        if isinstance(dst, (str, os.PathLike)):
            final = Path(dst)
            part = final.with_name(f".{final.name}.part-{uuid.uuid4().hex[:8]}")
            try:
                with open(part, "wb") as f:
                    n = self._download_to(target, f, progress)
                os.replace(part, final)
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            return n
        return self._download_to(target, dst, progress)

    def _download_to(
        self, target: DownloadTarget, out: Any, progress: Progress | None
    ) -> int:
        return self._link.request(
            "GET", target.url, path=target.path, action="download",
            transfer_token=target.transfer_token, into=out, progress=progress,
        ).received

    def read_bytes(self, path: str) -> bytes:
        """The whole content of a file (for small files)."""
        buf = io.BytesIO()
        self.download(path, buf)
        return buf.getvalue()

    def fetch_range(self, target: DownloadTarget, start: int, end: int | None) -> bytes:
        """Bytes ``start`` (inclusive) to ``end`` (exclusive, ``None``: EOF) of a target.

        A negative ``start`` asks for the last ``-start`` bytes.
        """
        return fetch_range(self._link, target, start, end)

    @property
    def http_bytes_received(self) -> int:
        """Body bytes received by ranged reads (for tests and benchmarks)."""
        return self._link.bytes_received

    # -- file objects ----------------------------------------------------------
    def open(self, path: str, mode: str = "rb", **upload_options: Any) -> IO[Any]:
        """A file object: ``"rb"``/``"r"`` stream the file, ``"wb"``/``"w"`` upload on close.

        Writes are spooled (memory up to 4 MiB, then a temporary file) and
        uploaded by ``close()``. Leaving a ``with`` block by an exception
        discards them. ``upload_options`` go to :meth:`upload` (``if_match``,
        ``overwrite``, ``progress``).
        """
        if mode in ("rb", "r"):
            raw = HTTPReader(self, validate_path(path))
            reader = io.BufferedReader(raw, buffer_size=1 * MiB)
            return reader if mode == "rb" else io.TextIOWrapper(reader, encoding="utf-8")
        if mode in ("wb", "w"):
            writer = UploadWriter(self, validate_new(path), upload_options)
            if mode == "wb":
                return cast(IO[bytes], writer)  # a RawIOBase: the IO protocol at run time
            return io.TextIOWrapper(writer, encoding="utf-8", write_through=True)  # type: ignore[arg-type]
        raise ValueError(f"unsupported mode {mode!r}; use 'rb', 'wb', 'r' or 'w'")

    # -- copy ------------------------------------------------------------------
    def copy(
        self, src: str, dst: str, overwrite: bool = False, progress: Progress | None = None
    ) -> Entry:
        """Copy a file or a folder (recursively), streaming download -> upload.

        Bytes never touch the local disk. ``progress(done, total)`` counts the
        bytes of all files. Refuses an existing ``dst`` unless ``overwrite``.
        """
        copies = Copies(self.files, self._download_window, self._write)
        return copies.copy(src, dst, overwrite, progress)

    @contextlib.contextmanager
    def _download_window(self, src: str) -> Iterator[Window]:
        """``src``'s download body as a forward-only upload source (for copies)."""
        target = self.initiate_download(src)
        with self._get(target) as body:
            if body.size is None:
                raise TransferError("the server sent no Content-Length", path=src)
            yield Window(body, body.size, seekable=False)


__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "TARGET_CACHE_SIZE",
    "TARGET_MARGIN",
    "TARGET_MAX_AGE",
    "TARGET_TTL",
    "TUS_HEADERS",
    "TUS_RETRIES",
    "TUS_RETRY_DELAY",
    "Destination",
    "DownloadTarget",
    "PendingUpload",
    "Progress",
    "Transfers",
    "UploadInterrupted",
    "UploadWriter",
]
