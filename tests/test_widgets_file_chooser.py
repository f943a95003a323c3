"""FileChooser: the ipyfilechooser API over CS3, driven like a user against the live revad."""

from __future__ import annotations

import pytest
from ipyfilechooser.errors import InvalidPathError, ParentPathError

from cs3widgets.client import CS3Client
from cs3widgets.widgets import FileChooser

ICON = "\U0001f4c1 "


@pytest.fixture()
def tree(einstein: CS3Client, unique: str) -> str:
    root = f"/home/{unique}"
    einstein.files.mkdir(f"{root}/sub", parents=True)
    einstein.transfers.upload(b"1", f"{root}/data.csv")
    einstein.transfers.upload(b"2", f"{root}/notes.txt")
    einstein.transfers.upload(b"3", f"{root}/.hidden")
    einstein.transfers.upload(b"4", f"{root}/sub/deep.csv")
    return root


def test_pick_a_file_like_ipyfilechooser(einstein: CS3Client, tree: str) -> None:
    fc = FileChooser(tree, client=einstein, threaded=False, title="<b>Pick</b>")
    picked: list[str | None] = []
    fc.register_callback(lambda chooser: picked.append(chooser.selected))
    assert fc.selected is None and fc.value is None
    assert fc.title == "<b>Pick</b>"

    fc._select.click()  # opens the dialog
    assert fc._gb.layout.display is None
    assert list(fc._dircontent.options) == ["..", f"{ICON}sub", "data.csv", "notes.txt"]
    fc._dircontent.value = f"{ICON}sub"  # into the folder
    assert fc._pathlist.value == f"{tree}/sub"
    fc._dircontent.value = "deep.csv"
    assert fc._filename.value == "deep.csv"
    fc._select.click()  # applies
    assert fc.selected == f"{tree}/sub/deep.csv"
    assert fc.selected_path == f"{tree}/sub" and fc.selected_filename == "deep.csv"
    assert picked == [f"{tree}/sub/deep.csv"]
    assert fc.get_interact_value() == fc.selected
    assert "orange" in fc._label.value  # an existing file

    # A new file name (save-as) is allowed and shows green.
    fc._select.click()
    fc._dircontent.value = ".."
    fc._filename.value = "out.csv"
    fc._select.click()
    assert fc.selected == f"{tree}/out.csv" and "green" in fc._label.value
    assert einstein.files.exists(f"{tree}/sub/deep.csv")  # browsing changed nothing

    fc.reset()
    assert fc.selected is None and "No selection" in fc._label.value


def test_hidden_filter_dirs_only_and_sandbox(einstein: CS3Client, tree: str) -> None:
    fc = FileChooser(tree, client=einstein, threaded=False, filter_pattern=["*.csv"])
    fc._select.click()
    assert "notes.txt" not in fc._dircontent.options and "data.csv" in fc._dircontent.options
    fc.filter_pattern = None
    fc.show_hidden = True
    assert ".hidden" in fc._dircontent.options

    dirs = FileChooser(tree, client=einstein, threaded=False, show_only_dirs=True)
    dirs._select.click()
    assert list(dirs._dircontent.options) == ["..", f"{ICON}sub"]
    dirs._select.click()
    assert dirs.selected_path == tree and dirs.selected_filename == ""

    boxed = FileChooser(f"{tree}/sub", client=einstein, threaded=False, sandbox_path=tree)
    boxed._select.click()
    assert boxed._pathlist.value == "/sub"  # shown relative to the sandbox
    boxed._dircontent.value = ".."
    assert boxed._pathlist.value == "/" and ".." not in boxed._dircontent.options
    with pytest.raises(ParentPathError):
        FileChooser("/home", client=einstein, threaded=False, sandbox_path=tree)
    with pytest.raises(InvalidPathError):
        FileChooser("relative/path", client=einstein)  # malformed: refused at once
    # Whether a path is a folder, the server says: the constructor has
    # returned by then, so it shows in the banner.
    not_a_folder = FileChooser(f"{tree}/data.csv", client=einstein)
    assert not_a_folder.wait(30)
    assert not_a_folder.banner.is_error and "data.csv" in not_a_folder.banner.message
    assert "sandbox_path" in repr(boxed)


def test_default_selection_and_refresh(einstein: CS3Client, tree: str) -> None:
    fc = FileChooser(tree, filename="data.csv", select_default=True, client=einstein,
                     threaded=False)
    assert fc.selected == f"{tree}/data.csv" and fc.default == f"{tree}/data.csv"
    einstein.transfers.upload(b"5", f"{tree}/new.txt")
    fc._select.click()
    fc.refresh()
    assert "new.txt" in fc._dircontent.options
    fc.default_path = f"{tree}/sub"
    assert fc.default_path == f"{tree}/sub"
    assert fc.rows == 8
    fc.rows = 12
    assert fc._dircontent.rows == 12


@pytest.mark.parametrize("typed", ["..", "a/b", "x\x00y"])
def test_select_checks_the_typed_name_before_its_listing_arrives(
    einstein: CS3Client, tree: str, typed: str
) -> None:
    picked: list[str | None] = []
    fc = FileChooser(tree, client=einstein)  # threaded: listings arrive later
    fc.register_callback(lambda chooser: picked.append(chooser.selected))
    assert fc.wait(60)
    fc._select.click()  # opens the dialog
    assert fc.wait(60)
    fc._filename.value = typed
    # The front end has not yet disabled Select (the listing for the typed
    # name is still on its way): the click must be refused all the same.
    fc._select.click()
    assert fc.selected is None and picked == []
    assert fc.banner.is_error and fc.banner.message
    assert fc._gb.layout.display is None  # the dialog stays open to correct it
    assert fc.wait(60)
    assert fc._select.disabled  # and once the listing is there, Select is off
    fc._filename.value = "fine.csv"
    assert fc.wait(60)
    fc._select.click()
    assert fc.selected == f"{tree}/fine.csv" and picked == [f"{tree}/fine.csv"]
