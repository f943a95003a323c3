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

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.pages import (
    VIEWPORT,
    PageWatch,
    launch_chromium,
    open_notebook,
    tidy_for_screenshot,
)
from browser.servers import FRONTENDS, FrontendServer, isolated_jupyter_env
from playwright.sync_api import sync_playwright

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer

pytestmark = pytest.mark.browser


#: Short enough to fit the listing's name column untruncated. ``cs3wx`` is
#: the image URL a browser would request if it ever parsed this as HTML.
PAYLOAD = "<img src=cs3wx onerror=alert(1)>.txt"
PAYLOAD_PROBE = "cs3wx"

#: Seconds any single step may take in the page (kernel start included).
STEP = 60_000

CS3_ENV = ("CS3_GATEWAY", "CS3_AUTH", "CS3_USER", "CS3_PASSWORD", "CS3_TOKEN",
           "CS3_TOKEN_FILE", "CS3_HOME", "CS3_SWAN_TOKEN_FILE")


def client_for(server: RevadServer, username: str) -> CS3Client:
    """A client of the live revad, separate from the notebook's kernel."""
    user = DEMO_USERS[username]
    return CS3Client(server.gateway, BasicAuth(user.username, user.password))


def app_notebook(folder: str) -> nbformat.NotebookNode:
    """The notebook each front end opens: CS3App on ``folder``, env-configured."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from cs3widgets.widgets import CS3App\n\n"
            f"app = CS3App({folder!r})\n"
            "app"
        )
    ]
    return nb


@dataclass
class Session:
    """One front end, its page, and the folder it shows."""

    kind: str
    server: FrontendServer
    page: Any
    watch: PageWatch
    folder: str
    einstein: CS3Client
    revad: RevadServer
    #: Whether the notebook was opened in the page yet.
    opened: bool = False

    @property
    def app(self) -> Any:
        return self.page.locator(".cs3w-app")

    @property
    def browser(self) -> Any:
        return self.page.locator(".cs3w-app .cs3w-browser")

    def option(self, text: str) -> Any:
        """The listing row whose name is ``text`` (rows pad with no-break spaces)."""
        # Rows replace every space by a no-break space, which JS's \s matches.
        words = r"\s".join(re.escape(word) for word in text.split(" "))
        pattern = re.compile(r"(^|\s)" + words + r"(\s|$)")
        return self.browser.locator(".cs3w-mono select option").filter(has_text=pattern)

    def button(self, scope: Any, name: str) -> Any:
        """The button labelled exactly ``name`` (its icon's glyph is not part of the text)."""
        pattern = re.compile(r"^\s*" + re.escape(name) + r"\s*$")
        return scope.locator("button").filter(has_text=pattern)

    def go(self, path: str, shows: str) -> None:
        """Type ``path`` into the path box, press Enter, wait for the row ``shows``."""
        path_box = self.browser.get_by_placeholder("/path/to/folder")
        path_box.fill(path)
        path_box.press("Enter")
        self.page.wait_for_function(
            "([el, want]) => el.value === want", arg=[path_box.element_handle(), path]
        )
        self.option(shows).wait_for()

    def select_nothing(self) -> None:
        """Clear the listing's selection, as a user's click would."""
        self.browser.locator(".cs3w-mono select").evaluate(
            "el => { for (const o of el.options) o.selected = false;"
            " el.dispatchEvent(new Event('change', {bubbles: true})); }"
        )


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, once for the module."""
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module", params=FRONTENDS)
def session(
    request: pytest.FixtureRequest,
    revad: RevadServer,
    chromium: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Session]:
    """A front end showing CS3App on a fresh folder of einstein's, in one page."""
    kind = request.param
    base = tmp_path_factory.mktemp(f"frontend-{kind}")
    root = base / "root"
    root.mkdir()
    einstein = client_for(revad, "einstein")
    folder = f"/home/bt-{kind}-{uuid.uuid4().hex[:6]}"
    einstein.files.mkdir(f"{folder}/analysis", parents=True)
    einstein.transfers.upload(b"run,energy\n1,91.2\n", f"{folder}/analysis/runs.csv")
    einstein.transfers.upload(b"not a script\n", f"{folder}/analysis/{PAYLOAD}")
    einstein.transfers.upload(b"hello\n", f"{folder}/readme.txt")
    nbformat.write(app_notebook(folder), root / "app.ipynb")

    env = isolated_jupyter_env(base / "home")
    for var in CS3_ENV:
        env.pop(var, None)
    user = DEMO_USERS["einstein"]
    env.update(CS3_GATEWAY=revad.gateway, CS3_USER=user.username, CS3_PASSWORD=user.password)

    server = FrontendServer(kind, root, base / "home", env).start()
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(STEP)
    watch = PageWatch()
    watch.attach(page)
    try:
        yield Session(kind, server, page, watch, folder, einstein, revad)
    finally:
        context.close()
        server.stop()
        einstein.close()


@pytest.fixture()
def app(session: Session) -> Session:
    """The session's page with the notebook open (once), showing its folder, nothing selected."""
    if not session.opened:
        open_notebook(session.page, session.server, "app.ipynb",
                      ready=".cs3w-app .cs3w-browser", timeout=STEP / 1000)
        session.opened = True
        session.option("readme.txt").wait_for()
    session.go(session.folder, shows="readme.txt")
    session.select_nothing()
    return session


def test_listing_renders_from_revad(app: Session) -> None:
    """The notebook runs and the browser lists the folder's real entries."""
    session = app
    session.option("readme.txt").wait_for()
    session.option("analysis").wait_for()
    names = {e.name for e in session.einstein.files.list(session.folder)}
    assert names == {"readme.txt", "analysis"}
    # The path box shows where we are.
    path_box = session.browser.get_by_placeholder("/path/to/folder")
    assert path_box.input_value() == session.folder
    assert session.watch.dialogs == []


def test_click_navigates_into_folder(app: Session) -> None:
    """Selecting a folder and clicking Open shows that folder's entries."""
    session = app
    page = session.page
    session.option("analysis").click()
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
    search = dialog.get_by_placeholder("Search users and groups\u2026")
    search.fill("marie")
    result = dialog.locator("select option", has_text="marie").first
    result.wait_for()
    result.click()
    session.button(dialog, "Share").click()
    dialog.get_by_text("Shared with", exact=False).first.wait_for()

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
