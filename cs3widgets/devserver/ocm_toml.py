"""Federated sharing (OCM): a site's OCM sections and the providers it trusts.

Appended to the TOML of a site made with ``ocm=True`` (see
:func:`.revad_toml.render`); the provider list is written for every site.
"""

from __future__ import annotations

from pathlib import Path

from .site_config import SiteConfig


def providers_json(sites: list[SiteConfig]) -> list[dict]:
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


#: The OCM incoming-share service of the lines that do not call it ``ocmcore``.
INCOMING_SERVICE = {"v3.12": "ocmincoming"}


def render_ocm(site: SiteConfig, providers: Path) -> str:
    """The TOML sections of an OCM site: shares, invites, providers, data servers."""
    p = site.ports
    ip = "127.0.0.1"
    # The service that takes shares from other sites: Reva v3.12 renamed it
    # (internal/grpc/services/ocmincoming), and revad refuses to start with
    # a service it does not know, so the name goes by the line.
    incoming = INCOMING_SERVICE.get(site.reva_line, "ocmcore")
    return f"""
[grpc.services.{incoming}]
driver = "json"

[grpc.services.{incoming}.drivers.json]
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
# Required by v1.29 (template) and v3.12 (endpoint) even with web apps off;
# never used by these sites.
webapp_template = "{site.http_url}/external/sciencemesh"
webapp_endpoint = "{site.http_url}/external/sciencemesh"

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
space_depth = 1
expose_data_server = true
data_server_url = "http://{ip}:{p.http_ocm_out}/data"

[grpc.services.storageprovider.drivers.ocmoutcoming]
machine_secret = "{site.machine_secret}"

[[grpc.services.storageprovider]]
address = "{ip}:{p.storage_ocm_in}"
driver = "ocmreceived"
mount_path = "/sciencemesh"
mount_id = "sciencemesh"
space_depth = 1
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


__all__ = ["providers_json", "render_ocm"]
