"""Federated (OCM / ScienceMesh) sharing between two live revad sites."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import TransferError
from cs3widgets.client.files import Files
from cs3widgets.client.shares.ocm import OCMNotEnabled
from cs3widgets.client.transfers import Transfers
from cs3widgets.devserver import RevadServer


def test_ocm_off_gives_a_clear_error(einstein: CS3Client) -> None:
    with pytest.raises(OCMNotEnabled, match="not enabled on this site"):
        einstein.ocm.generate_invite("hello")
    with pytest.raises(OCMNotEnabled):
        einstein.ocm.remote_users()


def test_ocm_flow_end_to_end(
    ocm_sites: tuple[RevadServer, RevadServer], unique: str, login: Callable[..., CS3Client]
) -> None:
    sa, sb = ocm_sites
    einstein, marie = login("einstein", server=sa), login("marie", server=sb)
    invite = einstein.ocm.generate_invite("for marie")
    assert invite.token
    marie.ocm.accept_invite(invite, sa.site.domain)

    # Reva's invite-accepted message carries no username: match by mail.
    remote = [u for u in einstein.ocm.remote_users() if u.mail == "marie@example.org"]
    assert len(remote) == 1 and remote[0].idp == sb.site.domain
    assert remote[0].display_name == "Marie Curie"
    assert [u.mail for u in marie.ocm.remote_users()] == ["einstein@example.org"]

    folder = f"{einstein.identity.home()}/{unique}"
    Files(einstein.conn).mkdir(folder)
    Transfers(einstein.conn).upload(b"across the mesh", f"{folder}/note.txt")
    sent = einstein.ocm.share(folder, remote[0], "Viewer")
    assert sent.id and sent.role == "Viewer"
    assert sent.id in [s.id for s in einstein.ocm.list_shares()]

    received = [r for r in marie.ocm.received() if r.name == unique]
    assert len(received) == 1 and received[0].state == "pending"
    accepted = marie.ocm.accept(received[0])
    assert accepted.state == "accepted"
    assert accepted.provider == sa.site.domain
    assert marie.ocm.list_received_content(accepted) == ["note.txt"]
    path = f"{marie.ocm.received_path(accepted.id)}/note.txt"
    assert Transfers(marie.conn).read_bytes(path) == b"across the mesh"
    # Viewer: site A refuses the write; site B's data server reports the
    # peer's refusal as a plain HTTP error, and nothing lands at site A.
    intruder = f"{marie.ocm.received_path(accepted.id)}/new.txt"
    with pytest.raises(TransferError):
        Transfers(marie.conn).upload(b"sneaky", intruder)
    assert [e.name for e in Files(einstein.conn).list(folder)] == ["note.txt"]

    # A single file can be shared too: the received share *is* the file.
    single = f"{einstein.identity.home()}/{unique}-single.txt"
    Transfers(einstein.conn).upload(b"one file, one share", single)
    einstein.ocm.share(single, remote[0], "Viewer")
    got = [r for r in marie.ocm.received() if r.name == f"{unique}-single.txt"]
    assert len(got) == 1 and got[0].state == "pending"
    marie.ocm.accept(got[0])
    data = Transfers(marie.conn).read_bytes(marie.ocm.received_path(got[0].id))
    assert data == b"one file, one share"

