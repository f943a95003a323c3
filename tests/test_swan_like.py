"""A SWAN-like session: the kernel's only credential is a token file that rotates.

As in SWAN: JupyterLab with core widgets only, the gateway set site-wide in a
Jupyter config file, and the user's token in a file (SWAN's
``oauth2:<token>:<endpoint>`` format) that a renewer rewrites while the
session runs. The site's tokens live only seconds, so the notebook's first
token expires during the test; the notebook must keep working with the
rotated one: the browser widget refreshes and a re-run cell lists the folder.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.pages import VIEWPORT, PageWatch, open_notebook
from browser.servers import FrontendServer, isolated_jupyter_env

from cs3widgets.client import BasicAuth, CS3Client, TokenAuth
from cs3widgets.client.errors import Unauthenticated
from cs3widgets.client.tokens import jwt_claims
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig

pytestmark = pytest.mark.browser

#: Seconds a token of this site lives: short, so the first one expires mid-test.
TOKEN_LIFETIME = 20
#: How often the renewer rewrites the file (SWAN renews well before expiry).
RENEW_EVERY = 5.0


def fresh_token(server: RevadServer) -> str:
    """A new token for einstein, by basic login (what SWAN's renewer obtains via OAuth)."""
    user = DEMO_USERS["einstein"]
    with CS3Client(server.gateway, BasicAuth(user.username, user.password)) as client:
        return client.conn.token()


def write_token_file(path: Path, token: str) -> None:
    """Write the file the way SWAN does: ``oauth2:<token>:<endpoint>``, replaced whole."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f"oauth2:{token}:auth.example.org\n")
    tmp.replace(path)


class Renewer(threading.Thread):
    """Rewrites the token file with a fresh token every few seconds until stopped."""

    def __init__(self, server: RevadServer, path: Path) -> None:
        super().__init__(daemon=True, name="swan-token-renewer")
        self.server, self.path = server, path
        self.stopped = threading.Event()
        self.rotations = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stopped.wait(RENEW_EVERY):
                write_token_file(self.path, fresh_token(self.server))
                self.rotations += 1
        except BaseException as exc:
            self.error = exc


@pytest.fixture()
def short_token_site(tmp_path: Path) -> Iterator[RevadServer]:
    """A revad whose tokens expire after TOKEN_LIFETIME seconds."""
    (tmp_path / "revad").mkdir()
    with RevadServer(SiteConfig(root=tmp_path / "revad", token_lifetime=TOKEN_LIFETIME)) as s:
        yield s


def test_notebook_survives_token_rotation(
    short_token_site: RevadServer, chromium: Any, tmp_path: Path
) -> None:
    server = short_token_site
    # No front-end extension of ours: only what JupyterLab and ipywidgets ship.
    labextensions = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    assert not [p for p in labextensions.iterdir() if "cs3" in p.name.lower()]

    with CS3Client(server.gateway, BasicAuth("einstein", DEMO_USERS["einstein"].password)) as me:
        folder = f"/home/swan-{uuid.uuid4().hex[:6]}"
        me.files.mkdir(folder)
        me.transfers.upload(b"before\n", f"{folder}/before.txt")

        token_file = tmp_path / "cernbox_oauth.token"
        first_token = fresh_token(server)
        first_expiry = jwt_claims(first_token)["exp"]
        write_token_file(token_file, first_token)

        root = tmp_path / "root"
        root.mkdir()
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells = [
            nbformat.v4.new_code_cell(
                f"from cs3widgets.widgets import Browser\n\nb = Browser({folder!r})\nb"
            ),
            nbformat.v4.new_code_cell(
                f"print('LISTING', sorted(e.name for e in b.client.files.list({folder!r})),"
                " b.client.auth.kind)"
            ),
        ]
        nbformat.write(nb, root / "swan.ipynb")

        home = tmp_path / "jupyter"
        env = isolated_jupyter_env(home)
        for var in [v for v in env if v.startswith("CS3_")]:
            del env[var]
        # The only CS3 settings: where SWAN keeps the token, and the site-wide gateway.
        env["CS3_SWAN_TOKEN_FILE"] = str(token_file)
        (home / "config" / "cs3widgets_config.json").write_text(
            json.dumps({"CS3Config": {"gateway": server.gateway}})
        )

        # The renewer rotates the file from the start, as SWAN's does: a
        # loaded machine may take longer than the first token's lifetime to
        # start JupyterLab, and the widget must follow the rotations anyway.
        renewer = Renewer(server, token_file)
        renewer.start()
        # The run's one Chromium (tests/browser/session.py): a second sync
        # Playwright cannot start in the same thread while it runs.
        with FrontendServer("lab", root, home, env) as lab:
            context = chromium.new_context(viewport=VIEWPORT)
            try:
                page = context.new_page()
                page.set_default_timeout(60_000)
                watch = PageWatch()
                watch.attach(page)
                open_notebook(page, lab, "swan.ipynb", ready=".cs3w-browser")
                rows = page.locator(".cs3w-browser .cs3w-table .cs3w-name")
                rows.filter(has_text="before.txt").wait_for()
                page.get_by_text("LISTING ['before.txt'] token-file").wait_for()

                # Partway through: a new file, and the first token dies.
                me.transfers.upload(b"after\n", f"{folder}/after.txt")
                time.sleep(max(0.0, first_expiry - time.time()) + 1.5)
                assert renewer.rotations >= 1 and renewer.error is None
                stale = CS3Client(server.gateway, TokenAuth(first_token))
                with stale, pytest.raises(Unauthenticated):
                    stale.files.list(folder)

                # The widget, refreshed after the first token died, lists the new file.
                page.locator(".cs3w-browser button[title='Reload from the server']").click()
                rows.filter(has_text="after.txt").wait_for()
                # A cell run again now goes through the rotated token too.
                page.evaluate(
                    "() => window.jupyterapp.commands.execute('notebook:run-all-cells')"
                )
                page.get_by_text(
                    re.compile(r"LISTING \['after\.txt', 'before\.txt'\] token-file")
                ).wait_for()
                assert watch.dialogs == [] and watch.page_errors == []
            finally:
                renewer.stopped.set()
                renewer.join(10)
                context.close()
    assert renewer.error is None
