"""File operations against the live revad: stat, list, mkdir, touch, move, delete, glob."""

from __future__ import annotations

from pathlib import Path

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import AlreadyExists, CS3Error, NotFound
from cs3widgets.client.models import EntryType
from cs3widgets.devserver import RevadServer

SPECIAL_NAMES = [
    "with space",
    "ünïcødé-名前-😀",
    "hash#tag",
    "100%done",
    "what?",
    "it's \"quoted\"",
    "<angle>",
    "mix #%?<>'\" é",
]


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    """A fresh folder in einstein's home."""
    path = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(path)
    return path


def test_stat_home_and_folder_entry(einstein: CS3Client, folder: str):
    home = einstein.files.stat("/home")
    assert home.path == "/home" and home.is_dir and home.type is EntryType.FOLDER
    e = einstein.files.stat(folder)
    assert e.path == folder and e.name == folder.rsplit("/", 1)[1]
    assert e.is_dir and e.mime_type == "httpd/unix-directory"
    assert e.mtime is not None and e.etag and e.id is not None
    assert e.owner == "4c510ada-c86b-4815-8820-42cdf82c3d51"  # einstein's opaque id
    assert {"stat", "list_container", "create_container", "delete", "move"} <= e.permissions
    assert all(isinstance(p, str) for p in e.permissions)
    assert einstein.files.exists(folder)
    assert not einstein.files.exists(f"{folder}/nope")
    with pytest.raises(NotFound) as err:
        einstein.files.stat(f"{folder}/nope")
    assert err.value.path == f"{folder}/nope"


def test_mkdir_parents_and_exist_ok(einstein: CS3Client, folder: str):
    deep = f"{folder}/a/b/c"
    with pytest.raises(NotFound):
        einstein.files.mkdir(deep)
    assert not einstein.files.exists(f"{folder}/a")
    made = einstein.files.mkdir(deep, parents=True)
    assert made.path == deep and made.is_dir
    assert [e.name for e in einstein.files.list(f"{folder}/a")] == ["b"]
    with pytest.raises(AlreadyExists):
        einstein.files.mkdir(deep)
    assert einstein.files.mkdir(deep, exist_ok=True).path == deep
    assert einstein.files.mkdir(deep, parents=True, exist_ok=True).path == deep
    einstein.files.touch(f"{folder}/file")
    with pytest.raises(AlreadyExists):  # exist_ok never accepts a file
        einstein.files.mkdir(f"{folder}/file", exist_ok=True)


def test_touch_creates_empty_file_and_keeps_existing(einstein: CS3Client, folder: str):
    f = einstein.files.touch(f"{folder}/empty.txt")
    assert f.type is EntryType.FILE and f.size == 0 and f.name == "empty.txt"
    einstein.transfers.upload(b"keep me", f"{folder}/full.txt")
    again = einstein.files.touch(f"{folder}/full.txt")
    assert again.size == 7
    assert einstein.transfers.read_bytes(f"{folder}/full.txt") == b"keep me"


@pytest.mark.parametrize("name", SPECIAL_NAMES)
def test_special_names_touch_stat_list_rename_delete(einstein: CS3Client, folder: str, name: str):
    path = f"{folder}/{name}"
    assert einstein.files.touch(path).name == name
    assert einstein.files.stat(path).path == path
    assert [e.name for e in einstein.files.list(folder)] == [name]
    sub = einstein.files.mkdir(f"{folder}/dir {name}")
    assert sub.name == f"dir {name}"
    moved = einstein.files.move(path, f"{sub.path}/{name}")
    assert moved.path == f"{sub.path}/{name}"
    assert [e.name for e in einstein.files.list(sub.path)] == [name]
    renamed = einstein.files.rename(moved.path, f"renamed {name}")
    assert renamed.name == f"renamed {name}"
    assert not einstein.files.exists(moved.path)
    assert einstein.files.glob(f"{sub.path}/renamed*") == [renamed.path]
    einstein.files.delete(renamed.path)
    assert not einstein.files.exists(renamed.path)
    assert einstein.files.list(sub.path) == []


def test_move_refuses_overwrite_unless_asked(einstein: CS3Client, folder: str):
    einstein.transfers.upload(b"source", f"{folder}/src.txt")
    einstein.transfers.upload(b"target", f"{folder}/dst.txt")
    with pytest.raises(AlreadyExists) as err:
        einstein.files.move(f"{folder}/src.txt", f"{folder}/dst.txt")
    assert err.value.path == f"{folder}/dst.txt"
    assert einstein.transfers.read_bytes(f"{folder}/dst.txt") == b"target"
    assert einstein.transfers.read_bytes(f"{folder}/src.txt") == b"source"
    with pytest.raises(AlreadyExists):
        einstein.files.rename(f"{folder}/src.txt", "dst.txt")

    moved = einstein.files.move(f"{folder}/src.txt", f"{folder}/dst.txt", overwrite=True)
    assert moved.size == 6
    assert einstein.transfers.read_bytes(f"{folder}/dst.txt") == b"source"
    assert not einstein.files.exists(f"{folder}/src.txt")
    # The replaced file went to the recycle bin, not into the void.
    trashed = [i for i in einstein.files.recycle_list() if i.original_path == f"{folder}/dst.txt"]
    assert len(trashed) == 1 and trashed[0].size == 6


def test_move_folder_with_content(einstein: CS3Client, folder: str):
    einstein.files.mkdir(f"{folder}/a/inner", parents=True)
    einstein.transfers.upload(b"x" * 10, f"{folder}/a/inner/f.bin")
    einstein.files.move(f"{folder}/a", f"{folder}/b")
    assert einstein.files.stat(f"{folder}/b/inner/f.bin").size == 10
    assert not einstein.files.exists(f"{folder}/a")


def test_delete_missing_is_not_found(einstein: CS3Client, folder: str):
    with pytest.raises(NotFound):
        einstein.files.delete(f"{folder}/ghost")
    with pytest.raises(NotFound):
        einstein.files.list(f"{folder}/ghost")


def test_walk_and_glob(einstein: CS3Client, folder: str):
    einstein.files.mkdir(f"{folder}/data/2024", parents=True)
    einstein.files.mkdir(f"{folder}/data/2025", parents=True)
    for p in ("data/2024/a.csv", "data/2024/b.txt", "data/2025/c.csv", "top.csv", ".hidden.csv"):
        einstein.files.touch(f"{folder}/{p}")
    walked = {d: (sorted(e.name for e in ds), sorted(e.name for e in fs))
              for d, ds, fs in einstein.files.walk(folder)}
    assert walked == {
        folder: (["data"], [".hidden.csv", "top.csv"]),
        f"{folder}/data": (["2024", "2025"], []),
        f"{folder}/data/2024": ([], ["a.csv", "b.txt"]),
        f"{folder}/data/2025": ([], ["c.csv"]),
    }
    # Pruning dirs in place stops the walk from descending, as with os.walk.
    seen = []
    for d, ds, _ in einstein.files.walk(folder):
        seen.append(d)
        ds[:] = [e for e in ds if e.name != "2025"]
    assert f"{folder}/data/2025" not in seen and f"{folder}/data/2024" in seen

    g = einstein.files.glob
    assert g(f"{folder}/*.csv") == [f"{folder}/.hidden.csv", f"{folder}/top.csv"]
    assert g(f"{folder}/data/*/*.csv") == [f"{folder}/data/2024/a.csv", f"{folder}/data/2025/c.csv"]
    assert g(f"{folder}/**/*.csv") == sorted(
        [f"{folder}/.hidden.csv", f"{folder}/top.csv",
         f"{folder}/data/2024/a.csv", f"{folder}/data/2025/c.csv"]
    )
    assert g(f"{folder}/data/202[4]") == [f"{folder}/data/2024"]
    assert g(f"{folder}/data/2024/?.txt") == [f"{folder}/data/2024/b.txt"]
    assert g(f"{folder}/top.csv") == [f"{folder}/top.csv"]
    assert g(f"{folder}/nothing*") == []
    assert g(f"{folder}/missing/*") == []


def test_arbitrary_metadata_round_trip(einstein: CS3Client, folder: str):
    path = einstein.files.touch(f"{folder}/m.txt").path
    einstein.files.set_metadata(path, {"project": "relativity", "note": "E=mc² #1"})
    assert einstein.files.get_metadata(path) == {"project": "relativity", "note": "E=mc² #1"}
    assert einstein.files.get_metadata(path, ["note"]) == {"note": "E=mc² #1"}
    einstein.files.delete_metadata(path, ["project"])
    assert einstein.files.get_metadata(path) == {"note": "E=mc² #1"}
    with pytest.raises(NotFound):
        einstein.files.set_metadata(f"{folder}/ghost", {"a": "b"})


def test_list_container_stream_is_not_offered_by_the_gateway(einstein: CS3Client, folder: str):
    """Why iter_list uses ListContainer: Reva v1.29's gateway refuses the stream."""
    from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
    from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

    req = sp_pb.ListContainerStreamRequest(ref=sp_res.Reference(path=folder))
    with pytest.raises(CS3Error) as err:
        list(einstein.conn.stream("ListContainerStream", req))
    assert "Unimplemented" in str(err.value) or "unimplemented" in str(err.value).lower()


def test_ten_thousand_entries_list_completely_in_one_call(
    einstein: CS3Client, revad: RevadServer, folder: str
):
    n = 10_000
    name = folder.rsplit("/", 1)[1]
    # Fixture setup straight on the localhome driver's disk (10,000 uploads
    # would take minutes); the server must then see them through the API.
    on_disk = Path(revad.site.root) / "data" / "home" / "data" / "einstein" / name
    assert on_disk.is_dir()
    for i in range(n):
        (on_disk / f"f{i:05d}.dat").touch()
    assert einstein.files.stat(f"{folder}/f09999.dat").size == 0

    before = einstein.conn.calls.copy()
    names = [e.name for e in einstein.files.iter_list(folder)]
    used = einstein.conn.calls - before
    assert len(names) == n
    assert set(names) == {f"f{i:05d}.dat" for i in range(n)}
    # Measured on Reva v1.29: ListContainer ignores page_size and answers the
    # whole folder at once, so a complete listing is exactly one round trip.
    assert dict(used) == {"ListContainer": 1}

    before = einstein.conn.calls.copy()
    assert len(einstein.files.list(folder)) == n
    assert dict(einstein.conn.calls - before) == {"ListContainer": 1}
