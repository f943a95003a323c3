"""A folder on CS3 as a zip archive, written member by member.

Each file is downloaded straight into its zip member (``ZipFile.open(name,
"w")``), in the blocks the HTTP download reads, so memory does not grow
with the size of a file or of the folder: the archive is never held whole,
nor is any one member. Members whose size could pass 4 GiB get ZIP64
headers up front (``force_zip64``), as ``zipfile`` needs to know before the
first byte; the archive itself switches to ZIP64 records when it grows past
the classic limits. Files are stored, not compressed: most data worth
downloading in bulk is compressed already, and deflating gigabytes would
spend the kernel's CPU for little gain (``compression`` changes that).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING

from ..models import Entry
from ..paths import basename, validate_path

if TYPE_CHECKING:
    from ..files import Files
    from . import Transfers

#: ZIP64 headers for members of at least this many bytes (the classic
#: format's 32-bit size limit, less a margin).
ZIP64_THRESHOLD = zipfile.ZIP64_LIMIT

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Member:
    """One entry of the archive: a file (``size`` bytes) or an empty folder."""

    path: str  # CS3 path
    arcname: str  # name inside the archive ("folder/sub/file.txt"; folders end in "/")
    size: int
    is_dir: bool = False
    #: Local time of the last change, as zip stores it (1980 when unknown).
    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)


def members(files: Files, folder: str) -> Iterator[Member]:
    """The members of ``folder``'s archive, top-down, rooted at the folder's name.

    Empty folders become folder entries so that they survive the round trip;
    a folder with content is implied by its members' names.
    """
    folder = validate_path(folder)
    root = basename(folder) or "files"
    for dirpath, dirs, entries in files.walk(folder):
        rel = dirpath[len(folder):].strip("/")
        prefix = f"{root}/{rel}/" if rel else f"{root}/"
        if not dirs and not entries:
            yield Member(dirpath, prefix, 0, is_dir=True)
        for e in sorted(entries, key=lambda x: x.name):
            yield Member(e.path, prefix + e.name, e.size, date_time=_zip_time(e.mtime))


def members_of(files: Files, entries: Sequence[Entry]) -> Iterator[Member]:
    """The members of an archive of several items: files at the top, folders as trees."""
    for e in entries:
        if e.is_dir:
            yield from members(files, e.path)
        else:
            yield Member(e.path, e.name, e.size, date_time=_zip_time(e.mtime))


def _zip_time(mtime: datetime | None) -> tuple[int, int, int, int, int, int]:
    if mtime is None or mtime.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    t = mtime.astimezone()  # zip has no time zone: local time, as zip tools expect
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def write_zip(
    transfers: Transfers,
    source: str | Sequence[Entry],
    out: IO[bytes],
    *,
    progress: Progress | None = None,
    compression: int = zipfile.ZIP_STORED,
    zip64_threshold: int = ZIP64_THRESHOLD,
) -> list[Member]:
    """Write a folder (recursively), or several entries, into ``out`` as a zip.

    ``source`` is a folder's path (its members sit under the folder's name)
    or a list of entries (files at the top, folders as trees). Returns the
    members written.

    ``progress(done, total)`` counts the bytes of the files; the total is
    known once the folder was walked, before the first byte is fetched.
    ``out`` may be a non-seekable stream (``zipfile`` then writes data
    descriptors).
    """
    found = (members(transfers.files, source) if isinstance(source, str)
             else members_of(transfers.files, source))
    todo = list(found)
    total = sum(m.size for m in todo)
    done = 0
    if progress is not None:
        progress(0, total)
    with zipfile.ZipFile(out, "w", compression=compression, allowZip64=True) as zf:
        for m in todo:
            if m.is_dir:
                zf.writestr(zipfile.ZipInfo(m.arcname), b"")
                continue
            info = zipfile.ZipInfo(m.arcname, date_time=m.date_time)
            info.compress_type = compression
            info.file_size = m.size
            base = done

            def relay(d: int, _t: int | None, base: int = base) -> None:
                if progress is not None:
                    progress(base + d, total)

            with zf.open(info, "w", force_zip64=m.size >= zip64_threshold) as member:
                done += transfers.download(m.path, member, progress=relay)
    if progress is not None:
        progress(done, done)
    return todo


__all__ = ["ZIP64_THRESHOLD", "Member", "members", "members_of", "write_zip"]
