"""Notebooks on CS3 in a real browser: JupyterLab 4 and Notebook 7 on CS3ContentsManager.

einstein opens a notebook from the front end's own file browser, edits a
cell and saves; the new bytes are read back through the service layer.
marie, who has an Editor share of the folder, opens the same notebook in her
own Jupyter and is shown it read-only while einstein's lock is held.
einstein then reverts to the checkpoint, and the previous version is back
on the server.

Screenshots go to a temporary folder; with ``pytest --refresh-screenshots``
they replace ``docs/screenshots/contents-*.png``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser.pages import VIEWPORT
from contents_server import CS3FrontendServer
from contents_support import cell_source, notebook_bytes

from cs3widgets.client import CS3Client
from cs3widgets.devserver import RevadServer

pytestmark = pytest.mark.browser

STEP = 60_000

_KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _shot(page: Any, name: str, directory: Path) -> None:
    page.screenshot(path=str(directory / f"contents-{name}.png"))


def _open_from_file_browser(context: Any, kind: str, server: CS3FrontendServer,
                            name: str) -> Any:
    """Open ``name`` by double-clicking it in the front end's own file browser."""
    page = context.new_page()
    page.set_viewport_size(VIEWPORT)
    start = f"{server.base}/lab?reset" if kind == "lab" else f"{server.base}/tree"
    page.goto(start, wait_until="domcontentloaded", timeout=STEP)
    item = page.locator(".jp-DirListing-item", has_text=name)
    item.wait_for(state="visible", timeout=STEP)
    if kind == "lab":
        item.dblclick()
        opened = page
    else:  # Notebook 7 opens each notebook in a new browser tab
        with context.expect_page(timeout=STEP) as new_tab:
            item.dblclick()
        opened = new_tab.value
        opened.set_viewport_size(VIEWPORT)
    opened.wait_for_function(_KERNEL_IDLE, timeout=STEP, polling=300)
    return opened


def _open_by_url(context: Any, kind: str, server: CS3FrontendServer, name: str) -> Any:
    page = context.new_page()
    page.set_viewport_size(VIEWPORT)
    url = (f"{server.base}/lab/tree/{name}?reset" if kind == "lab"
           else f"{server.base}/notebooks/{name}")
    page.goto(url, wait_until="domcontentloaded", timeout=STEP)
    page.wait_for_function(_KERNEL_IDLE, timeout=STEP, polling=300)
    return page


def _run_command(page: Any, command: str) -> None:
    page.evaluate(f"() => {{ window.jupyterapp.commands.execute('{command}'); }}")


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_edit_save_lock_and_revert_on_cs3(
    kind: str, chromium: Any, revad: RevadServer, einstein: CS3Client, marie: CS3Client,
    unique: str, tmp_path: Path, screenshot_dir: Path,
) -> None:
    folder = f"{einstein.files.home()}/{unique}"
    einstein.files.mkdir(folder)
    path = f"{folder}/analysis.ipynb"
    einstein.transfers.upload(notebook_bytes("x = 1"), path)
    share = einstein.shares.create(folder, "marie", "Editor")
    theirs = marie.shares.accept(share.id).path

    mine = CS3FrontendServer(kind, revad, "einstein", folder, tmp_path / "einstein")
    hers = CS3FrontendServer(kind, revad, "marie", theirs, tmp_path / "marie")
    with mine, hers:
        context = chromium.new_context()
        try:
            page = _open_from_file_browser(context, kind, mine, "analysis.ipynb")
            lock = einstein.locks.get_lock(path)
            assert lock is not None and lock.holder == "einstein"

            # Edit the cell as a user would, then save (Ctrl+S).
            editor = page.locator(".jp-Cell .cm-content").first
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("x = 2  # edited in the browser")
            page.keyboard.press("Control+S")
            _wait_for(lambda: cell_source(einstein.transfers.read_bytes(path))
                      == "x = 2  # edited in the browser", "the save to reach CS3")
            _wait_for(lambda: len(einstein.files.versions(path)) >= 1, "a version")
            _shot(page, f"{kind}-einstein", screenshot_dir)

            # marie opens it in her own Jupyter: readable, shown read-only.
            other = _open_by_url(context, kind, hers, "analysis.ipynb")
            indicator = other.locator(".jp-ToolbarLabelComponent",
                                      has_text="notebook is read-only")
            indicator.wait_for(state="visible", timeout=STEP)
            assert "edited in the browser" in other.locator(".jp-Cell .cm-content").first \
                .inner_text()
            assert marie.locks.get_lock(f"{theirs}/analysis.ipynb").holder == "einstein"
            _shot(other, f"{kind}-marie-read-only", screenshot_dir)
            other.close()
            assert cell_source(einstein.transfers.read_bytes(path)) \
                == "x = 2  # edited in the browser"

            # Revert to checkpoint. The front end made one when it opened the
            # notebook and Ctrl+S one of the saved text; it lists them newest
            # first: the last is the text before the save, which comes back.
            page.bring_to_front()
            _run_command(page, "docmanager:restore-checkpoint")
            choose = page.locator(".jp-Dialog", has_text="Choose a checkpoint")
            choose.wait_for(state="visible", timeout=STEP)
            assert choose.locator("option").count() == 2
            choose.locator("select").select_option(index=1)
            choose.locator(".jp-Dialog-button.jp-mod-accept").click()
            confirm = page.locator(".jp-Dialog", has_text="Revert")
            confirm.wait_for(state="visible", timeout=STEP)
            confirm.locator(".jp-Dialog-button.jp-mod-accept").click()
            _wait_for(lambda: cell_source(einstein.transfers.read_bytes(path)) == "x = 1",
                      "the revert to reach CS3")
            page.locator(".jp-Cell .cm-content", has_text="x = 1").first.wait_for(
                state="visible", timeout=STEP)
        finally:
            context.close()
    assert einstein.locks.get_lock(path) is None  # the servers gave their locks back


def _panel_notebook(target: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        f"from cs3widgets.widgets import InfoPanel\nInfoPanel({target!r})")]
    return nbformat.writes(nb).encode()


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_info_panel_link_opens_the_cs3_notebook(
    kind: str, chromium: Any, revad: RevadServer, einstein: CS3Client, unique: str,
    tmp_path: Path, screenshot_dir: Path,
) -> None:
    folder = f"{einstein.files.home()}/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(notebook_bytes("opened = 'from the link'"),
                              f"{folder}/target.ipynb")
    einstein.transfers.upload(_panel_notebook(f"{folder}/target.ipynb"),
                              f"{folder}/panel.ipynb")
    # The server serves einstein's home, the panel's default Jupyter root.
    with CS3FrontendServer(kind, revad, "einstein", "", tmp_path / "einstein") as srv:
        context = chromium.new_context()
        try:
            page = _open_by_url(context, kind, srv, f"{unique}/panel.ipynb")
            _run_command(page, "notebook:run-all-cells")
            label = "Open in JupyterLab" if kind == "lab" else "Open in Notebook 7"
            link = page.locator(".cs3w-info-panel a", has_text=label)
            link.wait_for(state="visible", timeout=STEP)
            with context.expect_page(timeout=STEP) as new_tab:
                link.click()
            opened = new_tab.value
            opened.wait_for_function(_KERNEL_IDLE, timeout=STEP, polling=300)
            opened.locator(".jp-Cell .cm-content", has_text="from the link").first.wait_for(
                state="visible", timeout=STEP)
            assert f"/{unique}/target.ipynb" in opened.url
            _shot(opened, f"{kind}-opened-from-info-panel", screenshot_dir)
        finally:
            context.close()
