"""Configuration precedence: explicit > environment > Jupyter config files > detection."""

from __future__ import annotations

from pathlib import Path

import pytest

import cs3widgets
from cs3widgets.client import BasicAuth, ConfigError, CS3Config, TokenFileAuth
from cs3widgets.devserver import RevadServer


def _config_dir(tmp_path: Path, body: str) -> list[str]:
    (tmp_path / "cs3widgets_config.py").write_text(body)
    return [str(tmp_path)]


def test_precedence_explicit_env_file(tmp_path: Path) -> None:
    paths = _config_dir(
        tmp_path,
        "c.CS3Config.gateway = 'file:1'\nc.CS3Config.user = 'file-user'\n"
        "c.CS3Config.deadline = 7.0\nc.CS3Config.home = '/home/from-file'\n",
    )
    env = {"CS3_GATEWAY": "env:2", "CS3_USER": "env-user"}
    cfg = CS3Config.load(env=env, config_paths=paths, user="explicit-user")
    assert cfg.user == "explicit-user"  # explicit beats env and file
    assert cfg.gateway == "env:2"  # env beats file
    assert cfg.deadline == 7.0  # file beats default
    assert cfg.home == "/home/from-file"


def test_json_config_file_and_user_directory_wins(tmp_path: Path) -> None:
    system = tmp_path / "system"
    user = tmp_path / "user"
    system.mkdir()
    user.mkdir()
    (system / "cs3widgets_config.json").write_text(
        '{"CS3Config": {"gateway": "system:1", "tls": true}}'
    )
    (user / "cs3widgets_config.json").write_text('{"CS3Config": {"gateway": "user:1"}}')
    # jupyter_config_path() order: most specific first.
    cfg = CS3Config.load(env={}, config_paths=[str(user), str(system)])
    assert cfg.gateway == "user:1"
    assert cfg.tls is True and cfg.uses_tls


def test_swan_token_file_is_detected(tmp_path: Path) -> None:
    token_file = tmp_path / "cernbox_oauth.token"
    cfg = CS3Config.load(env={}, config_paths=[], swan_token_file=str(token_file))
    assert cfg.resolved_auth() == "none"
    with pytest.raises(ConfigError):
        cfg.auth_provider()
    token_file.write_text("oauth2:abc:https://x")
    provider = cfg.auth_provider()
    assert isinstance(provider, TokenFileAuth) and provider.path == token_file


def test_env_booleans_and_numbers_are_parsed() -> None:
    cfg = CS3Config.load(env={"CS3_TLS": "yes", "CS3_DEADLINE": "2.5"}, config_paths=[])
    assert cfg.tls is True and cfg.deadline == 2.5
    with pytest.raises(ConfigError):
        CS3Config.load(env={"CS3_DEADLINE": "soon"}, config_paths=[])
    with pytest.raises(ConfigError):
        CS3Config.load(env={}, config_paths=[], no_such_setting=1)


def test_secrets_stay_out_of_reprs() -> None:
    cfg = CS3Config.load(env={"CS3_PASSWORD": "s3cret-pw", "CS3_USER": "marie"}, config_paths=[])
    assert isinstance(cfg.auth_provider(), BasicAuth)
    assert "s3cret-pw" not in repr(cfg) + repr(cfg.auth_provider())


def test_connect_without_gateway_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="gateway"):
        cs3widgets.connect(config_paths=[], env={}, user="a", password="b")


def test_connect_from_config_file_logs_in(revad: RevadServer, tmp_path: Path) -> None:
    paths = _config_dir(
        tmp_path,
        f"c.CS3Config.gateway = {revad.gateway!r}\n"
        "c.CS3Config.user = 'marie'\nc.CS3Config.password = 'radioactivity'\n",
    )
    with cs3widgets.connect(config_paths=paths, env={}) as client:
        assert client.whoami().username == "marie"


def test_every_service_of_a_site_gets_a_port_of_its_own() -> None:
    # The kernel may hand one free port out twice in a row; two services on
    # one address made basic logins land on the public-link auth provider.
    from cs3widgets.devserver.site_config import SitePorts

    ports = SitePorts(grpc=45001, http=45001, auth_basic=45002, auth_public=45002)
    values = list(vars(ports).values())
    assert len(set(values)) == len(values)
    assert ports.grpc == 45001 and ports.auth_basic == 45002  # the first keeps it


@pytest.mark.parametrize(
    "secret", [98765431, ["s3cret-pw"], {"access_token": "eyJhbGciOi.s3cret.jwt"}],
    ids=["int", "list", "dict"],
)
@pytest.mark.parametrize("name", ["password", "token"])
def test_a_secret_of_the_wrong_type_is_refused_without_quoting_it(name: str, secret) -> None:
    with pytest.raises(Exception) as refused:
        cs3widgets.connect(gateway="127.0.0.1:1", user="einstein", **{name: secret})
    text = f"{refused.value!r} {refused.value}"
    assert name in text and type(secret).__name__ in text  # says what is wrong
    assert "98765431" not in text and "s3cret" not in text  # and never shows it
