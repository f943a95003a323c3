"""InfoPanel: everything known about one file or folder, and its versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
from traitlets import Unicode, observe

from ...client.client import CS3Client
from ...client.models import Entry, Lock, PublicLink, Share, Version
from ...client.shares.roles import role_from_flags
from ..base.client_holder import ClientHolder
from ..base.formatting import esc, human_size, local_time, plain
from ..base.messages import StatusBanner, guarded
from ..base.prompt import Confirm
from ..base.runner import Runner
from ..base.widget_tree import close_owned, close_tree
from .facts import ResourceFacts, fetch_facts
from .kind import content_size, kind_label
from .notebook_links import links_html

#: Versions shown with a restore button (newest first).
MAX_VERSIONS = 50


class _VersionRow(w.HBox):
    """``2024-05-01 10:00:00  1.2 KB  [Restore]`` (Restore asks first)."""

    def __init__(self, panel: InfoPanel, version: Version):
        self.version = version
        self.label = w.Label(
            plain(f"{local_time(version.mtime, seconds=True)}  \u00b7  {human_size(version.size)}"),
            layout=w.Layout(flex="1 1 14em", width="auto"),
        )
        self.restore = w.Button(description="Restore", icon="undo", layout=w.Layout(width="auto"))
        super().__init__([self.label, self.restore],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.restore.on_click(lambda _b: panel.ask_restore(version))


class InfoPanel(ClientHolder, w.VBox):
    """What a person wants to know about ``path`` first (name, where, kind,
    size, modified, owner, their role, who has access, lock), the technical
    facts (path, id, etag, MIME type, raw permissions) behind a toggle, and
    the versions, each restored after a confirmation.

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
        self.owned: bool | None = None  # whether the user owns it (None: not known)
        self._root = ""  # where notebook links start: jupyter_root or the home
        self.details = w.HTML()  # the person's facts
        # The technical facts: closed by default, one click away.
        self.technical_toggle = w.ToggleButton(
            value=False, description="Technical details", icon="chevron-right",
            tooltip="Path, id, etag, MIME type and permissions as the server gives them",
            layout=w.Layout(width="auto"))
        self.technical = w.HTML(layout=w.Layout(display="none"))
        self.confirm = Confirm()
        self.versions_box = w.VBox()
        self.refresh_button = w.Button(description="Refresh", icon="refresh",
                                       layout=w.Layout(width="8em"))
        super().__init__(**kwargs)
        self.children = [self.banner, self.busy, self.details, self.technical_toggle,
                         self.technical, w.HTML("<b>Versions</b>"), self.confirm,
                         self.versions_box, self.refresh_button]
        self.add_class("cs3w-info-panel")
        self.refresh_button.on_click(lambda _b: self.load())
        self.technical_toggle.observe(self._on_technical_toggle, names="value")
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
        # A restore asked about the previous item must never run on this one.
        self.confirm.dismiss()
        if not self.follows_app:
            self.load()

    def _on_technical_toggle(self, change: dict) -> None:
        with self.hold_sync():
            self.technical.layout.display = None if change["new"] else "none"
            self.technical_toggle.icon = "chevron-down" if change["new"] else "chevron-right"

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

        lookups = self.runner.map
        # It names NAMED_GRANTEES (CS3App fetches for both panels: the dialog's 20).
        self._run(lambda: fetch_facts(client, path, lookups=lookups, named=NAMED_GRANTEES),
                  apply, key="load")

    def show_facts(self, facts: ResourceFacts) -> None:
        """Show ``facts`` (fetched here, or by CS3App for both panels)."""
        if facts.path != self.path:
            return  # the panel moved on meanwhile
        self.entry = facts.entry
        self.shares, self.links = facts.shares, facts.links
        self.lock, self.versions, self.owner = facts.lock, facts.versions, facts.owner
        self.owned = facts.owned
        self._root = self.jupyter_root or facts.home
        self._render()
        self.banner.clear()

    def rows(self) -> list[tuple[str, str]]:
        """The person's facts shown, in order, as (field, plain text) pairs.

        A folder's Size is its tree's, as the server reports it
        (see :func:`~.resource_kind.content_size`).
        """
        e = self.entry
        if e is None:
            return []
        rows = [("Name", e.name or "/"), ("Kind", kind_label(e)),
                ("Where", e.path.rsplit("/", 1)[0] or "/" if e.path not in ("", "/") else "\u2014")]
        size = content_size(e)
        rows.append(("Size", f"{human_size(size)} ({size:,} bytes)"))
        role = role_from_flags(e.permissions).name if e.permissions else ""
        rows += [
            ("Modified", local_time(e.mtime, seconds=True) or "\u2014"),
            ("Owner", self.owner or e.owner or "\u2014"),
            ("Your role", role or "\u2014"),
            ("Who has access", access_summary(self.shares, self.links, self.owned, role)),
            ("Lock", lock_text(self.lock)),
        ]
        return rows

    def technical_rows(self) -> list[tuple[str, str]]:
        """What the server says, as it says it (behind the Technical details toggle)."""
        e = self.entry
        if e is None:
            return []
        return [
            ("Path", e.path),
            ("Type", e.type.value),
            ("MIME type", e.mime_type or "\u2014"),
            ("Size", f"{e.size:,} bytes"),
            ("Id", str(e.id) if e.id else "\u2014"),
            ("Etag", e.etag or "\u2014"),
            ("Permissions", ", ".join(sorted(e.permissions)) or "\u2014"),
        ]

    def _render(self) -> None:
        old = list(self.versions_box.children)
        with self.hold_sync():
            self.details.value = facts_table(self.rows()) + links_html(self.entry, self._root)
            self.technical.value = facts_table(self.technical_rows())
            shown = self.versions[:MAX_VERSIONS]
            rows: list[w.Widget] = [_VersionRow(self, v) for v in shown]
            if not rows:
                rows = [w.Label("No earlier versions." if self.entry and not self.entry.is_dir
                                else "Folders have no versions.")]
            elif len(self.versions) > MAX_VERSIONS:
                rows.append(w.Label(f"\u2026 and {len(self.versions) - MAX_VERSIONS} older"))
            self.versions_box.children = rows
        close_tree(old)

    def ask_restore(self, version: Version) -> None:
        """Ask before restoring ``version`` (the Restore button): Cancel changes nothing."""
        name = self.entry.name if self.entry else self.path
        when = local_time(version.mtime, seconds=True)
        self.confirm.ask(
            f"Restore {name} as it was on {when}? Its current content becomes a version.",
            lambda: self.restore_version(version.key), confirm="Restore")

    @guarded
    def restore_version(self, key: str) -> None:
        """Make version ``key`` the current content (no question asked: see :meth:`ask_restore`)."""
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


#: Grantees named in "Who has access" before "and N more".
NAMED_GRANTEES = 3


def access_summary(shares: list[Share], links: list[PublicLink], owned: bool | None = None,
                   role: str = "") -> str:
    """``Marie Curie (marie) as Editor; anyone with the public link (Viewer)``.

    The grantees are the shares the user can list (their own); a recipient
    (``owned`` false) is named first, as "you as Viewer".
    """
    people = [f"{s.grantee.label} as {s.role}" for s in shares]
    if owned is False and role:
        people.insert(0, f"you as {role}")
    if len(people) > NAMED_GRANTEES + 1:
        people = [*people[:NAMED_GRANTEES], f"and {len(people) - NAMED_GRANTEES} more"]
    parts = [", ".join(people)] if people else []
    if len(links) == 1:
        (link,) = links
        extra = ", with password" if link.password_protected else ""
        parts.append(f"anyone with the public link ({link.role}{extra})")
    elif links:
        parts.append(f"anyone with one of its {len(links)} public links")
    if parts:
        text = "; ".join(parts)
        return text[0].upper() + text[1:]
    return "Only you" if owned else "No shares or public links"


def lock_text(lock: Lock | None) -> str:
    """``not locked`` or ``Albert Einstein (einstein) until 2025-01-01 10:00``."""
    if lock is None:
        return "not locked"
    text = lock.holder or "someone"
    if lock.expires:
        text += f" until {local_time(lock.expires)}"
    return text


def facts_table(rows: list[tuple[str, str]]) -> str:
    """A key/value table whose values wrap between words (breaking a word only
    when it alone is wider than the panel); every value is escaped here."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em;vertical-align:top;"
        f"white-space:nowrap'>{esc(k)}</th>"
        f"<td style='overflow-wrap:anywhere'>{esc(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table class='cs3w-table'>{body}</table>"


__all__ = ["InfoPanel", "access_summary", "facts_table", "lock_text"]
