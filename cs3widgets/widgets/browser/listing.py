"""The paged listing: a table (one ``GridBox``) showing one page of rows.

A folder of 100,000 entries keeps its rows as plain Python objects; only the
current page is put into widgets. The row widgets are made lazily, up to
one page's worth, and reused for every page, sort, filter and folder, so
paging, sorting and filtering create no widget model (see :mod:`.table`
for the table's parts and class names). Cell texts are ``Label`` values and
``Button`` descriptions, plain text in the front end (never parsed as
HTML), so a file name with markup in it shows literally.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as w

from .table import (
    CSS,
    LABEL_COLUMNS,
    ROW_HEIGHT,
    Column,
    Header,
    Row,
    SharedLooks,
    grid_template,
    set_class,
)

#: Rows per page. A row is 7 widget models, made once and drawn by the front
#: end. Measured for a 100,000-entry listing on a loaded 2-core machine, in
#: the same runs: JupyterLab drew the first page in 2.3-2.8 s with 50 rows
#: against 12.1 s with 200 (the former one-Select listing: 0.2 s), and the
#: next page in 0.3-0.6 s against 1.1 s (benchmarks/table_render_lab.py); the
#: kernel built the first page in 0.16 s against 1.4 s and turned the page in
#: 9 ms against 80 ms (benchmarks/table_page.py). 50 rows fill a screen.
DEFAULT_PAGE_SIZE = 50

#: Rows visible before the table scrolls.
VISIBLE_ROWS = 15


class PagedListing(w.VBox):
    """A table of one page of rows with Prev/Next; selection is a list of row keys.

    Rows are given as items plus ``key(item)`` (stable id), ``cells(item)``
    (one plain text per column) and the :class:`~.table.Column` list. A
    click on a name opens the row when ``opens(item)`` says so (callbacks of
    :meth:`on_open`), and otherwise selects that row alone; the checkboxes
    select several. A click on a sortable header calls :meth:`on_sort`'s
    callbacks; the owner sorts and calls :meth:`set_sort` to move the marker.
    """

    def __init__(self, page_size: int = DEFAULT_PAGE_SIZE, visible_rows: int = VISIBLE_ROWS,
                 **kwargs: Any) -> None:
        self.page_size = page_size
        self.page = 0
        self._items: Sequence[Any] = []
        self._key: Callable[[Any], Hashable] = lambda item: item
        self._cells: Callable[[Any], Sequence[str]] = lambda item: (str(item),)
        self._opens: Callable[[Any], bool] = lambda item: False
        self._columns: Sequence[Column] = LABEL_COLUMNS
        self._sort: tuple[str | None, bool] = (None, False)
        self._callbacks: list[Callable[[list[Hashable]], None]] = []
        self._page_callbacks: list[Callable[[], None]] = []
        self._open_callbacks: list[Callable[[Hashable], None]] = []
        self._sort_callbacks: list[Callable[[str], None]] = []
        self._selected: list[Hashable] = []
        self._shown: list[list[w.DOMWidget]] = []  # the cells of each row shown
        self._quiet = False  # set while the code (not the user) ticks checkboxes
        self._empty_text = ""
        self._busy = False

        # Every pooled widget, so that closing the listing closes them (shown or not).
        self._made: list[w.Widget] = []
        self._looks = SharedLooks()
        self._rows: list[Row] = []
        self.header = Header(self._looks, self._made, self._sorted)
        self.header.check_all.observe(self._check_all, names="value")
        self.table = w.GridBox(layout=w.Layout(
            grid_template_columns=grid_template(self._columns),
            grid_auto_rows=ROW_HEIGHT, align_items="stretch", width="auto",
            # Fits its rows; a full page scrolls under its sticky header.
            max_height=f"calc({visible_rows + 1} * {ROW_HEIGHT})", overflow="auto",
        ))
        self.table.add_class("cs3w-table")
        self.status = w.Label("")
        self.status.add_class("cs3w-status")
        self.prev_button = w.Button(description="\u25c0 Prev", layout=w.Layout(width="7em"))
        self.next_button = w.Button(description="Next \u25b6", layout=w.Layout(width="7em"))
        self.page_label = w.Label()
        pager = w.HBox([self.prev_button, self.page_label, self.next_button])
        super().__init__([w.HTML(CSS), self.table, self.status, pager], **kwargs)
        self.add_class("cs3w-listing")
        self.prev_button.on_click(lambda _b: self._turn(self.page - 1))
        self.next_button.on_click(lambda _b: self._turn(self.page + 1))
        self._update_pager()
        self._update_status()

    # -- content ---------------------------------------------------------
    def set_items(
        self,
        items: Sequence[Any],
        *,
        key: Callable[[Any], Hashable],
        cells: Callable[[Any], Sequence[str]] | None = None,
        columns: Sequence[Column] | None = None,
        opens: Callable[[Any], bool] | None = None,
        label: Callable[[Any], str] | None = None,
        keep_page: bool = False,
        empty_text: str = "(empty)",
    ) -> None:
        """Replace all rows; show the first page (or stay on the current one).

        ``items`` stay on the Python side; ``cells(item)`` is computed only
        for the rows of the page shown, so 100,000 items cost one page of
        cells. Without ``columns``, ``label(item)`` is the one column.
        """
        self._items = items
        self._key = key
        if cells is None:
            text = label or str
            self._cells = lambda item: (text(item),)
            self._columns = LABEL_COLUMNS
        else:
            self._cells = cells
            self._columns = tuple(columns or ())
        self._opens = opens or (lambda item: False)
        self._empty_text = empty_text
        self.table.layout.grid_template_columns = grid_template(self._columns)
        self.show_page(self.page if keep_page else 0)

    @property
    def items(self) -> Sequence[Any]:
        """All items (every page)."""
        return self._items

    @property
    def columns(self) -> Sequence[Column]:
        """The columns shown (the checkbox column not counted)."""
        return self._columns

    @property
    def page_count(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-len(self._items) // self.page_size))

    def page_items(self) -> Sequence[Any]:
        """The items of the current page."""
        start = self.page * self.page_size
        return self._items[start:start + self.page_size]

    @property
    def rows(self) -> list[Row]:
        """The rows shown on this page (their widgets: ``check``, ``name``, ``texts``)."""
        return self._rows[:len(self._shown)]

    @property
    def labels(self) -> list[str]:
        """The plain text of each row on the current page (its cells, space-separated)."""
        return [" ".join(t for t in self._cells(item) if t) for item in self.page_items()]

    @property
    def page_keys(self) -> list[Hashable]:
        """The keys of the rows on the current page."""
        return [self._key(item) for item in self.page_items()]

    def show_page(self, page: int) -> None:
        """Show page ``page`` (clamped) in the pooled row widgets; clears the selection."""
        self.page = min(max(0, page), self.page_count - 1)
        items = self.page_items()
        while len(self._rows) < len(items):  # lazily, up to one page; reused after
            self._rows.append(self._new_row())
        self._quiet = True
        try:
            self._shown = []
            for row, item in zip(self._rows, items, strict=False):
                cells = row.fill(self._key(item), item, self._cells(item), self._columns,
                                 self._opens(item))
                row.show_selected(False, cells)
                self._shown.append(cells)
            for row in self._rows[len(items):]:
                row.clear()
        finally:
            self._quiet = False
        self._render_grid()
        self._update_pager()
        self._update_status()
        self._set_selection([])

    def _new_row(self) -> Row:
        row = Row(len(self._rows), self._looks, self._made)
        row.check.observe(lambda _change, row=row: self._checked(row), names="value")
        row.name.on_click(lambda _b, row=row: self.click_name(row))
        return row

    def _render_grid(self) -> None:
        head = self.header.cells(self._columns, *self._sort)
        children = tuple(head + [cell for cells in self._shown for cell in cells])
        if children != self.table.children:
            self.table.children = children

    def set_sort(self, sort_by: str | None, descending: bool) -> None:
        """Mark the header of column ``sort_by`` with ▲ (or ▼ when ``descending``)."""
        self._sort = (sort_by, descending)
        self.header.cells(self._columns, sort_by, descending)

    def header_for(self, sort: str) -> w.Button:
        """The header button that sorts by ``sort`` (what a user clicks)."""
        return self.header.button_for(sort)

    def on_sort(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(sort_key)`` when the user clicks a sortable header."""
        self._sort_callbacks.append(callback)

    def _sorted(self, sort: str) -> None:
        for cb in list(self._sort_callbacks):
            cb(sort)

    def _turn(self, page: int) -> None:
        self.show_page(page)
        for cb in list(self._page_callbacks):
            cb()

    def turn_to(self, key: Hashable) -> bool:
        """Turn to the page holding ``key``, as the user would with Prev/Next.

        Returns whether a page holds it.
        """
        page = self.find_page(key)
        if page is None:
            return False
        if page != self.page:
            self._turn(page)
        return True

    def on_page(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the user turns the page (Prev/Next)."""
        self._page_callbacks.append(callback)

    def _update_pager(self) -> None:
        n = len(self._items)
        start = self.page * self.page_size
        end = min(n, start + self.page_size)
        single = self.page_count == 1
        self.page_label.value = f"{start + 1:,}\u2013{end:,} of {n:,}" if n else "0 items"
        for button, disabled in ((self.prev_button, self.page == 0),
                                 (self.next_button, self.page >= self.page_count - 1)):
            with button.hold_sync():
                button.disabled = disabled
                button.layout.display = "none" if single else None

    # -- busy and empty ----------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        """Dim the table and say "Loading…" while its rows load (or not)."""
        self._busy = busy
        set_class(self.table, "cs3w-busy", busy)
        self._update_status()

    @property
    def busy(self) -> bool:
        """Whether the table shows its rows are loading."""
        return self._busy

    def _update_status(self) -> None:
        text = "" if len(self._items) else self._empty_text
        if self._busy:
            text = "Loading\u2026"
        with self.status.hold_sync():
            self.status.value = text
            self.status.layout.display = None if text else "none"

    # -- opening -------------------------------------------------------------
    def on_open(self, callback: Callable[[Hashable], None]) -> None:
        """Call ``callback(key)`` when the user clicks the name of a row that opens."""
        self._open_callbacks.append(callback)

    def click_name(self, row: Row) -> None:
        """A click on ``row``'s name: open it (a folder), else select it alone."""
        if row.item is None:
            return
        if self._opens(row.item):
            for cb in list(self._open_callbacks):
                cb(row.key)
        else:
            self.select_keys([row.key])

    # -- selection -------------------------------------------------------
    @property
    def selected_keys(self) -> list[Hashable]:
        """Keys of the selected rows, in row order."""
        return list(self._selected)

    def select_keys(self, keys: Sequence[Hashable]) -> None:
        """Select the rows of ``keys`` that are on the current page (and no other)."""
        wanted = set(keys)
        self._set_selection([row.key for row in self.rows if row.key in wanted])

    def find_page(self, key: Hashable) -> int | None:
        """The page that holds ``key``, if any."""
        for i, item in enumerate(self._items):
            if self._key(item) == key:
                return i // self.page_size
        return None

    def on_selection(self, callback: Callable[[list[Hashable]], None]) -> None:
        """Call ``callback(keys)`` whenever the selection changes."""
        self._callbacks.append(callback)

    def _set_selection(self, keys: list[Hashable]) -> None:
        """Show ``keys`` (row order) as selected; tell the callbacks if that changed."""
        chosen = set(keys)
        self._quiet = True
        try:
            for row, cells in zip(self.rows, self._shown, strict=True):
                if (row.key in chosen) != row.selected:
                    row.show_selected(row.key in chosen, cells)
            rows = self.rows
            self.header.check_all.value = bool(rows) and len(chosen) == len(rows)
        finally:
            self._quiet = False
        if keys == self._selected:
            return
        self._selected = keys
        for cb in list(self._callbacks):
            cb(self.selected_keys)

    def _checked(self, row: Row) -> None:
        """A checkbox ticked or cleared in the front end."""
        if self._quiet or row.item is None:
            return
        chosen = set(self._selected)
        if row.check.value:
            chosen.add(row.key)
        else:
            chosen.discard(row.key)
        self._set_selection([r.key for r in self.rows if r.key in chosen])

    def _check_all(self, change: dict) -> None:
        if self._quiet:
            return
        self._set_selection([row.key for row in self.rows] if change["new"] else [])

    # -- closing ---------------------------------------------------------
    def close(self) -> None:
        """Close the table and every pooled widget (shown or not)."""
        self._callbacks.clear()
        self._open_callbacks.clear()
        self._sort_callbacks.clear()
        self._page_callbacks.clear()
        looks = getattr(self, "_looks", None)  # None: closed while being built
        for widget in getattr(self, "_made", []) + (looks.widgets if looks else []):
            widget.close()
        self._rows = []
        self._shown = []
        self._items = []
        super().close()


__all__ = ["DEFAULT_PAGE_SIZE", "VISIBLE_ROWS", "Column", "PagedListing"]
