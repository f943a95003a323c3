"""Byte ranges of a file: one GET with ``Range``, whatever the server makes of it.

Ranged reads (``fs.open`` + ``seek``, ``cat_ranges``) send many small GETs
through the data plane's keep-alive connections (:mod:`.data_plane`).
"""

from __future__ import annotations

from .data_plane import Answer, DataPlane
from .download_targets import DownloadTarget


def fetch_range(plane: DataPlane, target: DownloadTarget, start: int, end: int | None) -> bytes:
    """Bytes ``start`` (inclusive) to ``end`` (exclusive, ``None``: EOF) of ``target``.

    A negative ``start`` asks for the last ``-start`` bytes (``bytes=-N``).
    A server that ignores ``Range`` (200) or refuses it (416 although the
    range starts inside the file; Reva v1.29 does for OCM shares) is read
    from the start and only the slice is kept, so the answer is right
    whatever the server does.
    """
    if end is not None and end <= start:
        return b""
    if start < 0:
        if end is not None:
            raise ValueError("a negative start needs end=None")
        return _suffix(plane, target, -start)
    spec = f"bytes={start}-" + ("" if end is None else str(end - 1))
    answer = _get(plane, target, {"Range": spec}, end)
    if answer.status == 206:
        return answer.data
    if answer.status == 416:
        # "bytes */<size>": the range starts at or after the end.
        total = answer.headers.get("content-range", "").rpartition("/")[2]
        if total.isdigit() and start >= int(total):
            return b""
        answer = _get(plane, target, {}, end, accept=())
    return answer.data[start:end]


def _suffix(plane: DataPlane, target: DownloadTarget, n: int) -> bytes:
    if n <= 0:
        return b""
    answer = _get(plane, target, {"Range": f"bytes=-{n}"}, None)
    if answer.status == 416:  # an empty file
        return b""
    return answer.data if answer.status == 206 else answer.data[-n:]


def _get(
    plane: DataPlane,
    target: DownloadTarget,
    headers: dict[str, str],
    end: int | None,
    accept: tuple[int, ...] = (416,),
) -> Answer:
    return plane.request(
        "GET", target.url, path=target.path, action="download",
        transfer_token=target.transfer_token, headers=headers, limit=end, accept=accept,
    )


__all__ = ["fetch_range"]
