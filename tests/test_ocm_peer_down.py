"""Reading a federated share while the sharer's site is down, and after it is back."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import TransferError
from cs3widgets.client.transfers.data_plane import RETRY_PAUSES
from cs3widgets.devserver import RevadServer


def test_reads_are_asked_again_while_the_peer_is_down(
    ocm_sites: tuple[RevadServer, RevadServer], unique: str, login: Callable[..., CS3Client]
) -> None:
    sa, sb = ocm_sites
    einstein, marie = login("einstein", server=sa), login("marie", server=sb)
    marie.ocm.accept_invite(einstein.ocm.generate_invite("for marie"), sa.site.domain)
    remote = [u for u in einstein.ocm.remote_users() if u.mail == "marie@example.org"]
    folder = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(b"across the mesh", f"{folder}/note.txt")
    einstein.ocm.share(folder, remote[0], "Viewer")
    received = next(r for r in marie.ocm.received() if r.name == unique)
    accepted = marie.ocm.accept(received)
    path = f"{marie.ocm.received_path(accepted.id)}/note.txt"
    t = marie.transfers
    gets = t.http_calls.get("GET", 0)
    assert t.read_range(path, 0, 6) == b"across"  # the download target is now cached
    # Reva v1.29 answers a range of an OCM file with 416, then the whole file.
    per_read = t.http_calls["GET"] - gets

    sa.stop()
    try:
        gets = t.http_calls["GET"]
        started = time.monotonic()
        # Site B's data server answers 5xx for its unreachable peer: a
        # GET changes nothing, so it is sent again after each pause.
        with pytest.raises(TransferError, match=r"HTTP 5\d\d"):
            t.read_range(path, 0, 15)
        assert t.http_calls["GET"] - gets == 1 + len(RETRY_PAUSES)  # the first GET fails
        assert time.monotonic() - started >= sum(RETRY_PAUSES)

        # The same for a whole-file download (Transfers.download's stream).
        target, out = t.download_target(path), io.BytesIO()
        gets = t.http_calls["GET"]
        with pytest.raises(TransferError, match=r"HTTP 5\d\d"):
            t._download_to(target, out, None)
        assert t.http_calls["GET"] - gets == 1 + len(RETRY_PAUSES) and out.getvalue() == b""
    finally:
        sa.start()
    gets = t.http_calls["GET"]
    assert t.read_range(path, 0, 15) == b"across the mesh"
    assert t.http_calls["GET"] - gets == per_read
