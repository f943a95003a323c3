"""Public links against a live revad: passwords, expiry, anonymous access."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.auth import PublicLinkAuth
from cs3widgets.client.errors import CS3Error, PermissionDenied, Unauthenticated
from cs3widgets.client.files import Files
from cs3widgets.client.shares.public_links import PublicLinks, public_path
from cs3widgets.client.transfers import Transfers
from cs3widgets.devserver import RevadServer


def _file(client: CS3Client, name: str, content: bytes) -> str:
    folder = f"{client.identity.home()}/{name}"
    Files(client.conn).mkdir(folder)
    Transfers(client.conn).upload(content, f"{folder}/paper.txt")
    return folder


def _anonymous(revad: RevadServer, token: str, password: str | None) -> CS3Client:
    return CS3Client(revad.gateway, PublicLinkAuth(token, password))


def test_password_link_opens_only_with_its_password(
    revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    folder = _file(einstein, unique, b"relativity")
    link = einstein.links.create(folder, "Viewer", password="s3cret-pw", display_name="paper")
    assert link.password_protected and link.role == "Viewer" and link.path == folder
    assert link.display_name == "paper"
    # the password is nowhere in the model or its repr
    assert "s3cret-pw" not in repr(link) and "s3cret-pw" not in str(vars(link))

    with _anonymous(revad, link.token, "s3cret-pw") as anon:
        root = anon.auth.root
        assert root == public_path(link.token)
        assert Transfers(anon.conn).read_bytes(f"{root}/paper.txt") == b"relativity"
        assert "s3cret-pw" not in repr(anon) and link.token not in repr(anon.auth)
    for wrong in ("wrong", None):
        with _anonymous(revad, link.token, wrong) as anon, pytest.raises(Unauthenticated):
            Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt")

    # listed, updated (new password), removed
    assert [(lk.id, lk.display_name) for lk in einstein.links.list(folder)] == [(link.id, "paper")]
    einstein.links.update(link.id, password="n3w-pw", role="Editor")
    updated = einstein.links.list(folder)[0]
    assert updated.role == "Editor" and updated.password_protected
    with _anonymous(revad, link.token, "s3cret-pw") as anon, pytest.raises(Unauthenticated):
        Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt")
    with _anonymous(revad, link.token, "n3w-pw") as anon:
        assert Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt") == (
            b"relativity"
        )
    einstein.links.remove(link.id)
    assert einstein.links.list(folder) == []
    with _anonymous(revad, link.token, "n3w-pw") as anon, pytest.raises(CS3Error):
        Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt")


def test_link_stops_working_after_expiry(
    revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    folder = _file(einstein, unique, b"short-lived")
    expires = datetime.now(timezone.utc) + timedelta(seconds=3)
    link = einstein.links.create(folder, "Viewer", expiration=expires)
    assert link.expiration is not None and abs((link.expiration - expires).total_seconds()) < 1
    with _anonymous(revad, link.token, None) as anon:
        assert Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt") == (
            b"short-lived"
        )
    time.sleep(max(0.0, (expires - datetime.now(timezone.utc)).total_seconds()) + 1.5)
    with _anonymous(revad, link.token, None) as anon, pytest.raises(CS3Error):
        Transfers(anon.conn).read_bytes(f"{public_path(link.token)}/paper.txt")


def test_link_url_uses_configured_base(einstein: CS3Client, unique: str) -> None:
    folder = _file(einstein, unique, b"x")
    links = PublicLinks(einstein.conn, public_base_url="https://cernbox.example.org/")
    link = links.create(folder)
    assert link.url == f"https://cernbox.example.org/s/{link.token}"
    assert einstein.links.url(link.token) in ("", link.url)
    links.remove(link.id)


def test_a_viewer_may_not_publish_what_was_shared_with_them(
    einstein: CS3Client, marie: CS3Client, unique: str
) -> None:
    """Production's gRPC path stores a link from anyone who can stat the folder
    (tools/revad/FIDELITY.md): the client refuses a recipient without the
    right to share, before sending, and no link exists afterwards."""
    folder = f"{einstein.files.home()}/{unique}"
    einstein.files.mkdir(folder)
    share = einstein.shares.create(folder, "marie", "Viewer")
    try:
        mounted = marie.shares.accept(share.id).path
        sent = marie.conn.calls.get("CreatePublicShare", 0)
        with pytest.raises(PermissionDenied, match="ask its owner"):
            marie.links.create(mounted, "Viewer")
        assert marie.conn.calls.get("CreatePublicShare", 0) == sent  # refused before sending
        assert marie.links.list() == [] and einstein.links.list(folder) == []
        # With the right to share (Manager), the same call makes a link.
        einstein.shares.update(share.id, role="Manager")
        made = marie.links.create(mounted, "Viewer")
        assert [link.id for link in marie.links.list()] == [made.id]
        marie.links.remove(made.id)
    finally:
        einstein.shares.remove(share.id)


def test_listing_links_refuses_a_path_with_dots(einstein: CS3Client, unique: str) -> None:
    # Every other path operation refuses '..'; a link listing once did not.
    from cs3widgets.client.errors import InvalidName

    sent = dict(einstein.conn.calls)
    with pytest.raises(InvalidName):
        einstein.links.list(f"/home/{unique}/sub/..")
    assert einstein.conn.calls == sent  # refused before any request
