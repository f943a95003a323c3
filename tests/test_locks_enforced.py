"""Locks as EOS enforces them, on the ``eos`` profile (tools/revad/FIDELITY.md).

A lock belongs to a user and an app. A write to a locked file is admitted
only when the data PUT names the lock's holder (``X-Lock-Holder``, sent by
``upload(lock=...)``) and comes from the lock's user; moves, deletes and
metadata changes come with no holder, so EOS refuses them for everyone:
the holder releases the lock first (``lock_id=``). Upstream's provider and
data server say how each refusal surfaces; the client names the holder.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from cs3.rpc.v1beta1 import code_pb2
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import Locked


def _raw(client: CS3Client, method: str, request: object) -> Any:
    """One gateway call as another CS3 client makes it, its status unmapped."""
    return getattr(client.conn.stub, method)(
        request, timeout=30, metadata=[("x-access-token", client.conn.token())]
    )


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(path)
    return path


def _put(client: CS3Client, path: str, body: bytes, headers: dict[str, str]) -> int:
    """A raw simple PUT with ``headers``: the data server's status."""
    req = sp_pb.InitiateFileUploadRequest(ref=sp_res.Reference(path=path))
    req.opaque.map["Upload-Length"].decoder = "plain"
    req.opaque.map["Upload-Length"].value = str(len(body)).encode()
    res = _raw(client, "InitiateFileUpload", req)
    offered = {p.protocol: p for p in res.protocols}
    assert set(offered) == {"simple"}  # as EOS: no tus
    simple = offered["simple"]
    h = {"x-access-token": client.conn.token(), "X-Reva-Transfer": simple.token} | headers
    return httpx.put(simple.upload_endpoint, content=body, headers=h).status_code


def test_a_write_needs_the_holders_user_and_app(login, folder: str) -> None:
    holder, other = login("einstein"), login("einstein")
    path = f"{folder}/locked.txt"
    holder.transfers.upload(b"v1", path)
    lk = holder.locks.set_lock(path, expires_in=60, app_name="my app")

    # No holder header, the wrong app, the lock id alone: all refused with 409.
    assert _put(other, path, b"x", {}) == 409
    assert _put(other, path, b"x", {"X-Lock-Id": lk.lock_id, "X-Lock-Holder": "other"}) == 409
    assert _put(other, path, b"x", {"X-Lock-Id": lk.lock_id}) == 409
    assert holder.transfers.read_bytes(path) == b"v1"
    # The holder's user and app: admitted.
    assert _put(other, path, b"v2", {"X-Lock-Id": lk.lock_id, "X-Lock-Holder": "my app"}) == 200
    assert holder.transfers.read_bytes(path) == b"v2"


def test_a_locked_file_refuses_writers_and_names_the_holder(login, folder: str) -> None:
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
    # EOS checks a lock only when a file is opened for writing: the move
    # and delete above were refused by the client; metadata is not guarded.
    assert holder.transfers.read_bytes(path) == b"v1"
    assert {e.name for e in holder.files.list(folder)} == {"locked.txt"}

    # The holder writes under its lock; a move releases it first (EOS
    # refuses a move of a locked file from anyone).
    holder.transfers.upload(b"v2", path, lock=lk)
    assert holder.transfers.read_bytes(path) == b"v2"
    moved = holder.files.move(path, f"{folder}/moved.txt", lock_id=lk.lock_id)
    assert holder.locks.get_lock(moved.path) is None
    other.transfers.upload(b"v3", moved.path)
    assert holder.transfers.read_bytes(moved.path) == b"v3"


def test_get_lock_of_an_unlocked_file_answers_not_found(einstein: CS3Client, folder: str) -> None:
    # What EOS's driver answers (eosfs getLock: the lock attribute is missing).
    path = f"{folder}/free.txt"
    einstein.transfers.upload(b"x", path)
    res = _raw(einstein, "GetLock", sp_pb.GetLockRequest(ref=sp_res.Reference(path=path)))
    assert res.status.code == code_pb2.CODE_NOT_FOUND
    assert einstein.locks.get_lock(path) is None


def test_a_lock_set_by_another_cs3_client_is_honoured(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    # Another CS3 client (cs3client, an app) locks through plain SetLock.
    path = f"{folder}/shared.txt"
    theirs = f"/users/einstein{path[len('/home'):]}"
    einstein.transfers.upload(b"mine", path)
    share = einstein.shares.create(path, "marie", "Editor")
    try:
        lock = sp_res.Lock(lock_id="their-app-lock", type=sp_res.LOCK_TYPE_WRITE, app_name="app")
        me = einstein.whoami()
        lock.user.idp, lock.user.opaque_id = me.idp, me.opaque_id
        lock.expiration.seconds = int(time.time()) + 60
        res = _raw(
            einstein, "SetLock", sp_pb.SetLockRequest(ref=sp_res.Reference(path=path), lock=lock)
        )
        assert res.status.code == code_pb2.CODE_OK
        seen = marie.locks.get_lock(theirs)
        assert seen is not None and seen.app_name == "app" and seen.holder == "einstein"
        with pytest.raises(Locked):
            marie.transfers.upload(b"marie's", theirs)
        assert einstein.transfers.read_bytes(path) == b"mine"
        # And ours is visible to theirs through GetLock.
        einstein.locks.unlock(path, "their-app-lock")
        ours = marie.locks.set_lock(theirs)
        got = _raw(einstein, "GetLock", sp_pb.GetLockRequest(ref=sp_res.Reference(path=path)))
        assert got.lock.lock_id == ours.lock_id
        marie.locks.unlock(theirs, ours.lock_id)
    finally:
        einstein.shares.remove(share.id)
