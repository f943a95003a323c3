"""The compact listing sorts, filters and pages like the browser, building models last."""

from __future__ import annotations

import itertools

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.files import listing as listing_module
from cs3widgets.widgets.browser.my_files import arrange


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    base = f"/home/{unique}"
    einstein.files.mkdir(base)
    for name, size in [("b.csv", 5), ("A.txt", 50), (".hidden", 9), ("c.csv", 5), ("Ä.csv", 1)]:
        einstein.transfers.upload(b"x" * size, f"{base}/{name}")
    for name in ("zeta", "Alpha", ".git"):
        einstein.files.mkdir(f"{base}/{name}")
    return base


@pytest.mark.parametrize(
    ("sort_by", "descending", "pattern", "show_hidden"),
    list(itertools.product(("name", "size", "modified"), (False, True), ("", "csv", "*.c?v"),
                           (False, True))),
)
def test_arrange_matches_the_browser_order(
    einstein: CS3Client, folder: str, sort_by: str, descending: bool, pattern: str,
    show_hidden: bool,
) -> None:
    options = {"sort_by": sort_by, "descending": descending, "pattern": pattern,
               "show_hidden": show_hidden}
    expected = [e.name for e in arrange(einstein.files.list(folder), **options)]

    view = einstein.files.list_compact(folder).arrange(**options)

    assert view.names() == expected
    assert [e.name for e in view] == expected


def test_models_are_built_only_for_the_page(
    einstein: CS3Client, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = listing_module.entry_from_info

    def counting(info: object) -> object:
        entry = real(info)  # type: ignore[arg-type]
        built.append(entry.name)
        return entry

    monkeypatch.setattr(listing_module, "entry_from_info", counting)
    calls_before = einstein.conn.calls["ListContainer"]

    listing = einstein.files.list_compact(folder)
    view = listing.arrange(sort_by="size", descending=True, show_hidden=True)
    page = view.page(1, 3)

    assert einstein.conn.calls["ListContainer"] - calls_before == 1
    assert len(listing) == 8 and len(view) == 8 and view.page_count(3) == 3
    assert [e.name for e in page] == built == view.names()[3:6]
    assert page[0].path == f"{folder}/{page[0].name}"
    assert listing.entry(0).permissions  # full models on request
