"""The ShareDialog's federated (OCM) section: share with users at other sites.

Shown only where the site runs OCM (asked once per dialog). A mixin of
:class:`~.share_dialog.ShareDialog`, which owns the runner and the banner.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ...client.errors import CS3Error
from ...client.models import Entry, OCMShare, RemoteUser
from ..base.formatting import plain
from ..base.messages import StatusBanner, UserInputError, guarded, log
from ..base.widget_tree import close_tree
from .rows import grow, wrap_row


class FederatedSharing:
    """The "Other sites (federated)" part of the dialog."""

    banner: StatusBanner
    entry: Entry | None
    path: str
    _run: Any
    _require_client: Any
    hold_sync: Any

    def _build_federated(self) -> w.VBox:
        self._remote: dict[int, RemoteUser] = {}
        self.ocm_shares: list[OCMShare] = []
        self.ocm_enabled: bool | None = None
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
        self.ocm_button.on_click(lambda _b: self.share_remote())
        return self.ocm_section

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
                                  f" \u00b7 {s.role}"))
                    for s in self.ocm_shares
                ]
                self.ocm_section.layout.display = None
            close_tree(old)

        self._run(work, apply, key="ocm")

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


__all__ = ["FederatedSharing"]
