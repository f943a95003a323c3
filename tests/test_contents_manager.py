"""CS3ContentsManager, method by method, against the live revad.

Each test gives the manager a fresh folder of einstein's home as its root and
checks what it did through the service layer (bytes, versions, locks, trash),
never through the manager itself.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time

import nbformat
import pytest
from contents_support import cell_source, notebook, notebook_bytes

from cs3widgets.client import CS3Client

pytest_plugins = ["contents_fixtures"]


def test_get_directory_lists_children_and_hides_dot_files(einstein, folder, make_cm, run):
    einstein.files.mkdir(f"{folder}/sub")
    einstein.transfers.upload(notebook_bytes("1"), f"{folder}/a.ipynb")
    einstein.transfers.upload(b"text", f"{folder}/b.txt")
    einstein.transfers.upload(b"secret", f"{folder}/.hidden")
    cm = make_cm(einstein, folder)

    model = run(cm.get(""))
    assert model["type"] == "directory" and model["format"] == "json"
    kids = {c["name"]: c for c in model["content"]}
    assert set(kids) == {"sub", "a.ipynb", "b.txt"}
    assert (kids["sub"]["type"], kids["a.ipynb"]["type"], kids["b.txt"]["type"]) == (
        "directory", "notebook", "file")
    assert kids["b.txt"]["size"] == 4 and kids["b.txt"]["content"] is None
    assert kids["b.txt"]["last_modified"] == einstein.files.stat(f"{folder}/b.txt").mtime
    assert all(c["writable"] for c in kids.values())
    assert run(cm.get("", content=False))["content"] is None

    shown = make_cm(einstein, folder, allow_hidden=True)
    assert ".hidden" in {c["name"] for c in run(shown.get(""))["content"]}
    assert run.error(cm.get(".hidden")).status_code == 404
    assert run(shown.get(".hidden"))["content"] == "secret"


def test_get_notebook_text_and_binary_files(einstein, folder, make_cm, run):
    einstein.transfers.upload(notebook_bytes("print('hi')"), f"{folder}/n.ipynb")
    einstein.transfers.upload("héllo\n".encode(), f"{folder}/t.txt")
    blob = bytes(range(256))
    einstein.transfers.upload(blob, f"{folder}/b.bin")
    cm = make_cm(einstein, folder, lock_on_open=False)

    nb = run(cm.get("n.ipynb"))
    assert nb["type"] == "notebook" and nb["format"] == "json"
    assert nb["content"].cells[0].source == "print('hi')"
    assert nb["last_modified"] == einstein.files.stat(f"{folder}/n.ipynb").mtime
    assert run(cm.get("n.ipynb", content=False))["content"] is None

    text = run(cm.get("t.txt"))
    assert (text["format"], text["content"], text["mimetype"]) == ("text", "héllo\n", "text/plain")
    binary = run(cm.get("b.bin"))
    assert binary["format"] == "base64" and base64.b64decode(binary["content"]) == blob
    as_b64 = run(cm.get("t.txt", format="base64"))
    assert base64.b64decode(as_b64["content"]) == "héllo\n".encode()
    # The notebook as a plain file, as the /files handler asks for it.
    raw = run(cm.get("n.ipynb", type="file"))
    assert raw["type"] == "file" and cell_source(raw["content"].encode()) == "print('hi')"

    hashed = run(cm.get("b.bin", content=False, require_hash=True))
    assert hashed["hash"] == hashlib.sha256(blob).hexdigest() and hashed["content"] is None

    assert run.error(cm.get("b.bin", format="text")).status_code == 400
    assert run.error(cm.get("t.txt", type="directory")).status_code == 400
    assert run.error(cm.get("", type="notebook")).status_code == 400
    missing = run.error(cm.get("nope.ipynb"))
    assert missing.status_code == 404 and "nope.ipynb" in missing.log_message
    assert run.error(cm.get("../x")).status_code == 404  # ".." is a dot name: hidden
    shown = make_cm(einstein, folder, allow_hidden=True, lock_on_open=False)
    assert run.error(shown.get("../x")).status_code == 400


def test_save_writes_notebooks_files_and_folders(einstein, folder, make_cm, run):
    cm = make_cm(einstein, folder)
    nb = notebook("x = 1")
    out = run(cm.save({"type": "notebook", "content": nb}, "n.ipynb"))
    assert out["content"] is None and out["type"] == "notebook"
    stored = einstein.transfers.read_bytes(f"{folder}/n.ipynb")
    assert stored == nbformat.writes(nb).encode()
    assert out["last_modified"] == einstein.files.stat(f"{folder}/n.ipynb").mtime

    run(cm.save({"type": "file", "format": "text", "content": "a\nb"}, "t.txt"))
    assert einstein.transfers.read_bytes(f"{folder}/t.txt") == b"a\nb"
    payload = base64.b64encode(b"\x00\xff").decode()
    run(cm.save({"type": "file", "format": "base64", "content": payload}, "b.bin"))
    assert einstein.transfers.read_bytes(f"{folder}/b.bin") == b"\x00\xff"
    run(cm.save({"type": "directory"}, "d"))
    assert einstein.files.stat(f"{folder}/d").is_dir

    # An invalid notebook is saved (never lose what was typed) with a message.
    bad = notebook("y")
    bad.cells[0]["bogus"] = 1
    saved = run(cm.save({"type": "notebook", "content": bad}, "bad.ipynb"))
    assert "message" in saved and einstein.files.exists(f"{folder}/bad.ipynb")

    assert run.error(cm.save({"content": "x"}, "t.txt")).status_code == 400
    assert run.error(cm.save({"type": "file", "format": "base64", "content": "@@"},
                             "t.txt")).status_code == 400
    assert einstein.transfers.read_bytes(f"{folder}/t.txt") == b"a\nb"
    assert run.error(cm.save({"type": "file", "format": "text", "content": "x"},
                             ".env")).status_code == 400
    assert not einstein.files.exists(f"{folder}/.env")


def test_chunked_save_uploads_once_when_the_last_chunk_arrives(einstein, folder, make_cm, run):
    cm = make_cm(einstein, folder)
    parts = [b"a" * 1000, b"b" * 1000, b"c" * 10]

    def chunk(n: int, data: bytes) -> dict:
        return {"type": "file", "format": "base64", "chunk": n,
                "content": base64.b64encode(data).decode()}

    first = run(cm.save(chunk(1, parts[0]), "big.dat"))
    assert first["size"] == 1000
    run(cm.save(chunk(2, parts[1]), "big.dat"))
    assert not einstein.files.exists(f"{folder}/big.dat")  # nothing partial on the server
    done = run(cm.save(chunk(-1, parts[2]), "big.dat"))
    assert done["size"] == 2010
    assert einstein.transfers.read_bytes(f"{folder}/big.dat") == b"".join(parts)

    assert run.error(cm.save(chunk(3, b"x"), "other.dat")).status_code == 400
    assert not einstein.files.exists(f"{folder}/other.dat")


def test_new_untitled_new_and_copy(einstein, folder, make_cm, run):
    cm = make_cm(einstein, folder)
    first = run(cm.new_untitled(type="notebook"))
    second = run(cm.new_untitled(type="notebook"))
    assert (first["path"], second["path"]) == ("Untitled.ipynb", "Untitled1.ipynb")
    assert nbformat.reads(
        einstein.transfers.read_bytes(f"{folder}/Untitled.ipynb").decode(), as_version=4
    ).cells == []
    run(cm.new_untitled(type="directory"))
    assert einstein.files.stat(f"{folder}/Untitled Folder").is_dir
    run(cm.new_untitled(type="file", ext=".txt"))
    assert einstein.transfers.read_bytes(f"{folder}/untitled.txt") == b""

    einstein.transfers.upload(b"keep me", f"{folder}/taken.txt")
    assert run.error(cm.new(path="taken.txt")).status_code == 409
    assert einstein.transfers.read_bytes(f"{folder}/taken.txt") == b"keep me"

    einstein.transfers.upload(notebook_bytes("orig"), f"{folder}/a.ipynb")
    copy = run(cm.copy("a.ipynb"))
    assert copy["path"] == "a-Copy1.ipynb"
    assert cell_source(einstein.transfers.read_bytes(f"{folder}/a-Copy1.ipynb")) == "orig"
    assert run(cm.copy("a-Copy1.ipynb"))["path"] == "a-Copy2.ipynb"
    einstein.files.mkdir(f"{folder}/dst")
    assert run(cm.copy("a.ipynb", "dst"))["path"] == "dst/a.ipynb"
    assert run(cm.copy("a.ipynb", "dst/b.ipynb"))["path"] == "dst/b.ipynb"
    assert run.error(cm.copy("a.ipynb", "dst/b.ipynb")).status_code == 409
    # A folder is copied with what it holds (as Jupyter's own manager does).
    folder_copy = run(cm.copy("dst"))
    assert (folder_copy["path"], folder_copy["type"]) == ("dst-Copy1", "directory")
    assert cell_source(einstein.transfers.read_bytes(f"{folder}/dst-Copy1/b.ipynb")) == "orig"
    assert run(cm.copy("dst", "dst-Copy1"))["path"] == "dst-Copy1/dst"
    assert run(cm.copy("dst", "new/place"))["path"] == "new/place/dst"  # its folders are made
    assert run.error(cm.copy("dst", "dst")).status_code == 400  # not into itself
    assert {e.name for e in einstein.files.list(f"{folder}/dst")} == {"a.ipynb", "b.ipynb"}
    assert run.error(cm.copy("a.ipynb", "nowhere/x.ipynb")).status_code == 404


def test_rename_never_replaces_and_delete_goes_to_the_trash(einstein, folder, make_cm, run):
    einstein.transfers.upload(b"one", f"{folder}/one.txt")
    einstein.transfers.upload(b"two", f"{folder}/two.txt")
    cm = make_cm(einstein, folder)
    run(cm.rename("one.txt", "uno.txt"))
    assert einstein.transfers.read_bytes(f"{folder}/uno.txt") == b"one"
    assert not einstein.files.exists(f"{folder}/one.txt")
    err = run.error(cm.rename("uno.txt", "two.txt"))
    assert err.status_code == 409 and "two.txt" in err.log_message
    assert einstein.transfers.read_bytes(f"{folder}/two.txt") == b"two"
    assert run.error(cm.rename("gone.txt", "x.txt")).status_code == 404

    # Renaming a folder moves the edit locks of the notebooks open in it.
    einstein.files.mkdir(f"{folder}/d")
    einstein.transfers.upload(notebook_bytes("x"), f"{folder}/d/n.ipynb")
    run(cm.get("d/n.ipynb"))
    run(cm.rename("d", "e"))
    assert einstein.locks.get_lock(f"{folder}/e/n.ipynb").holder == "einstein"
    assert cm.edit_locks.held_paths() == [f"{folder}/e/n.ipynb"]
    assert run.error(cm.rename("e", "uno.txt")).status_code == 409
    assert cm.edit_locks.held_paths() == [f"{folder}/e/n.ipynb"]  # kept on failure
    run(cm.delete("e"))
    assert cm.edit_locks.held_paths() == [] and not einstein.files.exists(f"{folder}/e")

    run(cm.delete("two.txt"))
    assert not einstein.files.exists(f"{folder}/two.txt")
    assert f"{folder}/two.txt" in {i.original_path for i in einstein.files.recycle_list()}
    assert run.error(cm.delete("two.txt")).status_code == 404
    assert run.error(cm.delete("")).status_code == 400


def test_exists_and_hidden(einstein, folder, make_cm, run):
    einstein.files.mkdir(f"{folder}/d")
    einstein.transfers.upload(b"x", f"{folder}/d/f.txt")
    cm = make_cm(einstein, folder)
    assert run(cm.dir_exists("d")) and not run(cm.dir_exists("d/f.txt"))
    assert run(cm.file_exists("d/f.txt")) and not run(cm.file_exists("d"))
    assert run(cm.exists("d")) and run(cm.exists("d/f.txt")) and not run(cm.exists("zz"))
    assert run(cm.dir_exists(""))
    assert run(cm.is_hidden(".git/config")) and run(cm.is_hidden("d/.x"))
    assert not run(cm.is_hidden("d/f.txt"))


def test_root_defaults_to_the_home_folder(einstein, folder, make_cm, run):
    cm = make_cm(einstein, "")
    name = folder.rsplit("/", 1)[-1]
    assert run(cm.dir_exists(name))
    assert cm.cs3_path(f"{name}/x.ipynb") == f"{folder}/x.ipynb"


def test_checkpoints_name_contents_and_keep_their_ids(einstein, folder, make_cm, run):
    cm = make_cm(einstein, folder)
    cps = cm.checkpoints
    path = f"{folder}/n.ipynb"

    def save(source: str) -> None:
        model = run(cm.get("n.ipynb"))
        model["content"].cells[0].source = source
        run(cm.save(model, "n.ipynb"))

    run(cm.new({"type": "notebook", "content": notebook("v1")}, "n.ipynb"))
    assert run(cps.list_checkpoints("n.ipynb")) == []
    # A checkpoint names the current content; nothing is written to the
    # file (its mtime and etag stay: the front end's "changed" check holds).
    before = einstein.files.stat(path)
    made = run(cm.create_checkpoint("n.ipynb"))
    assert made == {"id": f"etag-{before.etag}", "last_modified": before.mtime}
    assert einstein.files.stat(path) == before and einstein.files.versions(path) == []
    assert run(cm.create_checkpoint("n.ipynb")) == made  # the same content: the same one
    assert run(cps.list_checkpoints("n.ipynb")) == [made]
    run(cm.restore_checkpoint(made["id"], "n.ipynb"))  # still current: nothing to do
    assert einstein.files.stat(path) == before

    save("v2")  # v1 becomes a version: its checkpoint keeps its id and time
    assert run(cps.list_checkpoints("n.ipynb")) == [made]
    second = run(cm.create_checkpoint("n.ipynb"))
    save("v3")
    assert run(cps.list_checkpoints("n.ipynb")) == [made, second]  # oldest first

    run(cm.restore_checkpoint(made["id"], "n.ipynb"))
    assert cell_source(einstein.transfers.read_bytes(path)) == "v1"
    # The replaced content became a version: the revert can be undone.
    assert einstein.files.versions(path)[0].etag != before.etag
    assert run(cps.list_checkpoints("n.ipynb")) == [made, second]  # ids stable
    # The manager saves on top of the restored content without a conflict.
    save("v4")
    run(cm.restore_checkpoint(second["id"], "n.ipynb"))
    assert cell_source(einstein.transfers.read_bytes(path)) == "v2"

    assert run.error(cm.restore_checkpoint("etag-nope", "n.ipynb")).status_code == 404
    run(cm.delete_checkpoint(made["id"], "n.ipynb"))  # forgotten; its version stays
    assert run(cps.list_checkpoints("n.ipynb")) == [second]
    assert any(v.etag == before.etag for v in einstein.files.versions(path))
    assert run.error(cm.delete_checkpoint(made["id"], "n.ipynb")).status_code == 404


def test_a_reader_opening_a_file_gets_a_checkpoint_without_writing(
    einstein, marie, folder, make_cm, run
):
    """Front ends make a checkpoint when they open a file: a viewer's, or one
    while someone else holds the lock, cannot be recorded, and is no error."""
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("einstein's"), path)
    share = einstein.shares.create(folder, "marie", "Viewer")
    theirs = marie.shares.accept(share.id).path
    mine, hers = make_cm(einstein, folder), make_cm(marie, theirs)
    run(mine.get("n.ipynb"))  # einstein holds the lock
    before = einstein.files.stat(path)

    made = run(hers.create_checkpoint("n.ipynb"))
    assert made["id"] == f"etag-{before.etag}"
    assert run(hers.list_checkpoints("n.ipynb")) == []  # not recorded
    assert einstein.files.stat(path) == before


def _share_with_marie(einstein: CS3Client, marie: CS3Client, folder: str) -> str:
    """Share ``folder`` with marie as Editor; return where marie sees it."""
    share = einstein.shares.create(folder, "marie", "Editor")
    return marie.shares.accept(share.id).path


def test_open_locks_and_a_second_user_reads_read_only(
    einstein, marie, folder, make_cm, run
):
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("einstein's"), path)
    theirs = _share_with_marie(einstein, marie, folder)
    mine, hers = make_cm(einstein, folder), make_cm(marie, theirs)

    opened = run(mine.get("n.ipynb"))
    assert opened["writable"] is True
    lock = einstein.locks.get_lock(path)
    assert lock is not None and lock.holder == "einstein"
    assert lock.lock_id == mine.edit_locks.lock_id(path)

    seen = run(hers.get("n.ipynb"))  # marie can read it ...
    assert seen["writable"] is False  # ... but the front end opens it read-only
    assert seen["content"].cells[0].source == "einstein's"
    assert run(hers.get("", content=True))["content"][0]["writable"] is True
    assert marie.locks.get_lock(f"{theirs}/n.ipynb").holder == "einstein"

    seen["content"].cells[0].source = "marie's"
    err = run.error(hers.save(seen, "n.ipynb"))
    assert err.status_code == 423 and "locked by einstein" in err.log_message
    assert cell_source(einstein.transfers.read_bytes(path)) == "einstein's"
    copies = [e.name for e in einstein.files.list(folder) if "conflicted copy marie" in e.name]
    assert len(copies) == 1 and copies[0] in err.log_message
    assert cell_source(einstein.transfers.read_bytes(f"{folder}/{copies[0]}")) == "marie's"
    assert run.error(hers.delete("n.ipynb")).status_code == 423
    assert run.error(hers.rename("n.ipynb", "x.ipynb")).status_code == 423
    assert einstein.files.exists(path)

    opened["content"].cells[0].source = "einstein's v2"
    run(mine.save(opened, "n.ipynb"))  # the holder saves as usual
    assert cell_source(einstein.transfers.read_bytes(path)) == "einstein's v2"

    mine.shutdown()  # the server stops: the lock is given back
    assert einstein.locks.get_lock(path) is None
    assert run(hers.get("n.ipynb"))["writable"] is True
    assert marie.locks.get_lock(f"{theirs}/n.ipynb").holder == "marie"


def test_lock_is_refreshed_while_used_and_released_when_idle(einstein, folder, make_cm, run):
    path = f"{folder}/n.ipynb"
    einstein.transfers.upload(notebook_bytes("x"), path)
    cm = make_cm(einstein, folder, lock_ttl=30, lock_refresh_interval=0.5,
                 lock_idle_timeout=2.5)
    run(cm.get("n.ipynb"))
    first = einstein.locks.get_lock(path)
    assert first is not None

    run(asyncio.sleep(1.5))
    refreshed = einstein.locks.get_lock(path)
    assert refreshed.lock_id == first.lock_id and refreshed.expires > first.expires
    deadline = time.monotonic() + 10
    while einstein.locks.get_lock(path) is not None and time.monotonic() < deadline:
        run(asyncio.sleep(0.5))
    assert einstein.locks.get_lock(path) is None  # no session, idle: released
    assert cm.edit_locks.held_paths() == []


@pytest.mark.parametrize("locking", [True, False], ids=["with-locks", "etags-only"])
def test_two_concurrent_savers_lose_no_update(einstein, marie, folder, make_cm, run, locking):
    """Both open the same version and save at once: one wins, the other's text is kept.

    With locks the opener holds the lock and wins; without, each save's
    guard lock decides, and either may win.
    """
    path = f"{folder}/n.ipynb"
    theirs = _share_with_marie(einstein, marie, folder)
    mine = make_cm(einstein, folder, lock_on_open=locking)
    hers = make_cm(marie, theirs, lock_on_open=locking)
    for round_ in range(3):
        einstein.transfers.upload(notebook_bytes("base"), path)
        a = run(mine.get("n.ipynb"))
        b = run(hers.get("n.ipynb"))
        a["content"].cells[0].source = f"from einstein {round_}"
        b["content"].cells[0].source = f"from marie {round_}"

        results = run.at_once(mine.save(a, "n.ipynb"), hers.save(b, "n.ipynb"))
        errors = [r for r in results if isinstance(r, Exception)]
        # Without edit locks each save still locks while it compares and
        # writes (the client's write guard): the loser meets that lock (423)
        # or the winner's new etag (409).
        assert len(errors) == 1 and errors[0].status_code in ((423,) if locking else (409, 423))
        winner, loser = ("einstein", "marie") if results[1] is errors[0] else ("marie", "einstein")
        assert not locking or winner == "einstein"
        assert cell_source(einstein.transfers.read_bytes(path)) == f"from {winner} {round_}"
        copies = [e.name for e in einstein.files.list(folder)
                  if f"conflicted copy {loser}" in e.name and e.name in errors[0].log_message]
        assert len(copies) == 1
        kept = einstein.transfers.read_bytes(f"{folder}/{copies[0]}")
        assert cell_source(kept) == f"from {loser} {round_}"
        for cm in (mine, hers):
            cm.edit_locks.release_all()
