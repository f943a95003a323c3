"""What each Browser view lists, and how one row of it reads.

Labels are plain text (``Select`` option labels are never parsed as HTML);
:func:`~cs3widgets.widgets.formatting.plain` strips control characters from
server strings so a crafted name cannot disguise a row.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from ..client.models import Entry, PublicLink, ReceivedShare, RecycleItem, Share
from .formatting import (
    FILE_ICON,
    FOLDER_ICON,
    LINK_ICON,
    SHARED_ICON,
    human_size,
    local_time,
    plain,
)
from .formatting import icon_for as entry_icon
from .listing import columns

#: view id -> tab title.
VIEWS: dict[str, str] = {
    "files": "My files",
    "received": "Shared with me",
    "shared": "Shared by me",
    "links": "Public links",
    "trash": "Trash",
}

SORT_KEYS = ("name", "size", "modified")
RECEIVED_STATES = ("all", "pending", "accepted", "declined")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _aware(when: datetime | None) -> datetime:
    if when is None:
        return _EPOCH
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# -- My files ----------------------------------------------------------------
FILES_HEADER = columns(
    ("", 2, "left"), ("Name", 40, "left"), ("Size", 10, "right"),
    ("Modified", 16, "left"), ("Shared", 6, "left"),
)


def matches(name: str, pattern: str) -> bool:
    """Filter test: a glob when ``pattern`` has ``*?[``, else a case-blind substring."""
    pattern = pattern.strip()
    if not pattern:
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatch(name.casefold(), pattern.casefold())
    return pattern.casefold() in name.casefold()


def arrange(
    entries: Iterable[Entry],
    *,
    sort_by: str = "name",
    descending: bool = False,
    pattern: str = "",
    show_hidden: bool = False,
) -> list[Entry]:
    """Filter and sort a folder's entries; folders always come first."""
    if sort_by not in SORT_KEYS:
        raise ValueError(f"sort_by must be one of {SORT_KEYS}")
    kept = [e for e in entries if (show_hidden or not e.hidden) and matches(e.name, pattern)]
    if sort_by == "size":
        kept.sort(key=lambda e: (e.size, e.name.casefold()), reverse=descending)
    elif sort_by == "modified":
        kept.sort(key=lambda e: (_aware(e.mtime), e.name.casefold()), reverse=descending)
    else:
        kept.sort(key=lambda e: (e.name.casefold(), e.name), reverse=descending)
    # A stable sort on "is a file" keeps the order inside each group.
    kept.sort(key=lambda e: not e.is_dir)
    return kept


def entry_label(entry: Entry, shared: bool = False, linked: bool = False) -> str:
    """``📁 name   12.0 KB  2024-05-01 10:00  👥🔗``."""
    markers = (SHARED_ICON if shared else "") + (LINK_ICON if linked else "")
    return columns(
        (entry_icon(entry), 2, "left"),
        (plain(entry.name), 40, "left"),
        ("" if entry.is_dir else human_size(entry.size), 10, "right"),
        (local_time(entry.mtime), 16, "left"),
        (markers, 6, "left"),
    )


# -- Shared with me ----------------------------------------------------------
RECEIVED_HEADER = columns(
    ("State", 9, "left"), ("Name", 32, "left"), ("Owner", 20, "left"), ("Role", 9, "left"),
)


def received_label(rs: ReceivedShare) -> str:
    """``pending   results          einstein   Viewer``."""
    name = rs.name or rs.share.path or rs.share.id
    return columns(
        (rs.state, 9, "left"), (plain(name), 32, "left"),
        (plain(rs.share.owner or rs.share.creator), 20, "left"), (plain(rs.share.role), 9, "left"),
    )


def filter_received(
    shares: Sequence[ReceivedShare], state: str, pattern: str
) -> list[ReceivedShare]:
    """Received shares in ``state`` ("all" for every state) whose name matches."""
    return [
        rs for rs in shares
        if (state == "all" or rs.state == state) and matches(rs.name or rs.share.path, pattern)
    ]


# -- Shared by me ------------------------------------------------------------
SHARED_HEADER = columns(
    ("Path", 40, "left"), ("With", 28, "left"), ("Role", 9, "left"), ("Expires", 16, "left"),
)


def share_label(share: Share) -> str:
    """``/home/results   Marie Curie (marie)   Editor``."""
    kind = "\U0001f464" if share.grantee.kind == "user" else SHARED_ICON
    return columns(
        (plain(share.path or share.id), 40, "left"),
        (f"{kind} {plain(share.grantee.label)}", 28, "left"),
        (plain(share.role), 9, "left"),
        (local_time(share.expiration), 16, "left"),
    )


# -- Public links --------------------------------------------------------------
LINKS_HEADER = columns(
    ("Path", 36, "left"), ("Role", 9, "left"), ("Pwd", 3, "left"),
    ("Expires", 16, "left"), ("Name", 20, "left"),
)


def link_label(link: PublicLink) -> str:
    """``/home/data   Viewer  🔒  2025-01-01 00:00  my link``."""
    return columns(
        (plain(link.path or link.id), 36, "left"),
        (plain(link.role), 9, "left"),
        ("\U0001f512" if link.password_protected else "", 3, "left"),
        (local_time(link.expiration), 16, "left"),
        (plain(link.display_name if link.display_name != link.token else ""), 20, "left"),
    )


# -- Trash -------------------------------------------------------------------
TRASH_HEADER = columns(
    ("", 2, "left"), ("Original path", 48, "left"), ("Size", 10, "right"),
    ("Deleted", 16, "left"),
)


def trash_label(item: RecycleItem) -> str:
    """``📄 /home/old.txt   1.0 KB  2024-05-01 10:00``."""
    icon = FOLDER_ICON if item.type.value == "folder" else FILE_ICON
    return columns(
        (icon, 2, "left"), (plain(item.original_path), 48, "left"),
        ("" if item.type.value == "folder" else human_size(item.size), 10, "right"),
        (local_time(item.deleted), 16, "left"),
    )
