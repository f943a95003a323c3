"""The share form's state: empty for each new target, disabled where the user may not share.

A mixin of :class:`~.share_dialog.ShareDialog` (which builds the controls).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ...client.models import Entry
from ...client.shares.roles import role_from_flags
from ..base.formatting import esc
from ..base.messages import StatusBanner
from ..base.widget_tree import close_tree
from ..panels.facts import GRANTEES_SHOWN


def share_block_reason(entry: Entry) -> str:
    """Why the user may not share ``entry`` ("" when they may, or the server did not say).

    Read from the permissions the Stat gave (``add_grant``); this only
    greys the form out, it refuses nothing: the server decides each share.
    """
    if not entry.permissions or "add_grant" in entry.permissions:
        return ""
    kind = "folder" if entry.is_dir else "file"
    doing = {"Viewer": "view", "Editor": "edit", "Uploader": "upload to"}.get(
        role_from_flags(entry.permissions).name)
    if doing is None:
        return f"You may not share this {kind}. Ask its owner to share it."
    return f"You can {doing} this {kind} but not share it. Ask its owner to share it."


class ShareFormState:
    """Reset and enable/disable the dialog's form (see :meth:`reset_form`)."""

    # Built by the ShareDialog.
    path: str
    banner: StatusBanner
    runner: Any
    entry: Entry | None
    _epoch: int
    _resetting: bool
    _pending_query: str | None
    _results: dict[int, Any]
    search: w.Text
    results: w.Select
    role: w.Dropdown
    expiry: w.DatePicker
    share_button: w.Button
    grantees: w.VBox
    grantees_shown: int
    _grantee_rows: dict[str, Any]
    more_grantees: w.Button
    link_role: w.Dropdown
    link_password: w.Password
    link_expiry: w.DatePicker
    link_name: w.Text
    link_button: w.Button
    link_list: w.VBox
    remote_users: w.Dropdown
    ocm_role: w.Dropdown
    ocm_button: w.Button
    title: w.HTML
    notice: w.HTML
    hold_sync: Any

    def reset_form(self) -> None:
        """Empty the form for a new target: inputs, results, messages, rows shown.

        Runs at once when ``path`` changes, before the new target's facts
        arrive; the Share and Create link buttons stay disabled until they do.
        """
        self._epoch += 1
        self._pending_query = None  # a debounce timer still due finds nothing to send
        self._results = {}
        self.entry = None
        old = list(self.grantees.children) + list(self.link_list.children)
        self._resetting = True
        try:
            with self.hold_sync():
                self.search.value = ""
                self.results.options = []
                self.results.value = None
                self.role.value = "Viewer"
                self.expiry.value = None
                self.link_role.value = "Viewer"
                self.link_password.value = ""
                self.link_expiry.value = None
                self.link_name.value = ""
                self.ocm_role.value = "Viewer"
                self.remote_users.value = None
                self.title.value = (f"<h4>Share <code style='overflow-wrap:anywhere'>"
                                    f"{esc(self.path)}</code></h4>" if self.path else
                                    "<i>Select a file or folder to share.</i>")
                self.grantees.children = []
                self._grantee_rows = {}
                self.grantees_shown = GRANTEES_SHOWN
                self.more_grantees.layout.display = "none"
                self.link_list.children = []
                self._set_allowed(None)
        finally:
            self._resetting = False
        close_tree(old)
        self.banner.clear()

    def _form_inputs(self) -> list[w.Widget]:
        return [self.search, self.results, self.role, self.expiry, self.link_role,
                self.link_expiry, self.link_password, self.link_name, self.remote_users,
                self.ocm_role]

    def _form_buttons(self) -> list[w.Widget]:
        return [self.share_button, self.link_button, self.ocm_button]

    def _set_allowed(self, reason: str | None) -> None:
        """``None``: loading (buttons off); ``""``: the user may share; else why not."""
        for widget in self._form_inputs():
            self.runner.set_disabled(widget, bool(reason))
        for widget in self._form_buttons():
            self.runner.set_disabled(widget, reason is None or bool(reason))
        #: Why the form is disabled, in plain words ("" while it is not).
        self.disabled_reason = reason or ""
        self.notice.value = (f"<div class='cs3w-notice' style='font-style:italic;padding:2px 0'>"
                             f"{esc(reason)}</div>") if reason else ""
        self.notice.layout.display = None if reason else "none"


__all__ = ["ShareFormState", "share_block_reason"]
