"""Shared with me, as the recipient sees it: one row per resource, names people read.

A folder shared with marie and with a group marie is in reaches her through
two shares; the Browser shows one row, and Accept/Decline change both on
the server. Owners and groups show by display name; the server's share
folder is not listed in the home folder.
"""

from __future__ import annotations

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.widgets import Browser
from cs3widgets.widgets.browser.shared_with_me import ReceivedResource

GROUP, GROUP_NAME = "physics-lovers", "Physics Lovers"  # einstein, marie and richard


@pytest.fixture()
def twice_shared(einstein: CS3Client, unique: str) -> tuple[str, set[str]]:
    """A folder of einstein's shared with marie and with a group she is in."""
    path = f"/home/{unique}"
    einstein.files.mkdir(path)
    einstein.transfers.upload(b"for both", f"{path}/paper.txt")
    direct = einstein.shares.create(path, "marie", "Viewer")
    via_group = einstein.shares.create(path, GROUP, "Editor", kind="group")
    return path, {direct.id, via_group.id}


def _rows(b: Browser, unique: str) -> list[ReceivedResource]:
    b.filter_box.value = unique  # other tests share marie's account
    return list(b.listing.items)


def _states(client: CS3Client, ids: set[str]) -> dict[str, str]:
    return {rs.share.id: rs.state for rs in client.shares.received() if rs.share.id in ids}


def test_one_row_per_resource_and_accept_acts_on_all(
    marie: CS3Client, twice_shared: tuple[str, set[str]], unique: str
) -> None:
    _path, ids = twice_shared
    assert set(_states(marie, ids).values()) == {"pending"}  # two shares on the server
    b = Browser(client=marie, threaded=False)
    b.view = "received"
    assert not b.banner.is_error, b.banner.message
    rows = _rows(b, unique)
    assert len(rows) == 1 and len(b.listing.page_keys) == 1
    row = rows[0]
    assert set(row.share_ids) == ids and row.state == "pending"
    assert row.share.role == "Editor"  # the most useful of Viewer (direct) and Editor (group)
    assert row.owner_name == "Albert Einstein"
    assert set(row.via) == {"you", GROUP_NAME}
    assert row.name == unique

    b.listing.select_keys(b.listing.page_keys)
    b.view_actions.accept.click()
    assert not b.banner.is_error, b.banner.message
    assert _states(marie, ids) == dict.fromkeys(ids, "accepted")  # both, on the server
    row = _rows(b, unique)[0]
    assert row.state == "accepted" and row.path
    assert marie.transfers.read_bytes(f"{row.path}/paper.txt") == b"for both"

    b.listing.select_keys(b.listing.page_keys)
    b.view_actions.decline.click()
    assert not b.banner.is_error, b.banner.message
    assert _states(marie, ids) == dict.fromkeys(ids, "declined")
    assert _rows(b, unique)[0].state == "declined"


def test_the_row_shows_the_most_useful_state(
    marie: CS3Client, twice_shared: tuple[str, set[str]], unique: str
) -> None:
    _path, ids = twice_shared
    group_share = next(rs.share.id for rs in marie.shares.received()
                       if rs.share.id in ids and rs.share.grantee.kind == "group")
    marie.shares.accept(group_share)  # elsewhere (another client): only one of the two
    b = Browser(client=marie, threaded=False)
    b.view = "received"
    (row,) = _rows(b, unique)
    assert row.state == "accepted" and row.path
    b.state_filter.value = "pending"
    assert _rows(b, unique) == []  # accepted is what the row is


def test_owners_and_groups_by_display_name(
    einstein: CS3Client, marie: CS3Client, twice_shared: tuple[str, set[str]]
) -> None:
    path, ids = twice_shared
    by_grantee = {s.grantee.kind: s.grantee for s in einstein.shares.list(path)}
    assert by_grantee["group"].name == GROUP and by_grantee["group"].display_name == GROUP_NAME
    assert by_grantee["user"].display_name == "Marie Curie"
    received = [rs for rs in marie.shares.received() if rs.share.id in ids]
    assert {rs.share.owner_display_name for rs in received} == {"Albert Einstein"}
    # A group costs one GetGroup per client, however many shares name it.
    before = einstein.conn.calls["GetGroup"]
    einstein.shares.list(path)
    einstein.shares.list(path)
    assert einstein.conn.calls["GetGroup"] == before


def test_the_share_folder_is_hidden_from_home(
    einstein: CS3Client, marie: CS3Client, unique: str
) -> None:
    einstein.files.mkdir(f"/home/{unique}")
    share = einstein.shares.create(f"/home/{unique}", "marie", "Viewer")
    marie.shares.accept(share.id)
    home = marie.identity.home()
    on_server = {e.name: e for e in marie.files.list(home)}
    share_folder = marie.shares.share_folder
    b = Browser(home, client=marie, threaded=False)
    assert not b.banner.is_error, b.banner.message
    shown = {e.name for e in b.entries}
    b.show_hidden = True
    assert share_folder not in shown and share_folder not in {e.name for e in b.entries}
    assert set(on_server) - {share_folder} <= shown | {n for n in on_server if n.startswith(".")}
    # The server lists it (Reva v3.0.1 and v1.29 as a folder of references;
    # v3.12 commits no references, gateway option commit_share_to_storage_ref
    # is gone, and leaves it empty). Nothing of hers is hidden with it.
    assert share_folder in on_server
    me = marie.whoami().opaque_id
    inside = marie.files.list(on_server[share_folder].path)  # v3: references; v1.29: einstein's
    assert all(e.type.value == "reference" or e.owner != me for e in inside)

    # A folder of the user's own with that name, elsewhere, stays.
    marie.files.mkdir(f"/home/{unique}-mine/{share_folder}", parents=True)
    b.navigate(f"/home/{unique}-mine")
    assert [e.name for e in b.entries] == [share_folder]
