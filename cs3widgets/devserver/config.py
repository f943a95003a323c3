"""Generates a revad configuration for one local site, for either Reva line.

One config serves v1.29 and v3: keys one line does not know are ignored by
it (Reva decodes its sections with mapstructure), and the gaps between the
lines are closed by our drivers (tools/revad) rather than by branching here.

Every run gets its own data directory, free ports on 127.0.0.1 and random
secrets, so that tests never share state and nothing secret is committed.
"""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from .users import write_identity_files

HOME_MOUNT_ID = "123e4567-e89b-12d3-a456-426655440000"
PUBLIC_MOUNT_ID = "7993447f-687f-490d-875c-ac95e89a62a4"


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
        """The OCM provider domain of this site: its host name, no port."""
        return self.host

    @property
    def config_file(self) -> Path:
        """Where the generated TOML is written."""
        return self.root / "revad.toml"


def _providers_json(sites: list[SiteConfig]) -> list[dict]:
    """The ScienceMesh provider list every site trusts (OCM)."""
    return [
        {
            "name": s.name,
            "full_name": s.name,
            "organization": "cs3widgets tests",
            "domain": s.domain,
            "homepage": s.http_url,
            "services": [
                {
                    "endpoint": {
                        "type": {"name": "OCM", "description": "OCM API"},
                        "name": f"{s.name} - OCM API",
                        "path": f"{s.http_url}/ocm/",
                        "is_monitored": True,
                    },
                    "api_version": "0.0.1",
                    "host": f"{s.host}:{s.ports.http}",
                },
                {
                    "endpoint": {
                        "type": {"name": "Webdav", "description": "WebDAV API"},
                        "name": f"{s.name} - Webdav API",
                        "path": f"{s.http_url}/remote.php/dav/ocm/",
                        "is_monitored": True,
                    },
                    "api_version": "0.0.1",
                    "host": f"{s.host}:{s.ports.http}",
                },
                {
                    "endpoint": {
                        "type": {"name": "Gateway", "description": "GRPC gateway"},
                        "name": f"{s.name} - GRPC Gateway",
                        "path": s.gateway,
                        "is_monitored": True,
                    },
                    "api_version": "0.0.1",
                    "host": s.gateway,
                },
            ],
        }
        for s in sites
    ]


def write_site(site: SiteConfig, peers: list[SiteConfig] | None = None) -> Path:
    """Create the site's directories, identity files and TOML; return the TOML path."""
    data = site.root / "data"
    (data / "home").mkdir(parents=True, exist_ok=True)
    (site.root / "tmp").mkdir(exist_ok=True)
    users, groups = write_identity_files(site.root, idp=site.http_url)
    providers = site.root / "providers.json"
    providers.write_text(json.dumps(_providers_json([site, *(peers or [])]), indent=1))
    site.config_file.write_text(render(site, users=users, groups=groups, providers=providers))
    return site.config_file


def render(site: SiteConfig, *, users: Path, groups: Path, providers: Path) -> str:
    """Return the TOML text for ``site``."""
    p = site.ports
    ip = "127.0.0.1"
    gw = site.gateway
    root = site.root
    home_root = root / "data" / "home"
    bearer_rule = f'bearer = "{ip}:{p.auth_bearer}"\n' if site.oidc_issuer else ""
    ocm_rules = (
        f'"/ocm" = {{ address = "{ip}:{p.storage_ocm_out}" }}\n'
        f'"ocm" = {{ address = "{ip}:{p.storage_ocm_out}" }}\n'
        f'"/sciencemesh" = {{ address = "{ip}:{p.storage_ocm_in}" }}\n'
        f'"sciencemesh" = {{ address = "{ip}:{p.storage_ocm_in}" }}\n'
        if site.ocm
        else ""
    )
    text = f"""
[log]
level = "{site.log_level}"

[shared]
gatewaysvc = "{gw}"
jwt_secret = "{site.jwt_secret}"

[grpc]
address = "{gw}"

[grpc.services.gateway]
authregistrysvc = "{gw}"
storageregistrysvc = "{gw}"
userprovidersvc = "{gw}"
groupprovidersvc = "{gw}"
usershareprovidersvc = "{gw}"
publicshareprovidersvc = "{gw}"
ocmcoresvc = "{gw}"
ocmshareprovidersvc = "{gw}"
ocminvitemanagersvc = "{gw}"
ocmproviderauthorizersvc = "{gw}"
applicationauthsvc = "{ip}:{p.appauth}"
datagateway = "{site.http_url}/datagateway"
transfer_shared_secret = "{site.transfer_secret}"
transfer_expires = 3600
commit_share_to_storage_grant = true
commit_share_to_storage_ref = true
disable_home_creation_on_login = false
create_home_cache_ttl = 0
etag_cache_ttl = 0
# Reva v3's gateway fills the resource info of listed shares and links from
# this cache, and lists nothing without one. TTL 0: every listing stats
# afresh, so no row is ever stale. v1.29 has no such cache.
resource_info_cache_type = "memory"
resource_info_cache_ttl = 0

[grpc.services.gateway.resource_info_caches.memory]
cache_size = 100000

[grpc.services.gateway.token_managers.jwt]
expires = {site.token_lifetime}

[grpc.services.authregistry]
driver = "static"

[grpc.services.authregistry.drivers.static.rules]
basic = "{ip}:{p.auth_basic}"
publicshares = "{ip}:{p.auth_public}"
machine = "{ip}:{p.auth_machine}"
ocmshares = "{ip}:{p.auth_ocm}"
appauth = "{ip}:{p.auth_app}"
{bearer_rule}
[[grpc.services.authprovider]]
address = "{ip}:{p.auth_basic}"
auth_manager = "json"

[grpc.services.authprovider.auth_managers.json]
users = "{users}"

[[grpc.services.authprovider]]
address = "{ip}:{p.auth_public}"
auth_manager = "publicshares"

[grpc.services.authprovider.auth_managers.publicshares]
gatewaysvc = "{gw}"

[[grpc.services.authprovider]]
address = "{ip}:{p.auth_machine}"
auth_manager = "machine"

[grpc.services.authprovider.auth_managers.machine]
api_key = "{site.machine_secret}"
gateway_addr = "{gw}"

[[grpc.services.authprovider]]
address = "{ip}:{p.auth_ocm}"
auth_manager = "ocmshares"

# Application passwords: GenerateAppPassword mints them (scoped, expiring)
# for Dask workers, which log in with Authenticate type "appauth".
[[grpc.services.authprovider]]
address = "{ip}:{p.auth_app}"
auth_manager = "appauth"

[grpc.services.authprovider.auth_managers.appauth]
gatewaysvc = "{gw}"

[grpc.services.applicationauth]
address = "{ip}:{p.appauth}"
driver = "json"

[grpc.services.applicationauth.drivers.json]
file = "{root / 'appauth.json'}"
# bcrypt cost of the stored hashes: Reva's default (11) costs ~0.1 s of
# server CPU per login on the test machine.
password_hash_cost = 4
"""
    if site.oidc_issuer:
        text += f"""
[[grpc.services.authprovider]]
address = "{ip}:{p.auth_bearer}"
auth_manager = "oidc"

[grpc.services.authprovider.auth_managers.oidc]
issuer = "{site.oidc_issuer}"
id_claim = "preferred_username"
gatewaysvc = "{gw}"
"""
    text += f"""
[grpc.services.userprovider]
driver = "json"

[grpc.services.userprovider.drivers.json]
users = "{users}"

[grpc.services.groupprovider]
driver = "json"

[grpc.services.groupprovider.drivers.json]
groups = "{groups}"

# cs3w-json (tools/revad/jsonshares) is the json manager with received
# shares listed: v1.29's json manager drops every share but denials from
# ListReceivedShares.
[grpc.services.usershareprovider]
driver = "cs3w-json"

[grpc.services.usershareprovider.drivers.cs3w-json]
file = "{root / 'shares.json'}"

# cs3w-json-links (tools/revad/jsonlinks) is the json manager with a listing
# that works on v3 too (v3.0.1's panics); links keep password and expiry.
[grpc.services.publicshareprovider]
driver = "cs3w-json-links"

[grpc.services.publicshareprovider.drivers.cs3w-json-links]
file = "{root / 'publicshares.json'}"

[grpc.services.storageregistry]
driver = "static"

[grpc.services.storageregistry.drivers.static]
home_provider = "/home"

[grpc.services.storageregistry.drivers.static.rules]
"/home" = {{ address = "{ip}:{p.storage_home}" }}
"{HOME_MOUNT_ID}" = {{ address = "{ip}:{p.storage_users}" }}
"/users" = {{ address = "{ip}:{p.storage_users}" }}
"/public" = {{ address = "{ip}:{p.storage_public}" }}
"{PUBLIC_MOUNT_ID}" = {{ address = "{ip}:{p.storage_public}" }}
{ocm_rules}
# cs3w-localhome and cs3w-local (tools/revad/enforcingfs) decide upload
# preconditions (if_match, if_not_exist), CS3 locks and lock ids, and never
# let an upload or a move replace what is there, as EOS does; the
# cs3w-intent interceptor hands them the request fields Reva drops.
[grpc.interceptors.cs3w-intent]

[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_home}"
driver = "cs3w-localhome"
mount_path = "/home"
mount_id = "{HOME_MOUNT_ID}"
expose_data_server = true
data_server_url = "{site.http_url}/data"
tmp_folder = "{root / 'tmp'}"

[grpc.services.storageprovider.drivers.cs3w-localhome]
root = "{home_root}"
user_layout = "{{{{.Username}}}}"

# Resource ids route to a driver without per-user homes over the same data.
# localhome resolves an id inside the *caller's* home, so a share recipient
# could never reach the owner's file by id (or through /home/MyShares); the
# "local" driver resolves ids globally ("fileid-<owner>/<path>"). Its data
# server must have its own port: two dataprovider services on one address
# shadow each other. cs3w-local (tools/revad/enforcingfs) is "local" with
# share grants enforced for non-owners, as EOS does; plain "local" lets
# every user do everything. Grants live in cs3w-grants.db in its root.
[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_users}"
driver = "cs3w-local"
mount_path = "/users"
mount_id = "{HOME_MOUNT_ID}"
expose_data_server = true
data_server_url = "http://{ip}:{p.http_users}/data"
tmp_folder = "{root / 'tmp'}"

[grpc.services.storageprovider.drivers.cs3w-local]
root = "{home_root}"

[grpc.services.publicstorageprovider]
address = "{ip}:{p.storage_public}"
mount_path = "/public"
mount_id = "{PUBLIC_MOUNT_ID}"
gatewaysvc = "{gw}"

[http]
address = "{ip}:{p.http}"

[[http.services.dataprovider]]
address = "{ip}:{p.http}"
prefix = "data"
driver = "cs3w-localhome"

[http.services.dataprovider.drivers.cs3w-localhome]
root = "{home_root}"
user_layout = "{{{{.Username}}}}"

# The same enforcing driver, else the data server would read and write
# other users' files for anybody holding a token.
[[http.services.dataprovider]]
address = "{ip}:{p.http_users}"
prefix = "data"
driver = "cs3w-local"

[http.services.dataprovider.drivers.cs3w-local]
root = "{home_root}"

[http.services.datagateway]
transfer_shared_secret = "{site.transfer_secret}"
"""
    if site.ocm:
        text += _render_ocm(site, providers)
    return text


def _render_ocm(site: SiteConfig, providers: Path) -> str:
    p = site.ports
    ip = "127.0.0.1"
    return f"""
[grpc.services.ocmcore]
driver = "json"

[grpc.services.ocmcore.drivers.json]
file = "{site.root / 'ocm-shares.json'}"

[grpc.services.ocminvitemanager]
driver = "json"
provider_domain = "{site.domain}"

[grpc.services.ocminvitemanager.drivers.json]
file = "{site.root / 'ocm-invites.json'}"

[grpc.services.ocmshareprovider]
driver = "json"
provider_domain = "{site.domain}"
webdav_endpoint = "{site.http_url}"
# Required by v1.29 even with web apps off; never used by these sites.
webapp_template = "{site.http_url}/external/sciencemesh"

[grpc.services.ocmshareprovider.drivers.json]
file = "{site.root / 'ocm-shares.json'}"

[grpc.services.ocmproviderauthorizer]
driver = "json"

[grpc.services.ocmproviderauthorizer.drivers.json]
providers = "{providers}"

[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_ocm_out}"
driver = "ocmoutcoming"
mount_path = "/ocm"
mount_id = "ocm"
expose_data_server = true
data_server_url = "http://{ip}:{p.http_ocm_out}/data"

[grpc.services.storageprovider.drivers.ocmoutcoming]
machine_secret = "{site.machine_secret}"

[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_ocm_in}"
driver = "ocmreceived"
mount_path = "/sciencemesh"
mount_id = "sciencemesh"
expose_data_server = true
data_server_url = "http://{ip}:{p.http_ocm_in}/data"

# The remote site's request reaches this data server carrying an ocmshares
# token, whose scope admits only HTTP paths under /data: keep the prefix.
[[http.services.dataprovider]]
address = "{ip}:{p.http_ocm_out}"
prefix = "data"
driver = "ocmoutcoming"

[http.services.dataprovider.drivers.ocmoutcoming]
machine_secret = "{site.machine_secret}"

[[http.services.dataprovider]]
address = "{ip}:{p.http_ocm_in}"
prefix = "data"
driver = "ocmreceived"

[http.services.ocm]
prefix = "ocm"
expose_recipient_display_name = true

# Reva v1.29 serves the OCM discovery document from the wellknown service.
[http.services.wellknown.ocmprovider]
ocm_prefix = "ocm"
provider = "{site.name}"
endpoint = "{site.http_url}"
enable_webapp = false
enable_datatx = false

# ocdav serves /remote.php/dav/ocm/<share id>: the WebDAV endpoint a peer
# site uses to read what was shared with its users.
[http.services.ocdav]

[http.middlewares.providerauthorizer]
driver = "json"

[http.middlewares.providerauthorizer.drivers.json]
providers = "{providers}"
"""
