"""Text helpers for the widgets: human sizes, local times, HTML escaping.

Every string that came from the server goes through :func:`esc` before it
is put into an ``HTML`` widget. Option labels of ``Select`` widgets are plain
text in the front end, so they are built with :func:`plain` instead.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timezone

from ...client.models import Entry, EntryType

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")

#: Icons shown in the listing's first column.
FOLDER_ICON = "\U0001f4c1"
FILE_ICON = "\U0001f4c4"
LINK_ICON = "\U0001f517"
SHARED_ICON = "\U0001f465"
LOCK_ICON = "\U0001f512"
OTHER_ICON = "\u2754"


def esc(value: object) -> str:
    """``html.escape`` of ``str(value)``, quotes included (safe in attributes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def plain(value: object) -> str:
    """A one-line plain-text form of a server string for ``Select`` labels.

    Control characters (newlines, NUL, bidi overrides) are replaced so that a
    crafted name cannot break or disguise a listing row.
    """
    text = "" if value is None else str(value)
    return "".join(
        "\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def human_size(size: int | None) -> str:
    """``1536 -> "1.5 KB"`` (powers of 1024; bytes shown exactly)."""
    if size is None:
        return ""
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - loop always returns


def human_rate(bytes_per_second: float) -> str:
    """A transfer speed, e.g. ``"3.2 MB/s"``."""
    return f"{human_size(int(bytes_per_second))}/s"


def local_time(when: datetime | float | None, *, seconds: bool = False) -> str:
    """A timestamp in the kernel's local time zone, ``YYYY-MM-DD HH:MM``."""
    if when is None:
        return ""
    if isinstance(when, (int, float)):
        when = datetime.fromtimestamp(when, tz=timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return when.astimezone().strftime(fmt)


def icon_for(entry: Entry) -> str:
    """The icon of an entry's type."""
    if entry.type is EntryType.FOLDER:
        return FOLDER_ICON
    if entry.type is EntryType.FILE:
        return FILE_ICON
    if entry.type is EntryType.REFERENCE:
        return LINK_ICON
    return OTHER_ICON


def fit(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` characters (cut ends with ``…``)."""
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(0, width - 1)] + "\u2026"


def html_table(rows: Sequence[tuple[str, object]]) -> str:
    """A two-column key/value HTML table; every value is escaped here."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em;vertical-align:top'>{esc(k)}</th>"
        f"<td style='word-break:break-all'>{esc(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table class='cs3w-table'>{body}</table>"
