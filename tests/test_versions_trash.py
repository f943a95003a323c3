"""Versions and the recycle bin against the live revad."""

from __future__ import annotations

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import AlreadyExists, NotFound
from cs3widgets.client.models import EntryType


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(path)
    return path


def _trash_items(client: CS3Client, path: str):
    return [i for i in client.files.recycle_list() if i.original_path == path]


def test_overwrite_creates_versions_and_restore_brings_old_bytes_back(
    einstein: CS3Client, folder: str
):
    path = f"{folder}/paper.tex"
    einstein.transfers.upload(b"first draft", path)
    assert einstein.files.versions(path) == []
    einstein.transfers.upload(b"second draft, longer", path)
    versions = einstein.files.versions(path)
    assert len(versions) == 1
    assert versions[0].size == len(b"first draft") and versions[0].mtime is not None
    einstein.transfers.upload(b"third", path)
    versions = einstein.files.versions(path)
    assert [v.size for v in versions] == [len(b"second draft, longer"), len(b"first draft")]
    assert versions[0].mtime >= versions[1].mtime  # newest first

    einstein.files.restore_version(path, versions[1].key)
    assert einstein.transfers.read_bytes(path) == b"first draft"
    assert einstein.files.stat(path).size == len(b"first draft")
    # The content that was current ("third") became a version in turn.
    assert sorted(v.size for v in einstein.files.versions(path)) == sorted(
        [len(b"second draft, longer"), len(b"third")]
    )
    with pytest.raises(NotFound):
        einstein.files.restore_version(path, "12345")


def test_delete_then_restore_from_trash(einstein: CS3Client, folder: str):
    path = f"{folder}/data #1.csv"
    content = b"a,b\n1,2\n"
    einstein.transfers.upload(content, path)
    einstein.files.delete(path)
    assert not einstein.files.exists(path)
    items = _trash_items(einstein, path)
    assert len(items) == 1
    item = items[0]
    assert item.type is EntryType.FILE and item.size == len(content) and item.deleted is not None

    einstein.files.recycle_restore(item.key)
    assert einstein.files.stat(path).size == len(content)
    assert einstein.transfers.read_bytes(path) == content
    assert _trash_items(einstein, path) == []


def test_restore_folder_elsewhere(einstein: CS3Client, folder: str):
    einstein.files.mkdir(f"{folder}/proj/sub", parents=True)
    einstein.transfers.upload(b"inside", f"{folder}/proj/sub/x.txt")
    einstein.files.delete(f"{folder}/proj")
    (item,) = _trash_items(einstein, f"{folder}/proj")
    assert item.type is EntryType.FOLDER
    einstein.files.touch(f"{folder}/taken")
    with pytest.raises(AlreadyExists):
        einstein.files.recycle_restore(item.key, restore_path=f"{folder}/taken")
    einstein.files.recycle_restore(item.key, restore_path=f"{folder}/restored")
    assert einstein.transfers.read_bytes(f"{folder}/restored/sub/x.txt") == b"inside"
    assert not einstein.files.exists(f"{folder}/proj")
    assert _trash_items(einstein, f"{folder}/proj") == []


def test_purge_one_item_for_good(einstein: CS3Client, folder: str):
    einstein.transfers.upload(b"junk", f"{folder}/junk.bin")
    einstein.transfers.upload(b"keep", f"{folder}/keep.bin")
    einstein.files.delete(f"{folder}/junk.bin")
    einstein.files.delete(f"{folder}/keep.bin")
    (junk,) = _trash_items(einstein, f"{folder}/junk.bin")
    einstein.files.recycle_purge(junk.key)
    assert _trash_items(einstein, f"{folder}/junk.bin") == []
    assert len(_trash_items(einstein, f"{folder}/keep.bin")) == 1
    with pytest.raises(NotFound):
        einstein.files.recycle_restore(junk.key, restore_path=f"{folder}/junk.bin")
    assert not einstein.files.exists(f"{folder}/junk.bin")


def test_empty_the_whole_bin(richard: CS3Client, unique: str):
    # richard's bin only, so other tests' items are untouched.
    folder = f"{richard.identity.home()}/{unique}"
    richard.files.mkdir(folder)
    for name in ("a", "b"):
        richard.files.touch(f"{folder}/{name}")
        richard.files.delete(f"{folder}/{name}")
    assert len(richard.files.recycle_list()) >= 2
    richard.files.recycle_purge()
    assert richard.files.recycle_list() == []
