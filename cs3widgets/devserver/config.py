"""Generates a revad configuration for one local site, for either Reva line.

One config serves v1.29 and v3: keys one line does not know are ignored by
it (Reva decodes its sections with mapstructure), and the gaps between the
lines are closed by our drivers (tools/revad) rather than by branching here.

Every run gets its own data directory, free ports on 127.0.0.1 and random
secrets, so that tests never share state and nothing secret is committed.

This module lays the site's folder out (:func:`write_site`); the pieces:
:mod:`.site_config` (what differs between sites), :mod:`.revad_toml` (the
TOML text) and :mod:`.ocm_toml` (its OCM sections and the provider list).
"""

from __future__ import annotations

import json
from pathlib import Path

from .ocm_toml import providers_json
from .revad_toml import HOME_MOUNT_ID, PUBLIC_MOUNT_ID, render
from .site_config import SiteConfig, SitePorts, free_port
from .users import write_identity_files


def write_site(site: SiteConfig, peers: list[SiteConfig] | None = None) -> Path:
    """Create the site's directories, identity files and TOML; return the TOML path."""
    data = site.root / "data"
    (data / "home").mkdir(parents=True, exist_ok=True)
    (site.root / "tmp").mkdir(exist_ok=True)
    users, groups = write_identity_files(site.root, idp=site.http_url, extra=site.extra_users)
    providers = site.root / "providers.json"
    providers.write_text(json.dumps(providers_json([site, *(peers or [])]), indent=1))
    site.config_file.write_text(render(site, users=users, groups=groups, providers=providers))
    return site.config_file


__all__ = [
    "HOME_MOUNT_ID",
    "PUBLIC_MOUNT_ID",
    "SiteConfig",
    "SitePorts",
    "free_port",
    "render",
    "write_site",
]
