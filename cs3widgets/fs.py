"""``cs3://`` for the kernel: an fsspec filesystem over the CS3 service layer.

``cs3://home/x.csv`` is the CS3 path ``/home/x.csv``. Registered through the
``fsspec.specs`` entry point, so once the package is installed::

    pandas.read_csv("cs3://home/x.csv",
                    storage_options={"gateway": "host:19000", "user": "...", "password": "..."})

works, and so does ``fsspec.open("cs3://home/x.csv")`` with only the ``CS3_*``
environment variables set. Storage options are :class:`CS3Config` settings.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fsspec.callbacks import DEFAULT_CALLBACK, Callback
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from .client import CS3Client, CS3Config
from .client.errors import (
    AlreadyExists,
    CS3Error,
    InvalidName,
    NotFound,
    PermissionDenied,
)
from .client.files import Files
from .client.models import Entry
from .client.paths import join, validate_path
from .client.transfers import SPOOL_MEMORY, DownloadTarget, Transfers

#: fsspec's own options, handled by its base class and instance cache.
_FSSPEC_OPTIONS = {
    "skip_instance_cache",
    "use_listings_cache",
    "listings_expiry_time",
    "max_paths",
    "asynchronous",
    "loop",
}


@contextlib.contextmanager
def _os_errors(path: str) -> Iterator[None]:
    """Map service-layer errors to the OS exceptions fsspec callers expect."""
    try:
        yield
    except NotFound as exc:
        raise FileNotFoundError(errno.ENOENT, exc.message, path) from exc
    except AlreadyExists as exc:
        raise FileExistsError(errno.EEXIST, exc.message, path) from exc
    except PermissionDenied as exc:
        raise PermissionError(errno.EACCES, exc.message, path) from exc
    except InvalidName as exc:
        raise ValueError(str(exc)) from exc
    except CS3Error as exc:
        raise OSError(errno.EIO, str(exc), path) from exc


def _info(entry: Entry, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "size": entry.size,
        "type": "directory" if entry.is_dir else "file",
        "mtime": entry.mtime.timestamp() if entry.mtime else None,
        "etag": entry.etag,
        "mime_type": entry.mime_type,
        "id": str(entry.id) if entry.id else None,
    }


class CS3FileSystem(AbstractFileSystem):
    """An fsspec filesystem for the protocol ``cs3`` on one CS3 gateway.

    Pass a ready :class:`~cs3widgets.client.CS3Client` as ``client``, or
    :class:`~cs3widgets.client.CS3Config` settings (``gateway``, ``user``,
    ``password``, ``token``, ...) as storage options; unset settings come from
    the ``CS3_*`` environment variables and the Jupyter config files.
    """

    protocol = "cs3"
    root_marker = "/"

    def __init__(self, client: CS3Client | None = None, **storage_options: Any) -> None:
        super().__init__(client=client, **storage_options)
        if client is None:
            settings = {k: v for k, v in storage_options.items() if k not in _FSSPEC_OPTIONS}
            client = CS3Client.from_config(CS3Config.load(**settings))
        self.client = client
        files = getattr(client, "files", None)
        self.files: Files = files if files is not None else Files(client.conn)
        transfers = getattr(client, "transfers", None)
        self.transfers: Transfers = (
            transfers if transfers is not None else Transfers(client.conn, self.files)
        )

    # -- paths -----------------------------------------------------------------
    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        path = str(path)
        for prefix in ("cs3://", "cs3::", "cs3:"):
            if path.startswith(prefix):
                path = path[len(prefix):]
                break
        path = "/" + path.lstrip("/")
        return path.rstrip("/") or "/"

    def unstrip_protocol(self, name: str) -> str:
        """``/home/x`` -> ``cs3://home/x``."""
        return "cs3://" + self._strip_protocol(name).lstrip("/")

    # -- metadata ----------------------------------------------------------------
    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """Stat ``path``: ``name``, ``size``, ``type``, ``mtime``, ``etag``, ..."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            return _info(self.files.stat(path), path)

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        """List a folder (or a file, as a one-entry list)."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            entry = self.files.stat(path)
            if entry.is_dir:
                out = [_info(e, join(path, e.name)) for e in self.files.iter_list(path)]
            else:
                out = [_info(entry, path)]
        out.sort(key=lambda i: i["name"])
        return out if detail else [i["name"] for i in out]

    def modified(self, path: str) -> datetime:
        """Last modification time (aware, UTC)."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            mtime = self.files.stat(path).mtime
        if mtime is None:
            raise OSError(errno.EIO, "the server reports no modification time", path)
        return mtime

    # -- folders -----------------------------------------------------------------
    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        """Create a folder (and its parents unless ``create_parents=False``)."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            self.files.mkdir(path, parents=create_parents)

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        """Create a folder and its parents."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            self.files.mkdir(path, parents=True, exist_ok=exist_ok)

    def rmdir(self, path: str) -> None:
        """Remove an empty folder."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            entry = self.files.stat(path)
            if not entry.is_dir:
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", path)
            if next(iter(self.files.iter_list(path)), None) is not None:
                raise OSError(errno.ENOTEMPTY, "the folder is not empty", path)
            self.files.delete(path)

    # -- removal, moves, copies ------------------------------------------------
    def rm_file(self, path: str) -> None:
        """Delete one file."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            self.files.delete(path)

    def _rm(self, path: str) -> None:
        self.rm_file(path)

    def rm(self, path: Any, recursive: bool = False, maxdepth: int | None = None) -> None:
        """Delete files, or folders with ``recursive=True`` (one server call each)."""
        paths = path if isinstance(path, list) else [path]
        for p in paths:
            if not recursive and self.isdir(p):
                # Empty folders go without recursive=True, like os.rmdir.
                self.rmdir(p)
                continue
            if recursive and maxdepth is not None:
                super().rm(p, recursive=True, maxdepth=maxdepth)
                continue
            if not isinstance(p, str) or not any(c in p for c in "*?["):
                self.rm_file(p)
                continue
            for match in sorted(self.expand_path(p, recursive=recursive), reverse=True):
                with contextlib.suppress(FileNotFoundError):
                    self.rm_file(match)

    def mv(
        self, path1: Any, path2: Any, recursive: bool = False, maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Move or rename on the server (no data copied); replaces an existing file."""
        if isinstance(path1, list) or isinstance(path2, list):
            super().mv(path1, path2, recursive=recursive, maxdepth=maxdepth, **kwargs)
            return
        src, dst = self._strip_protocol(path1), self._strip_protocol(path2)
        with _os_errors(src):
            if self.isdir(dst):
                dst = join(dst, src.rsplit("/", 1)[-1])
            self.files.move(src, dst, overwrite=True)

    def cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        """Copy one file server to server (streamed through this process)."""
        src, dst = self._strip_protocol(path1), self._strip_protocol(path2)
        with _os_errors(src):
            if self.files.stat(src).is_dir:
                self.files.mkdir(dst, parents=True, exist_ok=True)
                return
            self.transfers.copy(src, dst, overwrite=True)

    # -- whole-file transfers ------------------------------------------------------
    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        """The bytes of a file, or of ``[start, end)`` (negative values count from the end)."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            if start is None and end is None:
                return self.transfers.read_bytes(path)
            size = self.files.stat(path).size
            start = 0 if start is None else (max(0, size + start) if start < 0 else start)
            end = size if end is None else (max(0, size + end) if end < 0 else min(end, size))
            target = self.transfers.initiate_download(path)
            return self.transfers.fetch_range(target, start, end)

    def pipe_file(self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any) -> None:
        """Write ``value`` as the whole content of ``path``."""
        path = self._strip_protocol(path)
        with _os_errors(path):
            self.transfers.upload(value, path, overwrite=mode != "create")

    def put_file(
        self, lpath: str, rpath: str, callback: Callback = DEFAULT_CALLBACK,
        mode: str = "overwrite", **kwargs: Any,
    ) -> None:
        """Upload one local file (tus, resumable, streamed)."""
        rpath = self._strip_protocol(rpath)
        if os.path.isdir(lpath):
            self.makedirs(rpath, exist_ok=True)
            return
        with _os_errors(rpath):
            self.transfers.upload(
                lpath, rpath, overwrite=mode != "create", progress=_progress(callback)
            )

    def get_file(
        self, rpath: str, lpath: Any, callback: Callback = DEFAULT_CALLBACK,
        outfile: Any = None, **kwargs: Any,
    ) -> None:
        """Download one file to a local path (written through a temporary sibling)."""
        rpath = self._strip_protocol(rpath)
        if outfile is None and self.isdir(rpath):
            os.makedirs(lpath, exist_ok=True)
            return
        with _os_errors(rpath):
            if outfile is None and not hasattr(lpath, "write"):
                parent = os.path.dirname(os.fspath(lpath))
                if parent:
                    os.makedirs(parent, exist_ok=True)
            self.transfers.download(rpath, outfile or lpath, progress=_progress(callback))

    # -- file objects ----------------------------------------------------------
    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> CS3File:
        if mode not in ("rb", "wb", "xb"):
            raise NotImplementedError(f"mode {mode!r} is not supported (use rb, wb or xb)")
        path = self._strip_protocol(path)
        if mode == "xb" and self.exists(path):
            raise FileExistsError(errno.EEXIST, "the file exists", path)
        return CS3File(
            self, path, mode, block_size=block_size or "default", autocommit=autocommit,
            cache_options=cache_options, **kwargs,
        )


def _progress(callback: Callback) -> Any:
    """Adapt an fsspec ``Callback`` to the ``progress(done, total)`` signature."""
    if callback is DEFAULT_CALLBACK:
        return None

    def report(done: int, total: int | None) -> None:
        if total is not None:
            callback.set_size(total)
        callback.absolute_update(done)

    return report


class CS3File(AbstractBufferedFile):
    """A file on CS3: ranged HTTP reads; writes uploaded when closed.

    Reads fetch ``[start, end)`` with an HTTP Range request on the download
    endpoint (Reva's data server honours Range). Writes collect in a spooled
    temporary file (memory up to 4 MiB, then disk) and are uploaded by
    ``close()`` through tus, so a failure leaves the old file intact. Leaving
    a ``with`` block by an exception discards what was written.
    """

    DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024

    fs: CS3FileSystem

    def __init__(self, fs: CS3FileSystem, path: str, mode: str = "rb", **kwargs: Any) -> None:
        self._target: DownloadTarget | None = None
        self._spool: Any = None
        super().__init__(fs, path, mode, **kwargs)

    def _fetch_range(self, start: int, end: int) -> bytes:
        with _os_errors(self.path):
            if self._target is None:
                self._target = self.fs.transfers.initiate_download(self.path)
            return self.fs.transfers.fetch_range(self._target, start, end)

    def _initiate_upload(self) -> None:
        validate_path(self.path)
        # Closed by _upload_chunk(final=True) or discard().
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115

    def _upload_chunk(self, final: bool = False) -> bool:
        self._spool.write(self.buffer.getbuffer())
        if final and self.autocommit:
            self.commit()
        return True

    def commit(self) -> None:
        """Upload everything written so far as the file's content."""
        self._spool.seek(0)
        try:
            with _os_errors(self.path):
                self.fs.transfers.upload(self._spool, self.path, overwrite=self.mode != "xb")
        finally:
            self.discard()

    def discard(self) -> None:
        """Throw away what was written."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and self.writable() and not self.closed:
            self.discard()
            self.closed = True
            return
        self.close()
