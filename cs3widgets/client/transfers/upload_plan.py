"""What one upload is asked to do, besides its bytes."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Lock
from .data_plane import Progress


@dataclass(frozen=True)
class UploadPlan:
    """Where an upload goes and on which terms (see ``Transfers.upload``)."""

    dest: str
    progress: Progress | None = None
    #: The etag the caller read: refused if the file changed since.
    if_match: str | None = None
    #: False: refused if the file exists.
    overwrite: bool = True
    #: Keep an interrupted tus upload on the server, to resume.
    resumable: bool = False
    #: The lock the caller holds, whose holder the write names.
    lock: Lock | None = None

    @property
    def conditional(self) -> bool:
        """Whether the write depends on what is at ``dest`` now."""
        return self.if_match is not None or not self.overwrite


__all__ = ["UploadPlan"]
