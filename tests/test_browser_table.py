"""The Browser's table in a real browser (JupyterLab 4 and Voilà).

A click on a folder's name opens it; a click on a column header sorts the
rows and a second click reverses them, with the direction marker moving;
the table is as tall as its rows. Rows are reached through the session's
helpers (tests/browser/session.py), which know the table's markup.
"""

from __future__ import annotations

import re
import uuid

import pytest
from browser.session import Session

pytestmark = pytest.mark.browser

FRONTS = pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)


@FRONTS
def test_click_on_a_folder_name_opens_it(app: Session) -> None:
    session = app
    session.open("analysis")
    session.option("runs.csv").wait_for()
    path_box = session.browser.get_by_placeholder("/path/to/folder")
    assert path_box.input_value() == f"{session.folder}/analysis"
    assert session.option("readme.txt").count() == 0
    cells = [t.strip() for t in session.row("runs.csv").all_inner_texts()]
    assert cells[1:4] == ["\U0001f4c4", "runs.csv", "18 B"]  # checkbox, icon, name, size
    # A file's name selects it (alone) instead: its checkbox is ticked.
    session.option("runs.csv").click()
    session.page.wait_for_function("el => el.checked",
                                   arg=session.checkbox("runs.csv").element_handle())
    assert session.watch.dialogs == []


@FRONTS
def test_header_click_sorts_and_reverses(app: Session) -> None:
    session = app
    # Beside the session's folder, whose listing other tests check.
    folder = f"{session.folder}-sort-{uuid.uuid4().hex[:6]}"
    session.einstein.files.mkdir(folder)
    for name, size in (("a.txt", 3), ("b.txt", 1), ("c.txt", 2)):
        session.einstein.transfers.upload(b"x" * size, f"{folder}/{name}")
    session.go(folder, shows="c.txt")
    assert session.names() == ["a.txt", "b.txt", "c.txt"]
    table = session.browser.locator(".cs3w-table")
    header = table.locator(".cs3w-th.cs3w-sortable")
    name_header = header.filter(has_text=re.compile(r"^\s*Name"))
    size_header = header.filter(has_text=re.compile(r"^\s*Size"))
    assert "\u25b2" in name_header.inner_text()  # sorted by name, ascending

    name_header.click()  # the same column again: reversed
    session.page.wait_for_function(
        "el => el.textContent.includes('\u25bc')", arg=name_header.element_handle())
    _wait_for_order(session, ["c.txt", "b.txt", "a.txt"])

    size_header.click()  # another column: ascending by it, the marker moves
    _wait_for_order(session, ["b.txt", "c.txt", "a.txt"])
    assert "\u25b2" in size_header.inner_text()
    assert not re.search("[\u25b2\u25bc]", name_header.inner_text())

    # The table fits its three rows (and its header): no tall empty box.
    row = session.option("a.txt").bounding_box()
    box = table.bounding_box()
    assert row and box and box["height"] < 5 * row["height"], (box, row)


def _wait_for_order(session: Session, names: list[str]) -> None:
    session.page.wait_for_function(
        "([table, want]) => Array.from(table.querySelectorAll('.cs3w-name'),"
        " b => b.textContent.trim()).join('/') === want",
        arg=[session.browser.locator(".cs3w-table").element_handle(), "/".join(names)],
    )
    assert session.names() == names
