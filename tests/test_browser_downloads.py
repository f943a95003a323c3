"""Downloads to the user's computer, through the page, in JupyterLab 4 and Voilà.

The user selects a row, clicks Download (the kernel streams the file, or the
folder's zip, into the download folder the front end serves) and clicks the
link that appears; Chromium saves what the front end's server sends, which
the test compares with the bytes on the CS3 server.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.pages import VIEWPORT, PageWatch, open_notebook
from browser.servers import FrontendServer, isolated_jupyter_env
from browser.session import PAYLOAD, PAYLOAD_PROBE, STEP, Session, app_notebook, client_for
from contents_server import CS3FrontendServer

from cs3widgets.devserver import DEMO_USERS, RevadServer
from cs3widgets.devserver.datagen import sha256_file

pytestmark = pytest.mark.browser

MiB = 1 << 20


def _save(s: Session, name: str, saved_as: str, tmp_path: Path, route: str = "") -> Path:
    """Select ``name``, click Download, then the link; return the file Chromium saved."""
    s.select(name)
    s.button(s.browser, "Download").click()
    link = s.browser.locator("a.cs3w-download-link", has_text=f"Save {saved_as}")
    link.wait_for(timeout=180_000)
    # Where each front end serves the kernel's folder (the kernel found it alone).
    route = route or ("/voila/files/" if s.kind == "voila" else "/files/")
    assert (link.get_attribute("href") or "").startswith(route + "cs3-downloads/")
    with s.page.expect_download(timeout=180_000) as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == saved_as
    target = tmp_path / f"{uuid.uuid4().hex[:6]}-{saved_as}"
    download.save_as(target)
    return target


@pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)
def test_download_a_50_mb_file_and_a_folder_as_zip(app: Session, tmp_path: Path) -> None:
    s = app
    folder = f"/home/bdl-{s.kind}-{uuid.uuid4().hex[:6]}"
    big = os.urandom(50 * MiB)
    tree = {"top.csv": b"a,b\n1,2\n", "sub/deeper/data.bin": os.urandom(300_000),
            f"sub/{PAYLOAD}": b"not a script\n"}
    s.einstein.files.mkdir(f"{folder}/bundle/sub/deeper", parents=True)
    s.einstein.transfers.upload(big, f"{folder}/big.bin")
    for rel, content in tree.items():
        s.einstein.transfers.upload(content, f"{folder}/bundle/{rel}")
    s.go(folder, shows="big.bin")
    mark = s.watch.mark()

    saved = _save(s, "big.bin", "big.bin", tmp_path)
    assert saved.stat().st_size == len(big)
    assert sha256_file(saved) == hashlib.sha256(big).hexdigest()
    buf = io.BytesIO()
    s.einstein.transfers.download(f"{folder}/big.bin", buf)
    assert hashlib.sha256(buf.getvalue()).hexdigest() == sha256_file(saved)

    zipped = _save(s, "bundle", "bundle.zip", tmp_path)
    with zipfile.ZipFile(zipped) as zf:
        got = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    assert got == {f"bundle/{rel}": s.einstein.transfers.read_bytes(f"{folder}/bundle/{rel}")
                   for rel in tree}

    seen = s.watch.since(mark)
    assert seen.dialogs == [] and seen.page_errors == []
    # Only the page's own server was asked: no CS3 endpoint, no token in a URL.
    assert all(u.startswith(s.server.base) for u in seen.requests), seen.requests
    token = s.einstein.conn.token()
    assert not any(token[:40] in u for u in seen.requests)


def _download_in_own_page(chromium: Any, s: Session, name: str, tmp_path: Path,
                          route: str = "") -> tuple[Path, PageWatch]:
    """Open ``s.server``'s app notebook in a page of its own and download ``name``."""
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        s.page = context.new_page()
        s.page.set_default_timeout(STEP)
        s.watch.attach(s.page)
        open_notebook(s.page, s.server, "app.ipynb", ready=".cs3w-app .cs3w-browser")
        s.option(name).wait_for()
        saved = _save(s, name, name, tmp_path, route=route)
        assert s.watch.dialogs == [] and s.watch.page_errors == []
        return saved, s.watch
    finally:
        context.close()


class HubLikeLab(CS3FrontendServer):
    """JupyterLab behind a JupyterHub-style prefix, notebooks on CS3 (the demo's Lab)."""

    PREFIX = "/user/einstein/"

    def __init__(self, revad: RevadServer, root: str, home: Path) -> None:
        super().__init__("lab", revad, "einstein", root, home)
        self.env["JUPYTERHUB_SERVICE_PREFIX"] = self.PREFIX
        self.base += self.PREFIX.rstrip("/")

    def command(self) -> list[str]:
        return [*super().command(), f"--ServerApp.base_url={self.PREFIX}"]


def test_download_under_a_hub_prefix_with_notebooks_on_cs3(
    revad: RevadServer, chromium: Any, tmp_path: Path
) -> None:
    """SWAN-like: a /user/<name>/ prefix, and /files/ served by the CS3 contents manager."""
    einstein = client_for(revad, "einstein")
    root = f"/home/hub-{uuid.uuid4().hex[:6]}"
    data = os.urandom(3 * MiB)
    einstein.files.mkdir(f"{root}/data", parents=True)
    einstein.transfers.upload(data, f"{root}/data/run.bin")
    einstein.transfers.upload(nbformat.writes(app_notebook(f"{root}/data")).encode(),
                              f"{root}/app.ipynb")
    try:
        with HubLikeLab(revad, root, tmp_path / "hub") as server:
            saved, watch = _download_in_own_page(
                chromium, Session("lab", server, None, PageWatch(), f"{root}/data", einstein,
                                  revad), "run.bin", tmp_path, route="/user/einstein/files/")
            assert saved.read_bytes() == data
            assert all(u.startswith(server.base) for u in watch.requests)
    finally:
        einstein.close()


@pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)
def test_kernel_disk_picker_shows_a_hostile_local_name_as_text(app: Session) -> None:
    """ipyfilechooser would put the picked name into HTML as is; ours escapes it."""
    s = app
    local = s.server.root / PAYLOAD  # the kernel's working folder
    local.write_text("local\n")
    mark = s.watch.mark()
    try:
        s.button(s.browser, "Upload").click()
        s.button(s.browser, "Pick").click()  # opens the picker
        s.browser.locator("select option").filter(has_text=PAYLOAD).first.click()
        s.button(s.browser, "Pick").click()  # picks
        s.browser.locator("span").filter(has_text=PAYLOAD).first.wait_for()  # the label, as text
        s.page.wait_for_timeout(500)  # time for an injected <img> to fire, if any
        seen = s.watch.since(mark)
        assert seen.dialogs == [] and seen.page_errors == []
        assert not any(PAYLOAD_PROBE in u for u in seen.requests)
    finally:
        s.button(s.browser, "Upload").click()  # close the panel again
        local.unlink()


class OneNotebookVoila(FrontendServer):
    """``voila nb.ipynb``, as the demo serves the dashboard (the page is at ``/``)."""

    def command(self) -> list[str]:
        cmd = super().command()
        return [*cmd[:-1], str(self.root / "app.ipynb")]

    def notebook_url(self, name: str) -> str:
        return f"{self.base}/"

    def _probe_url(self) -> str:
        return f"{self.base}/voila/static/voila.js"  # no kernel started for the probe


def test_download_from_voila_serving_one_notebook(
    revad: RevadServer, chromium: Any, tmp_path: Path
) -> None:
    einstein = client_for(revad, "einstein")
    folder = f"/home/one-{uuid.uuid4().hex[:6]}"
    data = os.urandom(2 * MiB)
    einstein.files.mkdir(folder)
    einstein.transfers.upload(data, f"{folder}/result.bin")
    root = tmp_path / "root"
    root.mkdir()
    nbformat.write(app_notebook(folder), root / "app.ipynb")
    env = isolated_jupyter_env(tmp_path / "home")
    user = DEMO_USERS["einstein"]
    env.update(CS3_GATEWAY=revad.gateway, CS3_USER=user.username, CS3_PASSWORD=user.password)
    try:
        with OneNotebookVoila("voila", root, tmp_path / "home", env) as server:
            saved, _watch = _download_in_own_page(
                chromium, Session("voila", server, None, PageWatch(), folder, einstein, revad),
                "result.bin", tmp_path)
            assert saved.read_bytes() == data
    finally:
        einstein.close()
