"""A local Reva site for tests and the demo: config generation and process control.

Not needed at run time against a real deployment.
"""

from .config import SiteConfig, SitePorts
from .server import RevadError, RevadServer, ocm_pair
from .users import DEMO_USERS, DemoUser

__all__ = [
    "DEMO_USERS",
    "DemoUser",
    "RevadError",
    "RevadServer",
    "SiteConfig",
    "SitePorts",
    "ocm_pair",
]
