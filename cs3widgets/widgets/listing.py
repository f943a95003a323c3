"""The paged listing: one ``SelectMultiple`` showing one page of rows.

A folder of 100,000 entries keeps its rows as plain Python tuples; only the
current page (``page_size`` labels) is sent to the front end, and the same
few widgets are reused for every page and every folder. Option labels of a
``Select`` are plain text in the front end (never parsed as HTML), so a file
name with markup in it shows literally.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as w

from .formatting import esc

NBSP = "\u00a0"

#: Monospace rows, so that the padded columns line up.
_STYLE = (
    "<style>.cs3w-mono select, .cs3w-mono option, .cs3w-mono .cs3w-header "
    "{font-family: monospace; white-space: pre;}</style>"
)


def columns(*cells: tuple[str, int, str]) -> str:
    """Join ``(text, width, align)`` cells into one fixed-width line.

    Spaces become no-break spaces because browsers collapse ordinary spaces
    in ``<option>`` text.
    """
    parts = []
    for text, width, align in cells:
        if len(text) > width:
            text = text[: max(0, width - 1)] + "\u2026"
        parts.append(text.rjust(width) if align == "right" else text.ljust(width))
    return " ".join(parts).rstrip().replace(" ", NBSP)


class PagedListing(w.VBox):
    """A page of rows with Prev/Next; selection is a list of row keys."""

    def __init__(self, page_size: int = 200, visible_rows: int = 15, **kwargs: Any) -> None:
        self.page_size = page_size
        self.page = 0
        self._items: Sequence[Any] = []
        self._key: Callable[[Any], Hashable] = lambda item: item
        self._label: Callable[[Any], str] = str
        self._callbacks: list[Callable[[list[Hashable]], None]] = []
        self.header = w.HTML()
        self.select = w.SelectMultiple(options=[], rows=visible_rows,
                                       # stretched: 100% plus margins would overflow
                                       layout=w.Layout(width="auto", align_self="stretch"))
        self.prev_button = w.Button(description="\u25c0 Prev", layout=w.Layout(width="7em"))
        self.next_button = w.Button(description="Next \u25b6", layout=w.Layout(width="7em"))
        self.page_label = w.Label()
        self.empty_label = w.Label("")
        pager = w.HBox([self.prev_button, self.page_label, self.next_button])
        style = w.HTML(_STYLE)
        super().__init__([style, self.header, self.select, self.empty_label, pager], **kwargs)
        self.add_class("cs3w-mono")
        self._page_callbacks: list[Callable[[], None]] = []
        self.prev_button.on_click(lambda _b: self._turn(self.page - 1))
        self.next_button.on_click(lambda _b: self._turn(self.page + 1))
        self.select.observe(self._selection_changed, names="value")
        self._update_pager()

    # -- content ---------------------------------------------------------
    def set_header(self, text: str) -> None:
        """The column titles above the rows (plain text, escaped here)."""
        self.header.value = f"<div class='cs3w-header'>{esc(text)}</div>"

    def set_items(
        self,
        items: Sequence[Any],
        *,
        key: Callable[[Any], Hashable],
        label: Callable[[Any], str],
        keep_page: bool = False,
        empty_text: str = "(empty)",
    ) -> None:
        """Replace all rows; show the first page (or stay on the current one).

        ``items`` stay on the Python side; ``label(item)`` is computed only
        for the rows of the page shown, so 100,000 items cost one page of
        labels.
        """
        self._items = items
        self._key = key
        self._label = label
        self.empty_label.value = "" if len(items) else empty_text
        self.show_page(self.page if keep_page else 0)

    @property
    def items(self) -> Sequence[Any]:
        """All items (every page)."""
        return self._items

    @property
    def page_count(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-len(self._items) // self.page_size))

    def page_items(self) -> Sequence[Any]:
        """The items of the current page."""
        start = self.page * self.page_size
        return self._items[start:start + self.page_size]

    @property
    def labels(self) -> list[str]:
        """The labels shown on the current page."""
        return [lbl for lbl, _ in self.select.options]

    @property
    def page_keys(self) -> list[Hashable]:
        """The keys of the rows on the current page."""
        return [self._key(item) for item in self.page_items()]

    def show_page(self, page: int) -> None:
        """Show page ``page`` (clamped); one batched update of the Select."""
        self.page = min(max(0, page), self.page_count - 1)
        options = [(self._label(item), self._key(item)) for item in self.page_items()]
        with self.select.hold_sync():
            self.select.value = ()
            self.select.options = options
        self._update_pager()

    def _turn(self, page: int) -> None:
        self.show_page(page)
        for cb in list(self._page_callbacks):
            cb()

    def on_page(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the user turns the page (Prev/Next)."""
        self._page_callbacks.append(callback)

    def _update_pager(self) -> None:
        n = len(self._items)
        start = self.page * self.page_size
        with self.hold_sync():
            end = min(n, start + self.page_size)
            self.page_label.value = f"{start + 1:,}\u2013{end:,} of {n:,}" if n else "0 items"
            self.prev_button.disabled = self.page == 0
            self.next_button.disabled = self.page >= self.page_count - 1

    # -- selection -------------------------------------------------------
    @property
    def selected_keys(self) -> list[Hashable]:
        """Keys of the selected rows, in row order."""
        return list(self.select.value)

    def select_keys(self, keys: Sequence[Hashable]) -> None:
        """Select the rows of ``keys`` that are on the current page."""
        on_page = set(self.page_keys)
        self.select.value = tuple(k for k in keys if k in on_page)

    def find_page(self, key: Hashable) -> int | None:
        """The page that holds ``key``, if any."""
        for i, item in enumerate(self._items):
            if self._key(item) == key:
                return i // self.page_size
        return None

    def on_selection(self, callback: Callable[[list[Hashable]], None]) -> None:
        """Call ``callback(keys)`` whenever the selection changes."""
        self._callbacks.append(callback)

    def _selection_changed(self, _change: dict) -> None:
        keys = self.selected_keys
        for cb in self._callbacks:
            cb(keys)
