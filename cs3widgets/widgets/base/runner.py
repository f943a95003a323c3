"""The one runner that does every server call a widget makes.

A widget hands the runner two functions: ``work`` (talks to the server; runs
on a worker thread, never on the kernel's main thread) and ``apply`` (puts
the result into widgets; runs on the kernel's event loop, the thread that
owns the widgets). So a 100,000-entry listing never freezes the kernel: the
cell, and every other widget, keeps answering while it loads.

What else it does, so that no widget does it by hand:

- **superseded results are dropped**: work submitted with a ``key`` (say
  ``"listing"``) makes earlier work with the same key stale; navigating twice
  quickly shows the second folder, whichever answer arrives last;
- **busy state**: a :class:`BusyIndicator` shows while work runs, and the
  widgets passed as ``disable`` are disabled until it is applied;
- **errors** (from ``work`` or ``apply``) go to the submitter's ``on_error``,
  normally the widget's banner, on the event loop;
- **progress** from a transfer thread is posted to the loop with :meth:`post`.

Where results are applied: ipykernel runs cells and widget messages on an
asyncio loop; the runner hands results to that loop with
``call_soon_threadsafe``. Plain Python (a script, a test) has no running
loop: results wait until :meth:`Runner.wait` is called, which applies them
on the calling thread. ``Runner(sync=True)`` waits inside every
:meth:`~Runner.submit` (the work still runs on the worker thread), for
scripts that want each call to be done when it returns; never use it in a
kernel, where it would block the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

import ipywidgets as w

log = logging.getLogger("cs3widgets.widgets")

#: Worker threads per runner: enough for a listing, a panel and a transfer at once.
MAX_WORKERS = 4

#: Lookups (user names) one runner makes at once (:meth:`Runner.map`): a page's
#: worth of names costs a few round trips, not one per name, and the server
#: never sees more than this many of one widget's lookups at a time.
MAX_LOOKUPS = 10

_SPINNER = (
    "<span class='cs3w-busy' style='color:#31708f'>"
    "<i class='fa fa-spinner fa-spin'></i> {}</span>"
)


class BusyIndicator(w.HTML):
    """``⟳ Loading…`` while work of its widget runs (hidden otherwise)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(value="", **kwargs)
        self.layout.display = "none"
        self.count = 0

    def change(self, delta: int, text: str = "Loading\u2026") -> None:
        """Count one more (``+1``) or one less (``-1``) running job."""
        self.count = max(0, self.count + delta)
        with self.hold_sync():
            self.value = _SPINNER.format(text) if self.count else ""
            self.layout.display = None if self.count else "none"

    @property
    def busy(self) -> bool:
        """True while work of this widget runs."""
        return self.count > 0


class Task:
    """One submitted piece of work (internal; returned for tests and tools)."""

    __slots__ = (
        "apply", "busy", "delivered", "disable", "future", "generation", "key", "loop",
        "on_error", "seq", "text",
    )
    apply: Callable[[Any], None] | None
    busy: BusyIndicator | None
    delivered: bool
    disable: list[Any]
    future: Future[Any]
    generation: int
    key: Hashable | None
    loop: asyncio.AbstractEventLoop | None
    on_error: Callable[[BaseException], None] | None
    seq: int
    text: str

    def __init__(self) -> None:
        self.delivered = False

    @property
    def done(self) -> bool:
        """True once the result was applied (or dropped)."""
        return self.delivered


class Runner:
    """Runs widget work off the main thread and applies results on the event loop."""

    def __init__(self, *, sync: bool = False, max_workers: int = MAX_WORKERS) -> None:
        self.sync = sync
        self._executor = ThreadPoolExecutor(max_workers=max_workers,
                                            thread_name_prefix="cs3widgets-runner")
        self._lock = threading.Lock()
        self._tasks: list[Task] = []
        self._generations: dict[Hashable, int] = {}
        self._posted: list[Callable[[], None]] = []
        self._timers: dict[Hashable, tuple[float, Callable[[], None]]] = {}
        self._idle: set[Hashable] = set()  # keys of timers wait() does not wait for
        self._disabled: dict[int, list[Any]] = {}  # id(widget) -> [widget, count, was]
        self._seq = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._lookups: ThreadPoolExecutor | None = None  # made on first map()

    # -- submitting ------------------------------------------------------
    def submit(
        self,
        work: Callable[[], Any],
        apply: Callable[[Any], None] | None = None,
        *,
        on_error: Callable[[BaseException], None] | None = None,
        key: Hashable | None = None,
        busy: BusyIndicator | None = None,
        disable: Iterable[Any] = (),
        text: str = "Loading\u2026",
    ) -> Task:
        """Run ``work()`` on a worker thread, then ``apply(result)`` on the event loop.

        ``key``: a newer submission with the same key drops this one's
        result. ``busy`` shows while it runs; ``disable`` widgets are
        disabled until it is applied. Failures go to ``on_error``.
        """
        task = Task()
        task.apply, task.on_error, task.key, task.text = apply, on_error, key, text
        task.busy = busy
        task.disable = [x for x in disable if x is not None]
        task.seq = next(self._seq)
        task.loop = _running_loop()
        if task.loop is not None:
            self._loop = task.loop
        with self._lock:
            if self._closed:
                task.delivered = True
                return task
            if key is not None:
                task.generation = self._generations.get(key, 0) + 1
                self._generations[key] = task.generation
            else:
                task.generation = 0
            self._tasks.append(task)
        if busy is not None:
            busy.change(+1, text)
        for widget in task.disable:
            self._disable(widget)
        task.future = self._executor.submit(work)
        task.future.add_done_callback(lambda _f: self._finished(task))
        if self.sync:
            wait_futures([task.future])
            self._run_posted()
            self._deliver(task)
        return task

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``[fn(x) for x in items]``, at most :data:`MAX_LOOKUPS` at once.

        For work (on a worker thread) that needs many small independent
        calls, user names say: they overlap instead of queueing. Never call
        it from the event loop: it waits for the calls.
        """
        items = list(items)
        if len(items) <= 1:
            return [fn(x) for x in items]
        with self._lock:
            if self._closed:
                raise RuntimeError("the runner is closed")
            if self._lookups is None:
                self._lookups = ThreadPoolExecutor(max_workers=MAX_LOOKUPS,
                                                   thread_name_prefix="cs3widgets-lookup")
            pool = self._lookups
        return list(pool.map(fn, items))

    def post(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the event loop (from any thread); in plain Python, at :meth:`wait`."""
        loop = self._loop
        if loop is not None and not loop.is_closed() and not self.sync:
            loop.call_soon_threadsafe(fn)
            return
        with self._lock:
            self._posted.append(fn)

    def _run_posted(self) -> None:
        with self._lock:
            posted, self._posted = self._posted, []
        for fn in posted:
            fn()

    def later(self, delay: float, fn: Callable[[], None], *, key: Hashable,
              idle: bool = False) -> None:
        """Run ``fn()`` on the event loop after ``delay`` s, unless called again with ``key``.

        The debounce of search boxes: every keystroke calls this; only the
        last one's ``fn`` runs. In plain Python it runs at :meth:`wait` (or
        at :meth:`flush`). ``idle``: housekeeping (a message that fades
        away) that :meth:`wait` runs once due but never sleeps for, so a
        script does not wait seconds for a banner to hide.
        """
        with self._lock:
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
            self._timers[key] = (time.monotonic() + delay, fn)
            if idle:
                self._idle.add(key)
            else:
                self._idle.discard(key)

        def fire() -> None:
            with self._lock:
                if self._generations.get(key) != generation or self._closed:
                    return
                self._timers.pop(key, None)
                self._idle.discard(key)
            fn()

        loop = _running_loop()
        if loop is not None and not self.sync:
            loop.call_later(delay, fire)

    def flush(self, key: Hashable) -> None:
        """Run the pending :meth:`later` call of ``key`` now (if any)."""
        with self._lock:
            pending = self._timers.pop(key, None)
            self._idle.discard(key)
            self._generations[key] = self._generations.get(key, 0) + 1
        if pending is not None:
            pending[1]()

    def _run_due_timers(self, deadline: float | None) -> None:
        """In plain Python: run the :meth:`later` calls, waiting until they are due."""
        while True:
            with self._lock:
                now = time.monotonic()
                timers = {k: v for k, v in self._timers.items()
                          if k not in self._idle or v[0] <= now}
                if not timers:
                    return
                key, (due, _fn) = min(timers.items(), key=lambda kv: kv[1][0])
            pause = due - time.monotonic()
            if deadline is not None and time.monotonic() + max(pause, 0) > deadline:
                return
            if pause > 0:
                time.sleep(pause)
            self.flush(key)

    # -- delivering ------------------------------------------------------
    def _finished(self, task: Task) -> None:
        """On the worker thread: hand the result to the loop (or leave it for wait())."""
        loop = task.loop
        if loop is not None and not loop.is_closed() and not self.sync:
            # The loop may close meanwhile: then wait() delivers.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._deliver, task)

    def _deliver(self, task: Task) -> None:
        """On the event loop: apply the result, unless stale; release busy state."""
        if task.delivered:
            return
        task.delivered = True
        with self._lock:
            if task in self._tasks:
                self._tasks.remove(task)
            stale = task.key is not None and self._generations.get(task.key) != task.generation
            closed = self._closed
        try:
            if closed or stale or task.future.cancelled():
                return
            exc = task.future.exception()
            if exc is not None:
                self._report(task, exc)
            elif task.apply is not None:
                try:
                    task.apply(task.future.result())
                except Exception as err:
                    self._report(task, err)
        finally:
            if task.busy is not None:
                task.busy.change(-1)
            for widget in task.disable:
                self._enable(widget)
            task.apply = task.on_error = None  # drop references to the widgets

    @staticmethod
    def _report(task: Task, exc: BaseException) -> None:
        if task.on_error is not None:
            task.on_error(exc)
        else:
            log.warning("widget work failed: %s", exc)

    def _disable(self, widget: Any) -> None:
        slot = self._disabled.get(id(widget))
        if slot is None:
            slot = self._disabled[id(widget)] = [widget, 0, bool(widget.disabled)]
            widget.disabled = True
        slot[1] += 1

    def set_disabled(self, widget: Any, disabled: bool) -> None:
        """Set ``widget.disabled`` now, or once the work that disabled it is done."""
        slot = self._disabled.get(id(widget))
        if slot is None:
            widget.disabled = disabled
        else:
            slot[2] = disabled

    def _enable(self, widget: Any) -> None:
        slot = self._disabled.get(id(widget))
        if slot is None:
            return
        slot[1] -= 1
        if slot[1] <= 0:
            del self._disabled[id(widget)]
            widget.disabled = slot[2]

    # -- waiting ---------------------------------------------------------
    @property
    def pending(self) -> int:
        """Work submitted whose result was not applied yet."""
        with self._lock:
            return len(self._tasks)

    def wait(self, timeout: float | None = None) -> bool:
        """Finish all pending work and apply the results here; True if all done.

        Call it from the thread that owns the widgets (the main thread of a
        script or test, or a cell in a kernel). Work that ``apply`` submits
        is waited for too.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._run_posted()
            if _running_loop() is None:
                self._run_due_timers(deadline)
            with self._lock:
                tasks = sorted(self._tasks, key=lambda t: t.seq)
            if not tasks:
                return True
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            _done, not_done = wait_futures([t.future for t in tasks], timeout=left)
            self._run_posted()
            for task in tasks:
                if task.future.done():
                    self._deliver(task)
            if not_done:
                return False

    # -- closing ---------------------------------------------------------
    def close(self) -> None:
        """Drop pending results and stop the worker threads (running calls finish)."""
        with self._lock:
            self._closed = True
            tasks, self._tasks = self._tasks, []
            self._posted = []
            self._timers.clear()
            self._idle.clear()
        for task in tasks:
            task.future.cancel()
            task.delivered = True
            task.apply = task.on_error = None
        self._disabled.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self._lookups is not None:
            self._lookups.shutdown(wait=False, cancel_futures=True)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


__all__ = ["BusyIndicator", "Runner", "Task"]
