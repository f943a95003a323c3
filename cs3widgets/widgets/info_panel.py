"""InfoPanel: everything known about one file or folder, and its versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
from traitlets import Unicode, observe

from ..client.client import CS3Client
from ..client.models import Entry, Lock, PublicLink, Share, Version
from .connecting import ClientHolder
from .errors_ui import StatusBanner, guarded
from .formatting import html_table, human_size, local_time, plain
from .notebook_links import links_html
from .resource_facts import ResourceFacts, fetch_facts
from .runner import Runner
from .widget_tree import close_owned, close_tree

#: Versions shown with a restore button (newest first).
MAX_VERSIONS = 50


class _VersionRow(w.HBox):
    """``2024-05-01 10:00:00  1.2 KB  [Restore]``."""

    def __init__(self, panel: InfoPanel, version: Version):
        self.version = version
        self.label = w.Label(
            plain(f"{local_time(version.mtime, seconds=True)}  \u00b7  {human_size(version.size)}"),
            layout=w.Layout(flex="1 1 14em", width="auto"),
        )
        self.restore = w.Button(description="Restore", icon="undo", layout=w.Layout(width="auto"))
        super().__init__([self.label, self.restore],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.restore.on_click(lambda _b: panel.restore_version(version.key))


class InfoPanel(ClientHolder, w.VBox):
    """Name, path, type, MIME, size, times, owner, ids, permissions, shares,
    links, lock holder and versions (with restore) of ``path``.

    It loads in the background (see :mod:`.runner`); in a script call
    :meth:`wait` before reading :meth:`rows`.
    """

    #: The file or folder described. Set it to describe another one.
    path = Unicode("", help="The resource described")
    #: The CS3 folder this Jupyter server's CS3ContentsManager serves
    #: (empty: the user's home, its default); notebooks below it get links
    #: that open them in JupyterLab and Notebook 7.
    jupyter_root = Unicode("", help="CS3 root of the Jupyter server's contents")

    def __init__(self, path: str | None = None, client: CS3Client | None = None, *,
                 threaded: bool = True, runner: Runner | None = None,
                 **kwargs: Any) -> None:
        self.banner = StatusBanner()
        self._init_runner(runner, threaded)
        self.entry: Entry | None = None
        self.shares: list[Share] = []
        self.links: list[PublicLink] = []
        self.lock: Lock | None = None
        self.versions: list[Version] = []
        self.owner = ""  # the owner as shown: "Display Name (username)" when known
        self._root = ""  # where notebook links start: jupyter_root or the home
        self.details = w.HTML()
        self.versions_box = w.VBox()
        self.refresh_button = w.Button(description="Refresh", icon="refresh",
                                       layout=w.Layout(width="8em"))
        super().__init__(**kwargs)
        self.children = [self.banner, self.busy, self.details, w.HTML("<b>Versions</b>"),
                         self.versions_box, self.refresh_button]
        self.add_class("cs3w-info-panel")
        self.refresh_button.on_click(lambda _b: self.load())
        #: Set by CS3App: it fetches the facts once for this panel and the share dialog.
        self.follows_app = False
        if not self._connect(client):
            return
        if path:
            self.path = path
        else:
            self.details.value = "<i>Select a file or folder.</i>"

    @observe("path")
    def _path_changed(self, change: dict) -> None:
        if not self.follows_app:
            self.load()

    @guarded
    def load(self, after: Callable[[], None] | None = None) -> None:
        """(Re)read everything shown (in the background); then ``after()``."""
        client = self._require_client()
        path = self.path
        if not path:
            return

        def apply(facts: ResourceFacts) -> None:
            self.show_facts(facts)
            if after is not None:
                after()

        self._run(lambda: fetch_facts(client, path), apply, key="load")

    def show_facts(self, facts: ResourceFacts) -> None:
        """Show ``facts`` (fetched here, or by CS3App for both panels)."""
        if facts.path != self.path:
            return  # the panel moved on meanwhile
        self.entry = facts.entry
        self.shares, self.links = facts.shares, facts.links
        self.lock, self.versions, self.owner = facts.lock, facts.versions, facts.owner
        self._root = self.jupyter_root or facts.home
        self._render()
        self.banner.clear()

    def rows(self) -> list[tuple[str, str]]:
        """The (field, value) pairs shown, as plain text."""
        e = self.entry
        if e is None:
            return []
        shares = "; ".join(f"{s.grantee.label} ({s.role})" for s in self.shares) or "none"
        links = "; ".join(
            f"{x.role}{' with password' if x.password_protected else ''}"
            + (f", expires {local_time(x.expiration)}" if x.expiration else "")
            for x in self.links
        ) or "none"
        if self.lock is not None:
            lock = self.lock.holder or "someone"
            if self.lock.expires:
                lock += f" until {local_time(self.lock.expires)}"
        else:
            lock = "not locked"
        return [
            ("Name", e.name or "/"),
            ("Path", e.path),
            ("Type", e.type.value),
            ("MIME type", e.mime_type or "\u2014"),
            ("Size", f"{human_size(e.size)} ({e.size:,} bytes)"),
            ("Modified", local_time(e.mtime, seconds=True)),
            ("Owner", self.owner or e.owner or "\u2014"),
            ("Id", str(e.id) if e.id else "\u2014"),
            ("Etag", e.etag or "\u2014"),
            ("Permissions", ", ".join(sorted(e.permissions)) or "\u2014"),
            ("Shares", shares),
            ("Public links", links),
            ("Lock", lock),
        ]

    def _render(self) -> None:
        old = list(self.versions_box.children)
        with self.hold_sync():
            self.details.value = html_table(self.rows()) + links_html(self.entry, self._root)
            shown = self.versions[:MAX_VERSIONS]
            rows: list[w.Widget] = [_VersionRow(self, v) for v in shown]
            if not rows:
                rows = [w.Label("No earlier versions." if self.entry and not self.entry.is_dir
                                else "Folders have no versions.")]
            elif len(self.versions) > MAX_VERSIONS:
                rows.append(w.Label(f"\u2026 and {len(self.versions) - MAX_VERSIONS} older"))
            self.versions_box.children = rows
        close_tree(old)

    @guarded
    def restore_version(self, key: str) -> None:
        """Make version ``key`` the current content."""
        client = self._require_client()
        path = self.path

        def done(_none: Any) -> None:
            self.load(after=lambda: self.banner.success("Version restored"))

        self._run(lambda: client.files.restore_version(path, key), done,
                  disable=[r.restore for r in self.version_rows()])

    def version_rows(self) -> list[_VersionRow]:
        """The version rows shown (newest first)."""
        return [r for r in self.versions_box.children if isinstance(r, _VersionRow)]

    def close(self) -> None:
        """Close every widget of the panel and stop its work."""
        self._close_runner()
        close_owned(self)

    def __repr__(self) -> str:
        return f"InfoPanel(path={self.path!r})"


__all__ = ["InfoPanel"]
