"""User and group shares against a live revad (einstein shares with marie and richard).

The dev revad enforces share grants for recipients (storage driver
``cs3w-local``, see tools/revad/README.md), so every role is checked by
doing: reading and writing through the accepted share, and looking at what
the owner sees on the server afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unimplemented,
)
from cs3widgets.client.models import ReceivedShare
from cs3widgets.client.paths import home_view
from cs3widgets.client.shares.roles import Custom


def _folder_with_file(client: CS3Client, name: str, content: bytes = b"hello") -> str:
    folder = f"{client.files.home()}/{name}"
    client.files.mkdir(folder)
    client.transfers.upload(content, f"{folder}/data.txt")
    return folder


def _listed(client: CS3Client, share_id: str, state: str | None = None) -> ReceivedShare:
    """The share as the recipient's ``received()`` lists it (exactly once)."""
    found = [r for r in client.shares.received(state) if r.share.id == share_id]
    assert len(found) == 1, found
    return found[0]


def _names(client: CS3Client, folder: str) -> list[str]:
    return sorted(e.name for e in client.files.list(folder))


def test_viewer_reads_editor_writes_removal_ends_access(
    einstein: CS3Client, marie: CS3Client, unique: str
):
    folder = _folder_with_file(einstein, unique, b"E=mc2")
    share = einstein.shares.create(folder, "marie", "Viewer")
    assert share.role == "Viewer" and share.grantee.name == "marie"
    assert share.grantee.kind == "user" and share.path == folder
    assert share.owner == "einstein"

    pending = _listed(marie, share.id, "pending")
    assert pending.path == "" and pending.name == unique
    assert pending.share.role == "Viewer" and pending.share.owner == "einstein"
    # Not mine: the resource shows in its owner's storage.
    assert pending.share.path == f"/users/einstein/{unique}"
    assert marie.shares.get_received(share.id).state == "pending"

    accepted = marie.shares.accept(share.id)
    # Reached through the resource's own path, on both Reva lines (v3 does
    # not follow the MyShares references v1.29 creates).
    reached = f"/users/einstein/{unique}"
    assert accepted.state == "accepted" and accepted.path == reached
    assert _listed(marie, share.id, "accepted").path == reached
    assert share.id not in {r.share.id for r in marie.shares.received("pending")}

    # Viewer: reads...
    assert _names(marie, accepted.path) == ["data.txt"]
    assert marie.transfers.read_bytes(f"{accepted.path}/data.txt") == b"E=mc2"
    # ...and every write is refused, with nothing changed on the server.
    with pytest.raises(PermissionDenied):
        marie.transfers.upload(b"marie was here", f"{accepted.path}/data.txt")
    with pytest.raises(PermissionDenied):
        marie.transfers.upload(b"new", f"{accepted.path}/new.txt")
    with pytest.raises(PermissionDenied):
        marie.files.mkdir(f"{accepted.path}/sub")
    with pytest.raises(PermissionDenied):
        marie.files.delete(f"{accepted.path}/data.txt")
    assert einstein.transfers.read_bytes(f"{folder}/data.txt") == b"E=mc2"
    assert _names(einstein, folder) == ["data.txt"]

    # Editor: the same write now lands in einstein's folder.
    raised = einstein.shares.update(share.id, role="Editor")
    assert raised.role == "Editor"
    assert [s.role for s in einstein.shares.list(folder)] == ["Editor"]
    assert _listed(marie, share.id).share.role == "Editor"
    marie.transfers.upload(b"written by marie", f"{accepted.path}/data.txt")
    marie.transfers.upload(b"new", f"{accepted.path}/new.txt")
    assert einstein.transfers.read_bytes(f"{folder}/data.txt") == b"written by marie"
    assert _names(einstein, folder) == ["data.txt", "new.txt"]

    # Removal: marie's access is gone, and so is the share from her list.
    einstein.shares.remove(share.id)
    assert einstein.shares.list(folder) == []
    with pytest.raises(PermissionDenied):
        marie.transfers.read_bytes(f"{accepted.path}/data.txt")
    assert share.id not in {r.share.id for r in marie.shares.received()}
    with pytest.raises(NotFound):
        marie.shares.get_received(share.id)


def test_group_share_reaches_member(einstein: CS3Client, richard: CS3Client, unique: str):
    # richard is not named: he gets the share because he is in physics-lovers.
    assert "physics-lovers" in richard.identity.groups()
    folder = _folder_with_file(einstein, unique, b"group data")
    share = einstein.shares.create(folder, "physics-lovers", "Viewer", kind="group")
    try:
        assert share.grantee.kind == "group" and share.grantee.name == "physics-lovers"
        got = _listed(richard, share.id, "pending")
        assert got.share.grantee.kind == "group" and got.share.owner == "einstein"
        accepted = richard.shares.accept(share.id)
        assert accepted.path == f"/users/einstein/{unique}"
        assert richard.transfers.read_bytes(f"{accepted.path}/data.txt") == b"group data"
        with pytest.raises(PermissionDenied):
            richard.transfers.upload(b"richard", f"{accepted.path}/data.txt")
        assert einstein.transfers.read_bytes(f"{folder}/data.txt") == b"group data"
    finally:
        einstein.shares.remove(share.id)
    with pytest.raises(PermissionDenied):
        richard.transfers.read_bytes(f"{accepted.path}/data.txt")
    with pytest.raises(NotFound):
        richard.shares.get_received(share.id)


def test_sharing_twice_is_already_exists(einstein: CS3Client, unique: str):
    folder = _folder_with_file(einstein, unique)
    share = einstein.shares.create(folder, "marie", "Viewer")
    with pytest.raises(AlreadyExists):
        einstein.shares.create(folder, "marie", "Editor")
    # the first share is untouched
    assert [(s.id, s.role) for s in einstein.shares.list(folder)] == [(share.id, "Viewer")]
    einstein.shares.remove(share.id)


def test_reshare_needs_add_grant(
    einstein: CS3Client, marie: CS3Client, richard: CS3Client, unique: str
):
    folder = _folder_with_file(einstein, unique, b"E=mc2")
    share = einstein.shares.create(folder, "marie", "Viewer")
    mounted = marie.shares.accept(share.id).path
    try:
        # A Viewer may not pass the share on. Reva's gateway would store the
        # share before the storage refuses its grant (v1.29 leaves it in the
        # grantee's list), so the client refuses first, with the reason.
        sent = marie.conn.calls.get("CreateShare", 0)
        with pytest.raises(PermissionDenied, match="ask its owner"):
            marie.shares.create(mounted, "richard", "Viewer")
        assert marie.conn.calls.get("CreateShare", 0) == sent
        assert marie.shares.list() == []
        assert all(r.share.creator != "marie" for r in richard.shares.received())

        # A Manager may, but only what she holds herself.
        einstein.shares.update(share.id, role="Manager")
        with pytest.raises(PermissionDenied, match="allows more than you may do"):
            marie.shares.create(mounted, "richard", Custom({"stat", "deny_grant"}))
        assert marie.shares.list() == []
        onward = marie.shares.create(mounted, "richard", "Viewer")
        assert onward.owner == "einstein" and onward.creator == "marie"
        got = richard.shares.accept(onward.id)
        assert richard.transfers.read_bytes(f"{got.path}/data.txt") == b"E=mc2"
        # A real duplicate is still AlreadyExists.
        with pytest.raises(AlreadyExists):
            marie.shares.create(mounted, "richard", "Viewer")
        marie.shares.remove(onward.id)
    finally:
        einstein.shares.remove(share.id)


def test_decline_reaccept_and_unsupported_updates(
    einstein: CS3Client, marie: CS3Client, unique: str
):
    folder = _folder_with_file(einstein, unique, b"E=mc2")
    share = einstein.shares.create(folder, "marie", "Viewer")
    # The json share manager can set only the state: a clear error, nothing changed.
    with pytest.raises(Unimplemented, match="mount_point"):
        marie.shares.accept(share.id, mount_point="elsewhere")
    with pytest.raises(Unimplemented, match="hidden"):
        marie.shares.hide(share.id)
    got = _listed(marie, share.id, "pending")
    assert got.hidden is False

    mounted = marie.shares.accept(share.id).path
    assert mounted == f"/users/einstein/{unique}" and marie.files.exists(mounted)
    declined = marie.shares.decline(share.id)
    assert declined.state == "declined" and declined.path == ""
    assert _listed(marie, share.id, "declined").state == "declined"
    # Declining is not final: accepting again gives the path back.
    again = marie.shares.accept(share.id)
    assert again.path == mounted
    assert marie.transfers.read_bytes(f"{mounted}/data.txt") == b"E=mc2"
    einstein.shares.remove(share.id)


def test_uploader_is_for_folders_and_expiry_is_refused(einstein: CS3Client, unique: str):
    folder = _folder_with_file(einstein, unique)
    with pytest.raises(InvalidArgument):
        einstein.shares.create(f"{folder}/data.txt", "marie", "Uploader")
    up = einstein.shares.create(folder, "marie", "Uploader")
    assert up.role == "Uploader"
    einstein.shares.remove(up.id)
    # The json share manager drops expirations: refused rather than ignored.
    with pytest.raises(Unimplemented, match="expiration"):
        einstein.shares.create(
            folder, "marie", "Viewer", expiration=datetime.now(timezone.utc) + timedelta(days=1)
        )
    assert einstein.shares.list(folder) == []


def test_resource_ids_resolve_to_home_paths_for_their_owner(
    einstein: CS3Client, marie: CS3Client, unique: str
):
    folder = _folder_with_file(einstein, unique)
    rid = einstein.files.stat(folder).id
    assert rid is not None
    # The owner gets the path under their home; anybody else the owner's storage.
    assert einstein.files.stat_id(rid).path == folder
    share = einstein.shares.create(folder, "marie", "Viewer")
    try:
        assert marie.files.stat_id(rid).path == f"/users/einstein/{unique}"
    finally:
        einstein.shares.remove(share.id)
    assert home_view("/users/einstein/a/b", "einstein", "/home") == "/home/a/b"
    assert home_view("/users/einstein", "einstein", "/home") == "/home"
    assert home_view("/users/einsteinx/a", "einstein", "/home") == "/users/einsteinx/a"
    assert home_view("/users/marie/a", "einstein", "/home") == "/users/marie/a"


def test_listing_50_shares_costs_constant_calls(login, unique: str):
    einstein = login("einstein")
    folder = f"{einstein.files.home()}/{unique}"
    einstein.files.mkdir(folder)
    ids = set()
    for i in range(50):
        einstein.transfers.upload(b"x", f"{folder}/f{i:02d}.txt")
        ids.add(einstein.shares.create(f"{folder}/f{i:02d}.txt", "marie", "Viewer").id)

    fresh = login("einstein")
    before = fresh.conn.calls.copy()
    # Listed without names (other tests' shares of einstein's are listed too:
    # they cost no lookup), then these 50 named.
    listed = fresh.shares.with_names([s for s in fresh.shares.list(names=False)
                                      if s.id in ids])
    used = fresh.conn.calls - before
    assert len(listed) == 50
    assert all(s.grantee.name == "marie" and s.role == "Viewer" for s in listed)
    assert not any(s.names_pending for s in listed)
    # Reva v3 answers ListExistingShares (each share with its resource info,
    # so with its path); v1.29 answers it CODE_INVALID and one ListShares
    # follows. Either way at most one GetUser per distinct person (marie,
    # einstein; einstein may be known from whoami already), whoami and home
    # at most once, and no Stat: nothing grows with the number of shares.
    used.pop("Authenticate", None)
    assert used["ListExistingShares"] == 1 and 1 <= used["GetUser"] <= 2, used
    assert used.get("ListShares", 0) <= 1 and "Stat" not in used, used
    assert sum(used.values()) <= 6, used
    with_paths = all(s.path for s in listed)

    # Listing again costs one call (the probe result is cached).
    before = fresh.conn.calls.copy()
    fresh.shares.list(names=False)
    assert sum((fresh.conn.calls - before).values()) == 1

    # Paths on demand: one Stat per resource, then cached; the owner sees
    # them under the home.
    before = fresh.conn.calls.copy()
    resolved = fresh.shares.resolve_paths(listed)
    assert {s.path for s in resolved} == {f"{folder}/f{i:02d}.txt" for i in range(50)}
    assert (fresh.conn.calls - before)["Stat"] == (0 if with_paths else 50)
    before = fresh.conn.calls.copy()
    fresh.shares.resolve_paths(listed)
    assert fresh.conn.calls - before == {}

    # The recipient's side: one ListReceivedShares, one Stat per resource
    # (to name it), and the people once each.
    marie = login("marie")
    before = marie.conn.calls.copy()
    received = marie.shares.received()
    used = marie.conn.calls - before
    used.pop("Authenticate", None)
    mine = [r for r in received if r.share.id in ids]
    assert len(mine) == 50 and {r.state for r in mine} == {"pending"}
    assert {r.name for r in mine} == {f"f{i:02d}.txt" for i in range(50)}
    distinct = {(r.share.resource_id.storage_id, r.share.resource_id.opaque_id) for r in received}
    people = {r.share.owner for r in received} | {r.share.creator for r in received}
    assert used["ListReceivedShares"] == 1 and used["Stat"] == len(distinct)
    assert used["GetUser"] <= len(people | {"marie"})
    for sid in ids:
        einstein.shares.remove(sid)
