"""Recovery: after the gateway was down and came back, the next action works at once.

A server of its own: restarting the session's server would disturb other tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.auth import BearerAuth, TokenAuth
from cs3widgets.client.errors import Unavailable
from cs3widgets.devserver import RevadServer, SiteConfig

#: The issue's bound for the first action after an outage.
RECOVERY_S = 2.0
#: Calls (one a second) while the gateway is down: long enough for gRPC's
#: default reconnect backoff to grow well past the bound.
OUTAGE_CALLS = 5


@pytest.fixture(scope="module")
def own_revad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    server = RevadServer(SiteConfig(root=tmp_path_factory.mktemp("recovery")))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _first_action_after(client: CS3Client, path: str) -> float:
    started = time.monotonic()
    assert client.transfers.read_bytes(path) == b"still here"
    return time.monotonic() - started


@pytest.mark.parametrize("used_during_outage", [True, False], ids=["used", "idle"])
def test_next_action_after_an_outage_works_within_two_seconds(
    own_revad: RevadServer, used_during_outage: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    client = CS3Client(own_revad.gateway, BasicAuth("einstein", "relativity"))
    try:
        path = f"{client.identity.home()}/recovery-{used_during_outage}.txt"
        client.transfers.upload(b"still here", path)
        own_revad.stop()
        if used_during_outage:
            for _ in range(OUTAGE_CALLS):  # the channel backs off while the gateway is down
                with pytest.raises(Unavailable):
                    client.files.stat(path)
                time.sleep(1)
        own_revad.start()
        took = _first_action_after(client, path)
        with capsys.disabled():
            print(f"\nfirst action after the outage ({used_during_outage=}): {took:.3f} s")
        assert took < RECOVERY_S
    finally:
        client.close()


def test_reconnect_opens_a_new_channel(own_revad: RevadServer) -> None:
    client = CS3Client(own_revad.gateway, BasicAuth("einstein", "relativity"))
    try:
        before = client.conn.stub
        client.conn.reconnect()
        assert client.conn.stub is not before
        assert client.whoami().username == "einstein"
    finally:
        client.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda: BasicAuth("einstein", 271828182845),
        lambda: BasicAuth("einstein", b"relativity-secret"),
        lambda: TokenAuth(b"eyJ-secret-token"),
    ],
    ids=["int-password", "bytes-password", "bytes-token"],
)
def test_a_credential_of_the_wrong_type_is_named_not_shown(make) -> None:
    with pytest.raises(TypeError) as err:
        make()
    text = str(err.value)
    assert "must be a string" in text
    for secret in ("271828182845", "relativity-secret", "eyJ-secret-token"):
        assert secret not in text


def test_a_bearer_source_returning_the_wrong_type(own_revad: RevadServer) -> None:
    client = CS3Client(own_revad.gateway, BearerAuth(lambda: 31415926535))  # type: ignore[arg-type]
    try:
        with pytest.raises(TypeError) as err:
            client.whoami()
        assert "31415926535" not in str(err.value)
    finally:
        client.close()
