"""One site's description: its name, host, ports, secrets and folder.

Every run gets its own folder, free ports on 127.0.0.1 and random secrets,
so that tests never share state and nothing secret is committed.
"""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from .binary import reva_line


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class SitePorts:
    """Every port one site listens on, all on 127.0.0.1."""

    grpc: int = field(default_factory=free_port)
    http: int = field(default_factory=free_port)
    auth_basic: int = field(default_factory=free_port)
    auth_public: int = field(default_factory=free_port)
    auth_machine: int = field(default_factory=free_port)
    auth_ocm: int = field(default_factory=free_port)
    auth_bearer: int = field(default_factory=free_port)
    # Application passwords (workers' credentials) and their auth manager.
    auth_app: int = field(default_factory=free_port)
    appauth: int = field(default_factory=free_port)
    storage_home: int = field(default_factory=free_port)
    storage_public: int = field(default_factory=free_port)
    storage_ocm_out: int = field(default_factory=free_port)
    storage_ocm_in: int = field(default_factory=free_port)
    storage_users: int = field(default_factory=free_port)
    http_users: int = field(default_factory=free_port)
    # Reva v1.29 keeps one HTTP service of a name per address: the OCM data
    # providers need addresses of their own.
    http_ocm_out: int = field(default_factory=free_port)
    http_ocm_in: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        # Each port is free when picked, but the kernel may hand the same one
        # out twice in a row (seen once in CI: basic and public-link auth on
        # one address, where revad serves both and one answers for the
        # other). Re-pick until every service has a port of its own.
        taken: set[int] = set()
        for name in self.__dataclass_fields__:
            port = getattr(self, name)
            while port in taken:
                port = free_port()
            setattr(self, name, port)
            taken.add(port)


#: The Reva lines whose OCM domains carry the port (:attr:`SiteConfig.domain`).
DOMAIN_WITH_PORT = frozenset({"v3.12"})


@dataclass
class SiteConfig:
    """What differs between two generated sites."""

    root: Path
    name: str = "cs3widgets-local"
    token_lifetime: int = 3600
    ocm: bool = False
    #: The host name in the site's public URLs and OCM domain (it always
    #: listens on 127.0.0.1). Two OCM sites need different names, because
    #: Reva's provider authorizer compares host names without ports: use
    #: "127.0.0.1" for one and "localhost" for the other.
    host: str = "127.0.0.1"
    oidc_issuer: str | None = None
    # "warn": at "info" Reva logs OCM share secrets (ocmreceived driver).
    log_level: str = "warn"
    #: "eos": our drivers, which enforce what EOS and CERNBox's managers
    #: enforce (tools/revad/FIDELITY.md). "upstream": Reva's own drivers and
    #: managers in their place, none of ours (no CS3 locks, tus offered).
    profile: str = "eos"
    #: The Reva line the site runs (``$CS3W_REVA_LINE``, see :mod:`.binary`),
    #: for the few sections one line names differently (:mod:`.ocm_toml`).
    reva_line: str = field(default_factory=reva_line)
    #: More users besides the demo's (``user0001``...; see :func:`.users.extra_users`).
    extra_users: int = 0
    ports: SitePorts = field(default_factory=SitePorts)
    jwt_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    transfer_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    machine_secret: str = field(default_factory=lambda: secrets.token_hex(24))

    @property
    def gateway(self) -> str:
        """The gRPC gateway address clients connect to."""
        return f"127.0.0.1:{self.ports.grpc}"

    @property
    def http_url(self) -> str:
        """Base URL of the site's HTTP services (data, OCM, WebDAV)."""
        return f"http://{self.host}:{self.ports.http}"

    @property
    def domain(self) -> str:
        """The OCM provider domain of this site: its host name, no port.

        Lines that discover a sending site at ``http://<domain>/.well-known/ocm``
        (v3.12: ``opencloudmesh/ocmd/shares.go``, ``getAndResolveProtocols``)
        and compare domains with their ports (its provider authorizer's
        ``normalizeDomain``) need the HTTP port in it.
        """
        if self.reva_line in DOMAIN_WITH_PORT:
            return f"{self.host}:{self.ports.http}"
        return self.host

    @property
    def config_file(self) -> Path:
        """Where the generated TOML is written."""
        return self.root / "revad.toml"


__all__ = ["SiteConfig", "SitePorts", "free_port"]
