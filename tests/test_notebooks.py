"""The gallery notebooks run top to bottom against a live, seeded revad.

Each notebook runs in a fresh kernel with nbclient (widget state not stored);
the connection reaches the kernel only through the environment, as it would
on a real site. The tests then check what the notebook did on the server and
what it printed.

The notebooks use a site of their own, seeded with the demo data: they share
and link einstein's files, which the session site's other tests must not see.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from browser.servers import isolated_jupyter_env
from nbclient import NotebookClient

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig
from cs3widgets.devserver.seed import SeededData, seed_demo

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
GALLERY = [
    "01-quickstart.ipynb",
    "02-sharing.ipynb",
    "03-kernel-access.ipynb",
    "04-public-links-and-federation.ipynb",
    "dashboard.ipynb",
]
CS3_ENV = ("CS3_GATEWAY", "CS3_AUTH", "CS3_USER", "CS3_PASSWORD", "CS3_TOKEN",
           "CS3_TOKEN_FILE", "CS3_HOME", "CS3_SWAN_TOKEN_FILE", "CS3_PEER_USER",
           "CS3_PEER_PASSWORD")
CELL_TIMEOUT = 120


def _client(server: RevadServer, username: str) -> CS3Client:
    user = DEMO_USERS[username]
    return CS3Client(server.gateway, BasicAuth(user.username, user.password))


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RevadServer, SeededData]]:
    """A revad of its own with the demo data (small large-folder: speed)."""
    server = RevadServer(SiteConfig(root=tmp_path_factory.mktemp("nb-revad")))
    server.start()
    try:
        yield server, seed_demo(server, large_folder_size=300)
    finally:
        server.stop()


def kernel_env(server: RevadServer, home: Path, username: str = "einstein") -> dict[str, str]:
    """Only configuration, as on a real site: gateway and the user's login."""
    env = isolated_jupyter_env(home)
    for var in CS3_ENV:
        env.pop(var, None)
    user = DEMO_USERS[username]
    env.update(CS3_GATEWAY=server.gateway, CS3_USER=user.username, CS3_PASSWORD=user.password)
    return env


def run_notebook(
    name: str, env: dict[str, str], workdir: Path, extra_cells: list[str] | None = None
) -> tuple[nbformat.NotebookNode, str]:
    """Run a gallery notebook (plus ``extra_cells``); return it and all its text output."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for source in extra_cells or []:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute(env=env)
    return nb, notebook_text(nb)


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """Every stream and text/plain output, in order.

    A line printed while a widget's background work sends an update can
    arrive as two stream outputs (the kernel flushes between the writes of
    one ``print``): stream text is joined as printed, not line by line.
    """
    text = ""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text += out.get("text", "")
            elif "data" in out and "text/plain" in out["data"]:
                text += "\n" + out["data"]["text/plain"] + "\n"
            assert out.get("output_type") != "error", out
        text += "\n"
    return text


def widget_views(nb: nbformat.NotebookNode) -> int:
    """How many widget views the notebook displayed."""
    return sum(
        1
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    )


def assert_no_widget_state(nb: nbformat.NotebookNode) -> None:
    """Widget state (which could hold a path or name) is not in the notebook."""
    assert "widgets" not in nb.metadata


# -- the committed files -----------------------------------------------------


@pytest.mark.parametrize("name", GALLERY)
def test_notebook_is_committed_clean(name: str) -> None:
    """Kernelspec set; no outputs, execution counts or widget state; as _build.py writes it."""
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert_no_widget_state(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    import importlib.util

    spec = importlib.util.spec_from_file_location("gallery_build", NOTEBOOKS / "_build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    expected = build.build(build.NOTEBOOKS[name])
    assert json.loads(nbformat.writes(expected)) == json.loads(path.read_text())


# -- running them ------------------------------------------------------------


def test_quickstart_connects_and_browses(demo_site: Any, tmp_path: Path) -> None:
    server, _data = demo_site
    nb, text = run_notebook("01-quickstart.ipynb", kernel_env(server, tmp_path), tmp_path)
    assert f"Connected to {server.gateway} as einstein" in text
    with _client(server, "einstein") as einstein:
        home = einstein.identity.home()
        listed = einstein.files.list(home)
    assert f"{len(listed)} entries in {home}" in text
    for entry in listed:
        if not entry.name.startswith("."):
            assert entry.name in text
    assert f"Showing: {home}" in text
    assert "'Data'" in text  # the browser's rows (Python side)
    assert widget_views(nb) == 2  # the browser and the account panel
    assert_no_widget_state(nb)


def test_sharing_share_accept_and_read(demo_site: Any, tmp_path: Path) -> None:
    server, _data = demo_site
    env = kernel_env(server, tmp_path)
    nb, text = run_notebook("02-sharing.ipynb", env, tmp_path)
    folder = "/home/gallery-shared-results"
    with _client(server, "einstein") as einstein, _client(server, "marie") as marie:
        shares = einstein.shares.list(folder)
        assert [(s.grantee.name, s.role) for s in shares] == [("marie", "Viewer")]
        received = marie.shares.get_received(shares[0].id)
        assert received.state == "accepted"
        assert marie.transfers.read_bytes(f"{received.path}/results.csv") == (
            b"mass,error\n125.10,0.14\n"
        )
    assert f"{folder} is shared with Marie Curie (marie) as Viewer" in text
    assert "marie reads results.csv:\nmass,error\n125.10,0.14" in text
    assert widget_views(nb) == 2  # the share dialog and marie's browser
    assert_no_widget_state(nb)
    # Runs again without failing: the share is reused, not duplicated.
    run_notebook("02-sharing.ipynb", env, tmp_path)
    with _client(server, "einstein") as einstein:
        assert len(einstein.shares.list(folder)) == 1


def test_kernel_access_pandas_and_plot(demo_site: Any, tmp_path: Path) -> None:
    server, data = demo_site
    _nb, text = run_notebook("03-kernel-access.ipynb", kernel_env(server, tmp_path), tmp_path)
    assert f"input: cs3:/{data.csv}" in text
    assert "200 rows, columns: run, time_s, energy_gev, counts" in text
    with _client(server, "einstein") as einstein:
        source = pd.read_csv(io.BytesIO(einstein.transfers.read_bytes(data.csv)))
        written = pd.read_csv(
            io.BytesIO(einstein.transfers.read_bytes("/home/Results/summary-by-run.csv"))
        )
        png = einstein.transfers.read_bytes("/home/Results/counts-vs-energy.png")
    expected = source.groupby("run")["counts"].sum()
    assert list(written["run"]) == list(expected.index)
    assert list(written["total_counts"]) == list(expected)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert "/home/Results/counts-vs-energy.png" in text


def test_public_links_and_no_federation(demo_site: Any, tmp_path: Path) -> None:
    server, _data = demo_site
    nb, text = run_notebook(
        "04-public-links-and-federation.ipynb", kernel_env(server, tmp_path), tmp_path,
        extra_cells=["print('PASSWORD-LEAK-CHECK', link_password)"],
    )
    folder = "/home/gallery-poster"
    with _client(server, "einstein") as einstein:
        links = einstein.links.list(folder)
    assert len(links) == 1 and links[0].password_protected and links[0].role == "Viewer"
    assert "password protected: True" in text
    assert "the reader sees: ['poster.txt']" in text
    assert "poster.txt says: Poster: the CS3 APIs in a notebook" in text
    assert "Federated sharing (OCM) is NOT enabled on this site" in text
    assert "Skipped: no federated sharing on this site." in text
    # The link password appears in no output of the notebook's own cells.
    password = text.split("PASSWORD-LEAK-CHECK ")[1].split()[0]
    assert len(password) >= 12 and text.count(password) == 1
    assert_no_widget_state(nb)


def test_federation_section_on_an_ocm_site(tmp_path: Path) -> None:
    """On a site with OCM on, the notebook makes an invitation instead."""
    site = SiteConfig(root=tmp_path / "ocm-site", name="ocm-site", ocm=True)
    (tmp_path / "ocm-site").mkdir()
    with RevadServer(site) as server:
        _nb, text = run_notebook(
            "04-public-links-and-federation.ipynb", kernel_env(server, tmp_path / "jh"),
            tmp_path,
        )
        invites = json.loads((site.root / "ocm-invites.json").read_text())
    assert "Federated sharing (OCM) is enabled on this site." in text
    assert "0 remote user(s) accepted your invitations" in text
    assert "NOT enabled" not in text
    assert "cs3widgets gallery" in json.dumps(invites)


def test_dashboard_analyses_saves_and_shares(demo_site: Any, tmp_path: Path) -> None:
    server, data = demo_site
    nb, text = run_notebook(
        "dashboard.ipynb", kernel_env(server, tmp_path), tmp_path,
        extra_cells=[
            "input_chooser.wait(), output_chooser.wait()  # they load in the background\n"
            "print('input:', input_chooser.selected)\n"
            "print('output:', output_chooser.selected_path)\n"
            "analyse_button.click()\n"
            "print('status:', status.value)\n"
            "browser.wait()\n"
            "print('browser:', sorted(e.name for e in browser.entries))"
        ],
    )
    assert f"input: {data.csv}" in text
    assert "output: /home/Results" in text
    summary_path = "/home/Results/measurements-summary.csv"
    assert f"Saved {summary_path}" in text and "shared it with marie" in text
    with _client(server, "einstein") as einstein, _client(server, "marie") as marie:
        source = pd.read_csv(io.BytesIO(einstein.transfers.read_bytes(data.csv)))
        summary = pd.read_csv(io.BytesIO(einstein.transfers.read_bytes(summary_path)))
        png = einstein.transfers.read_bytes("/home/Results/measurements-counts.png")
        shares = einstein.shares.list(summary_path)
        assert [(s.grantee.name, s.role) for s in shares] == [("marie", "Viewer")]
        assert marie.shares.get_received(shares[0].id).state == "pending"
    assert list(summary["total_counts"]) == list(source.groupby("run")["counts"].sum())
    assert png.startswith(b"\x89PNG")
    assert "'measurements-counts.png', 'measurements-summary.csv'" in text  # the Browser
    assert widget_views(nb) == 1
    assert_no_widget_state(nb)


#: Layout problems of the dashboard at the current width: horizontal overflow
#: of the page or the app, and buttons whose label does not fit.
_LAYOUT_PROBLEMS = """() => {
  const app = document.querySelector('.cs3w-dashboard');
  const problems = [];
  const doc = document.documentElement;
  for (const [what, el] of [['page', doc], ['app', app]]) {
    const [sw, cw] = [el.scrollWidth, el.clientWidth];
    if (sw > cw) problems.push(`${what} ${sw}>${cw}`);
  }
  for (const b of app.querySelectorAll('button')) {
    if (b.offsetParent === null) continue;  // not shown
    // A long file name may end in an ellipsis: its tooltip holds it whole.
    if (b.closest('.cs3w-name') && b.title === b.textContent.trim()) continue;
    if (b.scrollWidth > b.clientWidth) problems.push(`button "${b.textContent.trim()}" cut`);
  }
  return problems;
}"""
_VISIBLE_IMAGES = """() => [...document.querySelectorAll('.cs3w-dashboard img')]
  .filter(i => i.offsetParent !== null).map(i => i.naturalWidth)"""


def _box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


@pytest.mark.browser
def test_dashboard_in_voila(
    demo_site: Any, chromium: Any, tmp_path: Path, screenshot_dir: Path
) -> None:
    """The dashboard as a Voilà app in Chromium: one click analyses, saves and shares.

    Also: nothing is loaded from outside the machine (no CDN), no broken
    image before the first run, and the layout fits a phone (390 px: the
    pickers above the browser) and a desktop (1400 px: side by side) with no
    horizontal overflow and no cut button label.
    """
    from browser.pages import PageWatch, open_notebook
    from browser.servers import FrontendServer

    server, data = demo_site
    summary_path = "/home/Results/measurements-summary.csv"
    with _client(server, "einstein") as einstein:
        before = einstein.files.stat(summary_path).etag if einstein.files.exists(
            summary_path) else None
    root = tmp_path / "root"
    root.mkdir()
    (root / "dashboard.ipynb").write_bytes((NOTEBOOKS / "dashboard.ipynb").read_bytes())
    env = kernel_env(server, tmp_path / "jupyter")
    env["CS3_PEER_USER"] = "richard"
    # The session's Chromium (one Playwright per test process).
    with FrontendServer("voila", root, tmp_path / "jupyter", env) as voila:
        context = chromium.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            watch = PageWatch()
            watch.attach(page)
            open_notebook(page, voila, "dashboard.ipynb", ready=".cs3w-dashboard")
            page.locator("span", has_text=data.csv).first.wait_for()  # preselected input
            page.locator(".cs3w-dashboard .cs3w-browser").wait_for()
            assert page.evaluate(_VISIBLE_IMAGES) == []  # no broken image before a run
            page.locator("button", has_text="Analyse and share").click()
            page.get_by_text(f"Saved {summary_path}").wait_for()
            page.get_by_text("shared it with richard").wait_for()
            assert all(w > 0 for w in page.evaluate(_VISIBLE_IMAGES))  # the plot
            page.wait_for_timeout(500)  # the browser's refresh
            pickers = ".cs3w-dashboard .widget-vbox:has(> .widget-button, > .widget-hbox)"
            assert page.evaluate(_LAYOUT_PROBLEMS) == []
            side, picks = _box(page, ".cs3w-dashboard .cs3w-browser"), _box(page, pickers)
            assert side["x"] > picks["x"] + picks["width"] - 1  # side by side
            page.screenshot(path=str(screenshot_dir / "dashboard.png"))

            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(500)
            assert page.evaluate(_LAYOUT_PROBLEMS) == []
            side, picks = _box(page, ".cs3w-dashboard .cs3w-browser"), _box(page, pickers)
            assert side["y"] >= picks["y"] + picks["height"] - 1  # stacked
            # Not for the README: kept with the test's files, to look at.
            page.locator(".cs3w-dashboard").screenshot(path=str(tmp_path / "dashboard-390.png"))

            assert watch.dialogs == [] and watch.page_errors == []
            outside = [u for u in watch.requests
                       if not u.startswith((voila.base, "data:", "blob:"))]
            assert outside == []  # no CDN, nothing leaves the machine
        finally:
            context.close()
    with _client(server, "einstein") as einstein:
        after = einstein.files.stat(summary_path)
        grantees = {s.grantee.name for s in einstein.shares.list(summary_path)}
    assert after.etag != before
    assert "richard" in grantees
