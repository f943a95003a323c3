"""Simple uploads: the whole body in one PUT.

Used where the server offers no tus, for empty files (a zero-length tus
upload never completes) and when tus is switched off. A PUT whose body
stops short is never committed by EOS (tools/revad/FIDELITY.md); Reva's
plain local drivers commit it, and the old content stays among the versions.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Lock
from .data_plane import DataPlane, Progress
from .upload_source import Window


def put(
    link: DataPlane,
    url: str,
    transfer_token: str,
    source: Window,
    dest: str,
    progress: Progress | None,
    *,
    chunk_size: int,
    lock: Lock | None = None,
) -> None:
    """PUT ``source`` to ``url`` in blocks of ``chunk_size``, for ``dest``.

    Under ``lock`` the request names it (``X-Lock-Id``, ``X-Lock-Holder``),
    which is how the lock's holder is admitted by EOS. A refusal raises
    from the data plane's status table (409: :class:`Locked`).
    """
    size = source.size

    def body() -> Iterator[bytes | memoryview]:
        done = 0
        for block in source.blocks(size, chunk_size):
            yield block
            done += len(block)
            if progress is not None:
                progress(done, size)

    # An explicit Content-Length (no chunked encoding), so the server sees
    # exactly where the body must end.
    headers = {"Content-Length": str(size), "Upload-Length": str(size)}
    link.request(
        "PUT", url, path=dest, action="upload", transfer_token=transfer_token, lock=lock,
        headers=headers, body=body(),
    )
    if size == 0 and progress is not None:
        progress(0, 0)


__all__ = ["put"]
