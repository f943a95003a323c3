"""The Browser's table driven from Python against the live revad.

Clicks are ``Button.click()`` and checkbox values set as the front end sets
them; the assertions read the widgets' state (what the front end renders)
and the Browser's traits.
"""

from __future__ import annotations

from unittest import mock

import ipywidgets as w
import pytest
from widgets_support import live_models, names

from cs3widgets.client import CS3Client
from cs3widgets.widgets import Browser
from cs3widgets.widgets.browser.table import CSS, Row


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    """A fresh folder in einstein's home: sub/ (with inner.txt), a.txt (3 B), b.txt (1 B)."""
    path = f"/home/{unique}"
    einstein.files.mkdir(f"{path}/sub", parents=True)
    einstein.transfers.upload(b"in", f"{path}/sub/inner.txt")
    einstein.transfers.upload(b"xxx", f"{path}/a.txt")
    einstein.transfers.upload(b"x", f"{path}/b.txt")
    return path


def row(b: Browser, name: str) -> Row:
    """The table row whose name button reads ``name``."""
    found = [r for r in b.listing.rows if r.name.description == name]
    assert len(found) == 1, [r.name.description for r in b.listing.rows]
    return found[0]


def cells_of(b: Browser, r: Row) -> list[w.DOMWidget]:
    """The grid cells of row ``r`` (the classes say which row a cell is in)."""
    return [c for c in b.listing.table.children if f"cs3w-row-{r.index}" in c._dom_classes]


def header_texts(b: Browser) -> list[str]:
    return [c.description for c in b.listing.table.children[1:len(b.listing.columns) + 1]]


def test_folder_name_opens_it_and_file_name_selects_the_file_alone(
    einstein: CS3Client, folder: str
) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    assert names(b) == ["sub", "a.txt", "b.txt"]
    assert "cs3w-dir" in row(b, "sub").name._dom_classes
    assert "cs3w-dir" not in row(b, "a.txt").name._dom_classes

    row(b, "a.txt").check.value = True
    row(b, "b.txt").name.click()  # a file's name: that file, alone
    assert b.selected == [f"{folder}/b.txt"]
    assert row(b, "b.txt").check.value and not row(b, "a.txt").check.value
    assert all("cs3w-selected" in c._dom_classes for c in cells_of(b, row(b, "b.txt")))
    assert not any("cs3w-selected" in c._dom_classes for c in cells_of(b, row(b, "a.txt")))

    row(b, "sub").name.click()  # a folder's name: open it
    assert b.wait(30) and not b.banner.is_error, b.banner.message
    assert b.path == f"{folder}/sub" and names(b) == ["inner.txt"] and b.selected == []
    assert b.breadcrumb.path_box.value == f"{folder}/sub"


def test_checkboxes_select_several_and_the_header_box_selects_the_page(
    einstein: CS3Client, folder: str
) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    seen: list[list[str]] = []
    b.register_callback(lambda br: seen.append(list(br.selected)))
    row(b, "b.txt").check.value = True
    row(b, "sub").check.value = True  # ticking a folder selects it (does not open it)
    assert b.path == folder
    assert b.selected == [f"{folder}/sub", f"{folder}/b.txt"]  # row order
    row(b, "sub").check.value = False
    assert b.selected == [f"{folder}/b.txt"] and seen[-1] == b.selected
    assert not b.listing.header.check_all.value

    b.listing.header.check_all.value = True
    assert b.selected == [f"{folder}/{n}" for n in ("sub", "a.txt", "b.txt")]
    assert all(r.check.value for r in b.listing.rows)
    b.listing.header.check_all.value = False
    assert b.selected == [] and not any(r.check.value for r in b.listing.rows)

    b.selected = [f"{folder}/a.txt", f"{folder}/sub"]  # from Python: the boxes follow
    assert [r.name.description for r in b.listing.rows if r.check.value] == ["sub", "a.txt"]
    # The selection drives the file actions: delete both, the server agrees.
    b.toolbar.delete.click()
    b.confirm.confirm.click()
    assert b.wait(30) and not b.banner.is_error, b.banner.message
    assert {e.name for e in einstein.files.list(folder)} == {"b.txt"}


def test_header_click_sorts_then_reverses_with_a_marker(einstein: CS3Client, folder: str) -> None:
    einstein.files.mkdir(f"{folder}/zdir")
    b = Browser(folder, client=einstein, threaded=False)
    assert header_texts(b) == ["", "Name \u25b2", "Size", "Modified", "Shared", "Locked"]
    assert names(b) == ["sub", "zdir", "a.txt", "b.txt"]

    b.listing.header_for("name").click()
    assert (b.sort_by, b.descending) == ("name", True)
    assert header_texts(b)[1] == "Name \u25bc"
    assert names(b) == ["zdir", "sub", "b.txt", "a.txt"]  # folders still first

    b.listing.header_for("size").click()  # another column: ascending by it
    assert (b.sort_by, b.descending) == ("size", False)
    assert header_texts(b)[1:3] == ["Name", "Size \u25b2"]
    assert names(b)[2:] == ["b.txt", "a.txt"]
    b.listing.header_for("size").click()
    assert header_texts(b)[2] == "Size \u25bc" and names(b)[2:] == ["a.txt", "b.txt"]

    b.sort_by = "modified"  # the traits move the marker too
    assert header_texts(b)[2:4] == ["Size", "Modified \u25bc"]
    # From a reversed column to another: one sort of the rows, not one per trait.
    with mock.patch.object(b.listing, "set_items", wraps=b.listing.set_items) as shown:
        b.listing.header_for("name").click()
    assert shown.call_count == 1 and (b.sort_by, b.descending) == ("name", False)
    assert names(b) == ["sub", "zdir", "a.txt", "b.txt"]
    # Columns without a sort key do not sort: disabled, no marker.
    shared = b.listing.table.children[5]
    assert shared.description == "Shared" and shared.disabled

    # Views whose order is their own have no sortable header.
    b.view = "trash"
    assert b.wait(30) and not b.banner.is_error, b.banner.message
    assert header_texts(b) == ["", "Original path", "Size", "Deleted"]
    assert all(c.disabled for c in b.listing.table.children[1:5])


def test_cells_line_up_and_names_are_whole_with_tooltips(
    einstein: CS3Client, folder: str
) -> None:
    long_name = "results-" + "x" * 180 + ".csv"
    party = "\U0001f389 party \u00e9t\u00e9.txt"
    markup = "<b onmouseover=alert(1)>bold<i>.txt"
    for name in (long_name, party, markup):
        einstein.transfers.upload(b"1", f"{folder}/{name}")
    b = Browser(folder, client=einstein, threaded=False)
    columns = len(b.listing.columns) + 1  # and the checkbox
    assert b.listing.table.layout.grid_template_columns == (
        "2.2em 1.8em minmax(6em, 1fr) max-content max-content max-content max-content")
    # One grid: the header and every row give exactly one cell per column.
    assert len(b.listing.table.children) == columns * (len(b.listing.rows) + 1)
    for name in (long_name, party, markup):
        r = row(b, name)  # the whole name, not cut in Python; the CSS cuts it
        assert r.name.tooltip == name
        assert len(cells_of(b, r)) == columns
        assert b.listing.labels[b.listing.page_keys.index(f"{folder}/{name}")].startswith(
            "\U0001f4c4 " + name)
    assert "text-overflow: ellipsis" in CSS and "white-space: nowrap" in CSS
    # Button descriptions are plain text in the front end: no HTML anywhere.
    assert not any(isinstance(c, w.HTML) for c in b.listing.table.children)


def test_empty_state_and_a_height_that_fits_the_rows(einstein: CS3Client, unique: str) -> None:
    empty = f"/home/{unique}-empty"
    einstein.files.mkdir(empty)
    b = Browser(empty, client=einstein, threaded=False)
    listing = b.listing
    assert listing.rows == [] and len(listing.table.children) == len(listing.columns) + 1
    assert listing.status.value == "This folder is empty"
    assert listing.status.layout.display is None
    # No fixed height: the grid grows with its rows up to a maximum, then scrolls.
    assert listing.table.layout.height is None and listing.table.layout.min_height is None
    assert listing.table.layout.max_height.startswith("calc(16 *")
    assert listing.table.layout.overflow == "auto"
    assert listing.prev_button.layout.display == "none"  # one page: no pager buttons

    einstein.transfers.upload(b"now", f"{empty}/one.txt")
    b.refresh()
    assert b.wait(30) and names(b) == ["one.txt"]
    assert listing.status.layout.display == "none"
    assert len(listing.table.children) == 2 * (len(listing.columns) + 1)


def test_busy_while_loading_and_after_an_error(einstein: CS3Client, folder: str) -> None:
    b = Browser(folder, client=einstein)  # threaded: the constructor returns at once
    assert b.listing.busy and "cs3w-busy" in b.listing.table._dom_classes
    assert b.listing.status.value == "Loading\u2026"
    assert b.wait(30) and names(b) == ["sub", "a.txt", "b.txt"]
    assert not b.listing.busy and "cs3w-busy" not in b.listing.table._dom_classes
    assert b.listing.status.layout.display == "none"

    b.path = f"{folder}/missing"
    assert b.listing.busy
    assert b.wait(30) and b.banner.is_error
    assert not b.listing.busy and "cs3w-busy" not in b.listing.table._dom_classes
    assert b.path == folder and names(b) == ["sub", "a.txt", "b.txt"]
    b.close()


def test_paging_sorting_filtering_and_folders_reuse_the_row_widgets(
    einstein: CS3Client, folder: str
) -> None:
    for i in range(5):
        einstein.transfers.upload(b"y" * i, f"{folder}/f{i}.dat")
    b = Browser(folder, client=einstein, threaded=False, page_size=3)
    # What other parts make lazily, once: every view's header, the breadcrumb's
    # button for a deeper folder.
    b.view = "trash"
    b.navigate(f"{folder}/sub")
    b.go_up()
    assert b.wait(30) and len(b.listing.items) == 8 and len(b.listing.rows) == 3
    row_widgets = [id(x) for r in b.listing.rows for x in (r.check, r.name, *r.texts)]
    before = live_models()  # len(ipywidgets.Widget.widgets), without its deprecation

    b.listing.next_button.click()
    assert names(b) == ["f0.dat", "f1.dat", "f2.dat"]
    b.listing.show_page(b.listing.page_count - 1)
    assert names(b) == ["f3.dat", "f4.dat"] and len(b.listing.rows) == 2
    b.listing.header_for("size").click()
    b.listing.header_for("size").click()
    assert names(b) == ["sub", "f4.dat", "f3.dat"]
    b.filter_box.value = "*.txt"
    assert names(b) == ["a.txt", "b.txt"]
    b.filter_box.value = ""
    row(b, "sub").name.click()
    assert b.wait(30) and names(b) == ["inner.txt"]
    b.go_up()
    assert b.wait(30) and len(b.listing.items) == 8

    assert live_models() == before  # no new model, whatever was shown
    assert [id(x) for r in b.listing.rows for x in (r.check, r.name, *r.texts)] == row_widgets
    b.close()
