"""The contents manager when others write too, on both server profiles.

``eos``: a notebook opened for editing is locked (user and app, as EOS keeps
them); the manager's saves carry the holder's headers and are admitted, any
other writer is refused. ``upstream`` (no CS3 locks): the lock is a metadata
lock, honoured by our clients only; a save checks the etag it opened, and
what the server does not refuse is caught by the check. Either way the
user's text survives: saved, or kept as a conflicted copy beside the file.
"""

from __future__ import annotations

import httpx
from contents_support import cell_source, notebook_bytes
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from profiles import revad  # noqa: F401  (both profiles)

pytest_plugins = ["contents_fixtures"]


def test_save_over_a_newer_version_is_refused_and_kept_as_a_copy(
    einstein, login, folder, make_cm, run
):
    cm = make_cm(einstein, folder, lock_on_open=False)
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("base"), path)
    model = run(cm.get("n.ipynb"))
    other = login("einstein")  # another client (another Jupyter, a script)
    other.transfers.upload(notebook_bytes("theirs"), path)

    model["content"].cells[0].source = "mine"
    err = run.error(cm.save(model, "n.ipynb"))
    assert err.status_code == 409
    assert "changed on the server" in err.log_message and "saved as" in err.log_message
    assert cell_source(einstein.transfers.read_bytes(path)) == "theirs"  # not overwritten
    copies = [e.name for e in einstein.files.list(folder) if "conflicted copy" in e.name]
    assert len(copies) == 1 and copies[0].startswith("n (conflicted copy einstein ")
    assert copies[0] in err.log_message
    assert cell_source(einstein.transfers.read_bytes(f"{folder}/{copies[0]}")) == "mine"
    assert "relativity" not in err.log_message

    # After reading the new content the user can save again.
    fresh = run(cm.get("n.ipynb"))
    fresh["content"].cells[0].source = "merged"
    run(cm.save(fresh, "n.ipynb"))
    assert cell_source(einstein.transfers.read_bytes(path)) == "merged"


def test_deleted_meanwhile_is_refused_and_kept_as_a_copy(einstein, folder, make_cm, run):
    cm = make_cm(einstein, folder, lock_on_open=False)
    einstein.transfers.upload(b"v1", f"{folder}/t.txt")
    model = run(cm.get("t.txt"))
    einstein.files.delete(f"{folder}/t.txt")
    model["content"] = "typed"
    err = run.error(cm.save(model, "t.txt"))
    assert err.status_code == 409
    assert not einstein.files.exists(f"{folder}/t.txt")
    copies = [e for e in einstein.files.list(folder) if "conflicted copy" in e.name]
    assert [einstein.transfers.read_bytes(f"{folder}/{c.name}") for c in copies] == [b"typed"]


def _raw_put(client, path: str, body: bytes, headers: dict[str, str]) -> int:
    """Another tool's simple PUT with ``headers``: the data server's status."""
    req = sp_pb.InitiateFileUploadRequest(ref=sp_res.Reference(path=path))
    req.opaque.map["Upload-Length"].decoder = "plain"
    req.opaque.map["Upload-Length"].value = str(len(body)).encode()
    res = client.conn.stub.InitiateFileUpload(
        req, timeout=30, metadata=[("x-access-token", client.conn.token())]
    )
    simple = next(p for p in res.protocols if p.protocol == "simple")
    h = {"x-access-token": client.conn.token(), "X-Reva-Transfer": simple.token} | headers
    return httpx.put(simple.upload_endpoint, content=body, headers=h).status_code


def test_an_opened_notebook_is_locked_saved_by_its_holder_and_others_are_refused(
    einstein, login, folder, make_cm, run, profile
):
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("base"), path)
    cm = make_cm(einstein, folder)
    opened = run(cm.get("n.ipynb"))
    assert opened["writable"] is True
    held = cm.edit_locks.held(path)
    assert held is not None and einstein.locks.get_lock(path).lock_id == held.lock_id

    opened["content"].cells[0].source = "saved under the lock"
    run(cm.save(opened, "n.ipynb"))  # the holder's headers: admitted
    assert cell_source(einstein.transfers.read_bytes(path)) == "saved under the lock"

    other = login("einstein")  # the same user, another tool: not the holder
    status = _raw_put(other, path, notebook_bytes("other tool"), {})
    if profile == "eos":
        assert status == 409  # EOS refuses a writer without the holder's user and app
        wrong_app = {"X-Lock-Id": held.lock_id, "X-Lock-Holder": "another app"}
        assert _raw_put(other, path, notebook_bytes("other app"), wrong_app) == 409
        assert cell_source(einstein.transfers.read_bytes(path)) == "saved under the lock"
        again = run(cm.get("n.ipynb"))
        again["content"].cells[0].source = "v3"
        run(cm.save(again, "n.ipynb"))
        assert cell_source(einstein.transfers.read_bytes(path)) == "v3"
        return
    # upstream has no locks: the other tool's write lands, and the next save
    # of the opened version is refused, the user's text kept as a copy.
    assert status == 200
    opened["content"].cells[0].source = "typed after the other write"
    err = run.error(cm.save(opened, "n.ipynb"))
    assert err.status_code == 409
    assert cell_source(einstein.transfers.read_bytes(path)) == "other tool"
    copies = [e for e in einstein.files.list(folder) if "conflicted copy" in e.name]
    assert len(copies) == 1
    kept = einstein.transfers.read_bytes(copies[0].path)
    assert cell_source(kept) == "typed after the other write"


def test_two_sessions_saving_at_once_lose_no_update(login, folder, make_cm, run, profile):
    """Two Jupyter sessions of one user open the same version and save at
    once: the opener holds the lock and wins, the other's text is kept."""
    path = f"{folder}/n.ipynb"
    a_client, b_client = login("einstein"), login("einstein")
    mine, theirs = make_cm(a_client, folder), make_cm(b_client, folder)
    for round_ in range(3):
        a_client.transfers.upload(notebook_bytes("base"), path)
        a = run(mine.get("n.ipynb"))
        b = run(theirs.get("n.ipynb"))
        assert a["writable"] is True and b["writable"] is False
        a["content"].cells[0].source = f"first {round_}"
        b["content"].cells[0].source = f"second {round_}"

        results = run.at_once(mine.save(a, "n.ipynb"), theirs.save(b, "n.ipynb"))
        assert not isinstance(results[0], Exception), results
        assert isinstance(results[1], Exception) and results[1].status_code == 423
        assert cell_source(a_client.transfers.read_bytes(path)) == f"first {round_}"
        copies = [e for e in a_client.files.list(folder)
                  if "conflicted copy" in e.name and e.name in results[1].log_message]
        assert len(copies) == 1
        assert cell_source(a_client.transfers.read_bytes(copies[0].path)) == f"second {round_}"
        a_client.files.delete(copies[0].path)
        for cm in (mine, theirs):
            cm.edit_locks.release_all()


def test_a_revert_brings_back_what_was_checkpointed(einstein, folder, make_cm, run, profile):
    """Once a checkpoint named the newest version (the content *before* the
    last save), and a revert brought back older text: the edit was lost."""
    cm = make_cm(einstein, folder)  # it locks what it opens
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("base"), path)

    def save(source: str) -> None:
        model = run(cm.get("n.ipynb"))
        model["content"].cells[0].source = source
        run(cm.save(model, "n.ipynb"))

    save("checkpointed")
    made = run(cm.create_checkpoint("n.ipynb"))
    save("edited")
    assert run(cm.list_checkpoints("n.ipynb")) == [made]
    run(cm.restore_checkpoint(made["id"], "n.ipynb"))
    assert cell_source(einstein.transfers.read_bytes(path)) == "checkpointed"
    assert run(cm.get("n.ipynb"))["content"].cells[0].source == "checkpointed"
