"""Where a widget gets its client: the one passed in, or ``cs3widgets.connect()``."""

from __future__ import annotations

from typing import Any

from ..client.client import CS3Client
from .errors_ui import UserInputError


def resolve_client(client: CS3Client | None) -> CS3Client:
    """``client`` itself, or a new client configured from arguments/env/config files.

    Raises :class:`~cs3widgets.client.config.ConfigError` when nothing says
    where the gateway is; widgets show that in their banner.
    """
    if client is not None:
        return client
    from .. import connect  # the package root; imported late to avoid a cycle

    return connect()


class ClientHolder:
    """Mixin for widgets that act through one client.

    A widget that cannot connect (no gateway configured, say) is still
    built: its banner says why, and every action says it is not connected.
    """

    client: CS3Client | None
    banner: Any

    def _connect(self, client: CS3Client | None) -> bool:
        """Resolve the client; on failure show why in the banner and return False."""
        self.client = None
        try:
            self.client = resolve_client(client)
        except Exception as exc:
            self.banner.error(exc)
            return False
        return True

    def _require_client(self) -> CS3Client:
        if self.client is None:
            raise UserInputError("Not connected: configure the gateway and create the widget again")
        return self.client
