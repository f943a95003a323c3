"""fsspec's own contract tests on ``cs3://``, as s3fs, gcsfs and adlfs run them.

The abstract suite ships in the fsspec wheel (``fsspec/tests/abstract``):
copy, get, put, open and pipe, each against a fresh folder of einstein's on
the live revad. The classes here only say where; the two tests at the end
are ours: what a recursive copy does when it can, and when it cannot.
"""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Iterator

import pytest
from fsspec.tests import abstract

from cs3widgets.client import CS3Client
from cs3widgets.devserver import RevadServer
from cs3widgets.fs import CS3FileSystem


class CS3Fixtures(abstract.AbstractFixtures):
    """Where the suite works: a fresh folder on the server, paths joined by '/'."""

    @pytest.fixture
    def fs(self, revad: RevadServer) -> CS3FileSystem:
        return CS3FileSystem(
            gateway=revad.gateway, user="einstein", password="relativity",
            skip_instance_cache=True,
        )

    @pytest.fixture
    def fs_join(self):  # type: ignore[no-untyped-def]
        return posixpath.join

    @pytest.fixture
    def fs_path(self, einstein: CS3Client) -> Iterator[str]:
        path = f"/home/fsspec-{uuid.uuid4().hex[:10]}"
        einstein.files.mkdir(path)
        yield path
        einstein.files.delete(path)

    @pytest.fixture
    def supports_empty_directories(self) -> bool:
        return True


class TestCS3Copy(abstract.AbstractCopyTests, CS3Fixtures):
    """fsspec's copy contract."""


class TestCS3Get(abstract.AbstractGetTests, CS3Fixtures):
    """fsspec's get contract."""


class TestCS3Put(abstract.AbstractPutTests, CS3Fixtures):
    """fsspec's put contract."""


class TestCS3Open(abstract.AbstractOpenTests, CS3Fixtures):
    """fsspec's open contract."""


class TestCS3Pipe(abstract.AbstractPipeTests, CS3Fixtures):
    """fsspec's pipe contract."""


def test_a_recursive_copy_with_maxdepth_copies_into_new_folders(
    revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    """Once, this copied nothing and said nothing (its folders were missing)."""
    fs = CS3FileSystem(gateway=revad.gateway, user="einstein", password="relativity",
                       skip_instance_cache=True)
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        fs.pipe_file(f"/home/{unique}/src/{name}", name.encode())  # its folders are made
    fs.cp(f"/home/{unique}/src", f"/home/{unique}/out/new", recursive=True, maxdepth=1)
    assert einstein.transfers.read_bytes(f"/home/{unique}/out/new/a.txt") == b"a.txt"
    assert einstein.transfers.read_bytes(f"/home/{unique}/out/new/b.txt") == b"b.txt"
    assert not einstein.files.exists(f"/home/{unique}/out/new/sub")  # below maxdepth


def test_a_recursive_copy_that_cannot_copy_raises(
    revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    fs = CS3FileSystem(gateway=revad.gateway, user="einstein", password="relativity",
                       skip_instance_cache=True)
    fs.pipe_file(f"/home/{unique}/a.txt", b"a")
    with pytest.raises(FileNotFoundError):
        fs.cp([f"/home/{unique}/a.txt", f"/home/{unique}/gone.txt"],
              [f"/home/{unique}/c/a.txt", f"/home/{unique}/c/gone.txt"], recursive=True)
