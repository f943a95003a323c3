"""The widgets know about notebooks on CS3: lock holder and expiry, links to open them."""

from __future__ import annotations

import re

from contents_support import notebook_bytes

from cs3widgets.client import CS3Client
from cs3widgets.client.models import Entry, EntryType
from cs3widgets.widgets import InfoPanel
from cs3widgets.widgets.base.formatting import local_time
from cs3widgets.widgets.panels.notebook_links import api_path, links_html, open_links

pytest_plugins = ["contents_fixtures"]


def _hrefs(html: str) -> list[str]:
    return re.findall(r"href='([^']*)'", html)


def test_info_panel_links_a_notebook_into_lab_and_notebook7(einstein, folder, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    rel = folder.rsplit("/", 1)[-1]
    einstein.transfers.upload(notebook_bytes("1"), f"{folder}/my analysis.ipynb")
    einstein.transfers.upload(b"x", f"{folder}/data.csv")
    p = InfoPanel(f"{folder}/my analysis.ipynb", client=einstein, threaded=False)
    assert _hrefs(p.details.value) == [f"/lab/tree/{rel}/my%20analysis.ipynb",
                                       f"/notebooks/{rel}/my%20analysis.ipynb"]
    p.path = f"{folder}/data.csv"
    assert _hrefs(p.details.value) == []  # only notebooks open in a front end

    # A Jupyter server serving a subfolder; SWAN/JupyterHub's prefix.
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/einstein/")
    q = InfoPanel(f"{folder}/my analysis.ipynb", client=einstein, jupyter_root=folder,
                  threaded=False)
    assert _hrefs(q.details.value)[0] == "/user/einstein/lab/tree/my%20analysis.ipynb"
    outside = InfoPanel(f"{folder}/my analysis.ipynb", client=einstein,
                        jupyter_root=f"{folder}/elsewhere", threaded=False)
    assert _hrefs(outside.details.value) == []


def test_link_names_are_quoted_and_escaped():
    name = "x'><img src=cs3wx onerror=alert(1)>.ipynb"
    entry = Entry(path=f"/home/d/{name}", name=name, type=EntryType.FILE, size=1, mtime=None)
    html = links_html(entry, "/home", base="/")
    assert "<img" not in html and "'>" not in html.replace("rel='noopener'>", "")
    lab_url = open_links(entry, "/home", base="/")[0][1]
    assert lab_url.startswith("/lab/tree/d/x%27%3E%3Cimg")
    assert api_path("/home", "/home") is None and api_path("/homework/x", "/home") is None


def test_info_panel_shows_who_holds_the_edit_lock_and_until_when(
    einstein: CS3Client, marie: CS3Client, folder, make_cm, run
):
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("1"), path)
    share = einstein.shares.create(folder, "marie", "Editor")
    theirs = marie.shares.accept(share.id).path
    assert dict(InfoPanel(path, client=einstein, threaded=False).rows())["Lock"] == "not locked"

    cm = make_cm(einstein, folder)
    run(cm.get("n.ipynb"))  # einstein's Jupyter opens it for editing
    lock = einstein.locks.get_lock(path)
    seen = dict(InfoPanel(f"{theirs}/n.ipynb", client=marie, threaded=False).rows())["Lock"]
    assert seen == f"einstein until {local_time(lock.expires)}"
    cm.shutdown()
    after = InfoPanel(f"{theirs}/n.ipynb", client=marie, threaded=False)
    assert dict(after.rows())["Lock"] == "not locked"
