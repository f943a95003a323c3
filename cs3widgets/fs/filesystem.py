"""``cs3://`` for the kernel: an fsspec filesystem over the CS3 service layer.

``cs3://home/x.csv`` is the CS3 path ``/home/x.csv``. Registered through the
``fsspec.specs`` entry point, so once the package is installed::

    pandas.read_csv("cs3://home/x.csv",
                    storage_options={"gateway": "host:19000", "user": "...", "password": "..."})

works, and so does ``fsspec.open("cs3://home/x.csv")`` with only the ``CS3_*``
environment variables set. Storage options are :class:`CS3Config` settings,
plus ``worker_access`` and ``worker_lifetime`` (see :meth:`CS3FileSystem.__reduce__`).

Pickled (as Dask does to ship it to workers), a filesystem carries no
password and no token of this process: see :mod:`cs3widgets.client.delegation`.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from fsspec.callbacks import DEFAULT_CALLBACK, Callback
from fsspec.spec import AbstractFileSystem

from ..client import CS3Client, CS3Config
from ..client.delegation import (
    DEFAULT_LIFETIME,
    REMINT_FRACTION,
    AppPasswordAuth,
    ClientRecipe,
    WorkerAccess,
    recipe_for,
)
from ..client.errors import CS3Error, NotFound
from ..client.files import Files
from ..client.paths import join, parent
from ..client.transfers import Transfers
from .background import prefetch_target
from .errors import as_os_error, os_errors
from .file import CS3File
from .infos import info_from_entry, info_from_pb
from .unpickling import from_recipe

#: fsspec's own options, handled by its base class and instance cache.
_FSSPEC_OPTIONS = {
    "skip_instance_cache",
    "use_listings_cache",
    "listings_expiry_time",
    "max_paths",
    "asynchronous",
    "loop",
}

#: Concurrent GETs of one ``cat_ranges`` call. 100 ranges of 64 KiB, one
#: GET after the other, took 1.36x one curl process fetching the same ranges;
#: over 4 threads 0.79-0.95x (benchmarks/fsspec_read.py, medians of 5).
CAT_RANGES_THREADS = 4


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
        #: What workers may do with the credential a pickled copy carries
        #: ("read" or "write"), and for how many seconds.
        self.worker_access: WorkerAccess = storage_options.pop("worker_access", "read")
        self.worker_lifetime = float(storage_options.pop("worker_lifetime", DEFAULT_LIFETIME))
        self._recipe: ClientRecipe | None = storage_options.pop("_recipe", None)
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

    @property
    def read_only_worker(self) -> bool:
        """Whether this filesystem holds a read-only worker credential."""
        auth = self.client.conn.auth
        return isinstance(auth, AppPasswordAuth) and auth.access == "read"

    def _errors(self, path: str) -> Any:
        return os_errors(path, read_only=self.read_only_worker)

    def _making_parents(self, path: str, write: Callable[[], object]) -> None:
        """Run ``write`` (to ``path``); if its folder is missing, make it and run it again.

        fsspec's contract (its abstract put/copy/pipe/open tests): a write
        makes the folders above its target, as s3fs and LocalFileSystem with
        ``auto_mkdir`` do. EOS makes none (tools/revad/FIDELITY.md), and the
        missing folder is found only when the write is refused, so a write
        into an existing folder costs nothing more.
        """
        with self._errors(path):
            try:
                write()
            except NotFound as exc:
                folder = parent(path)
                if exc.path != folder or folder == path:
                    raise
                self.files.mkdir(folder, parents=True, exist_ok=True)
                write()

    # -- pickling (Dask) ---------------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as a recipe: gateway, TLS and a worker credential, no password or token.

        The credential is the token file's path when this filesystem reads
        its token from a file (SWAN), else an application password minted
        once for ``worker_access`` ("read" by default) that expires after
        ``worker_lifetime`` seconds (8 hours by default). fsspec's own
        pickling would carry the storage options, password included.
        """
        recipe = self._recipe
        if recipe is None or recipe.valid_for() < self.worker_lifetime * REMINT_FRACTION:
            with self._errors("/"):
                recipe = recipe_for(
                    self.client, access=self.worker_access, lifetime=self.worker_lifetime
                )
        return from_recipe, (type(self), recipe, self.worker_access, self.worker_lifetime)

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
        with self._errors(path):
            return info_from_entry(self.files.stat(path), path)

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        """List a folder (or a file, as a one-entry list)."""
        path = self._strip_protocol(path)
        with self._errors(path):
            entry = self.files.stat(path)
            if entry.is_dir:
                listing = self.files.list_compact(path)
                out = [
                    info_from_pb(listing.info(k), join(path, name))
                    for k, name in enumerate(listing.names)
                ]
            else:
                out = [info_from_entry(entry, path)]
        out.sort(key=lambda i: i["name"])
        return out if detail else [i["name"] for i in out]

    def modified(self, path: str) -> datetime:
        """Last modification time (aware, UTC)."""
        path = self._strip_protocol(path)
        with self._errors(path):
            mtime = self.files.stat(path).mtime
        if mtime is None:
            raise OSError(errno.EIO, "the server reports no modification time", path)
        return mtime

    # -- folders -----------------------------------------------------------------
    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        """Create a folder (and its parents unless ``create_parents=False``)."""
        path = self._strip_protocol(path)
        with self._errors(path):
            self.files.mkdir(path, parents=create_parents)

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        """Create a folder and its parents."""
        path = self._strip_protocol(path)
        with self._errors(path):
            self.files.mkdir(path, parents=True, exist_ok=exist_ok)

    def rmdir(self, path: str) -> None:
        """Remove an empty folder."""
        path = self._strip_protocol(path)
        with self._errors(path):
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
        with self._errors(path):
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
        with self._errors(src):
            if self.isdir(dst):
                dst = join(dst, src.rsplit("/", 1)[-1])
            self.files.move(src, dst, overwrite=True)

    def copy(
        self, path1: Any, path2: Any, recursive: bool = False, maxdepth: int | None = None,
        on_error: str | None = None, **kwargs: Any,
    ) -> None:
        """Copy files or folders on the server; a file that cannot be copied raises.

        fsspec skips a missing file silently in a recursive copy by default
        (``on_error="ignore"``): here the default is to raise, so a copy
        that did not copy everything never looks complete.
        """
        super().copy(
            path1, path2, recursive=recursive, maxdepth=maxdepth, on_error=on_error or "raise",
            **kwargs,
        )

    def cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        """Copy one file server to server (streamed through this process)."""
        src, dst = self._strip_protocol(path1), self._strip_protocol(path2)
        with self._errors(src):
            if self.files.stat(src).is_dir:
                self.files.mkdir(dst, parents=True, exist_ok=True)
                return
        self._making_parents(dst, lambda: self.transfers.copy(src, dst, overwrite=True))

    # -- whole-file transfers ------------------------------------------------------
    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        """The bytes of a file, or of ``[start, end)`` (negative values count from the end).

        A range is one HTTP GET on the file's cached download target; only
        a negative ``end`` costs a Stat (the size is needed to place it).
        """
        path = self._strip_protocol(path)
        with self._errors(path):
            if start is None and end is None:
                return self.transfers.read_bytes(path)
            return self._read_range(path, start, end)

    def _read_range(self, path: str, start: int | None, end: int | None) -> bytes:
        start = start or 0
        if start < 0 and end is None:
            return self.transfers.read_range(path, start, None)  # a suffix range
        if start < 0 or (end is not None and end < 0):
            size = self.files.stat(path).size
            start = max(0, size + start) if start < 0 else start
            end = max(0, size + end) if end is not None and end < 0 else end
        return self.transfers.read_range(path, start, end)

    def cat_ranges(
        self,
        paths: list[str] | str,
        starts: list[int] | int | None,
        ends: list[int] | int | None,
        max_gap: int | None = None,
        on_error: str = "return",
        **kwargs: Any,
    ) -> list[bytes | Exception]:
        """Byte ranges of files: one download initiation per file, one GET per range.

        fsspec's default calls ``cat_file`` per range, which cost a Stat and
        an InitiateFileDownload each; here every range of a file reuses the
        file's download target and kept-alive connections, and the ranges
        are fetched by :data:`CAT_RANGES_THREADS` threads. A range asked for
        twice is fetched once.
        """
        n = len(paths) if isinstance(paths, list) else None
        if n is None:
            n = len(starts) if isinstance(starts, list) else len(ends)  # type: ignore[arg-type]
            paths = [paths] * n  # type: ignore[list-item]
        starts = starts if isinstance(starts, list) else [starts] * n  # type: ignore[list-item]
        ends = ends if isinstance(ends, list) else [ends] * n  # type: ignore[list-item]
        if not len(paths) == len(starts) == len(ends):
            raise ValueError("paths, starts and ends must have the same length")
        keys = list(zip(self._strip_protocol(paths), starts, ends, strict=True))
        unique = list(dict.fromkeys(keys))
        # One initiation per file before the ranges fan out, so that threads
        # do not race to initiate the same file.
        for p in dict.fromkeys(k[0] for k in unique):
            with contextlib.suppress(CS3Error):
                self.transfers.download_target(p)

        def fetch(key: tuple[str, int | None, int | None]) -> bytes | CS3Error:
            try:
                return self._read_range(*key)
            except CS3Error as exc:
                return exc

        if len(unique) > 1 and CAT_RANGES_THREADS > 1:
            with ThreadPoolExecutor(min(CAT_RANGES_THREADS, len(unique))) as pool:
                results = dict(zip(unique, pool.map(fetch, unique), strict=True))
        else:
            results = {key: fetch(key) for key in unique}
        out: list[bytes | Exception] = []
        for key in keys:
            got = results[key]
            if isinstance(got, CS3Error):
                if on_error == "raise":
                    raise as_os_error(got, key[0]) from got
                out.append(as_os_error(got, key[0]))
            else:
                out.append(got)
        return out

    def pipe_file(self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any) -> None:
        """Write ``value`` as the whole content of ``path``."""
        path = self._strip_protocol(path)
        self._making_parents(path, lambda: self.transfers.upload(
            value, path, overwrite=mode != "create"))

    def put_file(
        self, lpath: str, rpath: str, callback: Callback = DEFAULT_CALLBACK,
        mode: str = "overwrite", **kwargs: Any,
    ) -> None:
        """Upload one local file (tus, resumable, streamed)."""
        rpath = self._strip_protocol(rpath)
        if os.path.isdir(lpath):
            self.makedirs(rpath, exist_ok=True)
            return
        self._making_parents(rpath, lambda: self.transfers.upload(
            lpath, rpath, overwrite=mode != "create", progress=_progress(callback)))

    def get_file(
        self, rpath: str, lpath: Any, callback: Callback = DEFAULT_CALLBACK,
        outfile: Any = None, **kwargs: Any,
    ) -> None:
        """Download one file to a local path (written through a temporary sibling)."""
        rpath = self._strip_protocol(rpath)
        if outfile is None and self.isdir(rpath):
            os.makedirs(lpath, exist_ok=True)
            return
        with self._errors(rpath):
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
        # "xb" fails at open, as Python's open(..., "x") does: nothing reaches
        # the server before close(). This check is only the early answer; the
        # upload at close still says "must not exist" (overwrite=False), which
        # the write guard checks again then (Transfers.upload).
        if mode == "xb" and self.exists(path):
            raise FileExistsError(errno.EEXIST, "the file exists", path)
        if mode == "rb" and kwargs.get("size") is None:
            # The Stat fsspec needs for the size and the InitiateFileDownload
            # the reads need do not depend on each other: send both at once
            # (one round trip less per open). Errors surface from the Stat.
            prefetch_target(self.transfers, path)
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
