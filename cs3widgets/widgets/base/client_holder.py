"""What every server-backed widget shares: its client, banner, busy sign and runner.

The client is the one passed in, or :meth:`CS3Client.from_config
<cs3widgets.client.CS3Client.from_config>` (config files and ``CS3_*``
variables); the widgets import nothing but :mod:`cs3widgets.client`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ...client.client import CS3Client
from .messages import UserInputError
from .runner import BusyIndicator, Runner, Task


def resolve_client(client: CS3Client | None) -> CS3Client:
    """``client`` itself, or a new client configured from arguments/env/config files.

    Raises :class:`~cs3widgets.client.config.ConfigError` when nothing says
    where the gateway is; widgets show that in their banner. Makes no call.
    """
    if client is not None:
        return client
    return CS3Client.from_config()


class ClientHolder:
    """Mixin for widgets that act through one client and one runner.

    A widget that cannot connect (no gateway configured, say) is still
    built: its banner says why, and every action says it is not connected.
    Every server call goes through :meth:`_run` (see :mod:`.runner`): off
    the main thread, result applied on the event loop, errors in the banner.
    """

    client: CS3Client | None
    banner: Any
    runner: Runner
    busy: BusyIndicator
    _owns_runner: bool

    def _init_runner(self, runner: Runner | None, threaded: bool = True) -> None:
        """Use ``runner`` (shared, e.g. by CS3App) or make one; ``threaded=False``: sync."""
        self._owns_runner = runner is None
        self.runner = runner if runner is not None else Runner(sync=not threaded)
        self.busy = BusyIndicator()
        if getattr(self, "banner", None) is not None:
            self.banner.runner = self.runner  # successes fade on the runner's loop

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

    def _run(
        self,
        work: Callable[[], Any],
        apply: Callable[[Any], None] | None = None,
        *,
        key: Hashable | None = None,
        disable: Iterable[Any] = (),
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Submit server work for this widget (errors go to its banner by default).

        ``key`` is this widget's: widgets sharing a runner never supersede each other.
        """
        scoped = None if key is None else (id(self), key)
        return self.runner.submit(work, apply, on_error=on_error or self.banner.error,
                                  key=scoped, busy=self.busy, disable=disable)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for this widget's pending server work and apply it (scripts, tests)."""
        return self.runner.wait(timeout)

    def _close_runner(self) -> None:
        if getattr(self, "_owns_runner", False):
            self.runner.close()
