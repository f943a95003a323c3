"""Blocking work (transfers) off the kernel's main thread.

A button handler that blocks for the length of a download would freeze the
front end's updates, so the progress bar would jump from 0 to 100. The
:class:`Worker` runs such jobs in daemon threads; ``threaded=False`` runs
them inline (handy in scripts). :meth:`Worker.wait` joins what is running,
which is what tests call after clicking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Worker:
    """Runs jobs in background threads and reports failures to a callback."""

    def __init__(
        self,
        on_error: Callable[[BaseException], None],
        *,
        threaded: bool = True,
    ) -> None:
        self._on_error = on_error
        self.threaded = threaded
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        name: str = "cs3widgets-job",
    ) -> None:
        """Run ``job``; then ``on_done(result)``, or ``on_error(exc)`` if either raised."""

        def run() -> None:
            try:
                result = job()
                if on_done is not None:
                    on_done(result)
            except Exception as exc:
                self._on_error(exc)

        if not self.threaded:
            run()
            return
        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        with self._lock:
            return any(t.is_alive() for t in self._threads)

    def wait(self, timeout: float | None = None) -> bool:
        """Join the running jobs; True if all finished within ``timeout``."""
        with self._lock:
            threads = list(self._threads)
        for t in threads:
            t.join(timeout)
        return not any(t.is_alive() for t in threads)
