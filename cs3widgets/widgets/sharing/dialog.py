"""ShareDialog: share a file or folder with users, groups, links and other sites.

The user/group search runs as you type, debounced on the widget's runner
(:meth:`Runner.later <cs3widgets.widgets.base.runner.Runner.later>`): each
keystroke restarts a short timer and only the last query goes to the server.
:meth:`ShareDialog.flush_search` sends a pending search at once. Like every
server call of the dialog, the search runs off the main thread; a script
calls :meth:`~ShareDialog.wait` before reading the results.

The form belongs to one target: whenever ``path`` changes, every input
(search, results, role, expiry, the link's role, password, expiry and
name) and every message goes back to empty, so a click can never share the
previous item. Where the Stat says the user may not share the target (no
``add_grant``, as for a folder shared with them as Viewer) the form is
disabled and says why; the server still decides every share, and a refusal
shows in plain words.

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

from ...client.client import CS3Client
from ...client.errors import PermissionDenied
from ...client.models import Entry, Group, PublicLink, Share, User
from ..base.client_holder import ClientHolder
from ..base.formatting import esc, plain
from ..base.messages import StatusBanner, UserInputError, guarded, log
from ..base.runner import Runner
from ..base.widget_tree import close_owned, close_tree
from ..panels.facts import GRANTEES_SHOWN, ResourceFacts, fetch_facts, shares_and_links
from .federated import FederatedSharing
from .form import ShareFormState, share_block_reason
from .rows import (
    GranteeRow,
    LinkRow,
    expiry_datetime,
    full_width,
    grow,
    role_options,
    wrap_row,
)

#: Seconds of quiet typing before the search goes out.
DEBOUNCE_SECONDS = 0.3


class ShareDialog(ShareFormState, FederatedSharing, ClientHolder, w.VBox):
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
        self.entry: Entry | None = None
        self.shares: list[Share] = []
        self.links: list[PublicLink] = []
        self.searches = 0  # queries actually sent (the debounce keeps it low)
        # Bumped whenever the target changes: work started for an earlier
        # target (a search, a share) must not fill in or reload this one's form.
        self._epoch = 0
        self._resetting = False
        self.disabled_reason = ""

        self.title = w.HTML()
        #: Why the form is disabled (hidden while the user may share).
        self.notice = w.HTML(layout=w.Layout(display="none"))
        # -- users and groups -------------------------------------------------
        self.search = w.Text(placeholder="Search users and groups\u2026",
                             continuous_update=True, layout=full_width())
        self.results = w.Select(options=[], rows=5, layout=full_width())
        self.results.add_class("cs3w-share-results")
        self.role = w.Dropdown(options=role_options(True), value="Viewer", description="Role",
                               layout=grow("13em"))
        self.expiry = w.DatePicker(description="Expires", value=None, layout=grow("16em"))
        self.share_button = w.Button(description="Share", icon="share-alt",
                                     button_style="primary", layout=w.Layout(width="auto"))
        self.grantees = w.VBox()
        #: Grantees shown (the first GRANTEES_SHOWN; "Show more" adds as many).
        self.grantees_shown = GRANTEES_SHOWN
        self._grantee_rows: dict[str, GranteeRow] = {}  # by share id, the rows shown
        self.more_grantees = w.Button(icon="chevron-down", layout=w.Layout(
            width="auto", display="none"))
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
        super().__init__(**kwargs)
        self.children = [
            self.banner, self.busy, self.title, self.notice,
            w.HTML("<b>Share with people and groups</b>"),
            self.search,
            self.results,
            wrap_row([self.role, self.expiry, self.share_button]),
            self.grantees,
            self.more_grantees,
            w.HTML("<b>Public links</b>"),
            wrap_row([self.link_role, self.link_expiry]),
            wrap_row([self.link_password, self.link_name]),
            wrap_row([self.link_button]),
            self.link_list,
            self._build_federated(),
        ]
        self.add_class("cs3w-share-dialog")
        self.search.observe(self._on_search_typed, names="value")
        self.share_button.on_click(lambda _b: self.share_selected())
        self.link_button.on_click(lambda _b: self.create_link())
        self.more_grantees.on_click(lambda _b: self.show_more_grantees())
        #: Set by CS3App: it fetches the facts once for this dialog and the info panel.
        self.follows_app = False
        self._set_allowed(None)  # nothing to share until a target is shown

        if not self._connect(client):
            return
        if path:
            self.path = path
        else:
            self.title.value = "<i>Select a file or folder to share.</i>"

    # ------------------------------------------------------------ loading
    @observe("path")
    def _path_changed(self, change: dict) -> None:
        self.reset_form()
        if not self.follows_app:
            self.load()

    @guarded
    def load(self) -> None:
        """(Re)read the resource, its shares, links and federated shares (in the background)."""
        client = self._require_client()
        path = self.path
        if not path:
            return
        lookups = self.runner.map
        self._run(lambda: fetch_facts(client, path, details=False, lookups=lookups),
                  self.show_facts, key="load")

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
            self._set_allowed(share_block_reason(entry))
        self._show_sharing(facts.shares, facts.links)
        self.banner.clear()
        self._load_ocm()

    def _show_sharing(self, shares: list[Share], links: list[PublicLink]) -> None:
        self.shares, self.links = shares, links
        old = list(self.link_list.children)
        with self.hold_sync():
            self.link_list.children = [LinkRow(self, link) for link in links] or [
                w.Label("No public links.")]
        close_tree(old)
        self._show_grantees()

    def _show_grantees(self) -> None:
        """The rows of the grantees shown (a share's row is kept while it is
        unchanged); then the names any of them lack."""
        options = role_options(bool(self.entry and self.entry.is_dir))
        shown = self.shares[:self.grantees_shown]
        hidden = len(self.shares) - len(shown)
        kept = self._grantee_rows
        rows = {s.id: kept[s.id] if s.id in kept and kept[s.id].share == s
                else GranteeRow(self, s, options) for s in shown}
        old = [c for c in self.grantees.children if c not in rows.values()]
        old += [r for r in kept.values() if r not in rows.values() and r not in old]
        self._grantee_rows = rows
        with self.hold_sync():
            self.grantees.children = list(rows.values()) or [
                w.Label("Not shared with anyone yet.")]
            self.more_grantees.description = f"Show {min(hidden, GRANTEES_SHOWN)} more of {hidden}"
            self.more_grantees.layout.display = None if hidden else "none"
        close_tree(old)
        self._name_grantees(shown)

    def _name_grantees(self, shown: list[Share]) -> None:
        """Look up the names the rows shown lack (several at once), then show them."""
        pending = [s for s in shown if s.names_pending]
        if not pending:
            return
        client = self._require_client()
        epoch, lookups = self._epoch, self.runner.map

        def apply(named: list[Share]) -> None:
            if epoch != self._epoch:
                return  # another target meanwhile
            fresh = {s.id: s for s in named}
            self.shares = [fresh.get(s.id, s) for s in self.shares]
            self._show_grantees()

        self._run(lambda: client.shares.with_names(pending, map=lookups), apply, key="names",
                  disable=[self.more_grantees])

    def show_more_grantees(self) -> None:
        """Show the next :data:`~.resource_facts.GRANTEES_SHOWN` grantees, once named."""
        self.grantees_shown += GRANTEES_SHOWN
        shown = self.shares[:self.grantees_shown]
        if any(s.names_pending for s in shown):
            self._name_grantees(shown)  # their rows come with their names
        else:
            self._show_grantees()

    def _reload_sharing(self, message: str) -> None:
        """After a change: reread the shares and links (2 calls), then say ``message``."""
        client = self._require_client()
        entry = self.entry
        if entry is None:
            return

        def apply(found: tuple[list[Share], list[PublicLink]]) -> None:
            self._show_sharing(*found)
            self.banner.success(message)

        lookups, named = self.runner.map, self.grantees_shown
        self._run(lambda: shares_and_links(client, entry, lookups, named), apply, key="sharing")

    # ------------------------------------------------------------ search
    def _on_search_typed(self, change: dict) -> None:
        """Restart the debounce timer on every keystroke."""
        if self._resetting:
            return
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
        epoch = self._epoch

        def work() -> list[User | Group]:
            started = time.monotonic()
            found: list[User | Group] = list(client.identity.find_users(query))
            found += client.identity.find_groups(query)
            log.debug("search %d results in %.3fs", len(found), time.monotonic() - started)
            return found

        def apply(found: list[User | Group]) -> None:
            if epoch == self._epoch:  # else the target changed: the form was emptied
                self._set_results(found)

        self._run(work, apply, key="search")

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
    def _change(self, work: Callable[[], Any], message: Callable[[Any], str], *,
                sharing: bool = False) -> None:
        """Run a change on the server, then reload the shares and links and say what happened.

        ``sharing``: the change gives access (a share, a link); a refusal
        then says in plain words that the user may not share the target.
        """
        epoch, path = self._epoch, self.path
        name = path.rstrip("/").rsplit("/", 1)[-1] or path

        def done(result: Any) -> None:
            if epoch == self._epoch:
                self._reload_sharing(message(result))
            else:  # the target changed meanwhile: say which item this was about
                self.banner.success(f"{name}: {message(result)}")

        def failed(exc: BaseException) -> None:
            if sharing and isinstance(exc, PermissionDenied):
                self.banner.error(f"Not shared: you may not share {name}. "
                                  "Ask its owner to share it.")
            else:
                self.banner.error(exc)

        self._run(work, done, on_error=failed, disable=self._form_buttons())

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
                     lambda _s: f"Shared with {grantee.label} as {role}", sharing=True)

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
            sharing=True,
        )

    @guarded
    def delete_link(self, link_id: str) -> None:
        """Delete a public link."""
        client = self._require_client()
        self._change(lambda: client.links.remove(link_id), lambda _n: "Public link deleted")

    def close(self) -> None:
        """Stop pending work (and the search timer), then close every widget of the dialog."""
        self._close_runner()
        close_owned(self)
