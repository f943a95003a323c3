"""The rows and layout helpers of the ShareDialog: one grantee, one public link."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from datetime import time as dtime
from typing import TYPE_CHECKING

import ipywidgets as w

from ...client.models import PublicLink, Share
from ...client.shares.roles import FOLDER_ONLY, ROLES
from ..base.formatting import esc, local_time, plain

if TYPE_CHECKING:
    from .dialog import ShareDialog


def expiry_datetime(day: date | None) -> datetime | None:
    """The end of ``day`` in the local time zone (links and shares expire then)."""
    if day is None:
        return None
    return datetime.combine(day, dtime(23, 59, 59)).astimezone()


def grow(basis: str, min_width: str | None = None) -> w.Layout:
    """A control that shares a wrapping row: starts at ``basis`` and grows/shrinks.

    The dialog often sits in a narrow side panel (~450px); fixed widths
    there are cut off, so every row wraps and its controls flex instead.
    """
    return w.Layout(flex=f"1 1 {basis}", width="auto", min_width=min_width or basis)


def full_width() -> w.Layout:
    """The column's whole width, margins included (``100%`` plus margins would overflow)."""
    return w.Layout(width="auto", align_self="stretch")


def wrap_row(children: Sequence[w.Widget], **layout: str) -> w.HBox:
    """An HBox whose children wrap onto the next line when the panel is narrow."""
    return w.HBox(list(children), layout=w.Layout(flex_flow="row wrap",
                                                  align_items="center", **layout))


def role_options(is_dir: bool) -> list[tuple[str, str]]:
    return [(f"{name} (folders)" if name in FOLDER_ONLY else name, name)
            for name in ROLES if is_dir or name not in FOLDER_ONLY]


class GranteeRow(w.HBox):
    """``[👤 Marie Curie (marie)] [Editor ▾] [Remove]`` for one share."""

    def __init__(self, dialog: ShareDialog, share: Share, role_options: list[tuple[str, str]]):
        self.share = share
        # The kind as an icon (as in the search results): a narrow panel has
        # no room for a column of "user"/"group".
        icon = "\U0001f465" if share.grantee.kind == "group" else "\U0001f464"
        label = plain(f"{icon} {share.grantee.label}")
        self.name = w.Label(value=label, layout=grow("10em"), tooltip=label)
        options = list(role_options)
        if share.role not in {v for _, v in options}:
            options.append((plain(share.role), share.role))  # "Custom" or a folder-only role
        self.role = w.Dropdown(options=options, value=share.role, layout=grow("8em"))
        self.expires = w.Label(value=local_time(share.expiration))
        self.remove = w.Button(description="Remove", icon="times", layout=w.Layout(width="auto"))
        super().__init__([self.name, self.role, self.expires, self.remove],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.role.observe(lambda c: dialog.change_role(share.id, c["new"]), names="value")
        self.remove.on_click(lambda _b: dialog.remove_share(share.id))


#: Shown instead of a link's address when no public base URL is configured.
NO_PUBLIC_URL = ("No web address to show: this site's public base URL is not configured "
                 "(CS3_PUBLIC_LINK_URL, or c.CS3Config.public_link_base_url).")


def link_anchor(link: PublicLink) -> str:
    """The link's full URL as a link that opens in a new tab, or why there is none."""
    if not link.url:
        return f"<i>{esc(NO_PUBLIC_URL)}</i>"
    url = esc(link.url)
    # Front ends style bare anchors in widgets as plain text: say it is a link.
    return (f"<a href='{url}' target='_blank' rel='noopener noreferrer' "
            "style='overflow-wrap:anywhere;text-decoration:underline;"
            f"color:var(--jp-content-link-color,#1a73e8)'>{url}</a>")


def link_place(link: PublicLink) -> str:
    """Where a link points, as a path; never an internal id."""
    return link.path or "(location not known)"


class LinkRow(w.VBox):
    """One public link: its URL as a link, the URL in a box to copy, and
    ``paper.txt · Viewer 🔒 · expires … [Delete]``."""

    def __init__(self, dialog: ShareDialog, link: PublicLink):
        self.link = link
        self.anchor = w.HTML(value=link_anchor(link))
        # A text box, because selecting text in one is how a person copies
        # without a clipboard API (core widgets have none); edits are undone.
        self.url = w.Text(value=link.url, layout=grow("14em", "10em"),
                          tooltip="Select and copy")
        self.url.observe(self._keep_url, names="value")
        if not link.url:
            self.url.layout.display = "none"
        lock = " \U0001f512" if link.password_protected else ""
        place = link_place(link)
        details = f"{place.rstrip('/').rsplit('/', 1)[-1] or place} \u00b7 {link.role}{lock}"
        if link.expiration:
            details += f" \u00b7 expires {local_time(link.expiration)}"
        if link.display_name and link.display_name != link.token:
            # Reva v1 names an unnamed link after its token: not worth repeating.
            details += f" \u00b7 {link.display_name}"
        self.details = w.Label(value=plain(details), tooltip=plain(place))
        self.delete = w.Button(description="Delete", icon="trash", layout=w.Layout(width="auto"))
        super().__init__([self.anchor, wrap_row([self.url, self.details, self.delete])])
        self.add_class("cs3w-link-row")
        self.delete.on_click(lambda _b: dialog.delete_link(link.id))

    def _keep_url(self, change: dict) -> None:
        if change["new"] != self.link.url:
            self.url.value = self.link.url


__all__ = [
    "NO_PUBLIC_URL",
    "GranteeRow",
    "LinkRow",
    "expiry_datetime",
    "full_width",
    "grow",
    "link_anchor",
    "link_place",
    "role_options",
    "wrap_row",
]
