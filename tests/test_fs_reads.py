"""cs3:// reads fetch what is asked: counted HTTP requests, bytes and gRPC calls."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.fs import CS3FileSystem

KiB = 1024
SIZE = 8 * 1024 * KiB


@pytest.fixture()
def fs(einstein: CS3Client) -> CS3FileSystem:
    return CS3FileSystem(client=einstein, skip_instance_cache=True)


@pytest.fixture()
def blob(einstein: CS3Client, unique: str) -> tuple[str, bytes]:
    data = random.Random(13).randbytes(SIZE)
    path = f"/home/{unique}.bin"
    einstein.transfers.upload(data, path)
    return path, data


def _counts(client: CS3Client) -> tuple[int, int, int, int]:
    t = client.transfers
    return (
        client.conn.calls["InitiateFileDownload"],
        client.conn.calls["Stat"],
        t.http_calls.get("GET", 0),
        t.http_bytes_received,
    )


def _since(client: CS3Client, before: tuple[int, int, int, int]) -> list[int]:
    """Initiations, Stats, GETs and bytes received since ``before``."""
    return [a - b for a, b in zip(_counts(client), before, strict=True)]


def test_cat_ranges_one_initiation_for_100_ranges(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    rng = random.Random(1)
    starts = [rng.randrange(0, SIZE - 64 * KiB) for _ in range(100)]
    ends = [s + rng.randrange(1, 64 * KiB) for s in starts]
    before = _counts(einstein)

    got = fs.cat_ranges([f"cs3:/{path}"] * 100, starts, ends)

    inits, stats, gets, received = _since(einstein, before)
    assert got == [data[s:e] for s, e in zip(starts, ends, strict=True)]
    assert (inits, stats, gets) == (1, 0, 100)
    assert received == sum(e - s for s, e in zip(starts, ends, strict=True))


def test_random_reads_fetch_at_most_twice_what_is_asked(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    rng = random.Random(2)
    offsets = [rng.randrange(1, SIZE - 64 * KiB) for _ in range(100)]
    before = _counts(einstein)

    with fs.open(path, "rb") as f:
        for off in offsets:
            f.seek(off)
            assert f.read(64 * KiB) == data[off : off + 64 * KiB]

    inits, stats, gets, received = _since(einstein, before)
    asked = 100 * 64 * KiB
    assert received <= 2 * asked
    assert gets <= 100
    assert (inits, stats) == (1, 1)  # one Stat for the size, one initiation for every read


def test_sequential_reads_read_ahead(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    before = _counts(einstein)

    with fs.open(path, "rb") as f:
        chunks = [f.read(64 * KiB) for _ in range(SIZE // (64 * KiB))]
        assert f.read(10) == b""

    _, _, gets, received = _since(einstein, before)
    assert b"".join(chunks) == data
    assert received == SIZE  # every byte once
    # Readahead doubles from 1 MiB: 1+2+4 MiB and the rest, not 128 GETs of 64 KiB.
    assert gets <= 5


def test_whole_file_read_is_one_request(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    before = _counts(einstein)

    with fs.open(path, "rb") as f:
        assert f.read() == data

    _, _, gets, received = _since(einstein, before)
    assert (gets, received) == (1, SIZE)


def test_ranges_past_the_end_and_from_the_end(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    assert fs.cat_file(path, start=SIZE - 5) == data[-5:]
    assert fs.cat_file(path, start=-7) == data[-7:]
    assert fs.cat_file(path, start=10, end=-SIZE + 20) == data[10:20]
    assert fs.cat_file(path, start=SIZE + 10, end=SIZE + 20) == b""
    assert fs.cat_file(path, start=SIZE - 3, end=SIZE + 100) == data[-3:]
    assert fs.cat_ranges([path, path], [0, 5], [0, 9]) == [b"", data[5:9]]


def test_cached_target_is_dropped_when_the_file_goes(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    assert fs.cat_file(path, start=0, end=4) == data[:4]
    einstein.files.delete(path)

    with pytest.raises(FileNotFoundError):
        fs.cat_file(path, start=0, end=4)
    # The gateway was asked again rather than the cache believed.
    with pytest.raises(FileNotFoundError):
        fs.cat_ranges([path], [0], [4], on_error="raise")
    assert fs.cat_ranges([path], [0], [4])[0].__class__ is FileNotFoundError


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_sequential_reader_gets_the_next_window_while_it_works(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    before = _counts(einstein)

    with fs.open(path, "rb") as f:
        assert f.read(64 * KiB) == data[: 64 * KiB]
        # Without asking for more, the next window (2 MiB after the first 1 MiB) arrives.
        assert _wait_for(lambda: _since(einstein, before)[3] == 3 * 1024 * KiB)
        rest = f.read()
    _, _, gets, received = _since(einstein, before)
    assert data[: 64 * KiB] + rest == data
    # Every byte once: the prefetched windows were used, not fetched again.
    assert received == SIZE
    assert gets <= 5


def test_a_jump_drops_the_prefetched_window(
    fs: CS3FileSystem, einstein: CS3Client, blob: tuple[str, bytes]
) -> None:
    path, data = blob
    before = _counts(einstein)

    with fs.open(path, "rb") as f:
        f.read(64 * KiB)
        assert _wait_for(lambda: _since(einstein, before)[3] == 3 * 1024 * KiB)
        f.seek(6 * 1024 * KiB)
        assert f.read(64 * KiB) == data[6 * 1024 * KiB : 6 * 1024 * KiB + 64 * KiB]
        f.seek(1 * 1024 * KiB)  # where the dropped window began: fetched again, exactly
        assert f.read(64 * KiB) == data[1024 * KiB : 1024 * KiB + 64 * KiB]

    _, _, gets, received = _since(einstein, before)
    assert received == 3 * 1024 * KiB + 2 * 64 * KiB
    assert gets == 4
