"""The Share tab in a real browser (JupyterLab 4 and Voilà): the form belongs to
the item selected, and a public link shows its full web address.

Rows are reached only through the :class:`~browser.session.Session` helpers;
every test checks the server too.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser.session import PUBLIC_LINK_URL, Session

pytestmark = pytest.mark.browser

FRONT_ENDS = pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)


def _own_folder(session: Session, *names: str) -> str:
    """A fresh folder of this test's own holding ``names``, shown in the Browser."""
    folder = f"{session.folder}/share-{uuid.uuid4().hex[:6]}"
    session.einstein.files.mkdir(folder)
    for name in names:
        session.einstein.transfers.upload(f"{name}\n".encode(), f"{folder}/{name}")
    session.go(folder, shows=names[0])
    return folder


def _share_tab(session: Session, target: str) -> Any:
    """Open the Share tab and wait until its form is about ``target`` and usable."""
    session.app.locator(".lm-TabBar-tab", has_text="Share").first.click()
    dialog = session.app.locator(".cs3w-share-dialog")
    dialog.locator("code", has_text=target).wait_for()
    session.page.wait_for_function(
        "el => !el.disabled", arg=session.button(dialog, "Create link").element_handle())
    return dialog


@FRONT_ENDS
def test_share_form_empties_when_another_item_is_selected(app: Session) -> None:
    session = app
    folder = _own_folder(session, "first.txt", "second.txt")
    session.select("first.txt")
    dialog = _share_tab(session, f"{folder}/first.txt")
    search = dialog.get_by_placeholder("Search users and groups\u2026")
    search.fill("marie")
    result = dialog.locator(".cs3w-share-results option", has_text="marie").first
    result.wait_for()
    result.click()
    name = dialog.get_by_placeholder("optional name")
    name.fill("for the referees")

    session.select("second.txt")
    _share_tab(session, f"{folder}/second.txt")
    assert search.input_value() == ""
    assert dialog.locator(".cs3w-share-results option").count() == 0  # none to choose
    assert name.input_value() == ""
    # One click on Share now shares nothing: it asks for a person first.
    session.button(dialog, "Share").click()
    dialog.get_by_text("select one first", exact=False).wait_for()
    assert session.einstein.shares.list(f"{folder}/first.txt") == []
    assert session.einstein.shares.list(f"{folder}/second.txt") == []
    assert session.watch.dialogs == []


@FRONT_ENDS
def test_created_link_shows_its_full_url(app: Session) -> None:
    session = app
    folder = _own_folder(session, "report.txt")
    target = f"{folder}/report.txt"
    session.select("report.txt")
    dialog = _share_tab(session, target)
    session.button(dialog, "Create link").click()
    anchor = dialog.locator(f"a[href^='{PUBLIC_LINK_URL}/s/']")
    anchor.wait_for()

    (link,) = session.einstein.links.list(target)
    url = f"{PUBLIC_LINK_URL}/s/{link.token}"
    assert anchor.get_attribute("href") == url
    assert anchor.get_attribute("target") == "_blank"
    assert anchor.inner_text().strip() == url
    # The same URL in a box to select and copy.
    copy_box = dialog.locator(".cs3w-link-row input[type='text']")
    assert copy_box.input_value() == url
    assert session.watch.dialogs == []
