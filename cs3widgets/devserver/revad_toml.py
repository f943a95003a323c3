"""The TOML text of one site's revad: gateway, auth, users, shares and storage.

One text serves v1.29 and v3 (see :mod:`.config`); OCM's sections are added
by :mod:`.ocm_toml`.
"""

from __future__ import annotations

from pathlib import Path

from .ocm_toml import render_ocm
from .site_config import SiteConfig

#: The ``upstream`` profile: Reva's own driver for each of ours (longest
#: names first, since one is a prefix of another).
UPSTREAM_DRIVERS = {
    "cs3w-localhome": "localhome",
    "cs3w-local": "local",
    "cs3w-json-links": "json",
    "cs3w-json": "json",
}
PROFILES = ("eos", "upstream")

HOME_MOUNT_ID = "123e4567-e89b-12d3-a456-426655440000"
PUBLIC_MOUNT_ID = "7993447f-687f-490d-875c-ac95e89a62a4"


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
# v3.12's name for it (see ocm_toml.INCOMING_SERVICE).
ocmincomingsvc = "{gw}"
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
# The same claim under v3.12's name (pkg/auth/manager/oidc/oidc.go; its
# default is "sub"). Each line ignores the other's key.
default_id_claim = "preferred_username"
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
# cs3w-localhome and cs3w-local (tools/revad/enforcingfs) answer as CERNBox's
# EOS storage does: simple uploads only, EOS's lock rules (user + app of the
# X-Lock-Holder), GetLock NotFound without a lock, folder sizes as tree
# sizes, renames as EOS renames. Reva itself is unmodified: no interceptor.
# Every behaviour and its source: tools/revad/FIDELITY.md.
[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_home}"
driver = "cs3w-localhome"
mount_path = "/home"
mount_id = "{HOME_MOUNT_ID}"
# Reva v3.12 derives space ids from the path (storageprovider.go,
# pathToSpaceID) and asks for at least the mount path's depth: one space per
# mount. Older lines do not know the key.
space_depth = 1
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
space_depth = 1
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
        text += render_ocm(site, providers)
    if site.profile not in PROFILES:
        raise ValueError(f"unknown server profile {site.profile!r}; one of {PROFILES}")
    if site.profile == "upstream":
        for ours, reva in UPSTREAM_DRIVERS.items():
            text = text.replace(f'"{ours}"', f'"{reva}"').replace(f".{ours}]", f".{reva}]")
    return text


__all__ = ["HOME_MOUNT_ID", "PUBLIC_MOUNT_ID", "render"]
