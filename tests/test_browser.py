"""The widgets in a real browser: JupyterLab 4, Notebook 7, classic Notebook, Voilà.

One front-end server and one Chromium page per front end. A small notebook
shows ``CS3App`` on a folder prepared on the live revad; the tests then click
through it as a user would and check the server. Every test starts from the
same place (the notebook open, the browser showing that folder, nothing
selected) through the ``app`` fixture, and navigates itself to what it
needs, so each test passes alone (``pytest -k share``) and in any order. A
file whose name is an HTML/JS payload must show as text and run nothing: any page dialog, any
request for the payload's image, and any console or page error after it
appears fails the test. Screenshots of each front end go to a temporary
folder, and to ``docs/screenshots/<frontend>.png`` (the README shows them)
only with ``pytest --refresh-screenshots``: a test run leaves the tree clean.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.pages import VIEWPORT, PageWatch, open_notebook, tidy_for_screenshot
from browser.servers import FrontendServer, isolated_jupyter_env
from browser.session import PAYLOAD, PAYLOAD_PROBE, STEP, Session, client_for

pytestmark = pytest.mark.browser


def test_listing_renders_from_revad(app: Session) -> None:
    """The notebook runs and the browser lists the folder's real entries."""
    session = app
    session.option("readme.txt").wait_for()
    session.option("analysis").wait_for()
    names = {e.name for e in session.einstein.files.list(session.folder)}
    # Other browser tests of the session add their folders beside these.
    assert {"readme.txt", "analysis"} <= names
    # The path box shows where we are.
    path_box = session.browser.get_by_placeholder("/path/to/folder")
    assert path_box.input_value() == session.folder
    assert session.watch.dialogs == []


def test_click_navigates_into_folder(app: Session) -> None:
    """Ticking a folder and clicking Open shows that folder's entries."""
    session = app
    page = session.page
    session.select("analysis")
    session.button(session.browser, "Open").click()
    session.option("runs.csv").wait_for()
    path_box = session.browser.get_by_placeholder("/path/to/folder")
    page.wait_for_function(
        "([el, want]) => el.value === want",
        arg=[path_box.element_handle(), f"{session.folder}/analysis"],
    )
    assert session.option("readme.txt").count() == 0


def test_payload_name_is_text_and_runs_nothing(app: Session) -> None:
    """A file named ``<img src=… onerror=alert(1)>`` shows literally, everywhere."""
    session = app
    page = session.page
    mark = session.watch.mark()
    session.go(f"{session.folder}/analysis", shows=PAYLOAD)
    row = session.option(PAYLOAD)
    assert PAYLOAD in row.inner_text().replace("\u00a0", " ")
    # Selecting it puts its name into the info panel's HTML (escaped there).
    row.click()
    info = session.app.locator(".cs3w-info-panel")
    session.app.locator(".lm-TabBar-tab", has_text="Info").first.click()
    info.get_by_text(PAYLOAD).first.wait_for()
    page.wait_for_timeout(500)  # give an injected onerror handler time to fire
    assert page.locator(f"img[src*='{PAYLOAD_PROBE}']").count() == 0
    after = session.watch.since(mark)
    assert session.watch.dialogs == [], f"a script ran: {session.watch.dialogs}"
    assert not [u for u in session.watch.requests if PAYLOAD_PROBE in u]
    assert after.console_errors == [], after.console_errors
    assert after.page_errors == [], after.page_errors



def test_share_dialog_shares_with_marie(app: Session, screenshot_dir: Path) -> None:
    """The Share tab shares the folder shown with marie; the server agrees."""
    session = app
    page = session.page
    # A folder of this test's own, shared with nobody yet.
    folder = f"{session.folder}/to-share-{uuid.uuid4().hex[:6]}"
    session.einstein.files.mkdir(folder)
    session.einstein.transfers.upload(b"results\n", f"{folder}/results.csv")
    session.go(folder, shows="results.csv")
    # Nothing selected: the panels follow the folder shown.
    session.select_nothing()
    session.app.locator(".lm-TabBar-tab", has_text="Share").first.click()
    dialog = session.app.locator(".cs3w-share-dialog")
    dialog.locator("code", has_text=folder).wait_for()
    # The form opens once the folder's permissions are in (it resets per target).
    page.wait_for_function(
        "el => !el.disabled", arg=session.button(dialog, "Create link").element_handle())
    search = dialog.get_by_placeholder("Search users and groups\u2026")
    search.fill("marie")
    result = dialog.locator("select option", has_text="marie").first
    result.wait_for()
    result.click()
    session.button(dialog, "Share").click()
    # The banner's "Shared with Marie Curie …" ("Not shared with anyone yet" also
    # holds "shared with": get_by_text ignores case).
    dialog.get_by_text("Shared with Marie Curie", exact=False).first.wait_for()

    shares = session.einstein.shares.list(folder)
    assert [(s.grantee.name, s.role) for s in shares] == [("marie", "Viewer")]
    # marie sees it among the shares she received.
    with client_for(session.revad, "marie") as marie:
        received = {rs.share.id: rs for rs in marie.shares.received()}[shares[0].id]
    assert received.state == "pending"
    assert received.share.owner == "einstein"

    tidy_for_screenshot(page, session.kind)
    session.app.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"{session.kind}.png"))
    assert session.watch.dialogs == []


def test_payload_detector_catches_unescaped_html(
    chromium: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The XSS check above can fail: the same payload, unescaped, is caught."""
    base = tmp_path_factory.mktemp("detector")
    root = base / "root"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as w\n"
        f"bad = w.HTML({PAYLOAD!r})  # deliberately unescaped\n"
        "bad.add_class('unescaped')\nbad"
    )]
    nbformat.write(nb, root / "bad.ipynb")
    env = isolated_jupyter_env(base / "home")
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        with FrontendServer("voila", root, base / "home", env) as voila:
            page = context.new_page()
            watch = PageWatch()
            watch.attach(page)
            open_notebook(page, voila, "bad.ipynb", ready=".unescaped", timeout=STEP / 1000)
            page.wait_for_function("() => document.querySelector('.unescaped img') !== null")
            page.wait_for_timeout(500)
            assert watch.dialogs == ["alert: 1"]
            assert [u for u in watch.requests if PAYLOAD_PROBE in u]
    finally:
        context.close()
