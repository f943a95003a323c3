"""Jupyter's own contents API over HTTP, served by a real Jupyter server on CS3.

A JupyterLab server runs with ``CS3ContentsManager`` as einstein; the tests
call ``/api/contents`` (and ``/api/sessions``) as the front ends do and check
the bytes, versions, locks and trash on the live revad through the service
layer.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from contents_server import CS3FrontendServer
from contents_support import cell_source, notebook, notebook_bytes

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer

IDLE = 3.0


@pytest.fixture(scope="module")
def owner(revad: RevadServer) -> Iterator[CS3Client]:
    """einstein's service-layer client, separate from the server's."""
    u = DEMO_USERS["einstein"]
    with CS3Client(revad.gateway, BasicAuth(u.username, u.password)) as c:
        yield c


@pytest.fixture(scope="module")
def root(owner: CS3Client) -> str:
    path = f"{owner.files.home()}/http-{uuid.uuid4().hex[:8]}"
    owner.files.mkdir(path)
    return path


@pytest.fixture(scope="module")
def server(revad: RevadServer, root: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[CS3FrontendServer]:
    srv = CS3FrontendServer("lab", revad, "einstein", root, tmp_path_factory.mktemp("lab"),
                            lock_refresh_interval=0.5, lock_idle_timeout=IDLE)
    with srv:
        yield srv


def api_client(server: CS3FrontendServer) -> httpx.Client:
    """An HTTP client that passes Jupyter's XSRF check as a browser page does."""
    c = httpx.Client(timeout=60)
    c.get(f"{server.base}/lab").raise_for_status()
    c.headers["X-XSRFToken"] = c.cookies["_xsrf"]
    return c


@pytest.fixture()
def http(server: CS3FrontendServer) -> Iterator[httpx.Client]:
    c = api_client(server)
    yield c
    c.close()


def _message(resp: httpx.Response) -> str:
    body = resp.json()
    assert "relativity" not in resp.text  # never a password in an answer
    return body["message"]


def test_contents_api_round_trip(server, http, owner, root, unique):
    d = unique
    r = http.put(server.api(d), json={"type": "directory"})
    assert r.status_code == 201 and owner.files.stat(f"{root}/{d}").is_dir

    nb = notebook("print(1)")
    r = http.put(server.api(f"{d}/n.ipynb"), json={"type": "notebook", "content": nb})
    assert r.status_code == 201, r.text
    assert cell_source(owner.transfers.read_bytes(f"{root}/{d}/n.ipynb")) == "print(1)"
    assert r.headers["Location"].endswith(f"/api/contents/{d}/n.ipynb")

    got = http.get(server.api(f"{d}/n.ipynb")).json()
    assert got["type"] == "notebook" and got["content"]["cells"][0]["source"] == "print(1)"
    stat = owner.files.stat(f"{root}/{d}/n.ipynb")
    assert got["last_modified"] == stat.mtime.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert got["size"] == stat.size and got["writable"] is True

    r = http.put(server.api(f"{d}/t.txt"),
                 json={"type": "file", "format": "text", "content": "hello"})
    assert r.status_code == 201 and owner.transfers.read_bytes(f"{root}/{d}/t.txt") == b"hello"
    blob = b"\x00\x01\xfe"
    r = http.put(server.api(f"{d}/b.bin"), json={
        "type": "file", "format": "base64", "content": base64.b64encode(blob).decode()})
    assert r.status_code == 201 and owner.transfers.read_bytes(f"{root}/{d}/b.bin") == blob
    assert http.get(server.api(f"{d}/b.bin")).json()["format"] == "base64"
    assert http.get(server.api(f"{d}/t.txt"), params={"hash": 1}).json()["hash"]

    # Chunked upload, as Lab sends large files: nothing appears before the last part.
    for n, part in ((1, b"a" * 10), (2, b"b" * 10)):
        http.put(server.api(f"{d}/big.dat"), json={
            "type": "file", "format": "base64", "chunk": n,
            "content": base64.b64encode(part).decode()}).raise_for_status()
    assert not owner.files.exists(f"{root}/{d}/big.dat")
    http.put(server.api(f"{d}/big.dat"), json={
        "type": "file", "format": "base64", "chunk": -1,
        "content": base64.b64encode(b"c").decode()}).raise_for_status()
    assert owner.transfers.read_bytes(f"{root}/{d}/big.dat") == b"a" * 10 + b"b" * 10 + b"c"

    listing = http.get(server.api(d)).json()
    assert {c["name"] for c in listing["content"]} == {"n.ipynb", "t.txt", "b.bin", "big.dat"}

    r = http.post(server.api(d), json={"type": "notebook"})
    assert r.status_code == 201 and r.json()["path"] == f"{d}/Untitled.ipynb"
    assert owner.files.exists(f"{root}/{d}/Untitled.ipynb")
    r = http.post(server.api(d), json={"copy_from": f"{d}/n.ipynb"})
    assert r.status_code == 201 and r.json()["path"] == f"{d}/n-Copy1.ipynb"
    assert cell_source(owner.transfers.read_bytes(f"{root}/{d}/n-Copy1.ipynb")) == "print(1)"

    r = http.patch(server.api(f"{d}/t.txt"), json={"path": f"{d}/renamed.txt"})
    assert r.status_code == 200 and r.json()["path"] == f"{d}/renamed.txt"
    assert owner.transfers.read_bytes(f"{root}/{d}/renamed.txt") == b"hello"
    r = http.patch(server.api(f"{d}/renamed.txt"), json={"path": f"{d}/b.bin"})
    assert r.status_code == 409 and "exists" in _message(r)
    assert owner.transfers.read_bytes(f"{root}/{d}/b.bin") == blob

    assert http.delete(server.api(f"{d}/renamed.txt")).status_code == 204
    assert not owner.files.exists(f"{root}/{d}/renamed.txt")
    assert f"{root}/{d}/renamed.txt" in {i.original_path for i in owner.files.recycle_list()}

    r = http.get(server.api(f"{d}/missing.ipynb"))
    assert r.status_code == 404 and "missing.ipynb" in r.text  # Jupyter answers 404 as text
    assert http.get(server.api(f"{d}/.secret")).status_code == 404


def test_checkpoints_over_http_restore_a_version(server, http, owner, root, unique):
    path = f"{root}/{unique}.ipynb"
    owner.transfers.upload(notebook_bytes("first"), path)
    api = server.api(f"{unique}.ipynb")

    def save(source: str) -> None:
        model = http.get(api).json()
        model["content"]["cells"][0]["source"] = source
        http.put(api, json={"type": "notebook", "content": model["content"]}).raise_for_status()

    save("second")
    made = http.post(f"{api}/checkpoints")  # "Save and Create Checkpoint"
    assert made.status_code == 201
    save("third")
    assert cell_source(owner.transfers.read_bytes(path)) == "third"
    assert http.get(f"{api}/checkpoints").json() == [made.json()]
    r = http.post(f"{api}/checkpoints/{made.json()['id']}")
    assert r.status_code == 204
    assert cell_source(owner.transfers.read_bytes(path)) == "second"  # what was checkpointed
    assert http.delete(f"{api}/checkpoints/{made.json()['id']}").status_code == 204
    assert http.get(f"{api}/checkpoints").json() == []
    # The replaced contents stay on the server as versions ("first", "third").
    assert len(owner.files.versions(path)) >= 2


def test_stale_and_locked_saves_are_refused_with_a_copy(
    server, http, owner, login, root, unique
):
    path = f"{root}/{unique}.ipynb"
    owner.transfers.upload(notebook_bytes("base"), path)
    api = server.api(f"{unique}.ipynb")
    model = http.get(api).json()  # opens it: einstein's Jupyter holds the lock
    assert model["writable"] is True
    http.get(api, params={"content": 0}).raise_for_status()

    # The server's lock lapses (simulated: released behind its back) and
    # another client of einstein's (a script, a second Jupyter) writes.
    server_lock = owner.locks.get_lock(path)
    assert server_lock is not None and server_lock.holder == "einstein"
    owner.locks.unlock(path, server_lock.lock_id)
    other = login("einstein")
    other.transfers.upload(notebook_bytes("theirs"), path)

    model["content"]["cells"][0]["source"] = "mine"
    r = http.put(api, json={"type": "notebook", "content": model["content"]})
    assert r.status_code == 409
    msg = _message(r)
    assert "changed on the server" in msg and "conflicted copy einstein" in msg
    assert cell_source(owner.transfers.read_bytes(path)) == "theirs"
    copy = msg.rsplit("saved as ", 1)[1]
    assert cell_source(owner.transfers.read_bytes(f"{root}/{copy}")) == "mine"

    # The other client now holds the lock: this server's save is refused (423).
    theirs = other.locks.set_lock(path, expires_in=60)
    r = http.put(api, json={"type": "notebook", "content": model["content"]})
    assert r.status_code == 423 and "locked by einstein" in _message(r)
    assert cell_source(owner.transfers.read_bytes(path)) == "theirs"
    opened = http.get(api).json()
    assert opened["writable"] is False  # opens read-only while the lock is held
    other.locks.unlock(path, theirs.lock_id)


def test_a_session_keeps_the_lock_and_closing_it_releases(server, http, owner, root, unique):
    path = f"{root}/{unique}.ipynb"
    owner.transfers.upload(notebook_bytes("1"), path)
    http.get(server.api(f"{unique}.ipynb")).raise_for_status()
    first = owner.locks.get_lock(path)
    assert first is not None and first.holder == "einstein"
    r = http.post(f"{server.base}/api/sessions", json={
        "path": f"{unique}.ipynb", "type": "notebook", "name": "",
        "kernel": {"name": "python3"}})
    assert r.status_code == 201, r.text
    session = r.json()["id"]
    try:
        time.sleep(IDLE + 2)  # idle, but the session lives: the lock is refreshed
        kept = owner.locks.get_lock(path)
        assert kept is not None and kept.lock_id == first.lock_id
        assert kept.expires > first.expires
    finally:
        assert http.delete(f"{server.base}/api/sessions/{session}").status_code == 204
    deadline = time.monotonic() + IDLE + 10
    while owner.locks.get_lock(path) is not None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert owner.locks.get_lock(path) is None


def test_server_stop_releases_its_locks(revad, owner, root, unique, tmp_path: Path):
    path = f"{root}/{unique}.ipynb"
    owner.transfers.upload(notebook_bytes("1"), path)
    with CS3FrontendServer("lab", revad, "einstein", root, tmp_path) as srv:
        c = api_client(srv)
        c.get(srv.api(f"{unique}.ipynb")).raise_for_status()
        c.close()
        assert owner.locks.get_lock(path) is not None
    assert owner.locks.get_lock(path) is None
