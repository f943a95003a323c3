"""AccountPanel: who I am, my groups, my quota, and how I am connected.

It shows when the token expires, never the token itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import ipywidgets as w

from ...client.client import CS3Client
from ...client.errors import CS3Error
from ...client.models import Quota, User
from ..base.client_holder import ClientHolder
from ..base.formatting import html_table, human_size, local_time
from ..base.messages import StatusBanner, guarded, log
from ..base.runner import Runner
from ..base.widget_tree import close_owned


def auth_description(client: CS3Client) -> str:
    """How the client authenticates, e.g. ``basic (einstein)`` or ``token-file (/tmp/t)``."""
    auth = client.auth
    if auth is None:
        return "none"
    kind = getattr(auth, "kind", type(auth).__name__)
    hint = getattr(auth, "username_hint", None)
    if hint:
        return f"{kind} ({hint})"
    path = getattr(auth, "path", None)
    if path is not None and kind == "token-file":
        return f"{kind} ({path})"
    return str(kind)


def token_expiry(client: CS3Client) -> datetime | None:
    """When the current token expires (from its JWT ``exp``), if known."""
    auth = client.auth
    expires = getattr(auth, "expires_at", None) if auth is not None else None
    if not expires:
        return None
    return datetime.fromtimestamp(float(expires), tz=timezone.utc)


class AccountPanel(ClientHolder, w.VBox):
    """Display name, username, mail, identity provider, groups, quota bar,
    gateway, auth mode, token expiry, and a Reconnect button."""

    def __init__(self, client: CS3Client | None = None, *, threaded: bool = True,
                 runner: Runner | None = None, **kwargs: Any) -> None:
        self.banner = StatusBanner()
        self._init_runner(runner, threaded)
        self.user: User | None = None
        self.groups: list[str] = []
        self.quota: Quota | None = None
        self.details = w.HTML()
        self.quota_bar = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="Quota",
                                         layout=w.Layout(flex="1 1 14em", width="auto"))
        self.quota_label = w.Label()
        self.reconnect_button = w.Button(description="Reconnect", icon="plug",
                                         layout=w.Layout(width="9em"))
        super().__init__(**kwargs)
        self.children = [self.banner, self.busy, self.details,
                         w.HBox([self.quota_bar, self.quota_label],
                                layout=w.Layout(flex_flow="row wrap", align_items="center")),
                         self.reconnect_button]
        self.add_class("cs3w-account-panel")
        self.reconnect_button.on_click(lambda _b: self.reconnect())
        if not self._connect(client):
            return
        self.load()

    @guarded
    def load(self, *, refresh: bool = False, after: Callable[[], None] | None = None) -> None:
        """(Re)read the user, groups and quota (in the background); then ``after()``.

        Who I am is cached per client; ``refresh`` asks the server again.
        """
        client = self._require_client()

        def work() -> tuple[User, list[str], Quota | None]:
            user = client.identity.whoami(refresh=refresh)
            try:
                groups = list(user.groups) or client.identity.groups(user)
            except CS3Error as exc:
                log.debug("account panel groups: %s", exc)
                groups = []
            try:
                quota: Quota | None = client.identity.quota()
            except CS3Error as exc:
                log.debug("account panel quota: %s", exc)
                quota = None
            return user, groups, quota

        def apply(found: tuple[User, list[str], Quota | None]) -> None:
            self.user, self.groups, self.quota = found
            self._render()
            self.banner.clear()
            if after is not None:
                after()

        self._run(work, apply, key="load", disable=[self.reconnect_button])

    def rows(self) -> list[tuple[str, str]]:
        """The (field, value) pairs shown, as plain text."""
        client = self._require_client()
        u = self.user
        expiry = token_expiry(client)
        return [
            ("Name", u.display_name if u else ""),
            ("Username", u.username if u else ""),
            ("Mail", u.mail if u else ""),
            ("Identity provider", u.idp if u else ""),
            ("Groups", ", ".join(self.groups) or "\u2014"),
            ("Gateway", client.gateway),
            ("Authentication", auth_description(client)),
            ("Token expires", local_time(expiry, seconds=True) if expiry else "unknown"),
        ]

    def _render(self) -> None:
        q = self.quota
        with self.hold_sync():
            self.details.value = html_table(self.rows())
            if q is None:
                self.quota_bar.value = 0.0
                self.quota_label.value = "quota unknown"
            elif q.total:
                self.quota_bar.value = q.fraction
                self.quota_bar.bar_style = "danger" if q.fraction > 0.9 else ""
                self.quota_label.value = (
                    f"{human_size(q.used)} of {human_size(q.total)} ({100 * q.fraction:.1f}%)"
                )
            else:
                self.quota_bar.value = 0.0
                self.quota_label.value = f"{human_size(q.used)} used (no limit)"

    @guarded
    def reconnect(self) -> None:
        """Open a new channel, forget the token, log in again and reload."""
        client = self._require_client()
        client.conn.reconnect()
        if client.auth is not None:
            client.auth.invalidate()
        self.load(refresh=True, after=lambda: self.banner.success("Reconnected"))

    def close(self) -> None:
        """Close every widget of the panel and stop its work."""
        self._close_runner()
        close_owned(self)

    def __repr__(self) -> str:
        return f"AccountPanel(user={self.user.username if self.user else None!r})"
