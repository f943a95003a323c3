"""CERN's ``cs3client`` meets ours on the live revad: locks and locked writes.

``cs3client`` (PyPI, pinned by ``scripts/setup-cs3client.sh``) runs in its
own virtualenv, as a user would install it, through
``tests/interop/cs3client_driver.py``: one process per action, its outcome
as JSON. Production (Reva's data server in front of EOS) carries a lock on a
write as the headers ``X-Lock-Id`` and ``X-Lock-Holder``, and EOS admits a
write on a locked file only from the lock's user *and* application; a
refused PUT is HTTP 409, which cs3client reports as ``FileLockedException``
and we as :class:`Locked`. The test server's drivers keep the same rules.

Every test reads the file back with our client: what the server holds is
the verdict, not what either client says.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import Locked
from cs3widgets.devserver import DEMO_USERS, RevadServer

REPO = Path(__file__).resolve().parent.parent
SETUP = REPO / "scripts" / "setup-cs3client.sh"
DRIVER = REPO / "tests" / "interop" / "cs3client_driver.py"
#: The cs3client release whose behaviour these tests pin (its misspelled tus
#: header included): a new release is a deliberate change here.
CS3CLIENT_VERSION = "1.7.1"
#: cs3client's own application name in these tests (EOS compares it lower-cased).
THEIR_APP = "cs3client-interop"
ORIGINAL = b"original content\n"


@pytest.fixture(scope="session")
def cs3client_python() -> Path:
    """The python of cs3client's own virtualenv (built once, then cached)."""
    out = subprocess.run(
        ["bash", str(SETUP), CS3CLIENT_VERSION], capture_output=True, text=True, timeout=600,
    )
    if out.returncode != 0:
        pytest.fail(f"{SETUP.name} failed ({out.returncode}): {out.stderr[-3000:]}")
    return Path(out.stdout.strip().splitlines()[-1])


class Cs3Client:
    """cs3client logged in as one demo user, one driver process per action."""

    def __init__(self, python: Path, gateway: str, user: str) -> None:
        self.python, self.gateway, self.user = python, gateway, user

    def __call__(self, action: str, path: str, **kw: Any) -> dict[str, Any]:
        cmd = {
            "gateway": self.gateway,
            "user": self.user,
            # On stdin, never on the command line.
            "password": DEMO_USERS[self.user].password,
            "action": action,
            "path": path,
            **kw,
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        proc = subprocess.run(
            [str(self.python), str(DRIVER)],
            input=json.dumps(cmd), capture_output=True, text=True, timeout=120, env=env,
        )
        assert proc.returncode == 0, f"cs3client driver crashed: {proc.stderr[-2000:]}"
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def ok(self, action: str, path: str, **kw: Any) -> Any:
        """Run an action that must succeed; return its result."""
        out = self(action, path, **kw)
        assert out["ok"], f"cs3client {action} failed: {out['error']}: {out['message']}"
        return out["result"]


@pytest.fixture()
def cs3client(cs3client_python: Path, revad: RevadServer) -> Callable[[str], Cs3Client]:
    """Factory: ``cs3client("einstein")`` drives cs3client as that demo user."""
    return lambda user: Cs3Client(cs3client_python, revad.gateway, user)


@pytest.fixture()
def target(einstein: CS3Client, unique: str) -> str:
    folder = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(folder)
    path = f"{folder}/notes.txt"
    einstein.transfers.upload(ORIGINAL, path)
    return path


def _lock_id() -> str:
    return f"cs3client-{uuid.uuid4().hex}"


def content(client: CS3Client, path: str, expect: bytes, timeout: float = 10.0) -> bytes:
    """The file's content, read again until it is ``expect`` or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        got = client.transfers.read_bytes(path)
        if got == expect or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def refused_as_locked(out: dict[str, Any]) -> bool:
    """cs3client's write was refused as a lock conflict (HTTP 409 on its PUT)."""
    return (
        not out["ok"]
        and out["error"] == "FileLockedException"
        and [r.get("status") for r in out["http"]] == [409]
    )


def test_cs3client_lock_blocks_our_writes(
    einstein: CS3Client, marie: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    theirs = cs3client("einstein")
    lock_id = _lock_id()
    theirs.ok("set_lock", target, lock_id=lock_id, app_name=THEIR_APP)
    share = einstein.shares.create(target, "marie", "Editor")
    try:
        # The same user, another application (ours sends no holder, or its own).
        with pytest.raises(Locked):
            einstein.transfers.upload(b"einstein, through cs3widgets\n", target)
        # Another user, through an Editor share: may write, but not over the lock.
        marie_path = marie.shares.accept(share.id).path
        with pytest.raises(Locked):
            marie.transfers.upload(b"marie, through cs3widgets\n", marie_path)
        assert content(einstein, target, ORIGINAL) == ORIGINAL
        # The lock is still cs3client's: nothing of ours displaced it.
        assert theirs.ok("get_lock", target)["lock_id"] == lock_id
    finally:
        einstein.shares.remove(share.id)
        theirs("unlock", target, lock_id=lock_id, app_name=THEIR_APP)


def test_our_lock_blocks_cs3client_writes(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    theirs = cs3client("einstein")
    lk = einstein.locks.set_lock(target, app_name="cs3widgets", expires_in=120)
    try:
        attempts = {
            "no lock metadata": {},
            "our lock id, another application": {"lock_id": lk.lock_id, "app_name": THEIR_APP},
        }
        # (A wrong lock id with the right application is not tried: EOS
        # compares the writer's user and application, not the lock id.)
        for why, meta in attempts.items():
            out = theirs("write", target, data=f"cs3client: {why}\n", **meta)
            assert refused_as_locked(out), f"cs3client's write with {why} was not refused: {out}"
            assert content(einstein, target, ORIGINAL) == ORIGINAL, why
        # The refusals were about the lock and nothing else: with the lock's
        # id and application (EOS's owner of a lock: its user and its app),
        # the very same write is admitted.
        theirs.ok("write", target, data="cs3client, as our lock's holder\n",
                  lock_id=lk.lock_id, app_name="cs3widgets")
        expect = b"cs3client, as our lock's holder\n"
        assert content(einstein, target, expect) == expect
        assert einstein.locks.get_lock(target).lock_id == lk.lock_id
    finally:
        einstein.locks.unlock(target, lk.lock_id)


def test_cs3client_simple_write_with_its_lock_is_admitted(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    theirs = cs3client("einstein")
    lock_id = _lock_id()
    theirs.ok("set_lock", target, lock_id=lock_id, app_name=THEIR_APP)
    try:
        out = theirs("write", target, data="written by cs3client under its lock\n",
                     lock_id=lock_id, app_name=THEIR_APP, tus=False)
        assert out["ok"], f"cs3client's locked simple write was refused: {out}"
        # It carried the lock as production expects it, and was answered 200.
        assert [r["status"] for r in out["http"]] == [200]
        assert {"X-Lock-Id", "X-Lock-Holder"} <= set(out["http"][0]["headers"])
        expect = b"written by cs3client under its lock\n"
        assert content(einstein, target, expect) == expect
        # It reads its own write back, and its lock survived the write.
        assert base64.b64decode(theirs.ok("read", target)) == expect
        assert theirs.ok("get_lock", target)["lock_id"] == lock_id
    finally:
        theirs("unlock", target, lock_id=lock_id, app_name=THEIR_APP)


def test_both_read_the_same_holder(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    theirs = cs3client("einstein")
    me = einstein.identity.whoami()

    def readings() -> tuple[dict[str, Any], Any, Any]:
        """cs3client's GetLock, ours, and the lock our Stat reports."""
        return theirs.ok("get_lock", target), einstein.locks.get_lock(target), \
            einstein.files.stat(target).lock

    # cs3client's lock. It sends no user in it; EOS keeps such a lock as
    # owned by "*" plus the application, and GetLock returns no user. Both
    # clients must read the same lock id, application and user, whatever
    # the storage recorded.
    lock_id = _lock_id()
    theirs.ok("set_lock", target, lock_id=lock_id, app_name=THEIR_APP)
    try:
        seen, ours, on_entry = readings()
        assert ours is not None, "our client sees no lock where cs3client holds one"
        assert (seen["lock_id"], seen["app_name"]) == (lock_id, THEIR_APP)
        assert (ours.lock_id, ours.app_name) == (lock_id, THEIR_APP)
        their_user = seen["user"].get("opaque_id", "")
        assert their_user in ("", me.opaque_id), seen
        assert on_entry is not None and on_entry.holder_id == their_user
        if their_user:
            assert ours.holder == "einstein"
    finally:
        theirs("unlock", target, lock_id=lock_id, app_name=THEIR_APP)
    assert einstein.locks.get_lock(target) is None

    # Our lock, which names its user: cs3client reads it as ours.
    lk = einstein.locks.set_lock(target, app_name="cs3widgets", expires_in=120)
    try:
        seen, ours, on_entry = readings()
        assert (seen["lock_id"], seen["app_name"]) == (lk.lock_id, "cs3widgets")
        assert seen["user"].get("opaque_id") == me.opaque_id, seen
        assert seen["expiration"]["seconds"] == int(lk.expires.timestamp())
        assert ours.holder == "einstein" and ours.lock_id == lk.lock_id
        assert on_entry is not None and on_entry.holder_id == me.opaque_id
    finally:
        einstein.locks.unlock(target, lk.lock_id)


def test_both_read_no_holder_on_an_unlocked_file(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    # As EOS: GetLock on an unlocked file answers NOT_FOUND, which cs3client
    # raises and we read as "no lock" (the file itself is there).
    out = cs3client("einstein")("get_lock", target)
    assert not out["ok"] and out["error"] == "NotFoundException", out
    assert einstein.locks.get_lock(target) is None


def test_our_write_under_our_lock_is_admitted(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    theirs = cs3client("einstein")
    lk = einstein.locks.set_lock(target, app_name="cs3widgets", expires_in=120)
    try:
        einstein.transfers.upload(b"cs3widgets, under its lock\n", target, lock=lk)
        expect = b"cs3widgets, under its lock\n"
        assert content(einstein, target, expect) == expect
        # cs3client reads what we wrote, and still sees our lock.
        assert base64.b64decode(theirs.ok("read", target)) == expect
        assert theirs.ok("get_lock", target)["lock_id"] == lk.lock_id
    finally:
        einstein.locks.unlock(target, lk.lock_id)


def _tus_branch_headers(python: Path) -> tuple[set[str], set[str]]:
    """The header names cs3client's write_file sends with tus on, and with tus off.

    Read from the installed source (its ``if self._config.tus_enabled:``
    block), as the venv's python finds it.
    """
    where = subprocess.run(
        [str(python), "-c", "import cs3client.file as f; print(f.__file__)"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    tree = ast.parse(Path(where).read_text())
    write_file = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "write_file"
    )
    branch = next(
        n for n in ast.walk(write_file)
        if isinstance(n, ast.If) and ast.unparse(n.test) == "self._config.tus_enabled"
    )

    def keys(body: list[ast.stmt]) -> set[str]:
        return {
            k.value
            for stmt in body for d in ast.walk(stmt) if isinstance(d, ast.Dict)
            for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }

    return keys(branch.body), keys(branch.orelse)


def test_cs3client_tus_branch_misspells_the_lock_holder(cs3client_python: Path):
    tus, simple = _tus_branch_headers(cs3client_python)
    assert "X-Lock-Holder" in simple and "X-Lock-Id" in simple
    assert "X-Lock-Id" in tus and "Tus-Resumable" in tus
    assert "X-Lock_Holder" in tus and "X-Lock-Holder" not in tus, (
        f"cs3client {CS3CLIENT_VERSION}'s tus branch no longer sends X-Lock_Holder "
        f"(it sends {sorted(tus)}): if fixed upstream, the live tus test below must "
        "now expect its locked write to pass"
    )


def test_cs3client_tus_write_under_its_lock(
    einstein: CS3Client, cs3client: Callable[[str], Cs3Client], target: str
):
    """cs3client's faults, pinned live: its tus branch cannot write under a lock.

    cs3client 1.7.1 has no tus upload of its own: with ``tus_enabled`` it
    still PUTs to the simple endpoint (the only one EOS's Reva offers),
    with tus-style headers. Two defects of cs3client stop it:

    1. the branch reads ``resource.file``, which its ``Resource`` lacks, so
       it raises AttributeError before sending anything;
    2. given that attribute, it sends the holder as ``X-Lock_Holder``. Go
       canonicalises that as ``X-Lock_holder``, Reva's data server reads
       ``X-Lock-Holder``, so no holder reaches the driver, which writes as
       an application other than the lock's (EOS: ``reva_eosclient::write``)
       and is refused. CERN's cs3-jupyter turns tus off for this reason.

    The same write with tus off is admitted, so the header is the difference.
    (Against EOS itself the tus-style PUT fails earlier still: it sends no
    ``Upload-Length``, which Reva's EOS driver requires.)
    """
    theirs = cs3client("einstein")

    # 1. As a user would call it: fails inside cs3client, nothing is sent.
    out = theirs("write", target, data="cs3client, tus on\n", tus=True)
    assert not out["ok"] and out["http"] == [], out
    assert out["error"] == "AttributeError" and "'file'" in out["message"], (
        f"cs3client {CS3CLIENT_VERSION}'s tus branch no longer fails on resource.file: {out}"
    )
    assert content(einstein, target, ORIGINAL) == ORIGINAL

    # A control: this server admits a tus-style PUT (no Upload-Length) on an
    # unlocked file, so a refusal below comes from the lock metadata alone.
    sibling = target + ".tus-control"
    out = theirs("write", sibling, data="tus control\n", tus=True, resource_file=True)
    assert out["ok"], f"the server refuses cs3client's tus-style PUT even without a lock: {out}"
    assert content(einstein, sibling, b"tus control\n") == b"tus control\n"

    # 2. With resource.file supplied, under its own lock: the holder is misspelt.
    lock_id = _lock_id()
    theirs.ok("set_lock", target, lock_id=lock_id, app_name=THEIR_APP)
    try:
        out = theirs("write", target, data="cs3client, tus on, locked\n", tus=True,
                     resource_file=True, lock_id=lock_id, app_name=THEIR_APP)
        sent = [set(r["headers"]) for r in out["http"]]
        assert len(sent) == 1 and "Tus-Resumable" in sent[0], f"not cs3client's tus branch: {out}"
        assert "X-Lock_Holder" in sent[0] and "X-Lock-Holder" not in sent[0], sent
        assert refused_as_locked(out), (
            "cs3client's tus write under its own lock was not refused as locked, though it "
            f"sent its holder as X-Lock_Holder, which the data server does not read: {out}"
        )
        assert content(einstein, target, ORIGINAL) == ORIGINAL

        # The same write with tus off spells the header right, and is admitted.
        out = theirs("write", target, data="cs3client, tus off\n",
                     lock_id=lock_id, app_name=THEIR_APP, tus=False)
        assert out["ok"], f"cs3client's simple write under its lock was refused too: {out}"
        assert content(einstein, target, b"cs3client, tus off\n") == b"cs3client, tus off\n"
    finally:
        theirs("unlock", target, lock_id=lock_id, app_name=THEIR_APP)


def test_cs3client_tus_on_is_no_tus_where_the_server_offers_it(
    login: Callable[..., CS3Client], cs3client_python: Path, revad_upstream: RevadServer,
    unique: str,
):
    """Against Reva's own drivers (the ``upstream`` profile), which offer tus.

    cs3client's ``tus_enabled`` still PUTs once to the *simple* endpoint,
    with tus-style headers and the misspelt holder; it never speaks tus.
    (Reva's local drivers keep no CS3 locks, so nothing refuses it here.)
    """
    einstein = login("einstein", server=revad_upstream)
    path = f"{einstein.identity.home()}/{unique}.txt"
    einstein.transfers.upload(ORIGINAL, path)
    theirs = Cs3Client(cs3client_python, revad_upstream.gateway, "einstein")
    out = theirs("write", path, data="cs3client, tus on, upstream\n", tus=True,
                 resource_file=True, lock_id=_lock_id(), app_name=THEIR_APP)
    assert out["ok"], out
    assert {"simple", "tus"} <= set(out["offered"]), f"upstream offers no tus: {out['offered']}"
    [put] = out["http"]
    assert put["url"] == out["offered"]["simple"] != out["offered"]["tus"], out
    assert {"Tus-Resumable", "X-Lock_Holder"} <= set(put["headers"]), put
    assert "X-Lock-Holder" not in put["headers"] and "Upload-Offset" not in put["headers"]
    expect = b"cs3client, tus on, upstream\n"
    assert content(einstein, path, expect) == expect
