"""Nothing lost: the server decides every write precondition (issue 10).

Each case once destroyed data against Reva's plain local drivers. The
server (our enforcing drivers, as EOS) now refuses, and these tests assert
what is on the server afterwards: contents, listings and the recycle bin.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import httpx
import pytest
from cs3.rpc.v1beta1 import code_pb2
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from cs3widgets.client import AlreadyExists, CS3Client, NotFound, TransferError
from cs3widgets.client.errors import Conflict, Locked
from cs3widgets.client.transfers import Transfers
from cs3widgets.devserver.datagen import MiB

ROUNDS = 20


def _raw(client: CS3Client, method: str, request: object) -> Any:
    """One gateway call as another CS3 client would make it: the answer whatever
    its status, with no mapping of ours in between (the test reads the code)."""
    token = client.conn.token()
    return getattr(client.conn.stub, method)(
        request, timeout=30, metadata=[("x-access-token", token)]
    )


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(path)
    return path


def names(client: CS3Client, folder: str) -> set[str]:
    return {e.name for e in client.files.list(folder)}


def trash_under(client: CS3Client, folder: str) -> list[str]:
    return [i.original_path for i in client.files.recycle_list() if folder in i.original_path]


@pytest.mark.parametrize("use_tus", [True, False], ids=["tus", "simple"])
def test_upload_never_replaces_a_folder(einstein: CS3Client, folder: str, use_tus: bool) -> None:
    t = Transfers(einstein.conn, use_tus=use_tus)
    einstein.files.mkdir(f"{folder}/results")
    t.upload(b"child", f"{folder}/results/child.txt")

    for overwrite in (True, False):
        with pytest.raises(AlreadyExists):
            t.upload(b"a file over the folder", f"{folder}/results", overwrite=overwrite)

    assert einstein.files.stat(f"{folder}/results").is_dir
    assert t.read_bytes(f"{folder}/results/child.txt") == b"child"
    assert trash_under(einstein, folder) == []
    t.close()


def test_fsspec_pipe_onto_a_folder_is_refused(einstein: CS3Client, folder: str) -> None:
    from cs3widgets.fs import CS3FileSystem

    einstein.files.mkdir(f"{folder}/d")
    einstein.transfers.upload(b"keep", f"{folder}/d/k.txt")
    fs = CS3FileSystem(client=einstein, skip_instance_cache=True)
    with pytest.raises((AlreadyExists, OSError)):
        fs.pipe_file(f"{folder}/d", b"oops")
    assert einstein.transfers.read_bytes(f"{folder}/d/k.txt") == b"keep"


def test_move_with_a_missing_source_never_touches_the_destination(
    einstein: CS3Client, folder: str
) -> None:
    einstein.transfers.upload(b"precious", f"{folder}/dst.txt")
    with pytest.raises(NotFound):
        einstein.files.move(f"{folder}/typo.txt", f"{folder}/dst.txt", overwrite=True)
    assert einstein.transfers.read_bytes(f"{folder}/dst.txt") == b"precious"
    assert trash_under(einstein, folder) == []


def test_server_refuses_a_move_onto_an_existing_file(einstein: CS3Client, folder: str) -> None:
    # A raw MoveRequest, as any CS3 client sends it: the server decides.
    einstein.transfers.upload(b"a", f"{folder}/a")
    einstein.transfers.upload(b"b", f"{folder}/b")
    req = sp_pb.MoveRequest(
        source=sp_res.Reference(path=f"{folder}/a"),
        destination=sp_res.Reference(path=f"{folder}/b"),
    )
    res = _raw(einstein, "Move", req)
    assert res.status.code == code_pb2.CODE_ALREADY_EXISTS
    assert einstein.transfers.read_bytes(f"{folder}/b") == b"b"
    # The client's overwrite=True replaces it, the old one going to the trash.
    einstein.files.move(f"{folder}/a", f"{folder}/b", overwrite=True)
    assert einstein.transfers.read_bytes(f"{folder}/b") == b"a"
    assert names(einstein, folder) == {"b"}
    assert len(trash_under(einstein, folder)) == 1


def _initiate(client: CS3Client, path: str, size: int, **intent: object) -> dict:
    req = sp_pb.InitiateFileUploadRequest(ref=sp_res.Reference(path=path), **intent)
    req.opaque.map["Upload-Length"].decoder = "plain"
    req.opaque.map["Upload-Length"].value = str(size).encode()
    res = _raw(client, "InitiateFileUpload", req)
    return {"status": res.status.code, "protocols": {p.protocol: p for p in res.protocols}}


def test_server_decides_if_not_exist_at_commit(einstein: CS3Client, folder: str) -> None:
    dest = f"{folder}/new.txt"
    first = _initiate(einstein, dest, 3, if_not_exist=True)
    second = _initiate(einstein, dest, 6, if_not_exist=True)
    assert first["status"] == second["status"] == code_pb2.CODE_OK  # nothing there yet
    headers = {"x-access-token": einstein.conn.token()}
    ok = httpx.put(first["protocols"]["simple"].upload_endpoint, content=b"one", headers=headers)
    assert ok.status_code == 200
    late = httpx.put(
        second["protocols"]["simple"].upload_endpoint, content=b"second", headers=headers
    )
    assert late.status_code == 409  # the commit was refused: the file exists now
    assert einstein.transfers.read_bytes(dest) == b"one"
    assert _initiate(einstein, dest, 1, if_not_exist=True)["status"] == code_pb2.CODE_ALREADY_EXISTS


def test_server_decides_if_match(einstein: CS3Client, folder: str) -> None:
    dest = f"{folder}/doc.txt"
    base = einstein.transfers.upload(b"v1", dest)
    stale = _initiate(einstein, dest, 2, if_match='"not-the-etag"')
    assert stale["status"] == code_pb2.CODE_ABORTED
    assert _initiate(einstein, dest, 2, if_match=base.etag)["status"] == code_pb2.CODE_OK


def _save_race(a: CS3Client, b: CS3Client, dest: str, etag: str) -> tuple[list, list]:
    barrier = threading.Barrier(2)
    wins: list[bytes] = []
    losses: list[BaseException] = []

    def save(client: CS3Client, body: bytes) -> None:
        barrier.wait()
        try:
            client.transfers.upload(body, dest, if_match=etag)
            wins.append(body)
        except Conflict as exc:
            losses.append(exc)

    threads = [
        threading.Thread(target=save, args=(c, f"saved by {n} ".encode() * 1000))
        for n, c in (("a", a), ("b", b))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return wins, losses


def test_concurrent_saves_with_the_same_etag_exactly_one_wins(
    login, folder: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = login("einstein"), login("einstein")
    dest = f"{folder}/notebook.ipynb"
    lost = 0
    for _ in range(ROUNDS):
        base = a.transfers.upload(b"base", dest)
        wins, losses = _save_race(a, b, dest, base.etag)
        if len(wins) != 1:
            lost += 1
        assert len(wins) == 1 and len(losses) == 1, (wins, losses)
        assert a.transfers.read_bytes(dest) == wins[0]
    with capsys.disabled():
        print(f"\nconcurrent saves: {ROUNDS} rounds, {lost} lost an update")


@pytest.mark.parametrize("use_tus", [True, False], ids=["tus", "simple"])
def test_failed_upload_leaves_nothing_in_the_trash(
    einstein: CS3Client, folder: str, use_tus: bool
) -> None:
    t = Transfers(einstein.conn, chunk_size=MiB, use_tus=use_tus)
    t.upload(b"old", f"{folder}/f.bin")

    class Broken(io.BytesIO):  # a seekable source whose disk fails part way
        def readinto(self, b) -> int:  # type: ignore[override]
            if self.tell() > MiB:
                raise OSError("the source disk went away")
            return super().readinto(b)

    with pytest.raises(TransferError):
        t.upload(Broken(os.urandom(3 * MiB)), f"{folder}/f.bin")
    assert t.read_bytes(f"{folder}/f.bin") == b"old"
    time.sleep(0.5)  # the server notices the cut body a moment later
    assert names(einstein, folder) == {"f.bin"}
    assert trash_under(einstein, folder) == []
    t.close()


_KILLED_UPLOAD = textwrap.dedent(
    """
    import os, sys
    from cs3widgets.client import BasicAuth, CS3Client
    from cs3widgets.client.transfers import Transfers

    class Slow:
        def __init__(self, size):
            self.size, self.pos = size, 0
        def seekable(self):
            return True
        def tell(self):
            return self.pos
        def seek(self, off, whence=0):
            self.pos = off if whence == 0 else (self.size if whence == 2 else self.pos + off)
            return self.pos
        def read(self, n=-1):
            if self.pos > 2 * 1024 * 1024:
                print("half", flush=True)
                import time; time.sleep(60)
            n = min(n if n > 0 else self.size, self.size - self.pos, 256 * 1024)
            self.pos += n
            return b"k" * n

    c = CS3Client(sys.argv[1], BasicAuth("einstein", "relativity"))
    t = Transfers(c.conn, use_tus=False)
    t.upload(Slow(8 * 1024 * 1024), sys.argv[2])
    """
)


def test_killed_simple_upload_leaves_nothing(einstein: CS3Client, folder: str, revad) -> None:
    dest = f"{folder}/killed.bin"
    einstein.transfers.upload(b"old content", dest)
    kills = 3
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILLED_UPLOAD, revad.gateway, dest],
            stdout=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": os.getcwd()},
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"half"
        proc.kill()
        proc.wait(10)
    time.sleep(1.0)
    assert einstein.transfers.read_bytes(dest) == b"old content"
    assert names(einstein, folder) == {"killed.bin"}  # no hidden partial file
    assert trash_under(einstein, folder) == []


def test_locked_file_refuses_writes_without_the_lock_id(
    login, folder: str
) -> None:
    holder, other = login("einstein"), login("einstein")
    path = f"{folder}/locked.txt"
    holder.transfers.upload(b"v1", path)
    lk = holder.locks.set_lock(path, expires_in=60)

    with pytest.raises(Locked) as refused:
        other.transfers.upload(b"overwrite", path)
    # A clear message: who holds it and until when, never the lock id.
    assert refused.value.holder == "einstein" and "einstein" in str(refused.value)
    assert lk.lock_id not in str(refused.value)
    with pytest.raises(Locked):
        other.files.delete(path)
    with pytest.raises(Locked):
        other.files.move(path, f"{folder}/moved.txt")
    with pytest.raises(Locked):
        other.files.set_metadata(path, {"k": "v"})
    with pytest.raises(Locked):
        other.files.delete(folder)  # a folder holding a locked file
    assert holder.transfers.read_bytes(path) == b"v1"

    holder.transfers.upload(b"v2", path, lock_id=lk.lock_id)
    holder.files.set_metadata(path, {"k": "v"}, lock_id=lk.lock_id)
    moved = holder.files.move(path, f"{folder}/moved.txt", lock_id=lk.lock_id)
    # The lock follows the file.
    assert other.locks.get_lock(moved.path).lock_id == lk.lock_id
    with pytest.raises(Locked):
        other.transfers.upload(b"x", moved.path)
    holder.locks.unlock(moved.path, lk.lock_id)
    other.transfers.upload(b"v3", moved.path)
    assert holder.transfers.read_bytes(moved.path) == b"v3"


def test_a_lock_set_by_another_cs3_client_is_honoured(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    # Another CS3 client (cs3client, an app) locks through plain SetLock.
    path = f"{folder}/shared.txt"
    einstein.transfers.upload(b"mine", path)
    share = einstein.shares.create(path, "marie", "Editor")
    try:
        lock = sp_res.Lock(lock_id="their-app-lock", type=sp_res.LOCK_TYPE_WRITE, app_name="app")
        lock.expiration.seconds = int(time.time()) + 60
        res = _raw(
            einstein, "SetLock", sp_pb.SetLockRequest(ref=sp_res.Reference(path=path), lock=lock)
        )
        assert res.status.code == code_pb2.CODE_OK
        seen = marie.locks.get_lock(f"/users/einstein{path[len('/home'):]}")
        assert seen is not None and seen.holder == "app"
        with pytest.raises(Locked):
            marie.transfers.upload(b"marie's", f"/users/einstein{path[len('/home'):]}")
        assert einstein.transfers.read_bytes(path) == b"mine"
        # And ours is visible to theirs through GetLock.
        einstein.locks.unlock(path, "their-app-lock")
        ours = marie.locks.set_lock(f"/users/einstein{path[len('/home'):]}")
        got = _raw(einstein, "GetLock", sp_pb.GetLockRequest(ref=sp_res.Reference(path=path)))
        assert got.lock.lock_id == ours.lock_id
    finally:
        einstein.shares.remove(share.id)
