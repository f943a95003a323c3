"""Progress bars for uploads and downloads: bytes, percent and speed.

The service layer calls ``progress(done, total)`` from the transfer thread,
possibly thousands of times; :class:`TransferProgress` updates its widgets at
most every ``min_interval`` seconds (and always at the end), each update one
batched message, handed to ``post`` (the runner's: it runs on the event
loop, the thread that owns the widgets).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..base.formatting import esc, human_rate, human_size


class TransferProgress(w.HBox):
    """One transfer: ``[name] [=====    ] 1.2 MB / 4.0 MB (30%) 2.1 MB/s``."""

    def __init__(self, min_interval: float = 0.2,
                 post: Callable[[Callable[[], None]], None] | None = None,
                 **kwargs: Any) -> None:
        self._post = post or (lambda fn: fn())
        self.title = w.HTML(layout=w.Layout(width="16em", overflow="hidden"))
        self.bar = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(width="14em"))
        self.detail = w.HTML()
        super().__init__([self.title, self.bar, self.detail], **kwargs)
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self.reset("", "")

    def reset(self, direction: str, name: str) -> None:
        """Start showing a new transfer of ``name`` (``direction`` is Upload/Download)."""
        with self._lock:
            self.name = name
            self.direction = direction
            self.done = 0
            self.total: int | None = None
            self.state = "idle" if not name else "running"
            self._started = time.monotonic()
            self._last_update = 0.0
        with self.hold_sync():
            self.title.value = f"{esc(direction)} <b>{esc(name)}</b>" if name else ""
            self.bar.value = 0.0
            self.bar.bar_style = ""
            self.detail.value = ""

    @property
    def percent(self) -> float:
        """Percent done (0 when the total is unknown)."""
        if self.total:
            return 100.0 * self.done / self.total
        return 100.0 if self.state == "done" else 0.0

    @property
    def speed(self) -> float:
        """Average bytes per second so far."""
        elapsed = max(time.monotonic() - self._started, 1e-6)
        return self.done / elapsed

    def __call__(self, done: int, total: int | None) -> None:
        """The progress callback: ``progress(done, total)``."""
        now = time.monotonic()
        with self._lock:
            self.done, self.total = done, total
            final = total is not None and done >= total
            if not final and now - self._last_update < self.min_interval:
                return
            self._last_update = now
        self._post(self._render)

    def _render(self) -> None:
        total = self.total
        text = human_size(self.done)
        if total:
            text += f" / {human_size(total)} ({self.percent:.0f}%)"
        text += f" \u00b7 {human_rate(self.speed)}"
        with self.hold_sync():
            if total:
                self.bar.value = min(1.0, self.done / total)
            else:
                self.bar.value = 1.0 if self.state == "done" else 0.0
            self.detail.value = esc(text)

    def finish(self, ok: bool = True, message: str = "") -> None:
        """Mark the transfer done (green) or failed (red)."""
        self.state = "done" if ok else "failed"
        if ok and self.total is None:
            self.total = self.done
        self._render()
        with self.hold_sync():
            self.bar.bar_style = "success" if ok else "danger"
            if message:
                self.detail.value += f" \u00b7 {esc(message)}"


class TransferList(w.VBox):
    """The last few transfers; rows are reused, oldest first out."""

    def __init__(self, keep: int = 4,
                 post: Callable[[Callable[[], None]], None] | None = None,
                 **kwargs: Any) -> None:
        self.keep = keep
        self._post = post
        self._rows: list[TransferProgress] = []
        super().__init__([], **kwargs)

    def start(self, direction: str, name: str) -> TransferProgress:
        """A progress row for a new transfer (a recycled one when ``keep`` are shown)."""
        idle = [r for r in self._rows if r.state != "running"]
        if len(self._rows) >= self.keep and idle:
            row = idle[0]
            self._rows.remove(row)
        else:
            row = TransferProgress(post=self._post)
        row.reset(direction, name)
        self._rows.append(row)
        self.children = tuple(self._rows)
        return row

    @property
    def rows(self) -> list[TransferProgress]:
        """The rows shown, oldest first."""
        return list(self._rows)
