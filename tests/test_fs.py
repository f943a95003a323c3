"""cs3:// through fsspec (and pandas) against the live revad."""

from __future__ import annotations

import io
from pathlib import Path

import fsspec
import pandas as pd
import pytest

from cs3widgets.client import CS3Client, NotFound
from cs3widgets.devserver import RevadServer
from cs3widgets.fs import CS3FileSystem

OPTIONS = {"user": "einstein", "password": "relativity"}


@pytest.fixture()
def fs(revad: RevadServer) -> CS3FileSystem:
    """A cs3 filesystem built from storage options, as pandas would build it."""
    return CS3FileSystem(gateway=revad.gateway, skip_instance_cache=True, **OPTIONS)


@pytest.fixture()
def base(einstein: CS3Client, unique: str) -> str:
    path = f"/home/{unique}"
    einstein.transfers.files.mkdir(path)
    return path


def names(client: CS3Client, folder: str) -> set[str]:
    return {e.name for e in client.transfers.files.list(folder)}


def test_entry_point_registered() -> None:
    assert fsspec.get_filesystem_class("cs3") is CS3FileSystem


def test_pandas_reads_csv_through_cs3_url(
    revad: RevadServer, einstein: CS3Client, base: str
) -> None:
    einstein.transfers.upload(b"name,mass\nelectron,0.511\nmuon,105.7\n", f"{base}/p.csv")

    df = pd.read_csv(
        f"cs3:/{base}/p.csv", storage_options={"gateway": revad.gateway, **OPTIONS}
    )

    assert list(df.columns) == ["name", "mass"]
    assert df["name"].tolist() == ["electron", "muon"]
    assert df["mass"].tolist() == [0.511, 105.7]


def test_pandas_writes_csv_and_env_only_config(
    revad: RevadServer, einstein: CS3Client, base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CS3_GATEWAY", revad.gateway)
    monkeypatch.setenv("CS3_USER", "einstein")
    monkeypatch.setenv("CS3_PASSWORD", "relativity")
    url = f"cs3:/{base}/out.csv"

    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(url, index=False)

    assert einstein.transfers.read_bytes(f"{base}/out.csv") == b"a,b\n1,x\n2,y\n"
    with fsspec.open(url, "rt") as f:
        assert f.read() == "a,b\n1,x\n2,y\n"


def test_url_mapping() -> None:
    assert CS3FileSystem._strip_protocol("cs3://home/x.csv") == "/home/x.csv"
    assert CS3FileSystem._strip_protocol("cs3:///home/x.csv") == "/home/x.csv"
    assert CS3FileSystem._strip_protocol("/home/dir/") == "/home/dir"
    assert CS3FileSystem._strip_protocol("cs3://") == "/"


def test_ls_info_and_missing(fs: CS3FileSystem, einstein: CS3Client, base: str) -> None:
    einstein.transfers.upload(b"12345", f"{base}/f.txt")
    einstein.transfers.files.mkdir(f"{base}/sub")

    listing = fs.ls(f"cs3:/{base}")
    assert [(i["name"], i["type"], i["size"]) for i in listing if i["type"] == "file"] == [
        (f"{base}/f.txt", "file", 5)
    ]
    assert {i["name"] for i in listing} == {f"{base}/f.txt", f"{base}/sub"}
    assert fs.ls(base, detail=False) == [f"{base}/f.txt", f"{base}/sub"]
    info = fs.info(f"{base}/f.txt")
    assert info["name"] == f"{base}/f.txt" and info["size"] == 5 and info["type"] == "file"
    assert fs.info(f"{base}/sub")["type"] == "directory"
    assert fs.isdir(f"{base}/sub") and fs.isfile(f"{base}/f.txt")
    assert fs.modified(f"{base}/f.txt").tzinfo is not None

    with pytest.raises(FileNotFoundError):
        fs.info(f"{base}/missing")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{base}/missing")
    with pytest.raises(FileNotFoundError):
        fs.cat(f"{base}/missing")
    assert not fs.exists(f"{base}/missing")


def test_cat_ranges_and_open_read(fs: CS3FileSystem, einstein: CS3Client, base: str) -> None:
    data = bytes(range(256)) * 1000
    einstein.transfers.upload(data, f"{base}/d.bin")

    assert fs.cat(f"{base}/d.bin") == data
    assert fs.cat_file(f"{base}/d.bin", start=1000, end=1010) == data[1000:1010]
    assert fs.cat_file(f"{base}/d.bin", start=-5) == data[-5:]
    with fs.open(f"{base}/d.bin", "rb", block_size=4096) as f:
        f.seek(100_000)
        assert f.read(50) == data[100_000:100_050]
        f.seek(10)
        assert f.read(5) == data[10:15]
        assert f.size == len(data)


def test_open_write_uploads_on_close(fs: CS3FileSystem, einstein: CS3Client, base: str) -> None:
    path = f"{base}/w.bin"
    with fs.open(path, "wb", block_size=5 * 1024 * 1024) as f:
        for _ in range(3):
            f.write(b"x" * (4 * 1024 * 1024))
        assert names(einstein, base) == set()  # nothing before close
    assert einstein.transfers.files.stat(path).size == 12 * 1024 * 1024

    with pytest.raises(RuntimeError), fs.open(f"{base}/aborted", "wb") as f:
        f.write(b"partial")
        raise RuntimeError("producer failed")
    assert names(einstein, base) == {"w.bin"}

    with pytest.raises(FileExistsError):
        fs.open(path, "xb")
    fs.pipe_file(f"{base}/piped", b"piped bytes")
    assert einstein.transfers.read_bytes(f"{base}/piped") == b"piped bytes"


def test_put_and_get(fs: CS3FileSystem, einstein: CS3Client, base: str, tmp_path: Path) -> None:
    local = tmp_path / "up.txt"
    local.write_bytes(b"uploaded through put")
    tree = tmp_path / "tree"
    (tree / "inner").mkdir(parents=True)
    (tree / "a.txt").write_bytes(b"a")
    (tree / "inner" / "b.txt").write_bytes(b"bb")

    fs.put(str(local), f"cs3:/{base}/up.txt")
    fs.put(str(tree), f"{base}/tree", recursive=True)

    assert einstein.transfers.read_bytes(f"{base}/up.txt") == b"uploaded through put"
    assert names(einstein, f"{base}/tree") == {"a.txt", "inner"}
    assert einstein.transfers.read_bytes(f"{base}/tree/inner/b.txt") == b"bb"

    out = tmp_path / "down.txt"
    fs.get(f"{base}/up.txt", str(out))
    assert out.read_bytes() == b"uploaded through put"
    fs.get(f"{base}/tree", str(tmp_path / "back"), recursive=True)
    assert (tmp_path / "back" / "inner" / "b.txt").read_bytes() == b"bb"
    buf = io.BytesIO()
    fs.get_file(f"{base}/up.txt", None, outfile=buf)
    assert buf.getvalue() == b"uploaded through put"


def test_mkdir_makedirs_rm(fs: CS3FileSystem, einstein: CS3Client, base: str) -> None:
    fs.makedirs(f"{base}/x/y/z")
    assert einstein.transfers.files.stat(f"{base}/x/y/z").is_dir
    fs.makedirs(f"{base}/x/y/z", exist_ok=True)
    with pytest.raises(FileExistsError):
        fs.makedirs(f"{base}/x/y/z")
    fs.mkdir(f"{base}/m")
    with pytest.raises(FileExistsError):
        fs.mkdir(f"{base}/m")
    einstein.transfers.upload(b"1", f"{base}/x/y/z/f")

    fs.rm(f"{base}/m")  # an empty folder goes without recursive
    with pytest.raises(OSError):
        fs.rm(f"{base}/x")  # a non-empty one needs recursive=True
    assert names(einstein, base) == {"x"}
    fs.rm(f"{base}/x", recursive=True)
    assert names(einstein, base) == set()
    with pytest.raises(FileNotFoundError):
        fs.rm(f"{base}/gone")


def test_mv_and_cp(fs: CS3FileSystem, einstein: CS3Client, base: str) -> None:
    t = einstein.transfers
    t.upload(b"move me", f"{base}/a.txt")
    fs.mkdir(f"{base}/dir")

    fs.mv(f"{base}/a.txt", f"{base}/b.txt")
    assert names(einstein, base) == {"b.txt", "dir"}
    fs.mv(f"{base}/b.txt", f"{base}/dir")  # into an existing folder
    assert names(einstein, f"{base}/dir") == {"b.txt"}

    fs.cp(f"{base}/dir/b.txt", f"{base}/c.txt")
    assert t.read_bytes(f"{base}/c.txt") == b"move me"
    assert t.read_bytes(f"{base}/dir/b.txt") == b"move me"
    fs.cp(f"{base}/dir", f"{base}/dir2", recursive=True)
    assert t.read_bytes(f"{base}/dir2/b.txt") == b"move me"
    with pytest.raises(NotFound):
        t.files.stat(f"{base}/a.txt")
