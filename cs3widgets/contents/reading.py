"""Reading a file's bytes together with the etag they belong to."""

from __future__ import annotations

from cs3widgets.client import CS3Client
from cs3widgets.client.models import Entry

#: How often a read is repeated when the file changed while it was read.
READ_ATTEMPTS = 3


def read_consistent(client: CS3Client, path: str, entry: Entry) -> tuple[bytes, Entry]:
    """The bytes of ``path`` and the entry (etag, mtime) they belong to.

    ``entry`` is a Stat taken before. A Stat after the download tells whether
    someone wrote in between; then the read is repeated, so that the etag a
    later save sends as ``if_match`` is the one of the bytes handed out.
    """
    data = b""
    for _ in range(READ_ATTEMPTS):
        data = client.transfers.read_bytes(path)
        after = client.files.stat(path)
        if after.etag == entry.etag:
            return data, after
        entry = after
    return data, entry


__all__ = ["READ_ATTEMPTS", "read_consistent"]
