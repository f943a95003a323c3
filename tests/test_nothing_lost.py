"""Nothing lost, on both server profiles (tests/profiles.py).

Each case once destroyed data against Reva's plain local drivers. On the
``eos`` profile the server refuses what EOS refuses; on ``upstream`` (Reva's
own drivers) the client protects the user: it checks first, detects a lost
race afterwards and keeps both texts, and whatever a plain driver still
overwrites survives among the file's versions. The tests assert what is on
the server afterwards: contents, listings, versions and the recycle bin.
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
from profiles import revad  # noqa: F401  (both profiles)

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


#: The servers of this run by gateway, to read what they keep on disk.
SERVERS: dict[str, Any] = {}


@pytest.fixture()
def folder(einstein: CS3Client, unique: str, revad) -> str:  # noqa: F811
    SERVERS[revad.gateway] = revad
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


def test_a_move_onto_an_existing_file_is_refused(
    einstein: CS3Client, folder: str, profile: str
) -> None:
    # A raw MoveRequest, as any CS3 client sends it: the server decides.
    einstein.transfers.upload(b"a", f"{folder}/a")
    einstein.transfers.upload(b"b", f"{folder}/b")
    req = sp_pb.MoveRequest(
        source=sp_res.Reference(path=f"{folder}/a"),
        destination=sp_res.Reference(path=f"{folder}/b"),
    )
    if profile == "eos":
        # EOS's rename never replaces a file; Reva's provider reports every
        # refused move as INTERNAL (tools/revad/FIDELITY.md).
        res = _raw(einstein, "Move", req)
        assert res.status.code == code_pb2.CODE_INTERNAL
    with pytest.raises(AlreadyExists):  # upstream renames over it: the client checks
        einstein.files.move(f"{folder}/a", f"{folder}/b")
    assert einstein.transfers.read_bytes(f"{folder}/b") == b"b"
    # The client's overwrite=True replaces it, the old one going to the trash.
    einstein.files.move(f"{folder}/a", f"{folder}/b", overwrite=True)
    assert einstein.transfers.read_bytes(f"{folder}/b") == b"a"
    assert names(einstein, folder) == {"b"}
    assert len(trash_under(einstein, folder)) == 1


def test_a_stale_save_is_refused_and_changes_nothing(einstein: CS3Client, folder: str) -> None:
    dest = f"{folder}/doc.txt"
    base = einstein.transfers.upload(b"v1", dest)
    einstein.transfers.upload(b"v2 by someone else", dest)
    with pytest.raises(Conflict):
        einstein.transfers.upload(b"v3 from a stale read", dest, if_match=base.etag)
    assert einstein.transfers.read_bytes(dest) == b"v2 by someone else"
    fresh = einstein.files.stat(dest)
    einstein.transfers.upload(b"v3", dest, if_match=fresh.etag)
    assert einstein.transfers.read_bytes(dest) == b"v3"


def test_must_not_exist_is_refused_over_a_file(einstein: CS3Client, folder: str) -> None:
    dest = f"{folder}/new.txt"
    einstein.transfers.upload(b"one", dest, overwrite=False)
    with pytest.raises(AlreadyExists):
        einstein.transfers.upload(b"second", dest, overwrite=False)
    assert einstein.transfers.read_bytes(dest) == b"one"


def _version_bytes(c: CS3Client, dest: str, key: str) -> bytes:
    """A version's bytes, read where the server keeps them.

    Over the data server a version is a GET with ``version_key``
    (``pkg/rhttp/datatx/utils/download/download.go``), but Reva's local
    drivers list version ``v<n>`` as key ``<n>`` and then open the key
    verbatim (``localfs.go``, ListRevisions/DownloadRevision): every version
    download answers 404. Both profiles keep versions in localfs's layout.
    """
    user = c.whoami().username
    rel = dest[len("/home/"):]
    versions = SERVERS[c.gateway].site.root / "data" / "home" / ".shadow" / "versions"
    return (versions / user / rel / f"v{key}").read_bytes()


def _save_race(a: CS3Client, b: CS3Client, dest: str, etag: str) -> tuple[list, list]:
    barrier = threading.Barrier(2)
    wins: list[bytes] = []
    losses: list[BaseException] = []

    def save(client: CS3Client, body: bytes) -> None:
        barrier.wait()
        try:
            client.transfers.upload(body, dest, if_match=etag)
            wins.append(body)
        except (Conflict, Locked) as exc:
            losses.append(exc)
        except Exception as exc:
            losses.append(("unexpected", exc))

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
    login, folder: str, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A conditional save locks, compares and writes: a CS3 lock on eos, the
    metadata lock on upstream. The other save is refused and changes nothing."""
    a, b = login("einstein"), login("einstein")
    dest = f"{folder}/notebook.ipynb"
    refusals: dict[str, int] = {}
    for _ in range(ROUNDS):
        base = a.transfers.upload(b"base", dest)
        wins, losses = _save_race(a, b, dest, base.etag)
        assert len(wins) == 1 and len(losses) == 1, (wins, losses)
        assert a.transfers.read_bytes(dest) == wins[0]
        name = type(losses[0]).__name__
        refusals[name] = refusals.get(name, 0) + 1
    assert names(a, folder) == {"notebook.ipynb"}
    with capsys.disabled():
        print(f"\nconcurrent saves ({profile}): {ROUNDS} rounds, one winner each; "
              f"the other refused as {refusals}")


def _raw_put(client: CS3Client, dest: str, body: bytes) -> int:
    """A write by another tool: InitiateFileUpload and a simple PUT, no lock."""
    req = sp_pb.InitiateFileUploadRequest(ref=sp_res.Reference(path=dest))
    req.opaque.map["Upload-Length"].decoder = "plain"
    req.opaque.map["Upload-Length"].value = str(len(body)).encode()
    simple = next(p for p in _raw(client, "InitiateFileUpload", req).protocols
                  if p.protocol == "simple")
    headers = {"x-access-token": client.conn.token(), "X-Reva-Transfer": simple.token}
    return httpx.put(simple.upload_endpoint, content=body, headers=headers).status_code


def test_a_writer_in_the_window_is_refused_or_both_texts_are_kept(
    login, folder: str, profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tool writes right after our check. eos: our lock refuses it.
    upstream (no locks): our write goes on, the lost race is detected, their
    text stays at the path and ours is kept as a conflicted copy."""
    ours, other = login("einstein"), login("einstein")
    dest = f"{folder}/report.txt"
    base = ours.transfers.upload(b"base", dest)
    from cs3widgets.client.transfers import write_guard

    checked = write_guard.check
    other_result: list[object] = []

    def check_then_someone_writes(*args: Any, **kw: Any) -> Any:
        entry = checked(*args, **kw)
        if other_result:  # the other tool's own write, or after it
            return entry
        other_result.append(_raw_put(other, dest, b"theirs"))
        return entry

    monkeypatch.setattr(write_guard, "check", check_then_someone_writes)
    if profile == "eos":
        ours.transfers.upload(b"ours", dest, if_match=base.etag)
        assert other_result == [409]  # EOS refuses a writer that is not the holder
        assert ours.transfers.read_bytes(dest) == b"ours"
        return
    with pytest.raises(Conflict) as lost:
        ours.transfers.upload(b"ours", dest, if_match=base.etag)
    assert other_result == [200]
    assert ours.transfers.read_bytes(dest) == b"theirs"
    kept = lost.value.kept_as  # type: ignore[attr-defined]
    assert "conflicted copy" in kept and ours.transfers.read_bytes(kept) == b"ours"
    assert "conflicted copy" in str(lost.value)


@pytest.mark.parametrize("use_tus", [True, False], ids=["tus", "simple"])
def test_failed_upload_leaves_nothing_in_the_trash(
    einstein: CS3Client, folder: str, use_tus: bool, profile: str
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
    if profile == "upstream" and not use_tus:
        # localfs commits a body that stopped short (WriteChunk takes
        # io.ErrUnexpectedEOF as the end): the old bytes are in the versions.
        _eventually(lambda: _has_version(einstein, f"{folder}/f.bin", b"old"))
    else:
        assert t.read_bytes(f"{folder}/f.bin") == b"old"
    _eventually(lambda: names(einstein, folder) == {"f.bin"})
    assert trash_under(einstein, folder) == []
    t.close()


def _eventually(ok: object, timeout: float = 10.0) -> None:
    """Poll ``ok()`` until it holds, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while not ok():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the expected state never came"
        time.sleep(0.1)


def _has_version(c: CS3Client, dest: str, body: bytes) -> bool:
    return any(_version_bytes(c, dest, v.key) == body for v in c.files.versions(dest))


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


def test_killed_simple_upload_leaves_nothing(
    einstein: CS3Client, folder: str, profile: str
) -> None:
    dest = f"{folder}/killed.bin"
    einstein.transfers.upload(b"old content", dest)
    kills = 3
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILLED_UPLOAD, einstein.gateway, dest],
            stdout=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": os.getcwd()},
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"half"
        proc.kill()
        proc.wait(10)
    if profile == "upstream":
        # localfs commits the cut body; the old content is among the versions.
        _eventually(lambda: _has_version(einstein, dest, b"old content"))
    else:
        _eventually(lambda: einstein.transfers.read_bytes(dest) == b"old content")
    _eventually(lambda: names(einstein, folder) == {"killed.bin"})  # no hidden partial
    assert trash_under(einstein, folder) == []


def test_a_move_refused_for_a_lock_never_touches_the_destination(
    login, folder: str
) -> None:
    # Found by the state machine: the destination went to the trash before
    # the source's lock refused the move.
    holder, mover = login("einstein"), login("einstein")
    holder.transfers.upload(b"kept", f"{folder}/a")
    holder.transfers.upload(b"locked", f"{folder}/b")
    holder.locks.set_lock(f"{folder}/b", expires_in=60)
    with pytest.raises(Locked):
        mover.files.move(f"{folder}/b", f"{folder}/a", overwrite=True)
    assert mover.transfers.read_bytes(f"{folder}/a") == b"kept"
    assert names(mover, folder) == {"a", "b"} and trash_under(mover, folder) == []
