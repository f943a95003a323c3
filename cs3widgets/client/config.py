"""Configuration: one traitlets ``Configurable`` filled from every source.

Precedence, first that sets a value wins: explicit arguments, ``CS3_*``
environment variables, Jupyter config files (``c.CS3Config.gateway = ...`` in
``cs3widgets_config.py`` or ``.json`` on the Jupyter config path), then
detection (inside SWAN the token file exists, so it is used).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from traitlets import Bool, Enum, Float, TraitError, Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

from .auth import AuthProvider, BasicAuth, BearerAuth, TokenAuth, TokenFileAuth
from .connection import DEFAULT_DEADLINE, TLSSettings

SWAN_TOKEN_FILE = "/tmp/cernbox_oauth.token"
CONFIG_BASENAME = "cs3widgets_config"

#: Environment variable -> trait name.
ENV_VARS: dict[str, str] = {
    "CS3_GATEWAY": "gateway",
    "CS3_AUTH": "auth",
    "CS3_USER": "user",
    "CS3_PASSWORD": "password",
    "CS3_TOKEN": "token",
    "CS3_TOKEN_FILE": "token_file",
    "CS3_TOKEN_EXCHANGE": "token_exchange",
    "CS3_CA_FILE": "ca_file",
    "CS3_CLIENT_CERT": "client_cert",
    "CS3_CLIENT_KEY": "client_key",
    "CS3_TLS": "tls",
    "CS3_TLS_SERVER_NAME": "tls_server_name",
    "CS3_DEADLINE": "deadline",
    "CS3_HOME": "home",
    "CS3_SWAN_TOKEN_FILE": "swan_token_file",
    "CS3_PUBLIC_LINK_URL": "public_link_base_url",
}


class ConfigError(ValueError):
    """The configuration is incomplete or contradictory."""


class Secret(Unicode):
    """A string setting whose value never appears in an error message.

    traitlets quotes a refused value in its TraitError; for a password or a
    token of the wrong type (a number, a list, a dict holding a JWT) that
    would put the secret into a traceback.
    """

    def error(
        self, obj: Any, value: Any, error: Exception | None = None, info: str | None = None
    ) -> Any:
        raise TraitError(
            f"{self.name!r} must be a string, not {type(value).__name__} (value not shown)"
        )


class CS3Config(Configurable):
    """Where the gateway is and how to authenticate."""

    gateway = Unicode("", help="CS3 gateway address, host:port").tag(config=True)
    auth = Enum(
        ["auto", "basic", "bearer", "token", "token-file"],
        default_value="auto",
        help="Authentication mode; 'auto' picks from what is set.",
    ).tag(config=True)
    user = Unicode("", help="Username for basic auth").tag(config=True)
    password = Secret("", help="Password for basic auth (never shown)").tag(config=True)
    token = Secret("", help="A token: passed through, or exchanged with auth='bearer'").tag(
        config=True
    )
    token_file = Unicode("", help="File holding a token, re-read when it changes").tag(config=True)
    token_exchange = Bool(
        False, help="Exchange the token-file token through Authenticate(bearer)"
    ).tag(config=True)
    tls = Bool(False, help="Use TLS for the gRPC channel").tag(config=True)
    ca_file = Unicode("", help="PEM CA bundle for TLS (implies tls)").tag(config=True)
    client_cert = Unicode("", help="PEM client certificate for mutual TLS").tag(config=True)
    client_key = Unicode("", help="PEM client key for mutual TLS").tag(config=True)
    tls_server_name = Unicode("", help="Override the TLS server name").tag(config=True)
    deadline = Float(DEFAULT_DEADLINE, help="Deadline of every call, seconds").tag(config=True)
    home = Unicode("", help="Start folder; default: the user's home").tag(config=True)
    swan_token_file = Unicode(SWAN_TOKEN_FILE, help="Where SWAN writes its token").tag(
        config=True
    )
    public_link_base_url = Unicode(
        "",
        help="The site's public web address: a public link is shown as "
        "<this>/s/<token> (e.g. https://cernbox.cern.ch). Empty: links show no URL.",
    ).tag(config=True)

    def __repr__(self) -> str:
        # Only non-secret fields; the password and token never appear.
        return (
            f"CS3Config(gateway={self.gateway!r}, auth={self.resolved_auth()!r}, "
            f"user={self.user!r}, tls={self.uses_tls!r})"
        )

    @classmethod
    def load(
        cls,
        *,
        env: Mapping[str, str] | None = None,
        config_paths: list[str] | None = None,
        **explicit: Any,
    ) -> CS3Config:
        """Build a config from explicit arguments, env, Jupyter config files."""
        env = os.environ if env is None else env
        file_config = load_config_files(config_paths)
        cfg = cls(config=file_config)
        for var, trait in ENV_VARS.items():
            value = env.get(var)
            if value is not None and value != "":
                setattr(cfg, trait, _coerce(cfg, trait, value))
        for key, value in explicit.items():
            if value is None:
                continue
            if not cfg.has_trait(key) or key == "config":
                raise ConfigError(f"unknown setting {key!r}")
            setattr(cfg, key, value)
        return cfg

    @property
    def uses_tls(self) -> bool:
        """TLS is on when asked for or when any TLS file is set."""
        return bool(self.tls or self.ca_file or self.client_cert)

    def tls_settings(self) -> TLSSettings | None:
        """The channel's TLS settings, or ``None`` for plaintext."""
        if not self.uses_tls:
            return None
        return TLSSettings(
            ca_file=self.ca_file or None,
            cert_file=self.client_cert or None,
            key_file=self.client_key or None,
            server_name=self.tls_server_name or None,
        )

    def resolved_auth(self) -> str:
        """The auth mode 'auto' stands for, given what is set."""
        if self.auth != "auto":
            return self.auth
        if self.user and self.password:
            return "basic"
        if self.token:
            return "token"
        if self.token_file or Path(self.swan_token_file).exists():
            return "token-file"
        return "none"

    def auth_provider(self) -> AuthProvider:
        """Build the auth provider this config describes."""
        mode = self.resolved_auth()
        if mode == "basic":
            if not (self.user and self.password):
                raise ConfigError("basic auth needs CS3_USER and CS3_PASSWORD")
            return BasicAuth(self.user, self.password)
        if mode == "bearer":
            if self.token:
                return BearerAuth(self.token)
            return TokenFileAuth(self.token_file or self.swan_token_file, exchange=True)
        if mode == "token":
            if not self.token:
                raise ConfigError("token auth needs CS3_TOKEN")
            return TokenAuth(self.token)
        if mode == "token-file":
            return TokenFileAuth(
                self.token_file or self.swan_token_file, exchange=self.token_exchange
            )
        raise ConfigError(
            "no credentials: set CS3_USER/CS3_PASSWORD, CS3_TOKEN or CS3_TOKEN_FILE"
        )


def _coerce(cfg: CS3Config, trait: str, value: str) -> Any:
    kind = type(cfg.traits()[trait])
    if kind is Bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is Float:
        try:
            return float(value)
        except ValueError:
            raise ConfigError(f"{trait} must be a number, got {value!r}") from None
    return value


def load_config_files(paths: list[str] | None = None) -> Config:
    """Merge ``cs3widgets_config.{json,py}`` from the Jupyter config path."""
    if paths is None:
        try:
            from jupyter_core.paths import jupyter_config_path

            paths = jupyter_config_path()
        except ImportError:
            paths = []
    merged = Config()
    # jupyter_config_path() lists the most specific (user) directory first;
    # load the least specific first so that user settings win.
    for directory in reversed(paths):
        for loader_cls, suffix in ((JSONFileConfigLoader, ".json"), (PyFileConfigLoader, ".py")):
            name = CONFIG_BASENAME + suffix
            if (Path(directory) / name).is_file():
                merged.merge(loader_cls(name, path=directory).load_config())
    return merged
