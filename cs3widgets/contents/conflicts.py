"""Keep what a user typed when the server refuses their save.

A save is refused when the file changed on the server since the user opened
it (etag mismatch) or someone else holds its lock. The refused bytes are
then written as a new file next to the original,
``analysis (conflicted copy marie 2026-11-29 221005).ipynb``, created with
must-not-exist so it can never replace anything. Where the user may not
create files in that folder (a share of one file), the copy goes to the
user's home instead. The caller tells the user where it went.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import IO

from cs3widgets.client import AlreadyExists, CS3Client, CS3Error, PermissionDenied
from cs3widgets.client.paths import basename, join, parent

#: Attempts at a free name before giving up (same second, same user).
_ATTEMPTS = 5


def copy_name(name: str, user: str, when: datetime, attempt: int = 0) -> str:
    """``stem (conflicted copy user YYYY-MM-DD HHMMSS[-n]).ext``."""
    stem, dot, ext = name.rpartition(".")
    if not stem:  # no extension, or a dot file such as ".env"
        stem, dot, ext = name, "", ""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%d %H%M%S")
    extra = f"-{attempt + 1}" if attempt else ""
    label = f" (conflicted copy {user} {stamp}{extra})"
    return f"{stem[: 200 - len(label)]}{label}{dot}{ext}"


def save_copy(client: CS3Client, path: str, data: bytes | IO[bytes]) -> str:
    """Write ``data`` as a new conflicted copy of ``path``; return the copy's CS3 path."""
    user = client.whoami().username
    when = datetime.now(timezone.utc)
    name = basename(path)
    last: CS3Error | None = None
    for folder in (parent(path), client.files.home()):
        for attempt in range(_ATTEMPTS):
            target = join(folder, copy_name(name, user, when, attempt))
            if not isinstance(data, bytes):
                data.seek(0)
            try:
                client.transfers.upload(data, target, overwrite=False)
            except AlreadyExists as exc:
                last = exc
                continue
            except PermissionDenied as exc:
                last = exc
                break  # try the home folder
            return target
    assert last is not None
    raise last


__all__ = ["copy_name", "save_copy"]
