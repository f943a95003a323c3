"""Where a widget gets its client: the one passed in, or ``cs3widgets.connect()``."""

from __future__ import annotations

from ..client.client import CS3Client


def resolve_client(client: CS3Client | None) -> CS3Client:
    """``client`` itself, or a new client configured from arguments/env/config files.

    Raises :class:`~cs3widgets.client.config.ConfigError` when nothing says
    where the gateway is; widgets show that in their banner.
    """
    if client is not None:
        return client
    from .. import connect  # the package root; imported late to avoid a cycle

    return connect()
