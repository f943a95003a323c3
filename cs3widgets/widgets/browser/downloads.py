"""Downloads to the user's computer without the bytes passing through widget state.

Core widgets cannot hand bytes to the browser except through the widget
state (a ``data:`` URI, capped by memory and the websocket). Every front end
already serves files from the Jupyter server's disk, though, and the kernel
runs on that disk. So the kernel streams the file (or writes a folder's zip,
member by member) into a download folder under its working directory, and
the widget shows one plain ``<a href=... download>`` link to where the front
end's server serves it. Clicking the link is an ordinary same-origin HTTP
download, with the page's own login (cookie); no secret of the CS3 site
reaches the page.

Where the front end serves the kernel's files (:func:`locate`):

- JupyterLab, Notebook 7, nbclassic (jupyter_server): ``{base_url}files/<path
  relative to the server's root_dir>``. ``base_url`` is JupyterHub's
  ``JUPYTERHUB_SERVICE_PREFIX`` (SWAN) or the server's own, and ``root_dir``
  the server's, both read from the server's runtime file
  (``jpserver-<pid>.json``, the one ``jupyter server list`` reads) of the
  kernel's parent process; ``?download=1`` makes the server send
  ``Content-Disposition: attachment``.
- Voilà: ``{VOILA_BASE_URL}voila/files/<path relative to Voilà's root>``.
  Voilà tells its kernels ``SERVER_SOFTWARE=voila/...`` and the page's
  ``SCRIPT_NAME`` (``.../voila/render/<notebook>``, or ``/`` when it serves
  one notebook), and starts them in the notebook's folder. Voilà serves only
  names its ``VoilaConfiguration.file_allowlist`` allows: add
  ``cs3-downloads/.*`` (see the README).
- Anything else, or to override: ``CS3W_DOWNLOAD_DIR`` and
  ``CS3W_DOWNLOAD_URL`` (or ``c.BrowserDownloads.folder``/``.url`` in
  ``cs3widgets_config.py``).

Each download gets a fresh folder of its own (``cs3-downloads/cs3w-dl-<random>/``),
so a name is never overwritten and the saved file keeps its name. Folders
older than ``keep_seconds`` are removed when the next download starts, and
this kernel's are removed when the widget closes or the kernel exits.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import json
import os
import posixpath
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from traitlets import Float, Unicode
from traitlets.config import Configurable

from ...client.config import load_config_files
from ...client.models import Entry
from ...client.transfers import archive
from ..base.formatting import human_size

#: The download folder's name, under the kernel's working directory.
FOLDER_NAME = "cs3-downloads"
#: Prefix of each download's own folder; only such folders are ever removed,
#: so a download folder configured onto a folder of the user's loses nothing else.
PREFIX = "cs3w-dl-"
#: How long a prepared download stays (seconds), unless configured.
KEEP_SECONDS = 3600.0

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Location:
    """A local folder and the URL (absolute path) under which the front end serves it."""

    folder: Path
    url: str  # ends with "/"
    front_end: str  # "jupyter", "voila", "configured" or "unknown"
    #: Query that asks the server for ``Content-Disposition: attachment``.
    query: str = ""


@dataclass(frozen=True)
class PreparedDownload:
    """A file ready in the download folder, and the link that saves it."""

    path: Path = field(repr=False)
    url: str
    name: str
    size: int

    def link_html(self) -> str:
        """``<a href download>`` with every part escaped."""
        name = html.escape(self.name, quote=True)
        return (f"<a href=\"{html.escape(self.url, quote=True)}\" download=\"{name}\" "
                f"class='cs3w-download-link'>\u2b07 Save {html.escape(self.name)} "
                f"({html.escape(human_size(self.size))})</a>")


def _slash(url: str) -> str:
    url = url if url.startswith(("/", "http://", "https://")) else "/" + url
    return url if url.endswith("/") else url + "/"


def _server_info(env: Mapping[str, str]) -> dict[str, Any]:
    """``base_url`` and ``root_dir`` of the Jupyter server that started this kernel.

    jupyter_server writes ``jpserver-<pid>.json`` into its runtime directory
    (which the kernel inherits through its environment); the kernel's parent
    process is that server. Only those two fields are taken from the file.
    """
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return {}
    runtime = Path(env.get("JUPYTER_RUNTIME_DIR") or jupyter_runtime_dir())
    try:
        info = json.loads((runtime / f"jpserver-{os.getppid()}.json").read_text())
    except (OSError, ValueError):
        return {}
    return {k: info[k] for k in ("base_url", "root_dir") if isinstance(info.get(k), str)}


def _relative(cwd: Path, root: str) -> str | None:
    """``cwd`` relative to ``root`` ("" for the root itself); None when outside."""
    try:
        rel = cwd.resolve().relative_to(Path(root).expanduser().resolve())
    except (ValueError, OSError):
        return None
    return "" if str(rel) == "." else rel.as_posix()


def _url_path(*parts: str) -> str:
    return "/".join(quote(p) for part in parts for p in part.split("/") if p)


def locate(env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None,
           settings: BrowserDownloads | None = None) -> Location:
    """Where this kernel's downloads go and the URL the front end serves them at."""
    env = os.environ if env is None else env
    here = Path(os.getcwd() if cwd is None else cwd)
    if settings is not None and settings.folder and settings.url:
        return Location(Path(settings.folder).expanduser(), _slash(settings.url), "configured")
    folder = here / FOLDER_NAME
    software = env.get("SERVER_SOFTWARE", "")
    if software.startswith("voila/"):
        base = _slash(env.get("VOILA_BASE_URL", "/"))
        script = env.get("SCRIPT_NAME", "")
        render = f"{base}voila/render/"
        # Tree mode: the notebook's folder relative to Voilà's root; one
        # notebook (``voila nb.ipynb``): Voilà's root is the notebook's folder.
        rel = posixpath.dirname(unquote(script[len(render):])) if script.startswith(render) else ""
        return Location(folder, _slash(base + "voila/files/" + _url_path(rel, FOLDER_NAME)),
                        "voila")
    info = _server_info(env)
    base = env.get("JUPYTERHUB_SERVICE_PREFIX") or info.get("base_url") or "/"
    kind = "jupyter"
    if "root_dir" not in info:
        # Not started by a Jupyter server we can see (nbclient, a script, a
        # server elsewhere): the kernel's folder is taken as the root, or the
        # notebook's folder when JPY_SESSION_NAME is relative (it is absolute
        # with jupyter_server 2, so says nothing about the root).
        session = env.get("JPY_SESSION_NAME", "")
        rel = posixpath.dirname(session) if session and not os.path.isabs(session) else ""
        kind = "unknown"
    elif (found := _relative(here, info["root_dir"])) is not None:
        rel = found
    else:
        # The kernel runs outside the server's root: use the root itself.
        folder, rel = Path(info["root_dir"]).expanduser() / FOLDER_NAME, ""
    return Location(folder, _slash(_slash(base) + "files/" + _url_path(rel, FOLDER_NAME)),
                    kind, query="?download=1")


class BrowserDownloads(Configurable):
    """The download folder of one Browser: prepares files, links them, cleans up."""

    folder = Unicode("", help="Local folder the front end serves (with url)").tag(config=True)
    url = Unicode("", help="URL path under which the front end serves folder").tag(config=True)
    keep_seconds = Float(KEEP_SECONDS, help="How long a prepared download stays").tag(
        config=True)

    def __init__(self, **kwargs: Any) -> None:
        if "config" not in kwargs:
            with contextlib.suppress(Exception):  # a broken config file: the defaults
                kwargs["config"] = load_config_files()
        super().__init__(**kwargs)
        env = os.environ
        if env.get("CS3W_DOWNLOAD_DIR") and "folder" not in kwargs:
            self.folder = env["CS3W_DOWNLOAD_DIR"]
        if env.get("CS3W_DOWNLOAD_URL") and "url" not in kwargs:
            self.url = env["CS3W_DOWNLOAD_URL"]
        if env.get("CS3W_DOWNLOAD_KEEP") and "keep_seconds" not in kwargs:
            self.keep_seconds = float(env["CS3W_DOWNLOAD_KEEP"])
        self._mine: set[Path] = set()
        self._lock = threading.Lock()
        self._location: Location | None = None

    @property
    def location(self) -> Location:
        """Where downloads go (found once, on first use)."""
        if self._location is None:
            self._location = locate(settings=self)
        return self._location

    def prepare(self, client: Any, items: Entry | Sequence[Entry], progress: Progress | None = None,
                name: str = "") -> PreparedDownload:
        """Stream ``items`` into the download folder: one file as it is, else one zip.

        A folder arrives as ``<name>.zip``; several items as one zip named
        ``name`` (files at its top, folders as trees). Runs on a worker
        thread; memory stays flat whatever the size.
        """
        entries = [items] if isinstance(items, Entry) else list(items)
        single = entries[0] if len(entries) == 1 else None
        if single is not None and not single.is_dir:
            name = single.name
        elif single is not None:
            name = f"{single.name}.zip"
        else:
            name = name or "download.zip"
        self.sweep()
        where = self.location
        where.folder.mkdir(parents=True, exist_ok=True)
        own = Path(tempfile.mkdtemp(prefix=PREFIX, dir=where.folder))
        with self._lock:
            self._mine.add(own)
        _LIVE.add(self)
        target = own / name
        try:
            # "xb": the folder is new, and nothing is ever written over.
            with open(target, "xb") as out:
                if single is not None and not single.is_dir:
                    client.transfers.download(single.path, out, progress=progress)
                else:
                    source = single.path if single is not None else entries
                    archive.write_zip(client.transfers, source, out, progress=progress)
        except BaseException:
            self._remove(own)
            raise
        url = where.url + _url_path(own.name, name) + where.query
        return PreparedDownload(target, url, name, target.stat().st_size)

    def sweep(self, now: float | None = None) -> int:
        """Remove downloads (of any kernel) older than ``keep_seconds``; return how many."""
        folder = self.location.folder
        now = time.time() if now is None else now
        removed = 0
        with contextlib.suppress(OSError):
            for child in folder.iterdir():
                with contextlib.suppress(OSError):
                    if (child.name.startswith(PREFIX) and child.is_dir()
                            and now - child.stat().st_mtime > self.keep_seconds):
                        self._remove(child)
                        removed += 1
        return removed

    def discard(self) -> None:
        """Remove every download this object prepared (the widget closes)."""
        with self._lock:
            mine, self._mine = set(self._mine), set()
        for path in mine:
            self._remove(path)
        if self._location is not None:
            with contextlib.suppress(OSError):  # only when empty: others may be using it
                self._location.folder.rmdir()
        _LIVE.discard(self)

    def _remove(self, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)
        with self._lock:
            self._mine.discard(path)


#: Every live instance, so that the kernel's exit removes what they prepared.
_LIVE: set[BrowserDownloads] = set()


@atexit.register
def _discard_all() -> None:
    for downloads in list(_LIVE):
        downloads.discard()


__all__ = ["FOLDER_NAME", "BrowserDownloads", "Location", "PreparedDownload", "locate"]
