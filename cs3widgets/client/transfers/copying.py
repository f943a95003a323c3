"""Copies of files and folders, streamed from a download straight into an upload."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ..errors import AlreadyExists, InvalidName
from ..models import Entry
from ..paths import is_within, join, validate_new, validate_target
from .data_plane import Progress
from .upload_plan import UploadPlan
from .upload_source import Window

if TYPE_CHECKING:
    from ..files import Files

#: ``upload(source, plan)``: Transfers' guarded upload.
WindowUpload = Callable[[Window, UploadPlan], Entry]
#: Opens a file's download as a forward-only upload source of its size.
DownloadWindow = Callable[[str], AbstractContextManager[Window]]


class Copies:
    """Copies through the client: each file's download body is its upload's source."""

    def __init__(
        self,
        files: Files,
        open_download: DownloadWindow,
        upload: WindowUpload,
    ) -> None:
        self.files = files
        self._open_download = open_download
        self._upload = upload

    def copy(
        self, src: str, dst: str, overwrite: bool = False, progress: Progress | None = None
    ) -> Entry:
        """Copy a file or a folder (recursively), streaming download -> upload.

        Bytes never touch the local disk. ``progress(done, total)`` counts the
        bytes of all files. Refuses an existing ``dst`` unless ``overwrite``.
        """
        src = validate_target(src)
        dst = validate_new(dst)
        if is_within(dst, src):
            raise InvalidName("cannot copy a folder into itself", path=dst)
        info = self.files.stat(src)
        if not info.is_dir:
            # One file: the server decides (must-not-exist unless overwrite).
            self._copy_file(src, dst, progress, 0, info.size, overwrite=overwrite)
            return self.files.stat(dst)
        if not overwrite and self.files.exists(dst):
            # A tree is many requests; no single one can ask the server
            # whether the destination folder existed before the copy began.
            raise AlreadyExists("the destination exists", path=dst)
        tree = list(self.files.walk(src))
        total = sum(f.size for _, _, files in tree for f in files)
        done = 0
        self.files.mkdir(dst, parents=True, exist_ok=True)
        for dirpath, dirs, files in tree:
            target_dir = dst + dirpath[len(src):]
            for d in dirs:
                self.files.mkdir(join(target_dir, d.name), parents=True, exist_ok=True)
            for f in files:
                done += self._copy_file(
                    join(dirpath, f.name), join(target_dir, f.name), progress, done, total
                )
        return self.files.stat(dst)

    def _copy_file(
        self,
        src: str,
        dst: str,
        progress: Progress | None,
        base: int,
        total: int,
        *,
        overwrite: bool = True,
    ) -> int:
        relay = None if progress is None else (lambda d, _t: progress(base + d, total))
        with self._open_download(src) as source:
            self._upload(source, UploadPlan(dst, relay, overwrite=overwrite))
        return source.size


__all__ = ["Copies", "DownloadWindow", "WindowUpload"]
