"""Uploads, downloads, file objects and copies against the live revad."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from cs3widgets.client import AlreadyExists, CS3Client, InvalidName, NotFound, TransferError
from cs3widgets.client.errors import Conflict, Locked
from cs3widgets.client.transfers import Transfers, UploadInterrupted
from cs3widgets.devserver.datagen import MiB, sha256_file, write_random


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    """A fresh folder in einstein's home."""
    path = f"/home/{unique}"
    einstein.transfers.files.mkdir(path)
    return path




@pytest.fixture(params=["tus", "simple"])
def writer(request: pytest.FixtureRequest, login, revad_upstream, unique: str) -> Transfers:
    """Transfers of each protocol: tus where it is offered (Reva's own
    drivers; EOS offers only simple: tools/revad/FIDELITY.md), simple on the
    ``eos`` profile. Its ``folder`` attribute is a fresh folder there."""
    tus = request.param == "tus"
    client = login("einstein", server=revad_upstream) if tus else login("einstein")
    t = Transfers(client.conn, chunk_size=1 * MiB, use_tus=tus)
    t.folder = f"/home/{unique}"  # type: ignore[attr-defined]
    t.files.mkdir(t.folder)  # type: ignore[attr-defined]
    yield t
    t.close()


@pytest.fixture()
def tus_einstein(login, revad_upstream) -> CS3Client:
    """einstein on a server that offers tus (Reva's own drivers)."""
    return login("einstein", server=revad_upstream)


def names_in(client: CS3Client, folder: str) -> set[str]:
    return {e.name for e in client.transfers.files.list(folder)}


class FailingReader(io.BytesIO):
    """A seekable source that raises once ``fail_after`` bytes were read."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        super().__init__(data)
        self.fail_after = fail_after
        self.served = 0

    def read(self, n: int | None = -1) -> bytes:
        if self.served >= self.fail_after:
            raise OSError("the source disk went away")
        if n is None or n < 0:
            n = self.fail_after - self.served
        block = super().read(min(n, self.fail_after - self.served))
        self.served += len(block)
        return block

    def readinto(self, b) -> int:
        block = self.read(len(b))
        b[: len(block)] = block
        return len(block)


class CountingReader(io.BytesIO):
    """A source that counts the bytes read from it."""

    served = 0

    def readinto(self, b) -> int:
        n = super().readinto(b)
        self.served += n
        return n


@pytest.mark.parametrize("size", [0, 1, 5 * MiB, 200 * MiB], ids=["empty", "1B", "5MiB", "200MiB"])
def test_round_trip(einstein: CS3Client, folder: str, tmp_path: Path, size: int) -> None:
    src = tmp_path / "src.bin"
    expected = write_random(src, size)
    dest = f"{folder}/data.bin"

    entry = einstein.transfers.upload(src, dest)

    assert entry.size == size
    assert einstein.transfers.files.stat(dest).size == size
    out = tmp_path / "out.bin"
    assert einstein.transfers.download(dest, out) == size
    assert sha256_file(out) == expected
    # The local download went through a temporary sibling that is gone now.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "src.bin"]


def test_fresh_tus_upload_is_one_patch(tus_einstein: CS3Client, unique: str) -> None:
    t = tus_einstein.transfers
    folder = f"/home/{unique}"
    t.files.mkdir(folder)
    before = dict(t.http_calls)
    data = b"x" * (3 * MiB)

    t.upload(data, f"{folder}/one-patch.bin")

    sent = {k: v - before.get(k, 0) for k, v in t.http_calls.items() if v - before.get(k, 0)}
    assert sent == {"PATCH": 1}  # no HEAD before it: a fresh upload starts at 0
    assert t.read_bytes(f"{folder}/one-patch.bin") == data


@pytest.mark.parametrize(
    "name",
    [
        "with space.txt",
        "ünïcødé-文件-😀.txt",
        "hash#tag.txt",
        "per%20cent%.txt",
        "what?.txt",
        "quote's \"double\".txt",
        "<angle>&amp.txt",
    ],
)
def test_special_names_round_trip(einstein: CS3Client, folder: str, name: str) -> None:
    content = f"content of {name}".encode()
    dest = f"{folder}/{name}"

    einstein.transfers.upload(content, dest)

    assert names_in(einstein, folder) == {name}
    assert einstein.transfers.files.stat(dest).size == len(content)
    assert einstein.transfers.read_bytes(dest) == content
    with einstein.transfers.open(dest, "rb") as f:
        assert f.read() == content


def test_upload_sources_bytes_path_and_file_objects(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    local = tmp_path / "local.txt"
    local.write_bytes(b"from a path")
    t = einstein.transfers

    t.upload(b"from bytes", f"{folder}/a")
    t.upload(str(local), f"{folder}/b")
    t.upload(io.BytesIO(b"skip:from a file"), f"{folder}/c")
    seekable = io.BytesIO(b"skip:from the current position")
    seekable.seek(5)
    t.upload(seekable, f"{folder}/d")
    r, w = os.pipe()
    os.write(w, b"from a pipe")
    os.close(w)
    with os.fdopen(r, "rb", buffering=0) as pipe:
        t.upload(pipe, f"{folder}/e")

    assert t.read_bytes(f"{folder}/a") == b"from bytes"
    assert t.read_bytes(f"{folder}/b") == b"from a path"
    assert t.read_bytes(f"{folder}/c") == b"skip:from a file"
    assert t.read_bytes(f"{folder}/d") == b"from the current position"
    assert t.read_bytes(f"{folder}/e") == b"from a pipe"


def test_interrupted_overwrite_keeps_old_content(writer: Transfers) -> None:
    t, folder = writer, writer.folder  # type: ignore[attr-defined]
    dest = f"{folder}/precious.txt"
    t.upload(b"the old content", dest)
    new = os.urandom(3 * MiB)

    with pytest.raises(TransferError):
        t.upload(FailingReader(new, fail_after=2 * MiB + 100), dest)

    assert t.read_bytes(dest) == b"the old content"
    assert t.files.stat(dest).size == len(b"the old content")
    assert {e.name for e in t.files.list(folder)} == {"precious.txt"}


def test_local_file_shrinking_during_upload_keeps_old_content(
    writer: Transfers, tmp_path: Path
) -> None:
    # A local file cut short under the upload (a log being rotated): the
    # upload fails clearly instead of committing what was read.
    t, folder = writer, writer.folder  # type: ignore[attr-defined]
    t.chunk_size = 256 * 1024
    dest = f"{folder}/precious.txt"
    t.upload(b"the old content", dest)
    local = tmp_path / "shrinks.bin"
    write_random(local, 3 * MiB)

    def cut(done: int, total: int | None) -> None:
        if done >= MiB:
            os.truncate(local, 2 * MiB)

    with pytest.raises(TransferError, match="source ended"):
        t.upload(local, dest, progress=cut)

    assert t.read_bytes(dest) == b"the old content"
    assert {e.name for e in t.files.list(folder)} == {"precious.txt"}


def test_interrupted_new_upload_leaves_nothing(writer: Transfers) -> None:
    t, folder = writer, writer.folder  # type: ignore[attr-defined]
    with pytest.raises(TransferError):
        t.upload(FailingReader(os.urandom(3 * MiB), fail_after=MiB + 1), f"{folder}/new.bin")

    with pytest.raises(NotFound):
        t.files.stat(f"{folder}/new.bin")
    assert t.files.list(folder) == []


def test_tus_resume_continues_from_server_offset(tus_einstein: CS3Client, unique: str) -> None:
    einstein, folder = tus_einstein, f"/home/{unique}"
    einstein.files.mkdir(folder)
    t = Transfers(einstein.conn, chunk_size=1 * MiB)
    data = os.urandom(5 * MiB + 17)
    dest = f"{folder}/resumed.bin"

    with pytest.raises(UploadInterrupted) as info:
        t.upload(FailingReader(data, fail_after=3 * MiB + 5), dest, resumable=True)
    pending = info.value.pending

    # The server may still be writing the cut-off PATCH: wait until the
    # offset it reports stops moving (on a busy machine that takes a while).
    offset, settled = -1, t.upload_offset(pending)
    while settled != offset:
        offset = settled
        time.sleep(0.3)
        settled = t.upload_offset(pending)
    # What reached the server before the source failed is kept there.
    assert 0 < offset <= 3 * MiB + 5
    # The server may still be writing the cut-off PATCH when the error is
    # raised, so the offset noted then is at most the one seen now.
    assert pending.offset <= offset
    # Nothing is visible before the upload completes.
    with pytest.raises(NotFound):
        t.files.stat(dest)
    assert names_in(einstein, folder) == set()

    seen: list[tuple[int, int | None]] = []
    again = CountingReader(data)
    entry = t.resume(pending, again, progress=lambda d, total: seen.append((d, total)))

    # Only the bytes the server lacked were read and sent.
    assert again.served == len(data) - offset
    assert offset < seen[0][0] <= offset + MiB
    assert seen[-1] == (len(data), len(data))
    assert entry.size == len(data)
    assert hashlib.sha256(t.read_bytes(dest)).digest() == hashlib.sha256(data).digest()
    t.close()


def test_abort_removes_pending_upload(tus_einstein: CS3Client, unique: str) -> None:
    folder = f"/home/{unique}"
    tus_einstein.files.mkdir(folder)
    t = Transfers(tus_einstein.conn, chunk_size=1 * MiB)
    data = os.urandom(3 * MiB)
    with pytest.raises(UploadInterrupted) as info:
        t.upload(FailingReader(data, fail_after=2 * MiB), f"{folder}/x.bin", resumable=True)
    pending = info.value.pending
    assert 0 < t.upload_offset(pending) <= 2 * MiB

    t.abort(pending)

    with pytest.raises(NotFound):
        t.upload_offset(pending)
    with pytest.raises(NotFound):
        t.files.stat(f"{folder}/x.bin")
    t.close()


def test_if_match(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    dest = f"{folder}/doc.txt"
    first = t.upload(b"version 1", dest)
    second = t.upload(b"version 2, longer", dest, if_match=first.etag)
    assert second.etag != first.etag

    with pytest.raises(Conflict):
        t.upload(b"version 3 from a stale read", dest, if_match=first.etag)

    assert t.read_bytes(dest) == b"version 2, longer"
    with pytest.raises(Conflict):
        t.upload(b"gone", f"{folder}/missing.txt", if_match=first.etag)
    assert names_in(einstein, folder) == {"doc.txt"}


def test_a_writer_during_a_conditional_upload_is_refused(
    einstein: CS3Client, login, folder: str
) -> None:
    """The conditional upload holds a lock while it writes (EOS admits only
    the holder): another writer in the middle of it is refused."""
    t = Transfers(einstein.conn, chunk_size=1 * MiB)
    other = login("einstein")
    dest = f"{folder}/shared.bin"
    base = t.upload(b"base", dest)
    data = os.urandom(3 * MiB)
    refused: list[BaseException] = []

    def someone_else_writes(done: int, total: int | None) -> None:
        if done == MiB and not refused:
            try:
                other.transfers.upload(b"written meanwhile", dest)
            except Locked as exc:
                refused.append(exc)

    t.upload(data, dest, if_match=base.etag, progress=someone_else_writes)

    assert len(refused) == 1 and refused[0].holder == "einstein"
    assert other.transfers.read_bytes(dest) == data
    assert names_in(einstein, folder) == {"shared.bin"}
    t.close()


def test_overwrite_false_refuses_existing(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    t.upload(b"one", f"{folder}/f")
    with pytest.raises(AlreadyExists):
        t.upload(b"two", f"{folder}/f", overwrite=False)
    assert t.read_bytes(f"{folder}/f") == b"one"
    t.upload(b"new", f"{folder}/g", overwrite=False)
    assert t.read_bytes(f"{folder}/g") == b"new"


def test_progress_callback(einstein: CS3Client, folder: str, tmp_path: Path) -> None:
    t = Transfers(einstein.conn, chunk_size=1 * MiB)
    size = 4 * MiB + 123
    data = os.urandom(size)
    up: list[tuple[int, int | None]] = []
    t.upload(data, f"{folder}/p.bin", progress=lambda d, total: up.append((d, total)))

    assert [d for d, _ in up] == [MiB, 2 * MiB, 3 * MiB, 4 * MiB, size]
    assert {total for _, total in up} == {size}

    down: list[tuple[int, int | None]] = []
    n = t.download(f"{folder}/p.bin", tmp_path / "p", progress=lambda d, tt: down.append((d, tt)))
    dones = [d for d, _ in down]
    assert n == size
    assert dones == sorted(dones) and dones[0] == 0 and dones[-1] == size
    assert {total for _, total in down} == {size}
    t.close()


def test_open_read_and_write(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    dest = f"{folder}/stream.txt"
    with t.open(dest, "wb") as f:
        for i in range(1000):
            f.write(f"line {i}\n".encode())
        # Nothing is uploaded before close.
        assert names_in(einstein, folder) == set()
    expected = "".join(f"line {i}\n" for i in range(1000))
    assert t.files.stat(dest).size == len(expected)

    with t.open(dest, "rb") as f:
        assert f.readline() == b"line 0\n"
        assert f.read(7) == b"line 1\n"
        assert f.read() == expected[14:].encode()
    with t.open(dest, "r") as text:
        assert text.read() == expected
    with t.open(f"{folder}/t.txt", "w") as text:
        text.write("ünïcødé")
    assert t.read_bytes(f"{folder}/t.txt") == "ünïcødé".encode()


def test_open_write_discarded_on_exception(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    with pytest.raises(RuntimeError), t.open(f"{folder}/half.txt", "wb") as f:
        f.write(b"half of it")
        raise RuntimeError("the producer failed")
    assert names_in(einstein, folder) == set()


def test_download_to_file_object_and_missing(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    t = einstein.transfers
    t.upload(b"abc" * 1000, f"{folder}/x")
    buf = io.BytesIO()
    assert t.download(f"{folder}/x", buf) == 3000
    assert buf.getvalue() == b"abc" * 1000

    with pytest.raises(NotFound):
        t.download(f"{folder}/nope", tmp_path / "nope")
    assert list(tmp_path.iterdir()) == []


def test_fetch_range(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    data = bytes(range(256)) * 100
    t.upload(data, f"{folder}/r")
    target = t.initiate_download(f"{folder}/r")
    assert t.fetch_range(target, 10, 20) == data[10:20]
    assert t.fetch_range(target, 25000, 25600) == data[25000:25600]
    assert t.fetch_range(target, 5, 5) == b""


def test_copy_file_and_folder(einstein: CS3Client, folder: str) -> None:
    t = einstein.transfers
    files = t.files
    files.mkdir(f"{folder}/src/sub/deeper", parents=True)
    files.mkdir(f"{folder}/src/empty")
    big = os.urandom(3 * MiB + 1)
    t.upload(b"top", f"{folder}/src/a.txt")
    t.upload(big, f"{folder}/src/sub/big.bin")
    t.upload(b"", f"{folder}/src/sub/deeper/empty.txt")

    copied = t.copy(f"{folder}/src/a.txt", f"{folder}/a-copy.txt")
    assert copied.size == 3
    assert t.read_bytes(f"{folder}/a-copy.txt") == b"top"

    seen: list[tuple[int, int | None]] = []
    entry = t.copy(f"{folder}/src", f"{folder}/dst", progress=lambda d, tt: seen.append((d, tt)))
    assert entry.is_dir
    assert names_in(einstein, f"{folder}/dst") == {"a.txt", "sub", "empty"}
    assert names_in(einstein, f"{folder}/dst/sub") == {"big.bin", "deeper"}
    assert t.read_bytes(f"{folder}/dst/sub/big.bin") == big
    assert files.stat(f"{folder}/dst/sub/deeper/empty.txt").size == 0
    assert seen[-1] == (len(big) + 3, len(big) + 3)
    # The source is untouched.
    assert t.read_bytes(f"{folder}/src/sub/big.bin") == big

    with pytest.raises(AlreadyExists):
        t.copy(f"{folder}/src/a.txt", f"{folder}/a-copy.txt")
    with pytest.raises(InvalidName):
        t.copy(f"{folder}/src", f"{folder}/src/sub/inside")
    t.copy(f"{folder}/src/sub/big.bin", f"{folder}/a-copy.txt", overwrite=True)
    assert files.stat(f"{folder}/a-copy.txt").size == len(big)


@pytest.mark.parametrize("bad", ["", "relative.txt", "/home/../etc", "/home//x", "/home/a\x00b"])
def test_invalid_paths_refused_before_any_call(einstein: CS3Client, bad: str) -> None:
    t = einstein.transfers
    before = sum(einstein.conn.calls.values())
    with pytest.raises(InvalidName):
        t.upload(b"x", bad)
    with pytest.raises(InvalidName):
        t.download(bad, io.BytesIO())
    with pytest.raises(InvalidName):
        t.open(bad, "wb")
    assert sum(einstein.conn.calls.values()) == before
