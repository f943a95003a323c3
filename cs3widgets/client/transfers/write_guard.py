"""Conditional writes made safe on servers that do not decide preconditions.

Upstream Reva drops the ``if_match``, ``if_not_exist`` and ``lock_id`` fields
of ``InitiateFileUpload`` before they reach a storage driver
(``internal/grpc/services/storageprovider/storageprovider.go``), and EOS has
no etag precondition on its data path. What production *does* decide is a
lock: EOS admits a write to a locked file only from the lock's user and app,
which the data PUT names in ``X-Lock-Id``/``X-Lock-Holder``
(``pkg/rhttp/datatx/manager/simple/simple.go``, ``pkg/storage/utils/eosfs/upload.go``).
So a conditional write (an expected etag, or "must not exist") is:

- **on a server with CS3 locks**: lock the file, Stat and compare under the
  lock, write with the lock's headers, unlock. Every other writer (CERNBox
  web, other clients, our own other sessions) is refused meanwhile, so the
  comparison still holds when the bytes land. A file that does not exist
  cannot be locked: "must not exist" is then checked first, as below.
- **without CS3 locks** (Reva's plain local drivers): check first, write,
  then detect. The window between the Stat and the commit is one
  ``InitiateFileUpload`` plus the body's transfer; a writer that lands in it
  is found afterwards by the file's versions (our write archived *their*
  content, not the one we compared against). Both texts are then kept:
  theirs is restored at the path and ours goes to a conflicted copy beside
  it, and :class:`Conflict` says where. A user's bytes are never lost
  silently.
"""

from __future__ import annotations

import contextlib
import posixpath
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import AlreadyExists, Conflict, CS3Error, NotFound
from ..models import Entry, Lock
from ..paths import basename, join, parent
from .upload_plan import UploadPlan

if TYPE_CHECKING:
    from ..files import Files
    from ..locks import Locks

#: The app a guard lock is taken for; it is also the ``X-Lock-Holder`` of the
#: write made under it (EOS matches the two).
GUARD_APP = "cs3widgets"
#: Seconds a guard lock lives if the client dies before unlocking it.
GUARD_TTL = 120.0

#: ``write(lock)``: send the bytes, with ``lock``'s headers when given.
Write = Callable[[Lock | None], Entry]


def _same(a: str, b: str) -> bool:
    return a.strip('"') == b.strip('"')


def check(files: Files, dest: str, if_match: str | None, overwrite: bool) -> Entry | None:
    """Raise if the precondition fails now; return what is at ``dest`` (or None)."""
    try:
        entry: Entry | None = files.stat(dest)
    except NotFound:
        entry = None
    if entry is not None and entry.is_dir:
        raise AlreadyExists("a folder has this name; an upload never replaces a folder", path=dest)
    if entry is not None and not overwrite and if_match is None:
        raise AlreadyExists("the file exists already", path=dest)
    if if_match is not None and entry is None:
        raise Conflict("the file was deleted since it was read", path=dest)
    if if_match is not None and entry is not None and not _same(entry.etag, if_match):
        raise Conflict("the file changed on the server since it was read", path=dest)
    return entry


def conflicted_name(dest: str, who: str) -> str:
    """``report (conflicted copy einstein 2026-12-07 214501 3f2a).csv`` beside ``dest``.

    The random tail keeps two copies made in the same second apart (two
    sessions of one user can both find they lost the same race).
    """
    stem, ext = posixpath.splitext(basename(dest))
    stamp = time.strftime("%Y-%m-%d %H%M%S")
    return join(parent(dest), f"{stem} (conflicted copy {who} {stamp} {uuid.uuid4().hex[:4]}){ext}")


class WriteGuard:
    """Runs one write under the protocol the server allows (see the module)."""

    def __init__(self, files: Files, locks: Locks) -> None:
        self._files = files
        self._locks = locks

    def run(self, plan: UploadPlan, write: Write, keep_ours: Callable[[str], Entry]) -> Entry:
        """Write ``plan.dest`` if the plan's precondition holds; ``keep_ours(path)``
        writes our bytes elsewhere when a lost race is detected."""
        dest = plan.dest
        if plan.lock is not None:
            # The caller holds the lock: nobody else can write meanwhile.
            if plan.conditional:
                check(self._files, dest, plan.if_match, plan.overwrite)
            return write(plan.lock)
        native = self._locks.supported(dest)
        if native is None:
            # Unknown only when ``dest`` does not exist: no lock to respect,
            # none to take; "must not exist" is checked first.
            return self._check_write_detect(plan, write, keep_ours) if plan.conditional \
                else write(None)
        if not plan.conditional:
            # Reva's plain local drivers archive a folder as a "version" of a
            # file uploaded over it, and honour no lock: both are checked
            # here (the metadata lock is advisory).
            if not native and check(self._files, dest, None, True) is not None:
                foreign = self._locks.get_lock(dest)
                if foreign is not None:
                    from ..locks.holders import locked_error

                    raise locked_error(foreign, dest)
            return write(None)  # a server with locks refuses it if someone holds one
        try:
            # A CS3 lock, or where the server has none the metadata lock,
            # which keeps our own clients out of each other's way.
            held = self._locks.set_lock(dest, expires_in=GUARD_TTL, app_name=GUARD_APP)
        except NotFound:
            # Nothing to lock: the file does not exist (now).
            return self._check_write_detect(plan, write, keep_ours)
        try:
            if not native:
                # Other writers (the web, other tools) ignore a metadata lock.
                return self._check_write_detect(plan, write, keep_ours)
            check(self._files, dest, plan.if_match, plan.overwrite)
            return write(held)
        finally:
            with contextlib.suppress(CS3Error):
                self._locks.unlock(dest, held.lock_id)

    def _check_write_detect(
        self, plan: UploadPlan, write: Write, keep_ours: Callable[[str], Entry]
    ) -> Entry:
        dest = plan.dest
        # The versions first, then the check: a writer that lands after the
        # listing either fails our check or shows up as one more version.
        try:
            known = {v.key for v in self._files.versions(dest)}
        except CS3Error:
            known = set()  # nothing there, or a folder: the check says which
        before = check(self._files, dest, plan.if_match, plan.overwrite)
        entry = write(None)
        archived = [v for v in self._files.versions(dest) if v.key not in known]
        # Our write archives exactly what it replaced: nothing for a new file,
        # one version otherwise. More (or any, for a new file) means another
        # writer landed between the check and the commit.
        if len(archived) <= (0 if before is None else 1):
            return entry
        theirs = archived[0]  # newest first: the content our write replaced
        try:
            ours: Entry | None = keep_ours(conflicted_name(dest, self._locks.me().username))
        except (OSError, ValueError):
            ours = None  # a forward-only source (a copy's download): it is still there
        self._files.restore_version(dest, theirs.key)
        kept = f"yours was kept as {ours.name}" if ours else "yours is unchanged at its source"
        err = Conflict(f"someone else saved this file meanwhile; their version stays, {kept}",
                       path=dest)
        err.kept_as = ours.path if ours else None  # type: ignore[attr-defined]
        raise err


__all__ = ["GUARD_APP", "GUARD_TTL", "WriteGuard", "check", "conflicted_name"]
