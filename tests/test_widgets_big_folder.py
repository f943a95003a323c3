"""Big folders: the listing is paged, so the number of widget models does not grow.

The entries are created directly on the revad's disk (the localhome layout
``data/home/data/<user>/...``): making them through the API would take minutes.
Reva's gateway caps a storage answer at 10 MB by default, too small for
100,000 entries (~29 MB); the test server raises it (tools/revad/main.go).
"""

from __future__ import annotations

import pytest
from widgets_support import live_models, names

from cs3widgets.client import CS3Client
from cs3widgets.widgets import Browser

#: Models one Browser may create, whatever the folder size (measured: 164).
MODEL_BOUND = 250
PAGE = 200


def _fill(revad, unique: str, count: int) -> str:
    folder = revad.site.root / "data" / "home" / "data" / "einstein" / unique
    folder.mkdir()
    for i in range(count):
        (folder / f"f{i:06d}.dat").touch()
    return f"/home/{unique}"


@pytest.fixture()
def small_browser_models(einstein: CS3Client, unique: str) -> int:
    """How many models a Browser on a 3-entry folder creates."""
    einstein.files.mkdir(f"/home/{unique}-small")
    for n in "abc":
        einstein.transfers.upload(b"x", f"/home/{unique}-small/{n}")
    before = live_models()
    Browser(f"/home/{unique}-small", client=einstein, threaded=False)
    return live_models() - before


def test_100000_entries_page_without_new_models(
    revad, login, unique: str, small_browser_models: int
) -> None:
    path = _fill(revad, unique, 100_000)
    # One ListContainer answer of ~29 MB: allow a loaded CI machine its time.
    einstein = login("einstein", deadline=180)
    before = live_models()
    b = Browser(path, client=einstein, threaded=False, page_size=PAGE)
    created = live_models() - before
    assert not b.banner.is_error, b.banner.message
    assert len(b.listing.items) == 100_000
    assert einstein.conn.calls["ListContainer"] == 1
    assert created <= MODEL_BOUND
    assert created == small_browser_models  # independent of the folder's size
    assert len(b.listing.select.options) == PAGE
    assert names(b)[0] == "f000000.dat" and b.listing.page_label.value == "1\u2013200 of 100,000"

    # Paging, sorting and filtering reuse the same widgets.
    steady = live_models()
    b.listing.next_button.click()
    assert names(b)[0] == "f000200.dat"
    b.listing.show_page(b.listing.page_count - 1)
    assert names(b)[-1] == "f099999.dat" and b.listing.next_button.disabled
    b.order_toggle.value = True
    assert names(b)[0] == "f099999.dat"
    b.filter_box.value = "f0123*"
    assert len(b.listing.items) == 100 and names(b)[0] == "f012399.dat"
    b.filter_box.value = ""
    b.select([f"{path}/f099999.dat"])
    assert b.selected == [f"{path}/f099999.dat"]
    assert live_models() == steady
