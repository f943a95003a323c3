"""cs3widgets: Jupyter widgets and a Python client for CS3 storage.

    >>> import cs3widgets
    >>> client = cs3widgets.connect()      # from config / environment
    >>> client.whoami().username
"""

from __future__ import annotations

from typing import Any

from .client import CS3Client, CS3Config

__version__ = "0.1.0"


def connect(config: CS3Config | None = None, **settings: Any) -> CS3Client:
    """Return a ready client, configured from ``settings``, env and config files.

    ``settings`` are :class:`CS3Config` trait names (``gateway``, ``user``,
    ``password``, ``token``, ``token_file``, ``ca_file``, ``deadline`` ...).
    Authentication happens on the first call.
    """
    return CS3Client.from_config(config, **settings)


from .widgets import AccountPanel, Browser, CS3App, FileChooser, InfoPanel, ShareDialog  # noqa: E402

__all__ = [
    "AccountPanel",
    "Browser",
    "CS3App",
    "CS3Client",
    "CS3Config",
    "FileChooser",
    "InfoPanel",
    "ShareDialog",
    "__version__",
    "connect",
]
