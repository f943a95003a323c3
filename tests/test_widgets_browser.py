"""The Browser driven from Python against the live revad: widget state and server state."""

from __future__ import annotations

import base64
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from widgets_support import all_names, names, row_label

from cs3widgets.client import CS3Client
from cs3widgets.widgets import Browser
from cs3widgets.widgets.base.formatting import local_time


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    """A fresh folder in einstein's home."""
    path = f"/home/{unique}"
    einstein.files.mkdir(path)
    return path


def _disk(revad, username: str, cs3_path: str) -> Path:
    """Where a file of ``/home/...`` lives on the revad's disk (localhome layout)."""
    rel = cs3_path.removeprefix("/home/")
    return revad.site.root / "data" / "home" / "data" / username / rel


def test_navigate_up_breadcrumb_path_box_and_home(einstein: CS3Client, folder: str) -> None:
    einstein.files.mkdir(f"{folder}/sub/deeper", parents=True)
    einstein.transfers.upload(b"x", f"{folder}/a.txt")
    b = Browser(folder, client=einstein, threaded=False)
    assert b.path == folder
    assert names(b) == ["sub", "a.txt"]
    assert {e.name for e in einstein.files.list(folder)} == set(names(b))

    b.select([f"{folder}/sub"])
    b.toolbar.open_item.click()
    assert b.path == f"{folder}/sub" and names(b) == ["deeper"]
    assert b.breadcrumb.visible_segments[-1] == f"{folder}/sub"

    b.toolbar.up.click()
    assert b.path == folder

    b.breadcrumb.click(1)  # "/" is 0, "home" is 1
    assert b.path == "/home"
    assert folder.rsplit("/", 1)[1] in all_names(b)

    b.breadcrumb.path_box.value = f"{folder}/sub/deeper"  # typed, then Enter
    assert b.path == f"{folder}/sub/deeper" and names(b) == []

    b.toolbar.home.click()
    assert b.path == einstein.identity.home()
    assert not b.banner.is_error


def test_path_trait_navigates_and_reverts_on_error(einstein: CS3Client, folder: str) -> None:
    einstein.files.mkdir(f"{folder}/x")
    b = Browser(folder, client=einstein, threaded=False)
    seen: list[str] = []
    b.observe(lambda c: seen.append(c["new"]), names="path")
    b.path = f"{folder}/x"
    assert names(b) == [] and b.breadcrumb.path_box.value == f"{folder}/x"
    b.path = f"{folder}/missing"
    # The error shows, and the widget stays where it was.
    assert b.banner.is_error and "missing" in b.banner.message
    assert b.path == f"{folder}/x"
    b.path = "relative/path"
    assert b.banner.is_error and b.path == f"{folder}/x"
    assert seen[0] == f"{folder}/x"


def test_mkdir_through_the_prompt_and_bad_names(einstein: CS3Client, folder: str) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    b.toolbar.new_folder.click()
    assert b.prompt.active
    b.prompt.text.value = "results 2024"
    b.prompt.ok.click()
    assert not b.prompt.active
    assert einstein.files.stat(f"{folder}/results 2024").is_dir
    assert names(b) == ["results 2024"]
    assert b.selected == [f"{folder}/results 2024"]

    for bad in ("a/b", "..", "", "x\x00y"):
        b.toolbar.new_folder.click()
        b.prompt.text.value = bad
        b.prompt.ok.click()
        assert b.banner.is_error, bad
        assert b.banner.message
    assert [e.name for e in einstein.files.list(folder)] == ["results 2024"]

    # An existing name: the server's refusal shows; the widget still works.
    b.mkdir("results 2024")
    assert b.banner.is_error and "exists" in b.banner.message.lower()
    b.toolbar.refresh.click()
    assert not b.banner.is_error


def test_upload_from_file_upload_widget_and_kernel_disk(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    b = Browser(folder, client=einstein)
    assert b.wait(60)  # the constructor returns at once; the listing follows
    b.toolbar.upload.click()
    assert b.upload_panel.layout.display is None

    content = os.urandom(300_000)
    b.file_upload.value = (
        {"name": "from-browser.bin", "type": "application/octet-stream", "size": len(content),
         "content": memoryview(content), "last_modified": datetime.now(timezone.utc)},
    )
    assert b.wait(120)
    assert einstein.transfers.read_bytes(f"{folder}/from-browser.bin") == content
    # The bytes do not stay in the widget state (nor in the saved notebook).
    assert b.file_upload.value == ()
    row = b.transfers.rows[-1]
    assert row.state == "done" and row.done == len(content) and row.percent == 100.0
    assert "100%" in row.detail.value and "/s" in row.detail.value
    assert row.bar.value == 1.0
    assert "from-browser.bin" in names(b)

    local = tmp_path / "from kernel.csv"
    local.write_bytes(b"a,b\n1,2\n")
    chooser = b.local_upload_chooser
    chooser.reset(path=str(tmp_path), filename=local.name)
    chooser._select.click()  # open the picker ...
    chooser._select.click()  # ... and pick, as a user would
    assert chooser.selected == str(local)
    b.upload_local_button.click()
    assert b.wait(120)
    assert einstein.transfers.read_bytes(f"{folder}/from kernel.csv") == b"a,b\n1,2\n"
    assert "from kernel.csv" in names(b) and not b.banner.is_error


def test_blank_upload_names_are_refused_as_in_new_folder(
    einstein: CS3Client, folder: str, tmp_path: Path
) -> None:
    b = Browser(folder, client=einstein, threaded=False)
    b.toolbar.new_folder.click()
    b.prompt.text.value = "   "
    b.prompt.ok.click()
    folder_message = b.banner.message
    assert b.banner.is_error and "name is empty" in folder_message.lower()

    b.toolbar.refresh.click()
    assert not b.banner.is_error
    b.file_upload.value = (
        {"name": "   ", "type": "text/plain", "size": 4, "content": memoryview(b"data"),
         "last_modified": datetime.now(timezone.utc)},
    )
    assert b.banner.is_error and "name is empty" in b.banner.message.lower()
    assert b.file_upload.value == ()  # the bytes do not stay in the widget

    b.toolbar.refresh.click()
    blank = tmp_path / "  "
    blank.write_bytes(b"data")
    b.upload_local(blank)
    assert b.banner.is_error and "name is empty" in b.banner.message.lower()
    assert einstein.files.list(folder) == []


def test_download_to_kernel_disk_and_to_the_browser(
    einstein: CS3Client, folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "served"  # what the front end serves at /srv/
    monkeypatch.setenv("CS3W_DOWNLOAD_DIR", str(served))
    monkeypatch.setenv("CS3W_DOWNLOAD_URL", "/srv/")
    data = os.urandom(100_000)
    einstein.transfers.upload(data, f"{folder}/data.bin")
    einstein.transfers.upload(b"<b>hi</b>", f"{folder}/note <1>.html")
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    b.toolbar.download.click()  # nothing selected: the panel, and a hint
    assert b.download_panel.layout.display is None and b.download_link.value == ""
    b.select([f"{folder}/data.bin"])
    chooser = b.local_download_chooser
    chooser.reset(path=str(tmp_path))
    chooser._select.click()
    chooser._select.click()
    assert chooser.selected_path == str(tmp_path)
    b.download_local_button.click()
    assert b.wait(120)
    assert (tmp_path / "data.bin").read_bytes() == data
    assert b.transfers.rows[-1].state == "done"

    # To the browser: one click prepares the file where the front end serves
    # it, and one link (escaped) saves it; no byte is in the widget state.
    b.select([f"{folder}/note <1>.html"])
    b.toolbar.download.click()
    assert b.wait(60)
    link = b.download_link.value
    assert base64.b64encode(b"<b>hi</b>").decode() not in link and "data:" not in link
    assert 'download="note &lt;1&gt;.html"' in link and "<1>" not in link
    href = link.split('href="', 1)[1].split('"', 1)[0]
    assert href.startswith("/srv/cs3w-dl-") and href.endswith("/note%20%3C1%3E.html")
    (saved,) = served.glob("*/note <1>.html")
    assert saved.read_bytes() == b"<b>hi</b>"

    # A folder goes as a zip.
    einstein.files.mkdir(f"{folder}/dir")
    einstein.transfers.upload(b"in dir", f"{folder}/dir/x.txt")
    b.refresh()
    assert b.wait(60)
    b.select([f"{folder}/dir"])
    b.download_browser_button.click()
    assert b.wait(60) and not b.banner.is_error
    assert "dir.zip" in b.download_link.value
    b.close()
    assert not served.exists()  # the prepared downloads go with the widget


def test_rename_and_move(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"1", f"{folder}/one.txt")
    einstein.transfers.upload(b"2", f"{folder}/two.txt")
    einstein.files.mkdir(f"{folder}/dest")
    b = Browser(folder, client=einstein, threaded=False)

    b.select([f"{folder}/one.txt"])
    b.toolbar.rename.click()
    assert b.prompt.text.value == "one.txt"
    b.prompt.text.value = "uno.txt"
    b.prompt.ok.click()
    assert not einstein.files.exists(f"{folder}/one.txt")
    assert einstein.transfers.read_bytes(f"{folder}/uno.txt") == b"1"
    assert b.selected == [f"{folder}/uno.txt"]

    b.select([f"{folder}/uno.txt", f"{folder}/two.txt"])
    assert len(b.selected) == 2
    b.toolbar.move.click()  # a folder picker, not a typed path
    picker = b.prompt.picker
    picker._dircontent.value = "\U0001f4c1 dest"  # into the folder
    picker._select.click()  # "Move here"
    assert sorted(e.name for e in einstein.files.list(f"{folder}/dest")) == ["two.txt", "uno.txt"]
    assert names(b) == ["dest"]

    # Rename needs exactly one item; a clear message otherwise.
    b.select([])
    b.toolbar.rename.click()
    assert b.banner.is_error and not b.prompt.active


def test_delete_cancelled_then_confirmed(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"keep?", f"{folder}/victim.txt")
    b = Browser(folder, client=einstein, threaded=False)
    b.select([f"{folder}/victim.txt"])

    b.toolbar.delete.click()
    assert b.confirm.active  # first click only asks
    assert einstein.files.exists(f"{folder}/victim.txt")
    b.confirm.cancel.click()
    assert not b.confirm.active
    assert einstein.files.exists(f"{folder}/victim.txt") and names(b) == ["victim.txt"]

    b.toolbar.delete.click()
    b.confirm.confirm.click()
    assert not einstein.files.exists(f"{folder}/victim.txt")
    assert names(b) == [] and not b.confirm.active
    assert f"{folder}/victim.txt" in {i.original_path for i in einstein.files.recycle_list()}


def test_sort_filter_hidden_and_folders_first(revad, einstein: CS3Client, folder: str) -> None:
    sizes = {"b.csv": 1, "c.txt": 2, "a.csv": 3}
    for name, size in sizes.items():
        einstein.transfers.upload(b"x" * size, f"{folder}/{name}")
    einstein.transfers.upload(b"h", f"{folder}/.hidden")
    einstein.files.mkdir(f"{folder}/zdir")
    einstein.files.mkdir(f"{folder}/ydir")
    # Distinct modification times, set on the server's disk: c oldest, a newest.
    for i, name in enumerate(["c.txt", "b.csv", "a.csv"]):
        os.utime(_disk(revad, "einstein", f"{folder}/{name}"), (1_600_000_000 + i * 100,) * 2)

    b = Browser(folder, client=einstein, threaded=False)
    assert names(b) == ["ydir", "zdir", "a.csv", "b.csv", "c.txt"]
    b.listing.header_for("name").click()  # the sorted column again: reversed
    assert names(b) == ["zdir", "ydir", "c.txt", "b.csv", "a.csv"] and b.descending
    b.listing.header_for("size").click()  # another column: ascending
    assert names(b)[2:] == ["b.csv", "c.txt", "a.csv"] and not b.descending
    b.descending = True  # the trait works as well as the header
    assert b.listing.header_for("size").description == "Size \u25bc"
    assert names(b)[2:] == ["a.csv", "c.txt", "b.csv"]
    b.sort_by = "modified"
    assert names(b)[2:] == ["a.csv", "b.csv", "c.txt"]
    b.descending = False
    assert names(b)[2:] == ["c.txt", "b.csv", "a.csv"]
    assert set(names(b)[:2]) == {"ydir", "zdir"}  # folders first whatever the order

    b.filter_box.value = "*.csv"
    assert sorted(names(b)) == ["a.csv", "b.csv"]
    b.filter_box.value = "DIR"
    assert sorted(names(b)) == ["ydir", "zdir"]
    b.filter_box.value = ""

    assert ".hidden" not in names(b)
    b.hidden_toggle.value = True
    assert ".hidden" in names(b) and b.show_hidden


def test_labels_show_size_time_and_share_markers(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"x" * 2048, f"{folder}/f.bin")
    einstein.files.mkdir(f"{folder}/shared")
    einstein.shares.create(f"{folder}/shared", "marie", "Viewer")
    einstein.links.create(f"{folder}/f.bin", "Viewer")
    b = Browser(folder, client=einstein, threaded=False)
    labels = dict(zip(names(b), b.listing.labels, strict=True))
    assert "2.0 KB" in labels["f.bin"]
    assert "\U0001f517" in labels["f.bin"] and "\U0001f465" not in labels["f.bin"]
    assert "\U0001f465" in labels["shared"]
    assert "\U0001f4c1" in labels["shared"]
    entry = einstein.files.stat(f"{folder}/f.bin")
    assert entry.mtime.astimezone().strftime("%Y-%m-%d %H:%M") in labels["f.bin"]


def test_locks_show_in_the_listing_and_name_their_holder(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    """A CS3 lock, set by any CS3 client, shows as a marker, and selecting the
    file says who holds it and until when (for another user too)."""
    einstein.transfers.upload(b"draft", f"{folder}/paper.tex")
    einstein.transfers.upload(b"data", f"{folder}/free.txt")
    lock = einstein.locks.set_lock(f"{folder}/paper.tex", expires_in=600)
    share = einstein.shares.create(folder, "marie", "Viewer")
    theirs = marie.shares.accept(share.id).path
    try:
        for client, where in ((einstein, folder), (marie, theirs)):
            b = Browser(where, client=client, threaded=False)
            labels = dict(zip(names(b), b.listing.labels, strict=True))
            assert "\U0001f512" in labels["paper.tex"]
            assert "\U0001f512" not in labels["free.txt"]
            b.select([f"{where}/paper.tex"])
            assert b.wait(30)
            message = b.banner.message.replace("\u00a0", " ")
            until = local_time(lock.expires).replace("\u00a0", " ")
            assert f"paper.tex is locked by Albert Einstein (einstein) until {until}" in message
            b.close()
        # Unlocked: the marker goes with the lock.
        einstein.locks.unlock(f"{folder}/paper.tex", lock.lock_id)
        b = Browser(folder, client=einstein, threaded=False)
        labels = dict(zip(names(b), b.listing.labels, strict=True))
        assert "\U0001f512" not in labels["paper.tex"]
        b.close()
    finally:
        einstein.shares.remove(share.id)


def test_callbacks_and_selected(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"1", f"{folder}/a")
    einstein.transfers.upload(b"2", f"{folder}/b")
    b = Browser(folder, client=einstein, threaded=False)
    calls: list[list[str]] = []
    b.register_callback(lambda br: calls.append(list(br.selected)))
    for row in b.listing.rows:  # what the front end sends: both checkboxes ticked
        row.check.value = True
    assert b.selected == [f"{folder}/a", f"{folder}/b"]
    assert calls[-1] == [f"{folder}/a", f"{folder}/b"]
    b.selected = [f"{folder}/b"]
    assert b.listing.selected_keys == [f"{folder}/b"]

    def broken(_br: Browser) -> None:
        raise RuntimeError("user code failed")

    b.register_callback(broken)
    b.selected = [f"{folder}/a"]  # the user's bug shows in the banner, nothing is raised
    assert b.banner.is_error


def test_accept_and_decline_in_shared_with_me(
    einstein: CS3Client, marie: CS3Client, unique: str
) -> None:
    """marie finds two shares listed in Shared with me, accepts one and declines the other."""
    einstein.files.mkdir(f"/home/{unique}-acc")
    einstein.transfers.upload(b"from einstein", f"/home/{unique}-acc/paper.txt")
    einstein.files.mkdir(f"/home/{unique}-dec")
    s1 = einstein.shares.create(f"/home/{unique}-acc", "marie", "Viewer")
    s2 = einstein.shares.create(f"/home/{unique}-dec", "marie", "Viewer")

    b = Browser(client=marie, threaded=False)
    b.view_tabs.value = "received"
    assert b.view == "received" and b.breadcrumb.layout.display == "none"
    assert not b.banner.is_error, b.banner.message
    # The view lists what the server lists: no share id to type in.
    assert set(b.view_actions.children) == {b.view_actions.accept, b.view_actions.decline}
    b.filter_box.value = unique  # other tests share marie's account
    assert set(b.listing.page_keys) == {s1.id, s2.id}
    b.state_filter.value = "pending"
    assert set(b.listing.page_keys) == {s1.id, s2.id}
    label = b.listing.labels[b.listing.page_keys.index(s1.id)].replace("\u00a0", " ")
    assert label.startswith("pending") and f"{unique}-acc" in label and "Albert Einstein" in label
    assert "Viewer" in label

    b.listing.select_keys([s1.id])
    b.view_actions.accept.click()
    assert not b.banner.is_error, b.banner.message
    assert s1.id not in b.listing.page_keys  # the pending filter hides it now
    b.state_filter.value = "accepted"
    assert b.listing.page_keys == [s1.id]
    assert b.listing.labels[0].startswith("accepted")
    # The server agrees: marie's own listing says accepted, and she reads
    # einstein's file through the path the accepted share is mounted at.
    on_server = {rs.share.id: rs for rs in marie.shares.received()}
    assert on_server[s1.id].state == "accepted" and on_server[s2.id].state == "pending"
    mounted = on_server[s1.id].path
    assert mounted and marie.transfers.read_bytes(f"{mounted}/paper.txt") == b"from einstein"

    # Open goes to the mounted share and lists einstein's file.
    b.listing.select_keys([s1.id])
    b.toolbar.open_item.click()
    assert b.view == "files" and not b.banner.is_error, b.banner.message
    b.filter_box.value = ""
    assert b.path == mounted and names(b) == ["paper.txt"]

    b.view = "received"
    b.filter_box.value = unique
    b.state_filter.value = "all"
    b.listing.select_keys([s2.id])
    b.view_actions.decline.click()
    assert not b.banner.is_error, b.banner.message
    assert b.listing.labels[b.listing.page_keys.index(s2.id)].startswith("declined")
    assert {rs.share.id: rs.state for rs in marie.shares.received()}[s2.id] == "declined"

    # Nothing selected: a message, and the view keeps working.
    b.listing.select_keys([])
    b.view_actions.accept.click()
    assert b.banner.is_error
    b.toolbar.refresh.click()
    assert not b.banner.is_error and set(b.listing.page_keys) == {s1.id, s2.id}


def test_shared_by_me_and_public_links_views(einstein: CS3Client, folder: str) -> None:
    share = einstein.shares.create(folder, "richard", "Editor")
    link = einstein.links.create(folder, "Viewer", display_name="for the team")
    b = Browser(folder, client=einstein, threaded=False)

    b.view = "shared"
    label = row_label(b, share.id)  # einstein's shares from other tests may come first
    assert folder in label and "Editor" in label
    b.listing.select_keys([share.id])
    b.view_actions.remove_share.click()
    assert b.confirm.active
    b.confirm.confirm.click()
    assert share.id not in {s.id for s in einstein.shares.list()}
    assert share.id not in b.listing.page_keys

    b.view = "links"
    assert b.listing.turn_to(link.id)
    b.listing.select_keys([link.id])
    b.view_actions.show_url.click()  # no public base URL configured: says so, shows no token
    assert b.banner.is_error and "public base URL" in b.banner.message
    assert link.token not in b.view_actions.url.value
    einstein.links.public_base_url = "https://cernbox.example.org"
    b.toolbar.refresh.click()
    assert b.listing.turn_to(link.id)
    b.listing.select_keys([link.id])
    b.view_actions.show_url.click()
    assert b.view_actions.url.value == f"https://cernbox.example.org/s/{link.token}"
    assert f"href='{b.view_actions.url.value}' target='_blank'" in b.view_actions.url_link.value
    b.view_actions.delete_link.click()
    b.confirm.confirm.click()
    assert link.id not in {x.id for x in einstein.links.list()}
    assert b.view_actions.url.value == "" and b.view_actions.url_link.value == ""


def test_restore_and_purge_from_trash(einstein: CS3Client, folder: str) -> None:
    einstein.transfers.upload(b"precious", f"{folder}/precious.txt")
    einstein.transfers.upload(b"junk", f"{folder}/junk.txt")
    b = Browser(folder, client=einstein, threaded=False)
    b.delete([f"{folder}/precious.txt", f"{folder}/junk.txt"])
    assert names(b) == []

    b.view_tabs.value = "trash"
    items = {i.original_path: i for i in einstein.files.recycle_list()}
    precious, junk = items[f"{folder}/precious.txt"], items[f"{folder}/junk.txt"]
    b.filter_box.value = folder  # the trash holds other tests' items too
    assert precious.key in b.listing.page_keys and junk.key in b.listing.page_keys

    b.listing.select_keys([precious.key])
    b.view_actions.restore.click()
    assert einstein.transfers.read_bytes(f"{folder}/precious.txt") == b"precious"
    assert precious.key not in b.listing.page_keys

    b.listing.select_keys([junk.key])
    b.view_actions.purge.click()
    assert b.confirm.active
    b.confirm.cancel.click()
    assert junk.key in {i.key for i in einstein.files.recycle_list()}
    b.view_actions.purge.click()
    b.confirm.confirm.click()
    assert junk.key not in {i.key for i in einstein.files.recycle_list()}

    b.view_tabs.value = "files"
    b.filter_box.value = ""
    assert names(b) == ["precious.txt"]


def test_browser_without_configuration_shows_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CS3_GATEWAY", "CS3_TOKEN", "CS3_TOKEN_FILE", "CS3_USER", "CS3_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CS3_SWAN_TOKEN_FILE", "/nonexistent/token")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", "/nonexistent")
    b = Browser()
    assert b.banner.is_error and "gateway" in b.banner.message.lower()
    b.toolbar.refresh.click()  # still usable: another message, no exception
    assert b.banner.is_error


def test_browser_connects_from_environment(
    revad, monkeypatch: pytest.MonkeyPatch, unique: str, einstein: CS3Client
) -> None:
    monkeypatch.setenv("CS3_GATEWAY", revad.gateway)
    monkeypatch.setenv("CS3_USER", "einstein")
    monkeypatch.setenv("CS3_PASSWORD", "relativity")
    monkeypatch.setenv("CS3_AUTH", "basic")
    einstein.files.mkdir(f"/home/{unique}")
    b = Browser(threaded=False)
    try:
        assert not b.banner.is_error, b.banner.message
        assert b.path == "/home" and unique in all_names(b)
    finally:
        b.client.close()
