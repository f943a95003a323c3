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

import pytest
from browser.session import PAYLOAD, Session

pytestmark = pytest.mark.browser

MiB = 1 << 20


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(MiB):
            h.update(block)
    return h.hexdigest()


def _save(s: Session, name: str, saved_as: str, tmp_path: Path) -> Path:
    """Select ``name``, click Download, then the link; return the file Chromium saved."""
    s.select(name)
    s.button(s.browser, "Download").click()
    link = s.browser.locator("a.cs3w-download-link", has_text=f"Save {saved_as}")
    link.wait_for(timeout=180_000)
    # Where each front end serves the kernel's folder (the kernel found it alone).
    route = "/voila/files/cs3-downloads/" if s.kind == "voila" else "/files/cs3-downloads/"
    assert (link.get_attribute("href") or "").startswith(route)
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
    assert _sha(saved) == hashlib.sha256(big).hexdigest()
    buf = io.BytesIO()
    s.einstein.transfers.download(f"{folder}/big.bin", buf)
    assert hashlib.sha256(buf.getvalue()).hexdigest() == _sha(saved)

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
