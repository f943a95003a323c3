"""Downloads to the user's computer, driven from Python against the live revad.

The Browser streams a file (or a folder's zip) into a download folder the
front end serves and shows one link; these tests check the bytes on the
kernel's side against the server, what the widget state holds, memory,
cleanup and name clashes. The page side is in tests/test_browser_downloads.py.
"""

from __future__ import annotations

import html
import io
import json
import os
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from widgets_support import all_state_text

from cs3widgets.client import CS3Client
from cs3widgets.client.transfers.archive import write_zip
from cs3widgets.widgets import Browser
from cs3widgets.widgets.browser.downloads import BrowserDownloads, locate
from cs3widgets.widgets.browser.local_chooser import LocalChooser

MiB = 1 << 20
HOSTILE = "<img src=x onerror=alert(1)>.txt"


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"/home/dl-{unique}"
    einstein.files.mkdir(path)
    return path


@pytest.fixture()
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The download folder (as a front end would serve it at /srv/)."""
    where = tmp_path / "served"
    monkeypatch.setenv("CS3W_DOWNLOAD_DIR", str(where))
    monkeypatch.setenv("CS3W_DOWNLOAD_URL", "/srv/")
    return where


def _href(link_html: str) -> str:
    return html.unescape(link_html.split('href="', 1)[1].split('"', 1)[0])


def _local(served: Path, href: str) -> Path:
    """The file a link's URL names in the served folder."""
    assert href.startswith("/srv/")
    return served / unquote(href.removeprefix("/srv/").split("?", 1)[0])


def _download_selected(b: Browser, path: str) -> str:
    b.select([path])
    b.toolbar.download.click()  # one click: the download starts
    assert b.wait(300)
    assert not b.banner.is_error, b.banner.message
    return b.download_link.value


def test_file_lands_in_the_served_folder_and_the_link_names_it(
    einstein: CS3Client, folder: str, served: Path
) -> None:
    data = os.urandom(3 * MiB + 17)
    name = "run 1 <b>&é.bin"
    einstein.transfers.upload(data, f"{folder}/{name}")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    link = _download_selected(b, f"{folder}/{name}")
    href = _href(link)
    local = _local(served, href)
    assert local.read_bytes() == einstein.transfers.read_bytes(f"{folder}/{name}") == data
    assert local.name == name and local.parent.parent == served
    # One plain link, every part escaped; the name saved is the file's name.
    assert "<b>" not in link and "run 1 &lt;b&gt;&amp;é.bin" in link
    assert f'download="{html.escape(name, quote=True)}"' in link
    assert "%20" in href and "<" not in href
    row = b.transfers.rows[-1]
    assert row.state == "done" and row.done == len(data) and row.bar.value == 1.0
    # Neither the bytes nor any secret are in the widget state.
    state = all_state_text(b)
    assert data[:64].hex() not in state and data[-64:].hex() not in state
    token = einstein.conn.token()
    assert token not in state and token[:40] not in state
    assert "x-access-token" not in state.lower()
    b.close()
    assert not local.exists() and not served.exists()  # removed with the widget


def test_folder_arrives_as_a_zip_of_the_servers_files(
    einstein: CS3Client, folder: str, served: Path
) -> None:
    tree = {
        "top.txt": b"top\n",
        "a/one.csv": b"x,y\n1,2\n",
        "a/b/deep \u00e9.bin": os.urandom(200_000),
        "a/b/c/empty.dat": b"",
        f"a/{HOSTILE}": b"not a script",
    }
    root = f"{folder}/results"
    for rel, content in tree.items():
        einstein.files.mkdir(f"{root}/{rel.rsplit('/', 1)[0]}" if "/" in rel else root,
                             parents=True, exist_ok=True)
        einstein.transfers.upload(content, f"{root}/{rel}")
    einstein.files.mkdir(f"{root}/nothing here", parents=True)
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    link = _download_selected(b, root)
    local = _local(served, _href(link))
    assert local.name == "results.zip"
    with zipfile.ZipFile(local) as zf:
        assert zf.testzip() is None
        got = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        dirs = [i.filename for i in zf.infolist() if i.is_dir()]
    assert got == {f"results/{rel}": content for rel, content in tree.items()}
    for rel in tree:
        assert got[f"results/{rel}"] == einstein.transfers.read_bytes(f"{root}/{rel}")
    assert dirs == ["results/nothing here/"]
    assert b.transfers.rows[-1].state == "done"
    assert b.transfers.rows[-1].done == sum(len(c) for c in tree.values())
    b.close()


def test_several_items_arrive_as_one_zip(
    einstein: CS3Client, folder: str, served: Path
) -> None:
    einstein.files.mkdir(f"{folder}/sub/inner", parents=True)
    einstein.transfers.upload(b"one", f"{folder}/one.txt")
    einstein.transfers.upload(b"two", f"{folder}/two.txt")
    einstein.transfers.upload(b"deep", f"{folder}/sub/inner/deep.txt")
    einstein.transfers.upload(b"not chosen", f"{folder}/three.txt")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    b.select([f"{folder}/one.txt", f"{folder}/two.txt", f"{folder}/sub"])
    b.toolbar.download.click()
    assert b.wait(120) and not b.banner.is_error, b.banner.message
    base = folder.rsplit("/", 1)[-1]
    local = _local(served, _href(b.download_link.value))
    assert local.name == f"{base} (3 items).zip"
    with zipfile.ZipFile(local) as zf:
        got = {i.filename: zf.read(i) for i in zf.infolist()}
    assert got == {"one.txt": b"one", "two.txt": b"two", "sub/inner/deep.txt": b"deep"}
    b.close()


def test_memory_stays_flat_for_a_50_mb_file_and_its_folder_zip(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    data = os.urandom(50 * MiB)
    einstein.files.mkdir(f"{folder}/big")
    einstein.transfers.upload(data, f"{folder}/big/big.bin")
    entry = einstein.files.stat(f"{folder}/big/big.bin")
    downloads = BrowserDownloads(folder=str(tmp_path / "dl"), url="/dl/")
    tracemalloc.start()
    try:
        prepared = downloads.prepare(einstein, entry)
        _current, file_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        zipped = downloads.prepare(einstein, einstein.files.stat(f"{folder}/big"))
        _current, zip_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert prepared.size == len(data) and prepared.path.read_bytes() == data
    with zipfile.ZipFile(zipped.path) as zf:
        assert zf.read("big/big.bin") == data
    # 50 MB went through; the kernel's Python heap held a few MB at most.
    assert file_peak < 8 * MiB, file_peak
    assert zip_peak < 8 * MiB, zip_peak
    downloads.discard()


def test_same_name_twice_and_cleanup_of_old_downloads(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    einstein.transfers.upload(b"first", f"{folder}/same.txt")
    downloads = BrowserDownloads(folder=str(tmp_path / "dl"), url="/dl/", keep_seconds=60)
    first = downloads.prepare(einstein, einstein.files.stat(f"{folder}/same.txt"))
    einstein.transfers.upload(b"second", f"{folder}/same.txt")
    second = downloads.prepare(einstein, einstein.files.stat(f"{folder}/same.txt"))
    # Same name, each in a folder of its own: nothing was overwritten.
    assert first.path != second.path and first.url != second.url
    assert first.path.name == second.path.name == "same.txt"
    assert first.path.read_bytes() == b"first" and second.path.read_bytes() == b"second"

    # A download older than keep_seconds goes when the next one is prepared.
    old = time.time() - 120
    os.utime(first.path.parent, (old, old))
    stray = tmp_path / "dl" / "cs3w-dl-left-by-a-dead-kernel"
    stray.mkdir()
    os.utime(stray, (old, old))
    not_ours = tmp_path / "dl" / "someone else's"
    not_ours.mkdir()
    os.utime(not_ours, (old, old))
    third = downloads.prepare(einstein, einstein.files.stat(f"{folder}/same.txt"))
    assert not first.path.exists() and not stray.exists()
    assert second.path.exists() and third.path.exists() and not_ours.exists()
    downloads.discard()
    assert [p.name for p in (tmp_path / "dl").iterdir()] == ["someone else's"]
    not_ours.rmdir()


def test_a_failed_download_leaves_nothing(
    einstein: CS3Client, folder: str, served: Path
) -> None:
    einstein.transfers.upload(b"x", f"{folder}/gone.txt")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    einstein.files.delete(f"{folder}/gone.txt")  # the listing still shows it
    b.select([f"{folder}/gone.txt"])
    b.toolbar.download.click()
    assert b.wait(60)
    assert b.banner.is_error and b.download_link.value == ""
    assert b.transfers.rows[-1].state == "failed"
    assert not served.exists() or not any(served.rglob("*.txt"))
    b.close()


def test_zip64_headers_for_big_members() -> None:
    """Members at or past the threshold get ZIP64 headers (4 GiB in real use)."""

    class Stub:
        """Transfers/Files stand-ins: one folder with one file."""

        def __init__(self) -> None:
            self.files = self

        def walk(self, path: str):
            from cs3widgets.client.models import Entry, EntryType

            yield path, [], [Entry(f"{path}/f.bin", "f.bin", EntryType.FILE, 5, None)]

        def download(self, _src: str, out, progress=None) -> int:
            out.write(b"hello")
            return 5

    buf = io.BytesIO()
    write_zip(Stub(), "/home/x", buf, zip64_threshold=1)  # type: ignore[arg-type]
    raw = buf.getvalue()
    assert raw[:4] == b"PK\x03\x04"
    name_len, extra_len = struct.unpack("<HH", raw[26:30])
    extra = raw[30 + name_len: 30 + name_len + extra_len]
    assert struct.unpack("<H", extra[:2])[0] == 0x0001  # the ZIP64 extra field
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert zf.read("x/f.bin") == b"hello"


def test_folder_to_the_kernel_disk_as_a_zip(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    einstein.files.mkdir(f"{folder}/pack/in", parents=True)
    einstein.transfers.upload(b"inner", f"{folder}/pack/in/x.txt")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    b.download_to(tmp_path, paths=[f"{folder}/pack"])
    assert b.wait(60) and not b.banner.is_error
    with zipfile.ZipFile(tmp_path / "pack.zip") as zf:
        assert zf.read("pack/in/x.txt") == b"inner"
    before = (tmp_path / "pack.zip").read_bytes()
    b.download_to(tmp_path, paths=[f"{folder}/pack"])  # exists: refused, kept
    assert b.wait(60) and b.banner.is_error
    assert (tmp_path / "pack.zip").read_bytes() == before
    b.close()


# -- where the front end serves the download folder ---------------------------


def test_locate_in_each_front_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb_dir = tmp_path / "root" / "my notebooks"
    nb_dir.mkdir(parents=True)
    # Voilà serving a folder: the page's SCRIPT_NAME names the notebook.
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "VOILA_BASE_URL": "/user/ann/",
             "SCRIPT_NAME": "/user/ann/voila/render/my%20notebooks/dash.ipynb"}
    where = locate(voila, nb_dir)
    assert where.front_end == "voila" and where.folder == nb_dir / "cs3-downloads"
    assert where.url == "/user/ann/voila/files/my%20notebooks/cs3-downloads/"
    voila["SCRIPT_NAME"] = "/user/ann/voila/render/my notebooks/dash.ipynb"
    assert locate(voila, nb_dir).url == "/user/ann/voila/files/my%20notebooks/cs3-downloads/"
    # Voilà serving one notebook: its folder is Voilà's root.
    one = {"SERVER_SOFTWARE": "voila/0.5.13", "VOILA_BASE_URL": "/", "SCRIPT_NAME": "/"}
    assert locate(one, nb_dir).url == "/voila/files/cs3-downloads/"

    # jupyter_server: root_dir and base_url from the parent's runtime file.
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / f"jpserver-{os.getppid()}.json").write_text(json.dumps(
        {"base_url": "/lab-base/", "root_dir": str(tmp_path / "root"), "token": "SECRET"}))
    lab = {"JUPYTER_RUNTIME_DIR": str(runtime)}
    where = locate(lab, nb_dir)
    assert where.front_end == "jupyter" and where.query == "?download=1"
    assert where.url == "/lab-base/files/my%20notebooks/cs3-downloads/"
    assert "SECRET" not in repr(where)
    # A kernel started outside the server's root writes into the root.
    elsewhere = locate(lab, tmp_path)
    assert elsewhere.folder == tmp_path / "root" / "cs3-downloads"
    assert elsewhere.url == "/lab-base/files/cs3-downloads/"
    # JupyterHub (SWAN): the service prefix is the base URL.
    hub = {**lab, "JUPYTERHUB_SERVICE_PREFIX": "/user/ann"}
    assert locate(hub, nb_dir).url == "/user/ann/files/my%20notebooks/cs3-downloads/"
    # No server found: the kernel's folder is taken as the root.
    assert locate({}, nb_dir).url == "/files/cs3-downloads/"
    # An explicit setting wins.
    monkeypatch.setenv("CS3W_DOWNLOAD_DIR", str(tmp_path / "x"))
    monkeypatch.setenv("CS3W_DOWNLOAD_URL", "https://example.org/dl")
    configured = BrowserDownloads().location
    assert configured.front_end == "configured"
    assert configured.url == "https://example.org/dl/" and configured.folder == tmp_path / "x"


def test_the_local_disk_chooser_escapes_file_names(tmp_path: Path) -> None:
    (tmp_path / HOSTILE).write_text("x")
    chooser = LocalChooser(str(tmp_path), filename=HOSTILE)
    chooser._select.click()  # open the picker ...
    chooser._select.click()  # ... and pick, as a user would
    assert chooser.selected == str(tmp_path / HOSTILE)
    label = chooser._label.value
    assert "<img" not in label and "&lt;img src=x onerror=alert(1)&gt;.txt" in label
    chooser.reset()
    assert chooser._label.value == '<span style="color:black;">No selection</span>'
    chooser.set_title_text(HOSTILE)
    assert "<img" not in chooser.title


def test_voila_serves_the_download_folder_and_nothing_more() -> None:
    """The demo's (and README's) Voilà settings, as Voilà parses and applies them."""
    import re

    from voila.app import Voila

    from cs3widgets.devserver.demo import VOILA_ARGS

    app = Voila()
    app.parse_command_line(VOILA_ARGS)
    conf = app.config.VoilaConfiguration
    assert conf.template == "cs3w"

    def served(path: str) -> bool:  # Voilà's AllowListFileHandler rule
        return (any(re.fullmatch(p, path, re.IGNORECASE) for p in conf.file_allowlist)
                and not any(re.fullmatch(p, path, re.IGNORECASE) for p in conf.file_denylist))

    for ok in ("cs3-downloads/d1/x.py", "sub dir/cs3-downloads/dab/a b.zip",
               "cs3-downloads/d1/app.ipynb", "plot.png"):
        assert served(ok), ok
    for refused in ("app.ipynb", "tool.py", "sub/app.ipynb", "cs3-downloads/../app.ipynb",
                    "a/../cs3-downloads/d/x", "cs3-downloads/d/..", "cs3-downloads/",
                    "data.csv", "cs3-downloads-not/d/x.txt"):
        assert not served(refused), refused
