"""Feedback of the Browser, driven from Python against the live revad.

The message slot keeps its height, successes fade on the event loop, batches
are summarised, errors speak plain words with the server's own words one
click away, a failed navigation puts the path box back, and the prompts
submit on Enter, cancel, take the focus, and (Move) pick a folder and stay
open when the server refuses.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from widgets_support import names

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import PermissionDenied
from cs3widgets.widgets import Browser
from cs3widgets.widgets.base.messages import SLOT_HEIGHT, StatusBanner

ICON = "\U0001f4c1 "
JARGON = ("statting", "add_grant", "CODE_", "rpc", "grpc", "Error:")


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"/home/{unique}"
    einstein.files.mkdir(path)
    return path


def _plain(message: str) -> None:
    for word in JARGON:
        assert word.lower() not in message.lower(), message


def _enter(text_widget: Any) -> None:
    """What the front end sends on Enter in a ``Text`` (a custom message)."""
    text_widget._handle_custom_msg({"event": "submit"}, [])


def _spy_focus(widget: Any) -> list[dict]:
    sent: list[dict] = []
    original = widget.send

    def send(content: dict, buffers: Any = None) -> None:
        sent.append(content)
        original(content, buffers)

    widget.send = send
    return sent


def test_banner_slot_keeps_its_height(einstein: CS3Client, folder: str) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    banner = b.banner
    assert b.children[0] is banner

    def slot() -> tuple[Any, ...]:
        lay = banner.layout
        return lay.height, lay.min_height, lay.max_height, lay.display

    empty = slot()
    assert empty == (SLOT_HEIGHT, SLOT_HEIGHT, SLOT_HEIGHT, None)
    b.mkdir("one")
    assert banner.kind == "success" and slot() == empty
    b.mkdir("one")  # exists: an error with details
    assert banner.is_error and banner.details and slot() == empty
    banner.details_button.value = True
    assert slot() == empty
    banner.close_button.click()  # dismissed: the slot stays, empty
    assert banner.kind == "" and banner.value == "" and slot() == empty


def test_success_fades_but_errors_stay(einstein: CS3Client, folder: str) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    b.banner.success_seconds = 0.3
    b.mkdir("made")
    assert b.wait(30) and b.banner.kind == "success"
    assert b.banner.message == "Created folder made"
    time.sleep(0.4)
    assert b.wait(30) and b.banner.kind == ""  # faded, at the runner's wait

    b.mkdir("made")
    assert b.banner.is_error
    time.sleep(0.4)
    assert b.wait(30) and b.banner.is_error  # an error stays until dismissed
    b.banner.dismiss()
    assert not b.banner.is_error


def test_success_fades_on_the_kernels_event_loop(einstein: CS3Client, folder: str) -> None:
    """In a kernel the fade is a timer of the running loop (no thread, no wait())."""

    async def session() -> tuple[str, str, int]:
        b = Browser(folder, client=einstein)  # threaded, as in a kernel
        b.banner.success_seconds = 0.3
        while b.runner.pending:
            await asyncio.sleep(0.02)
        b.mkdir("looped")
        while b.runner.pending:
            await asyncio.sleep(0.02)
        shown = b.banner.kind
        loop = asyncio.get_running_loop()
        scheduled = len(loop._scheduled)  # type: ignore[attr-defined]  # the fade's timer
        await asyncio.sleep(0.5)
        after = b.banner.kind
        b.close()
        return shown, after, scheduled

    shown, after, scheduled = asyncio.run(session())
    assert shown == "success" and after == "" and scheduled >= 1
    assert einstein.files.stat(f"{folder}/looped").is_dir


def test_batches_are_summarised(einstein: CS3Client, folder: str) -> None:
    einstein.files.mkdir(f"{folder}/dest")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    now = datetime.now(timezone.utc)
    b.file_upload.value = tuple(
        {"name": f"f{i}.txt", "type": "text/plain", "size": 2, "content": memoryview(b"%d\n" % i),
         "last_modified": now}
        for i in range(3)
    )
    assert b.wait(120)
    assert b.banner.kind == "success" and b.banner.message == "Uploaded 3 files"
    assert [r.state for r in b.transfers.rows[-3:]] == ["done"] * 3
    assert {e.name for e in einstein.files.list(folder)} == {"dest", "f0.txt", "f1.txt", "f2.txt"}
    assert names(b) == ["dest", "f0.txt", "f1.txt", "f2.txt"]

    b.move([f"{folder}/f0.txt", f"{folder}/f1.txt"], f"{folder}/dest")
    assert b.wait(60) and b.banner.message == "Moved 2 items to dest"
    assert {e.name for e in einstein.files.list(f"{folder}/dest")} == {"f0.txt", "f1.txt"}

    b.navigate(f"{folder}/dest")
    assert b.wait(60)
    b.select([f"{folder}/dest/f0.txt", f"{folder}/dest/f1.txt"])
    b.toolbar.delete.click()
    assert "2 items" in b.confirm.question.value
    b.confirm.confirm.click()
    assert b.wait(60) and b.banner.message == "Deleted 2 items"
    assert einstein.files.list(f"{folder}/dest") == []

    b.upload_bytes("one.txt", b"1")
    assert b.wait(60) and b.banner.message == "Uploaded one.txt"


def test_errors_in_plain_words_with_details(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    einstein.transfers.upload(b"data", f"{folder}/report.csv")
    b = Browser(folder, client=einstein, threaded=False)

    # NotFound: deleted behind the browser's back.
    einstein.files.delete(f"{folder}/report.csv")
    b.select([f"{folder}/report.csv"])
    b.delete([f"{folder}/report.csv"])
    assert b.banner.is_error and b.banner.message == "report.csv no longer exists"
    _plain(b.banner.message)
    assert "NotFound" in b.banner.details and "report.csv" in b.banner.details
    assert "NotFound" not in b.banner.value  # behind the toggle ...
    b.banner.details_button.value = True  # ... one click away, escaped
    assert "NotFound" in b.banner.value

    # AlreadyExists.
    b.mkdir("twice")
    b.mkdir("twice")
    assert b.banner.message == "twice already exists" and "AlreadyExists" in b.banner.details

    # PermissionDenied: marie may read, not delete, nor share further.
    einstein.transfers.upload(b"x", f"{folder}/report.csv")
    share = einstein.shares.create(folder, "marie", "Viewer")
    theirs = marie.shares.accept(share.id).path
    m = Browser(theirs, client=marie, threaded=False)
    assert "report.csv" in names(m)
    m.select([f"{theirs}/report.csv"])
    m.delete([f"{theirs}/report.csv"])
    assert m.banner.message == "You don't have permission to delete report.csv"
    assert "PermissionDenied" in m.banner.details
    assert einstein.files.exists(f"{folder}/report.csv")
    with pytest.raises(PermissionDenied) as refused:
        marie.shares.create(f"{theirs}/report.csv", "richard", "Viewer")
    banner = StatusBanner()
    banner.error(refused.value)
    assert banner.message == "You don't have permission to share report.csv"
    _plain(banner.message)
    assert "CreateShare" in banner.details  # the technical side stays available


def test_locked_file_names_its_holder(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    einstein.transfers.upload(b"draft", f"{folder}/report.csv")
    share = einstein.shares.create(folder, "marie", "Editor")
    theirs = marie.shares.accept(share.id).path
    lock = einstein.locks.set_lock(f"{folder}/report.csv", expires_in=600)
    try:
        m = Browser(theirs, client=marie, threaded=False)
        m.select([f"{theirs}/report.csv"])
        m.delete([f"{theirs}/report.csv"])
        assert m.banner.is_error
        assert m.banner.message == "Someone else is editing report.csv (locked by Albert Einstein)"
        assert "Locked" in m.banner.details
        assert einstein.transfers.read_bytes(f"{folder}/report.csv") == b"draft"
    finally:
        einstein.locks.unlock(f"{folder}/report.csv", lock.lock_id)


def test_failed_navigation_puts_the_path_box_back(einstein: CS3Client, folder: str) -> None:
    einstein.files.mkdir(f"{folder}/sub")
    b = Browser(folder, client=einstein, threaded=False)
    b.breadcrumb.path_box.value = f"{folder}/nope"  # typed, then Enter
    assert b.banner.is_error and b.banner.message == f"There is no folder {folder}/nope"
    assert b.path == folder and b.breadcrumb.path_box.value == folder
    b.breadcrumb.path_box.value = "not/absolute"
    assert b.banner.is_error and b.breadcrumb.path_box.value == folder
    b.breadcrumb.path_box.value = f"{folder}/sub"  # a good one still works
    assert b.path == f"{folder}/sub" and not b.banner.is_error


def test_prompt_enter_cancel_and_focus(einstein: CS3Client, folder: str) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    focus = _spy_focus(b.prompt.text)
    b.toolbar.new_folder.click()
    assert b.prompt.active and {"do": "focus"} in focus

    # Enter: the front end sends "submit", then the value it typed.
    _enter(b.prompt.text)
    b.prompt.text.value = "by enter"
    assert not b.prompt.active and einstein.files.stat(f"{folder}/by enter").is_dir
    assert b.banner.message == "Created folder by enter"

    # A value that arrives without Enter (the box lost the focus) submits nothing ...
    b.toolbar.new_folder.click()
    b.prompt.text.value = "typed then enter"
    assert b.prompt.active and not einstein.files.exists(f"{folder}/typed then enter")
    _enter(b.prompt.text)  # ... Enter on an unchanged value submits it after the grace
    assert b.wait(30) and not b.prompt.active
    assert einstein.files.stat(f"{folder}/typed then enter").is_dir

    # Cancel (Escape cannot be caught by core widgets): nothing happens.
    b.toolbar.new_folder.click()
    b.prompt.text.value = "never"
    b.prompt.cancel.click()
    _enter(b.prompt.text)  # a late Enter after Cancel does nothing either
    assert b.wait(30) and not b.prompt.active
    assert not einstein.files.exists(f"{folder}/never")

    # Rename: the box holds the name, focused; Enter renames.
    b.select([f"{folder}/by enter"])
    focus.clear()
    b.toolbar.rename.click()
    assert b.prompt.text.value == "by enter" and {"do": "focus"} in focus
    _enter(b.prompt.text)
    b.prompt.text.value = "renamed"
    assert einstein.files.exists(f"{folder}/renamed")
    assert not einstein.files.exists(f"{folder}/by enter")


def test_move_picks_a_folder_and_stays_open_on_error(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"mine", f"{folder}/a.txt")
    einstein.files.mkdir(f"{folder}/taken")
    einstein.transfers.upload(b"theirs", f"{folder}/taken/a.txt")
    einstein.files.mkdir(f"{folder}/free")
    b = Browser(folder, client=einstein, threaded=False)
    b.select([f"{folder}/a.txt"])
    b.toolbar.move.click()
    picker = b.prompt.picker
    assert b.prompt.active and picker is not None and picker.show_only_dirs
    assert b.prompt.text.layout.display == "none"  # no typed path
    assert picker._gb.layout.display is None  # the folder list is open
    assert list(picker._dircontent.options) == ["..", f"{ICON}free", f"{ICON}taken"]

    picker._dircontent.value = f"{ICON}taken"
    picker._select.click()  # "Move here": the server refuses (a.txt exists there)
    assert b.prompt.active and b.prompt.picker is picker
    assert b.prompt.errors.layout.display is None
    assert b.prompt.errors.message == "a.txt already exists"
    assert not b.banner.is_error
    assert einstein.transfers.read_bytes(f"{folder}/a.txt") == b"mine"
    assert einstein.transfers.read_bytes(f"{folder}/taken/a.txt") == b"theirs"

    picker._select.click()  # "Pick another folder"
    picker._dircontent.value = ".."
    picker._dircontent.value = f"{ICON}free"
    picker._select.click()
    assert not b.prompt.active and b.prompt.picker is None
    assert b.banner.message == "Moved a.txt to free"
    assert einstein.transfers.read_bytes(f"{folder}/free/a.txt") == b"mine"
    assert names(b) == ["free", "taken"]

    b.select([f"{folder}/taken"])
    b.toolbar.move.click()
    b.prompt.cancel.click()  # cancelled: nothing moved, the picker closed
    assert not b.prompt.active and picker.comm is None
    assert einstein.files.exists(f"{folder}/taken/a.txt")
