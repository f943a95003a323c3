"""Connection and authentication against a live revad (issue: foundation)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from tls_proxy import NginxGrpcTLS, make_pki

import cs3widgets
from cs3widgets.client import (
    BasicAuth,
    CS3Client,
    TLSSettings,
    TokenAuth,
    TokenFileAuth,
    Unauthenticated,
    Unavailable,
)
from cs3widgets.client.tokens import CachedToken, jwt_claims
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig
from cs3widgets.devserver.config import free_port


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_basic_login_as_each_demo_user(revad: RevadServer, username: str) -> None:
    user = DEMO_USERS[username]
    with CS3Client(revad.gateway, BasicAuth(user.username, user.password)) as client:
        me = client.whoami()
        assert me.username == username
        assert me.display_name == user.display_name
        assert me.mail == user.mail
        assert set(user.groups) <= set(me.groups)
        assert client.auth is not None and client.auth.logins == 1
        # The token is a Reva JWT whose exp the provider read.
        assert client.auth.expires_at is not None and client.auth.expires_at > time.time()


def test_wrong_password_is_unauthenticated_and_yields_no_token(revad: RevadServer) -> None:
    auth = BasicAuth("marie", "not-her-password")
    with CS3Client(revad.gateway, auth) as client:
        with pytest.raises(Unauthenticated) as info:
            client.whoami()
        assert auth.expires_at is None and auth.logins == 0
        # Nothing secret in what the user sees.
        assert "not-her-password" not in str(info.value)
        assert "not-her-password" not in repr(info.value)
        assert "not-her-password" not in repr(auth) + repr(client)


def test_connect_reads_environment(revad: RevadServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CS3_GATEWAY", revad.gateway)
    monkeypatch.setenv("CS3_USER", "richard")
    monkeypatch.setenv("CS3_PASSWORD", "superfluidity")
    with cs3widgets.connect(config_paths=[]) as client:
        assert client.whoami().username == "richard"
        assert "superfluidity" not in repr(client.config)


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory):
    """A second revad whose tokens live 3 seconds."""
    server = RevadServer(SiteConfig(root=tmp_path_factory.mktemp("short"), token_lifetime=3))
    server.start()
    yield server
    server.stop()


def test_short_token_lifetime_keeps_working_with_reauth(short_lived: RevadServer) -> None:
    auth = BasicAuth("einstein", "relativity")
    with CS3Client(short_lived.gateway, auth) as client:
        claims = jwt_claims(client.conn.token())
        assert claims["exp"] - time.time() <= 4
        end = time.monotonic() + 8
        seen = 0
        while time.monotonic() < end:
            assert client.whoami().username == "einstein"
            seen += 1
            time.sleep(0.5)
        assert seen >= 10
        # Tokens lasting 3 s over 8 s of calls: refreshed at least twice.
        assert auth.reauth_count >= 2


def test_rejected_token_triggers_one_reauth_and_retry(short_lived: RevadServer) -> None:
    auth = BasicAuth("marie", "radioactivity")
    with CS3Client(short_lived.gateway, auth) as client:
        stale = client.conn.token()
        time.sleep(4.5)  # exp has 1 s granularity on the server
        # Pretend we did not know the expiry, so the server must reject it.
        auth._cached = CachedToken(stale, expires_at=None)
        before = dict(client.conn.calls)
        assert client.whoami().username == "marie"
        assert auth.reauth_count == 1
        assert client.conn.calls["WhoAmI"] == before.get("WhoAmI", 0) + 2
        assert client.conn.calls["Authenticate"] == before["Authenticate"] + 1


def test_passthrough_token_rejected_once_is_not_retried_forever(short_lived: RevadServer) -> None:
    with CS3Client(short_lived.gateway, BasicAuth("marie", "radioactivity")) as login:
        token = login.conn.token()
    with CS3Client(short_lived.gateway, TokenAuth(token)) as client:
        assert client.whoami().username == "marie"
        time.sleep(4.5)  # exp has 1 s granularity on the server
        with pytest.raises(Unauthenticated):
            client.whoami()
        assert client.conn.calls["WhoAmI"] == 2


def _token_for(revad: RevadServer, username: str) -> str:
    user = DEMO_USERS[username]
    with CS3Client(revad.gateway, BasicAuth(user.username, user.password)) as c:
        return c.conn.token()


def test_token_file_rewritten_is_picked_up(revad: RevadServer, tmp_path: Path) -> None:
    token_file = tmp_path / "cernbox_oauth.token"
    token_file.write_text(_token_for(revad, "einstein") + "\n")
    auth = TokenFileAuth(token_file)
    with CS3Client(revad.gateway, auth) as client:
        assert client.whoami().username == "einstein"
        # SWAN's format: oauth2:<token>:<endpoint> (the endpoint has colons).
        time.sleep(0.01)
        token_file.write_text(f"oauth2:{_token_for(revad, 'marie')}:https://auth.example.org:443/x")
        assert client.whoami().username == "marie"
        assert auth.logins == 2


def test_token_file_reread_after_auth_failure(short_lived: RevadServer, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    stale = _token_for(short_lived, "richard")
    token_file.write_text(stale)
    auth = TokenFileAuth(token_file)
    with CS3Client(short_lived.gateway, auth) as client:
        assert client.whoami().username == "richard"
        time.sleep(4.5)  # exp has 1 s granularity on the server
        # A renewer rewrote the file with the same length and mtime kept: only
        # the auth failure can make the client read it again.
        fresh = _token_for(short_lived, "richard")
        stat = token_file.stat()
        token_file.write_text(fresh)
        import os

        os.utime(token_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        auth._cached = CachedToken(stale, expires_at=None)
        assert client.whoami().username == "richard"
        assert auth.reauth_count >= 1


def test_gateway_down_fails_fast_with_unavailable() -> None:
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    with CS3Client(address, BasicAuth("einstein", "relativity"), deadline=3) as client:
        start = time.monotonic()
        with pytest.raises(Unavailable) as info:
            client.whoami()
        assert time.monotonic() - start < 4
        assert address in str(info.value)


def test_gateway_that_never_answers_hits_the_deadline() -> None:
    # A socket that accepts TCP but never speaks HTTP/2: without a deadline
    # the call would hang forever.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    address = f"127.0.0.1:{sock.getsockname()[1]}"
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        with CS3Client(address, BasicAuth("einstein", "relativity"), deadline=2) as client:
            start = time.monotonic()
            with pytest.raises(Unavailable) as info:
                client.whoami()
            assert time.monotonic() - start < 3.5
            assert address in str(info.value)
    finally:
        stop.set()
        t.join()
        for s in held:
            s.close()
        sock.close()


def test_closed_client_refuses_calls(revad: RevadServer) -> None:
    client = CS3Client(revad.gateway, BasicAuth("einstein", "relativity"))
    assert client.whoami().username == "einstein"
    client.close()
    with pytest.raises(Unavailable):
        client.whoami()


@pytest.fixture(scope="module")
def tls_gateway(revad: RevadServer, tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("tls")
    pki = make_pki(d)
    proxy = NginxGrpcTLS(revad.gateway, pki, d).start()
    yield proxy
    proxy.stop()


def test_tls_gateway_connects_with_the_ca(tls_gateway: NginxGrpcTLS) -> None:
    tls = TLSSettings(ca_file=str(tls_gateway.pki.ca_cert))
    with CS3Client(tls_gateway.address, BasicAuth("marie", "radioactivity"), tls=tls) as c:
        assert c.whoami().username == "marie"


def test_tls_gateway_is_refused_without_the_ca(tls_gateway: NginxGrpcTLS) -> None:
    with CS3Client(
        tls_gateway.address, BasicAuth("marie", "radioactivity"), tls=TLSSettings(), deadline=5
    ) as c, pytest.raises(Unavailable):
        c.whoami()


def test_tls_from_config_file(tls_gateway: NginxGrpcTLS, tmp_path: Path) -> None:
    (tmp_path / "cs3widgets_config.py").write_text(
        f"c.CS3Config.gateway = {tls_gateway.address!r}\n"
        f"c.CS3Config.ca_file = {str(tls_gateway.pki.ca_cert)!r}\n"
        "c.CS3Config.user = 'einstein'\n"
        "c.CS3Config.password = 'relativity'\n"
    )
    with cs3widgets.connect(config_paths=[str(tmp_path)]) as c:
        assert c.config is not None and c.config.uses_tls
        assert c.whoami().username == "einstein"


def test_mutual_tls_client_certificate(revad: RevadServer, tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    proxy = NginxGrpcTLS(revad.gateway, pki, tmp_path, require_client_cert=True).start()
    try:
        with_cert = TLSSettings(
            ca_file=str(pki.ca_cert), cert_file=str(pki.client_cert), key_file=str(pki.client_key)
        )
        with CS3Client(proxy.address, BasicAuth("richard", "superfluidity"), tls=with_cert) as c:
            assert c.whoami().username == "richard"
        without = TLSSettings(ca_file=str(pki.ca_cert))
        with CS3Client(
            proxy.address, BasicAuth("richard", "superfluidity"), tls=without, deadline=5
        ) as c:
            with pytest.raises(Exception) as info:
                c.whoami()
            assert not isinstance(info.value, AssertionError)
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def oidc_site(tmp_path_factory: pytest.TempPathFactory):
    """A revad whose 'bearer' auth verifies tokens of a local OIDC issuer."""
    from oidc_issuer import OIDCIssuer

    issuer = OIDCIssuer().start()
    server = RevadServer(
        SiteConfig(root=tmp_path_factory.mktemp("oidc"), oidc_issuer=issuer.issuer)
    )
    server.start()
    yield server, issuer
    server.stop()
    issuer.stop()


def test_bearer_token_exchange(oidc_site) -> None:
    from cs3widgets.client import BearerAuth

    server, issuer = oidc_site
    oidc_token = issuer.token("marie")
    auth = BearerAuth(oidc_token)
    with CS3Client(server.gateway, auth) as client:
        assert client.whoami().username == "marie"
        # What goes on the wire afterwards is Reva's own token, not the OIDC one.
        assert client.conn.token() != oidc_token
        assert jwt_claims(client.conn.token())["iss"] != issuer.issuer


def test_bearer_token_from_another_issuer_is_refused(oidc_site) -> None:
    from oidc_issuer import OIDCIssuer

    from cs3widgets.client import BearerAuth

    server, _ = oidc_site
    rogue = OIDCIssuer()  # never started; its key is unknown to revad
    with (
        CS3Client(server.gateway, BearerAuth(rogue.token("marie"))) as client,
        pytest.raises(Unauthenticated),
    ):
        client.whoami()


def test_token_file_exchange_of_an_oidc_token(oidc_site, tmp_path: Path) -> None:
    server, issuer = oidc_site
    token_file = tmp_path / "cernbox_oauth.token"
    token_file.write_text(f"oauth2:{issuer.token('richard')}:https://auth.example.org/")
    with cs3widgets.connect(
        gateway=server.gateway, token_file=str(token_file), token_exchange=True, config_paths=[]
    ) as client:
        assert client.config is not None and client.config.resolved_auth() == "token-file"
        assert client.whoami().username == "richard"
