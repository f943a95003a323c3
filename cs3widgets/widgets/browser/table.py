"""The parts of the listing's table: column definitions, pooled rows, and its CSS.

The table is ONE ``GridBox``: the header cells and every row's cells are its
children, and ``grid_template_columns`` sizes the columns, so a header
always sits over its column and no name (an emoji, a very long one) can
shift the others. Cell texts are ``Label`` and ``Button`` descriptions:
plain text in the front end, never parsed as HTML.

Class names, stable for tests and for user CSS:

- ``cs3w-table``: the grid; ``cs3w-busy`` on it while its rows load;
- ``cs3w-th``: a header cell (``cs3w-sortable`` when a click sorts);
  ``cs3w-check-all``: the header's select-all checkbox;
- ``cs3w-cell`` and ``cs3w-row``: every body cell (the grid has no row
  element); ``cs3w-row-<i>``: every cell of the i-th row of the page
  (0-based); ``cs3w-odd``: cells of odd rows; ``cs3w-selected``: cells of
  selected rows;
- ``cs3w-check``: a row's checkbox; ``cs3w-name``: a row's name (a
  link-styled button; ``cs3w-dir`` when clicking it opens the row);
- ``cs3w-status``: the line that says "Loading…" or that there is nothing.

Widgets per row: one checkbox, one name button and one label per other
column; the rows share their layouts and styles, so a row costs that many
models and no more.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import LabelStyle

#: Marker after the title of the column the rows are sorted by.
ASCENDING, DESCENDING = "\u25b2", "\u25bc"

#: The checkbox column.
CHECK_WIDTH = "2.2em"

#: The rows' height; the table's maximum height is counted in it.
ROW_HEIGHT = "var(--jp-widgets-inline-height, 28px)"

CSS = """<style>
.cs3w-table { border: 1px solid var(--jp-border-color2, #e0e0e0); }
.cs3w-table.cs3w-busy { opacity: 0.45; pointer-events: none; }
.cs3w-table > .jupyter-widgets { margin: 0; min-width: 0; }
.cs3w-table > .cs3w-th {
  position: sticky; top: 0; z-index: 1; font-weight: 600; text-align: left;
  background: var(--jp-layout-color1, white); color: var(--jp-ui-font-color1, inherit);
  border-bottom: 1px solid var(--jp-border-color1, #bdbdbd); padding: 0 4px;
  height: 100%; box-shadow: none; cursor: default;
}
.cs3w-table > .cs3w-th:disabled { opacity: 1; }
.cs3w-table > .cs3w-th.cs3w-sortable { cursor: pointer; }
.cs3w-table > .cs3w-th.cs3w-sortable:hover { background: var(--jp-layout-color2, #eee); }
.cs3w-table > .cs3w-cell { padding: 0 4px; height: 100%; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
.cs3w-table > .cs3w-cell.cs3w-right, .cs3w-table > .cs3w-th.cs3w-right {
  text-align: right; justify-content: flex-end; }
.cs3w-table > .cs3w-odd { background: var(--jp-layout-color2, #f5f5f5); }
.cs3w-table > .cs3w-selected { background: rgba(33, 150, 243, 0.22); }
.cs3w-table > .cs3w-check, .cs3w-table > .cs3w-check-all { justify-content: center; }
.cs3w-table > .cs3w-check input, .cs3w-table > .cs3w-check-all input { margin: 0; }
.cs3w-table > .cs3w-name.jupyter-button {
  background: transparent; color: var(--jp-content-link-color, #1976d2);
  text-align: left; box-shadow: none; border: none;
}
.cs3w-table > .cs3w-name.cs3w-odd { background: var(--jp-layout-color2, #f5f5f5); }
.cs3w-table > .cs3w-name.cs3w-selected { background: rgba(33, 150, 243, 0.22); }
.cs3w-table > .cs3w-name.jupyter-button:hover,
.cs3w-table > .cs3w-name.jupyter-button:focus { text-decoration: underline; box-shadow: none; }
.cs3w-table > .cs3w-name.cs3w-dir { font-weight: 600; }
.cs3w-status { font-style: italic; color: var(--jp-ui-font-color2, #616161); }
</style>"""


@dataclass(frozen=True)
class Column:
    """One column of a view's table.

    ``width`` is a CSS grid track (``"6em"``, ``"minmax(8em, 1fr)"``, ``"max-content"``
    for texts of a fixed format, as wide as the front end's font draws them).
    ``kind``: ``"name"`` is the row's link-styled name (one per table; its
    full text is its tooltip); ``"icon"`` and ``"text"`` are labels.
    ``sort`` is the sort key a click on the header asks for (None: the
    header does not sort). ``tooltip``: show the cell's full text on hover.
    """

    title: str
    width: str = "auto"
    kind: Literal["name", "icon", "text"] = "text"
    align: Literal["left", "right"] = "left"
    sort: str | None = None
    tooltip: bool = False


#: What a listing shows when it is given labels rather than columns.
LABEL_COLUMNS = (Column("Name", "minmax(0, 1fr)", kind="name"),)


def grid_template(columns: Sequence[Column]) -> str:
    """The grid's ``grid_template_columns``: the checkbox, then every column."""
    return " ".join([CHECK_WIDTH, *(c.width for c in columns)])


class SharedLooks:
    """One layout and one style per cell type, shared by every pooled row."""

    def __init__(self) -> None:
        self.check_layout = w.Layout(width="auto", margin="0", height="100%")
        self.check_style = CheckboxStyle(description_width="0")
        self.name_layout = w.Layout(width="auto", margin="0", height="100%")
        self.name_style = w.ButtonStyle()
        self.text_layout = w.Layout(width="auto", margin="0", height="100%")
        self.text_style = LabelStyle()

    @property
    def widgets(self) -> list[w.Widget]:
        """Every model held here (to close them with the listing)."""
        return [self.check_layout, self.check_style, self.name_layout, self.name_style,
                self.text_layout, self.text_style]


def set_class(widget: w.DOMWidget, name: str, on: bool) -> None:
    """Add or remove one CSS class (no message when nothing changes)."""
    if on and name not in widget._dom_classes:
        widget.add_class(name)
    elif not on and name in widget._dom_classes:
        widget.remove_class(name)


class Row:
    """The widgets of one row of the page, made once and reused for any item."""

    def __init__(self, index: int, looks: SharedLooks, made: list[w.Widget]) -> None:
        self.index = index
        self.looks = looks
        self.made = made
        self.key: Hashable = None
        self.item: Any = None
        self.selected = False
        self.classes = ["cs3w-cell", "cs3w-row", f"cs3w-row-{index}"]
        self.classes += ["cs3w-odd"] if index % 2 else []
        self.check = w.Checkbox(value=False, indent=False, description="",
                                layout=looks.check_layout, style=looks.check_style)
        self.name = w.Button(description="", layout=looks.name_layout, style=looks.name_style)
        for widget, kind in ((self.check, "cs3w-check"), (self.name, "cs3w-name")):
            widget._dom_classes = (*self.classes, kind)
            made.append(widget)
        self.texts: list[w.Label] = []

    def _text(self, i: int) -> w.Label:
        while len(self.texts) <= i:  # a view with more columns than seen so far
            label = w.Label(layout=self.looks.text_layout, style=self.looks.text_style)
            label._dom_classes = tuple(self.classes)
            self.made.append(label)
            self.texts.append(label)
        return self.texts[i]

    def fill(self, key: Hashable, item: Any, texts: Sequence[str],
             columns: Sequence[Column], opens: bool) -> list[w.DOMWidget]:
        """Show ``item``; return the row's cells in column order (checkbox first)."""
        self.key, self.item = key, item
        cells: list[w.DOMWidget] = [self.check]
        n = 0
        for column, text in zip(columns, texts, strict=True):
            if column.kind == "name":
                with self.name.hold_sync():
                    self.name.description = text
                    self.name.tooltip = text or None
                    set_class(self.name, "cs3w-dir", opens)
                cells.append(self.name)
                continue
            label = self._text(n)
            n += 1
            with label.hold_sync():
                label.value = text
                label.tooltip = text if column.tooltip and text else None
                set_class(label, "cs3w-right", column.align == "right")
            cells.append(label)
        return cells

    def clear(self) -> None:
        """Forget the item (the row is not shown)."""
        self.key = self.item = None

    def show_selected(self, selected: bool, cells: Sequence[w.DOMWidget]) -> None:
        """Tick the checkbox and highlight the row's cells."""
        self.selected = selected
        self.check.value = selected
        for cell in cells:
            set_class(cell, "cs3w-selected", selected)


class Header:
    """The header row: a select-all checkbox and one button per column title."""

    def __init__(self, looks: SharedLooks, made: list[w.Widget],
                 on_sort: Callable[[str], None]) -> None:
        self.looks = looks
        self.made = made
        self.on_sort = on_sort
        self.check_all = w.Checkbox(value=False, indent=False, description="",
                                    tooltip="Select every row on this page",
                                    layout=looks.check_layout, style=looks.check_style)
        self.check_all._dom_classes = ("cs3w-th", "cs3w-check-all")
        made.append(self.check_all)
        self.buttons: list[w.Button] = []
        self.columns: Sequence[Column] = ()

    def _button(self, i: int) -> w.Button:
        while len(self.buttons) <= i:
            button = w.Button(layout=self.looks.name_layout, style=self.looks.name_style)
            button._dom_classes = ("cs3w-th",)
            position = len(self.buttons)
            button.on_click(lambda _b, position=position: self._clicked(position))
            self.made.append(button)
            self.buttons.append(button)
        return self.buttons[i]

    def _clicked(self, i: int) -> None:
        sort = self.columns[i].sort if i < len(self.columns) else None
        if sort:
            self.on_sort(sort)

    def cells(self, columns: Sequence[Column], sort_by: str | None,
              descending: bool) -> list[w.DOMWidget]:
        """The header cells for ``columns``, the sorted one marked ▲ or ▼."""
        self.columns = columns
        cells: list[w.DOMWidget] = [self.check_all]
        for i, column in enumerate(columns):
            button = self._button(i)
            sorts = column.sort is not None
            marker = ""
            if sorts and column.sort == sort_by:
                marker = f" {DESCENDING if descending else ASCENDING}"
            with button.hold_sync():
                button.description = column.title + marker
                button.disabled = not sorts
                button.tooltip = f"Sort by {column.title.lower()}" if sorts else None
                set_class(button, "cs3w-sortable", sorts)
                set_class(button, "cs3w-right", column.align == "right")
            cells.append(button)
        return cells

    def button_for(self, sort: str) -> w.Button:
        """The header button that sorts by ``sort``."""
        for column, button in zip(self.columns, self.buttons, strict=False):
            if column.sort == sort:
                return button
        raise KeyError(sort)


__all__ = ["ASCENDING", "CSS", "DESCENDING", "LABEL_COLUMNS", "Column", "Header", "Row",
           "SharedLooks", "grid_template", "set_class"]
