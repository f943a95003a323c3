"""The browser-test session: one front end, one Chromium page, a folder of einstein's.

Every browser test module uses the ``app`` fixture from here, so each front
end's server starts once per test run (the ``session`` fixture is
session-scoped and parametrized over the front ends; a module may narrow it
with ``@pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)``).
Tests reach rows and buttons through :class:`Session`'s methods, so the
listing's markup is known in one place only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import nbformat
import pytest
from playwright.sync_api import sync_playwright

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer

from .pages import VIEWPORT, PageWatch, launch_chromium, open_notebook
from .servers import FRONTENDS, FrontendServer, isolated_jupyter_env

#: Short enough to fit the listing's name column untruncated. ``cs3wx`` is
#: the image URL a browser would request if it ever parsed this as HTML.
PAYLOAD = "<img src=cs3wx onerror=alert(1)>.txt"
PAYLOAD_PROBE = "cs3wx"

#: Milliseconds any single step may take in the page (kernel start included).
STEP = 60_000

CS3_ENV = ("CS3_GATEWAY", "CS3_AUTH", "CS3_USER", "CS3_PASSWORD", "CS3_TOKEN",
           "CS3_TOKEN_FILE", "CS3_HOME", "CS3_SWAN_TOKEN_FILE", "CS3_PUBLIC_LINK_URL")

#: The public base URL the notebook's kernel is configured with (links show under it).
PUBLIC_LINK_URL = "https://cernbox.example.org"


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
        """The name of the listing row named ``text`` (a link-styled button in the table).

        The table's markup (class names documented in ``cs3widgets/widgets/browser/table.py``):
        ``.cs3w-table`` holds every cell; a row's name is ``.cs3w-name`` (with
        ``.cs3w-dir`` when a click opens it) and its checkbox ``.cs3w-check``;
        all cells of the i-th row carry ``.cs3w-row-<i>``.
        """
        pattern = re.compile(r"^\s*" + re.escape(text) + r"\s*$")
        return self.browser.locator(".cs3w-table .cs3w-name").filter(has_text=pattern)

    def names(self) -> list[str]:
        """The names of the listing's rows, top to bottom."""
        return [t.strip() for t in
                self.browser.locator(".cs3w-table .cs3w-name").all_inner_texts()]

    def row(self, text: str) -> Any:
        """Every cell of the listing row named ``text``, left to right (its text: ``inner_text``
        of each, or ``all_inner_texts()``)."""
        classes = (self.option(text).get_attribute("class") or "").split()
        row = next(c for c in classes if re.fullmatch(r"cs3w-row-\d+", c))
        return self.browser.locator(f".cs3w-table .{row}")

    def checkbox(self, text: str) -> Any:
        """The checkbox of the listing row named ``text``."""
        return self.row(text).locator("input[type=checkbox]")

    def select(self, text: str) -> None:
        """Select the row named ``text`` alone, as a user would.

        A file: a click on its name. A folder (a click on its name opens it):
        clear the selection, then tick its checkbox.
        """
        name = self.option(text)
        if "cs3w-dir" in (name.get_attribute("class") or "").split():
            self.select_nothing()
            self.checkbox(text).check()
        else:
            name.click()
        self.page.wait_for_function("el => el.checked", arg=self.checkbox(text).element_handle())

    def open(self, text: str) -> None:
        """Open the folder row named ``text`` (a click on its name); wait for the path box."""
        path_box = self.browser.get_by_placeholder("/path/to/folder")
        self.option(text).click()
        self.page.wait_for_function(
            "([el, want]) => el.value.endsWith(want)", arg=[path_box.element_handle(), "/" + text]
        )

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
        """Clear the listing's selection, as a user would: untick every ticked row.

        Checked and clicked in one step in the page: a box the kernel unticks
        meanwhile (a page just shown clears its selection) is not ticked again.
        """
        table = self.browser.locator(".cs3w-table").element_handle()
        self.page.evaluate(
            "table => { for (const box of table.querySelectorAll("
            "'.cs3w-check input[type=checkbox]')) if (box.checked) box.click(); }", table)
        self.page.wait_for_function(
            "table => !table.querySelector('.cs3w-check input[type=checkbox]:checked')", arg=table)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, once for the run."""
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session", params=FRONTENDS)
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
    env.update(CS3_GATEWAY=revad.gateway, CS3_USER=user.username, CS3_PASSWORD=user.password,
               CS3_PUBLIC_LINK_URL=PUBLIC_LINK_URL)

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
