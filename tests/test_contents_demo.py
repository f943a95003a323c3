"""The demo keeps its notebooks on CS3: Lab serves them through the CS3 contents manager.

The demo runs as the README says (``python -m cs3widgets.devserver.demo``);
the test reads the gallery from Lab's contents API, saves a notebook there,
finds the new bytes on the demo's revad and the repository untouched.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat

from cs3widgets.client import BasicAuth, CS3Client

REPO = Path(__file__).resolve().parent.parent


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                          cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_demo_lab_opens_and_saves_the_gallery_on_cs3(tmp_path: Path) -> None:
    before = _git_status()
    log = tmp_path / "demo.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cs3widgets.devserver.demo", "--no-voila", "--lab-port", "0"],
            stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True, cwd=REPO,
        )
    try:
        deadline = time.monotonic() + 240
        text = ""
        while "Press Ctrl-C" not in text:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
            text = log.read_text()
        lab = re.search(r"Gallery \(JupyterLab\): (http://127\.0\.0\.1:\d+)/lab/tree/Gallery", text)
        gateway = re.search(r"CS3 gateway:\s+(127\.0\.0\.1:\d+)", text)
        assert lab and gateway, text
        base = lab.group(1)

        with httpx.Client(timeout=60) as http, \
                CS3Client(gateway.group(1), BasicAuth("einstein", "relativity")) as cs3:
            listing = http.get(f"{base}/api/contents/Gallery").json()
            names = {c["name"] for c in listing["content"]}
            repo_notebooks = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
            assert names == repo_notebooks
            name = sorted(names)[0]
            stored = cs3.transfers.read_bytes(f"/home/Gallery/{name}")
            assert stored == (REPO / "notebooks" / name).read_bytes()

            http.get(f"{base}/lab").raise_for_status()
            http.headers["X-XSRFToken"] = http.cookies["_xsrf"]
            model = http.get(f"{base}/api/contents/Gallery/{name}").json()
            model["content"]["cells"].append(nbformat.v4.new_markdown_cell("saved on CS3"))
            r = http.put(f"{base}/api/contents/Gallery/{name}",
                         json={"type": "notebook", "content": model["content"]})
            assert r.status_code == 200, r.text
            saved = nbformat.reads(
                cs3.transfers.read_bytes(f"/home/Gallery/{name}").decode(), as_version=4)
            assert saved.cells[-1].source == "saved on CS3"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert _git_status() == before  # the repository's notebooks were only read
