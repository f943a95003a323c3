"""Path and name validation: bad input is refused before any RPC reaches revad."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import InvalidName
from cs3widgets.client.paths import (
    MAX_CREATE_NAME_BYTES,
    MAX_NAME_BYTES,
    MAX_PATH_BYTES,
    basename,
    is_within,
    join,
    parent,
    validate_name,
    validate_path,
    validate_target,
)

LONG_NAME = "a" * (MAX_NAME_BYTES + 1)
# 128 two-byte characters = 256 bytes: over the limit in bytes, not in characters.
LONG_UTF8_NAME = "é" * 128

BAD_PATHS = [
    "",
    "home/x",
    "./x",
    "/home//x",
    "//home",
    "/home/../etc",
    "/home/..",
    "/home/./x",
    "/home/x\x00y",
    f"/home/{LONG_NAME}",
    f"/home/{LONG_UTF8_NAME}",
    "/home/" + "/".join(["d" * 200] * 21),  # 4221 bytes, every segment fine
    None,
    b"/home/x",
]

BAD_NAMES = ["", ".", "..", "a/b", "/", "x\x00", LONG_NAME, LONG_UTF8_NAME, 3]

GOOD_NAMES = [
    "with space",
    " leading and trailing ",
    "ünïcødé-名前-😀",
    "hash#tag",
    "100%",
    "what?",
    "it's \"quoted\"",
    "<angle>",
    "...dots",
    ".hidden",
    "a" * MAX_CREATE_NAME_BYTES,
]


@pytest.mark.parametrize("bad", BAD_PATHS, ids=repr)
def test_bad_paths_are_refused(bad: object):
    with pytest.raises(InvalidName) as err:
        validate_path(bad)
    assert str(err.value)  # a message a user can read
    assert "\x00" not in str(err.value)


@pytest.mark.parametrize("bad", BAD_NAMES, ids=repr)
def test_bad_names_are_refused(bad: object):
    with pytest.raises(InvalidName):
        validate_name(bad)


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_good_names_are_accepted(name: str):
    assert validate_name(name) == name
    assert validate_path(f"/home/{name}") == f"/home/{name}"


def test_limits_are_in_bytes_and_inclusive():
    assert validate_name("é" * 119) == "é" * 119  # 238 bytes
    assert validate_path("/home/" + "é" * 127)  # 254 bytes: an existing name is readable
    path = "/" + "/".join(["d" * 254] * 16)  # 16 * 255 = 4080 bytes
    assert validate_path(path) == path
    longest = path + "/" + "e" * (MAX_PATH_BYTES - len(path) - 1)
    assert len(longest.encode()) == MAX_PATH_BYTES
    assert validate_path(longest) == longest
    with pytest.raises(InvalidName):
        validate_path(longest + "e")


def test_normalisation_and_helpers():
    assert validate_path("/") == "/"
    assert validate_path("/home/") == "/home"
    assert join("/home", "a b", "c#d") == "/home/a b/c#d"
    assert join("/", "home") == "/home"
    assert parent("/home/a/b") == "/home/a"
    assert parent("/home") == "/"
    assert parent("/") == "/"
    assert basename("/home/a b") == "a b"
    assert basename("/") == ""
    assert is_within("/home/a/b", "/home/a") and is_within("/home/a", "/home/a")
    assert not is_within("/home/ab", "/home/a")
    with pytest.raises(InvalidName):
        join("/home", "..")
    with pytest.raises(InvalidName):
        validate_target("/")


def _attempts(c: CS3Client, bad_path: object, bad_name: object) -> list[Callable[[], object]]:
    f, lk = c.files, c.locks
    ok = "/home/fine.txt"
    return [
        lambda: f.stat(bad_path),
        lambda: f.exists(bad_path),
        lambda: f.list(bad_path),
        lambda: list(f.iter_list(bad_path)),
        lambda: list(f.walk(bad_path)),
        lambda: f.mkdir(bad_path, parents=True),
        lambda: f.touch(bad_path),
        lambda: f.delete(bad_path),
        lambda: f.move(bad_path, ok),
        lambda: f.move(ok, bad_path),
        lambda: f.rename(bad_path, "x"),
        lambda: f.rename(ok, bad_name),
        lambda: f.versions(bad_path),
        lambda: f.restore_version(bad_path, "1"),
        lambda: f.set_metadata(bad_path, {"k": "v"}),
        lambda: f.get_metadata(bad_path),
        # restore_path=None means "where it was", so test None as "" here
        lambda: f.recycle_restore("key", restore_path=bad_path if bad_path is not None else ""),
        lambda: lk.set_lock(bad_path),
        lambda: lk.get_lock(bad_path),
        lambda: lk.unlock(bad_path, "id"),
    ]


@pytest.mark.parametrize("bad_path", [p for p in BAD_PATHS if p != ""] + [""], ids=repr)
def test_invalid_input_never_reaches_the_server(einstein: CS3Client, bad_path: object):
    einstein.files.stat("/home")  # logged in, so later counts are only our calls
    before = dict(einstein.conn.calls)
    bad_name = "../escape"
    for attempt in _attempts(einstein, bad_path, bad_name):
        with pytest.raises(InvalidName):
            attempt()
    for name in BAD_NAMES:
        with pytest.raises(InvalidName):
            einstein.files.rename("/home/fine.txt", name)
        if name not in ("", "a/b"):  # as paths, "/home/" and "/home/a/b" are fine
            with pytest.raises(InvalidName):
                einstein.files.mkdir(f"/home/{name}" if isinstance(name, str) else name)
    assert dict(einstein.conn.calls) == before


def test_root_is_never_a_target(einstein: CS3Client):
    einstein.files.stat("/home")
    before = dict(einstein.conn.calls)
    for attempt in (
        lambda: einstein.files.delete("/"),
        lambda: einstein.files.mkdir("/"),
        lambda: einstein.files.touch("/"),
        lambda: einstein.files.move("/", "/home/x"),
        lambda: einstein.files.move("/home/x", "/"),
        lambda: einstein.files.rename("/", "x"),
        lambda: einstein.files.move("/home/a", "/home/a/b"),  # into itself
        lambda: einstein.files.glob("relative/*"),
        lambda: einstein.files.glob("/home/../*"),
    ):
        with pytest.raises(InvalidName):
            attempt()
    assert dict(einstein.conn.calls) == before


def test_names_the_recycle_bin_cannot_hold_are_refused_up_front() -> None:
    fits = "n" * MAX_CREATE_NAME_BYTES
    assert validate_name(fits) == fits
    assert validate_target(f"/home/{fits}") == f"/home/{fits}"
    too_long = fits + "n"
    with pytest.raises(InvalidName, match="never be deleted"):
        validate_name(too_long)
    with pytest.raises(InvalidName, match="never be deleted"):
        validate_target(f"/home/{too_long}")


def test_shares_and_links_validate_their_path_before_any_request(
    einstein: CS3Client, unique: str
) -> None:
    home = einstein.identity.home()
    einstein.files.mkdir(f"{home}/{unique}")
    before = dict(einstein.conn.calls)
    for bad in (f"{home}/{unique}/..", "/", f"{home}//x", "relative"):
        with pytest.raises(InvalidName):
            einstein.shares.create(bad, "marie", "Editor")
        with pytest.raises(InvalidName):
            einstein.links.create(bad, "Editor")
    assert dict(einstein.conn.calls) == before  # nothing reached the server
    assert einstein.links.list() == [] or all(
        link.path != home for link in einstein.links.list()
    )


@pytest.mark.parametrize("blank", [" ", "   ", "\t", " \u00a0 "])
def test_blank_names_are_refused_where_something_is_created(
    einstein: CS3Client, unique: str, blank: str
) -> None:
    """A name of only spaces cannot be read in a listing nor typed again."""
    home = einstein.identity.home()
    einstein.transfers.upload(b"x", f"{home}/{unique}.txt")
    target = f"{home}/{blank}"
    before = dict(einstein.conn.calls)
    for create in (
        lambda: einstein.transfers.upload(b"data", target),
        lambda: einstein.transfers.open(target, "wb"),
        lambda: einstein.files.mkdir(target),
        lambda: einstein.files.touch(target),
        lambda: einstein.files.rename(f"{home}/{unique}.txt", blank),
        lambda: einstein.transfers.copy(f"{home}/{unique}.txt", target),
    ):
        with pytest.raises(InvalidName, match="empty"):
            create()
    assert dict(einstein.conn.calls) == before
    assert einstein.transfers.read_bytes(f"{home}/{unique}.txt") == b"x"
    # Names with spaces around other characters stay valid.
    assert validate_name(f" {blank}a ") == f" {blank}a "
