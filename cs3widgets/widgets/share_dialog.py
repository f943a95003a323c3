"""ShareDialog: share a file or folder with users, groups, links and other sites.

The user/group search runs as you type, debounced on the widget's runner
(:meth:`Runner.later <cs3widgets.widgets.runner.Runner.later>`): each
keystroke restarts a short timer and only the last query goes to the server.
:meth:`ShareDialog.flush_search` sends a pending search at once. Like every
server call of the dialog, the search runs off the main thread; a script
calls :meth:`~ShareDialog.wait` before reading the results.

Link passwords are typed into an ``ipywidgets.Password``, whose value *is*
synced to the kernel; the dialog reads it once and resets it to ``""`` at
once, so no password stays in the widget state or the saved notebook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from traitlets import Unicode, observe

from ..client.client import CS3Client
from ..client.errors import CS3Error
from ..client.models import Entry, Group, OCMShare, PublicLink, RemoteUser, Share, User
from .connecting import ClientHolder
from .errors_ui import StatusBanner, UserInputError, guarded, log
from .formatting import esc, plain
from .resource_facts import ResourceFacts, fetch_facts, shares_and_links
from .runner import Runner
from .share_rows import (
    GranteeRow,
    LinkRow,
    expiry_datetime,
    full_width,
    grow,
    role_options,
    wrap_row,
)
from .widget_tree import close_owned, close_tree

#: Seconds of quiet typing before the search goes out.
DEBOUNCE_SECONDS = 0.3


class ShareDialog(ClientHolder, w.VBox):
    """Share ``path`` with users and groups, by public link, or with other sites."""

    #: The file or folder being shared. Set it to switch resource.
    path = Unicode("", help="The resource shared")

    def __init__(
        self,
        path: str | None = None,
        client: CS3Client | None = None,
        *,
        debounce: float = DEBOUNCE_SECONDS,
        threaded: bool = True,
        runner: Runner | None = None,
        **kwargs: Any,
    ) -> None:
        self.banner = StatusBanner()
        self._init_runner(runner, threaded)
        self.debounce = debounce
        self._pending_query: str | None = None
        self._results: dict[int, User | Group] = {}
        self._remote: dict[int, RemoteUser] = {}
        self.entry: Entry | None = None
        self.shares: list[Share] = []
        self.links: list[PublicLink] = []
        self.ocm_shares: list[OCMShare] = []
        self.ocm_enabled: bool | None = None
        self.searches = 0  # queries actually sent (the debounce keeps it low)

        self.title = w.HTML()
        # -- users and groups -------------------------------------------------
        self.search = w.Text(placeholder="Search users and groups\u2026",
                             continuous_update=True, layout=full_width())
        self.results = w.Select(options=[], rows=5, layout=full_width())
        self.role = w.Dropdown(options=role_options(True), value="Viewer", description="Role",
                               layout=grow("13em"))
        self.expiry = w.DatePicker(description="Expires", value=None, layout=grow("16em"))
        self.share_button = w.Button(description="Share", icon="share-alt",
                                     button_style="primary", layout=w.Layout(width="auto"))
        self.grantees = w.VBox()
        # -- public links ----------------------------------------------------
        self.link_role = w.Dropdown(options=role_options(True), value="Viewer",
                                    description="Role", layout=grow("13em"))
        self.link_password = w.Password(placeholder="optional password",
                                        description="Password", layout=grow("13em"))
        self.link_expiry = w.DatePicker(description="Expires", value=None, layout=grow("16em"))
        self.link_name = w.Text(placeholder="optional name", description="Name",
                                layout=grow("13em"))
        self.link_button = w.Button(description="Create link", icon="link",
                                    button_style="primary", layout=w.Layout(width="auto"))
        self.link_list = w.VBox()
        # -- federated (OCM) -----------------------------------------------
        self.remote_users = w.Dropdown(options=[], description="Remote user",
                                       layout=grow("18em"))
        self.ocm_role = w.Dropdown(options=[("Viewer", "Viewer"), ("Editor", "Editor")],
                                   value="Viewer", description="Role", layout=grow("13em"))
        self.ocm_button = w.Button(description="Share with remote user", icon="globe",
                                   layout=w.Layout(width="auto"))
        self.ocm_list = w.VBox()
        self.ocm_section = w.VBox([
            w.HTML("<b>Other sites (federated)</b>"),
            wrap_row([self.remote_users, self.ocm_role, self.ocm_button]),
            self.ocm_list,
        ], layout=w.Layout(display="none"))

        super().__init__(**kwargs)
        self.children = [
            self.banner, self.busy, self.title,
            w.HTML("<b>Share with people and groups</b>"),
            self.search,
            self.results,
            wrap_row([self.role, self.expiry, self.share_button]),
            self.grantees,
            w.HTML("<b>Public links</b>"),
            wrap_row([self.link_role, self.link_expiry]),
            wrap_row([self.link_password, self.link_name]),
            wrap_row([self.link_button]),
            self.link_list,
            self.ocm_section,
        ]
        self.add_class("cs3w-share-dialog")
        self.search.observe(self._on_search_typed, names="value")
        self.share_button.on_click(lambda _b: self.share_selected())
        self.link_button.on_click(lambda _b: self.create_link())
        self.ocm_button.on_click(lambda _b: self.share_remote())
        #: Set by CS3App: it fetches the facts once for this dialog and the info panel.
        self.follows_app = False

        if not self._connect(client):
            return
        if path:
            self.path = path
        else:
            self.title.value = "<i>Select a file or folder to share.</i>"

    # ------------------------------------------------------------ loading
    @observe("path")
    def _path_changed(self, change: dict) -> None:
        if not self.follows_app:
            self.load()

    @guarded
    def load(self) -> None:
        """(Re)read the resource, its shares, links and federated shares (in the background)."""
        client = self._require_client()
        path = self.path
        if not path:
            return
        self._run(lambda: fetch_facts(client, path, details=False), self.show_facts, key="load")

    def show_facts(self, facts: ResourceFacts) -> None:
        """Show ``facts`` (fetched here, or by CS3App for both panels)."""
        if facts.path != self.path:
            return  # the dialog moved on meanwhile
        entry = facts.entry
        self.entry = entry
        kind = "folder" if entry.is_dir else "file"
        options = role_options(entry.is_dir)
        with self.hold_sync():
            # A long path breaks anywhere rather than widening the panel.
            self.title.value = (f"<h4>Share {esc(kind)} <code style='overflow-wrap:anywhere'>"
                                f"{esc(entry.path)}</code></h4>")
            self.role.options = options
            self.role.value = "Viewer"
            self.link_role.options = options
            self.link_role.value = "Viewer"
        self._show_sharing(facts.shares, facts.links)
        self.banner.clear()
        self._load_ocm()

    def _show_sharing(self, shares: list[Share], links: list[PublicLink]) -> None:
        self.shares, self.links = shares, links
        options = role_options(bool(self.entry and self.entry.is_dir))
        old = list(self.grantees.children) + list(self.link_list.children)
        with self.hold_sync():
            self.grantees.children = [GranteeRow(self, s, options) for s in shares] or [
                w.Label("Not shared with anyone yet.")]
            self.link_list.children = [LinkRow(self, link) for link in links] or [
                w.Label("No public links.")]
        close_tree(old)

    def _reload_sharing(self, message: str) -> None:
        """After a change: reread the shares and links (2 calls), then say ``message``."""
        client = self._require_client()
        entry = self.entry
        if entry is None:
            return

        def apply(found: tuple[list[Share], list[PublicLink]]) -> None:
            self._show_sharing(*found)
            self.banner.success(message)

        self._run(lambda: shares_and_links(client, entry), apply, key="sharing")

    def _load_ocm(self) -> None:
        """Show the federated section only where the site runs OCM (asked once per dialog)."""
        client = self._require_client()
        if self.ocm_enabled is False:
            return
        rid = self.entry.id if self.entry else None

        def work() -> tuple[list[RemoteUser], list[OCMShare]] | None:
            try:
                return client.ocm.remote_users(""), client.ocm.list_shares()
            except CS3Error as exc:  # OCMNotEnabled is one
                log.debug("no federated sharing here: %s", exc)
                return None

        def apply(found: tuple[list[RemoteUser], list[OCMShare]] | None) -> None:
            if found is None:
                self.ocm_enabled = False
                self.ocm_section.layout.display = "none"
                return
            remote, mine = found
            self.ocm_enabled = True
            self.ocm_shares = [s for s in mine if rid is not None and s.resource_id is not None
                               and s.resource_id.opaque_id == rid.opaque_id]
            self._remote = dict(enumerate(remote))
            old = list(self.ocm_list.children)
            with self.hold_sync():
                self.remote_users.options = [
                    (plain(f"{u.display_name or u.username} ({u.username}@{u.idp})"), i)
                    for i, u in self._remote.items()
                ]
                self.ocm_list.children = [
                    w.Label(plain(f"{s.grantee.name if s.grantee else '?'}@{s.provider}"
                                  f" · {s.role}"))
                    for s in self.ocm_shares
                ]
                self.ocm_section.layout.display = None
            close_tree(old)

        self._run(work, apply, key="ocm")

    # ------------------------------------------------------------ search
    def _on_search_typed(self, change: dict) -> None:
        """Restart the debounce timer on every keystroke."""
        self._pending_query = change["new"]
        if self.debounce <= 0:
            self.flush_search()
        else:
            self.runner.later(self.debounce, self.flush_search, key=(id(self), "debounce"))

    def flush_search(self) -> None:
        """Send the pending search now (if any)."""
        self.runner.flush((id(self), "debounce"))
        query, self._pending_query = self._pending_query, None
        if query is not None:
            self.run_search(query)

    @guarded
    def run_search(self, query: str) -> None:
        """Find users and groups matching ``query`` and list them (in the background)."""
        client = self._require_client()
        query = query.strip()
        if len(query) < 2:
            self._set_results([])
            return
        self.searches += 1

        def work() -> list[User | Group]:
            started = time.monotonic()
            found: list[User | Group] = list(client.identity.find_users(query))
            found += client.identity.find_groups(query)
            log.debug("search %d results in %.3fs", len(found), time.monotonic() - started)
            return found

        self._run(work, self._set_results, key="search")

    def _set_results(self, found: Sequence[User | Group]) -> None:
        self._results = dict(enumerate(found))
        options = []
        for i, g in self._results.items():
            icon = "\U0001f464" if isinstance(g, User) else "\U0001f465"
            options.append((plain(f"{icon} {g.label}"), i))
        with self.results.hold_sync():
            self.results.options = options
            self.results.value = options[0][1] if len(options) == 1 else None

    @property
    def result_labels(self) -> list[str]:
        """The search results shown."""
        return [label for label, _ in self.results.options]

    def pick(self, name: str) -> None:
        """Select the search result for user or group ``name``."""
        for i, g in self._results.items():
            if (isinstance(g, User) and g.username == name) or (
                    isinstance(g, Group) and g.name == name):
                self.results.value = i
                return
        raise UserInputError(f"{name} is not among the search results")

    # ------------------------------------------------------------ changes
    def _change(self, work: Callable[[], Any], message: Callable[[Any], str]) -> None:
        """Run a change on the server, then reload the shares and links and say what happened."""
        buttons = [self.share_button, self.link_button, self.ocm_button]
        self._run(work, lambda result: self._reload_sharing(message(result)), disable=buttons)

    @guarded
    def share_selected(self) -> None:
        """Share with the selected search result, using the chosen role and expiry."""
        client = self._require_client()
        if not self.path:
            raise UserInputError("No file or folder to share")
        if self.results.value is None:
            raise UserInputError("Search for a user or group and select one first")
        grantee = self._results[self.results.value]
        kind = "user" if isinstance(grantee, User) else "group"
        path, role, expiry = self.path, self.role.value, expiry_datetime(self.expiry.value)
        self._change(lambda: client.shares.create(path, grantee, role, expiry, kind=kind),
                     lambda _s: f"Shared with {grantee.label} as {role}")

    @guarded
    def change_role(self, share_id: str, role: str) -> None:
        """Give an existing share another role."""
        client = self._require_client()
        current = next((s for s in self.shares if s.id == share_id), None)
        if current is not None and current.role == role:
            return
        self._change(lambda: client.shares.update(share_id, role=role),
                     lambda _s: f"Role changed to {role}")

    @guarded
    def remove_share(self, share_id: str) -> None:
        """Remove a share; its grantee loses access."""
        client = self._require_client()
        self._change(lambda: client.shares.remove(share_id), lambda _n: "Share removed")

    def grantee_row(self, name: str) -> GranteeRow:
        """The row of grantee ``name`` (user name or group name)."""
        for row in self.grantees.children:
            if isinstance(row, GranteeRow) and row.share.grantee.name == name:
                return row
        raise KeyError(name)

    # ------------------------------------------------------------ links
    @guarded
    def create_link(self) -> None:
        """Create a public link with the chosen role, password, expiry and name.

        The password field is emptied before anything else happens, so its
        value is in the widget state for no longer than this call; the
        password lives on only in the work's closure until it is sent.
        """
        password = self.link_password.value
        self.link_password.value = ""
        client = self._require_client()
        if not self.path:
            raise UserInputError("No file or folder to share")
        path, role = self.path, self.link_role.value
        expiration = expiry_datetime(self.link_expiry.value)
        name = self.link_name.value.strip() or None
        self.link_name.value = ""
        self._change(
            lambda: client.links.create(path, role, password=password or None,
                                        expiration=expiration, display_name=name),
            lambda link: "Public link created"
            + (" with a password" if link.password_protected else ""),
        )

    @guarded
    def delete_link(self, link_id: str) -> None:
        """Delete a public link."""
        client = self._require_client()
        self._change(lambda: client.links.remove(link_id), lambda _n: "Public link deleted")

    # ------------------------------------------------------------ federated
    @guarded
    def share_remote(self) -> None:
        """Share with the chosen user at another site."""
        client = self._require_client()
        if self.remote_users.value is None:
            raise UserInputError("Choose a remote user (exchange an invitation first)")
        user = self._remote[self.remote_users.value]
        path, role = self.path, self.ocm_role.value

        def done(_share: Any) -> None:
            self._load_ocm()
            self.banner.success(f"Shared with {user.display_name or user.username}@{user.idp}")

        self._run(lambda: client.ocm.share(path, user, role), done,
                  disable=[self.ocm_button])

    def close(self) -> None:
        """Stop pending work (and the search timer), then close every widget of the dialog."""
        self._close_runner()
        close_owned(self)
