"""Drive a notebook page in Chromium: open it, run it, watch for scripts.

Each front end runs cells its own way: JupyterLab and Notebook 7 expose the
app object (``window.jupyterapp``) and run ``notebook:run-all-cells``; the
classic notebook has ``Jupyter.notebook.execute_all_cells()``; Voilà runs the
whole notebook before it renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .servers import FrontendServer

CHROMIUM = "/usr/bin/chromium"

#: Without the networking flags Chromium's own background calls fail noisily
#: on a closed network; the sandbox does not work as root in containers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

VIEWPORT = {"width": 1200, "height": 800}

_LAB_KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

_CLASSIC_KERNEL_IDLE = """() => {
  const nb = window.Jupyter && Jupyter.notebook;
  const k = nb && nb.kernel;
  return !!k && k.is_connected() && nb.kernel_busy !== true
         && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
}"""


def launch_chromium(playwright: Any) -> Any:
    """Start Debian's Chromium (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class PageWatch:
    """What a page did that a test may need to fail on: dialogs, errors, requests."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        """Record everything from now on; dismiss dialogs so the page never hangs."""

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", lambda req: self.requests.append(req.url))

    def mark(self) -> tuple[int, int, int, int]:
        """A position, so that a test can look only at what happened after it."""
        return (len(self.dialogs), len(self.console_errors), len(self.page_errors),
                len(self.requests))

    def since(self, mark: tuple[int, int, int, int]) -> PageWatch:
        """What happened after ``mark``."""
        d, c, p, r = mark
        return PageWatch(self.dialogs[d:], self.console_errors[c:], self.page_errors[p:],
                         self.requests[r:])


def open_notebook(page: Any, server: FrontendServer, name: str, *, ready: str,
                  timeout: float = 90.0) -> None:
    """Open notebook ``name``, run all of it, and wait until ``ready`` is visible."""
    ms = timeout * 1000
    page.goto(server.notebook_url(name), wait_until="domcontentloaded", timeout=ms)
    if server.kind in ("lab", "notebook7"):
        page.wait_for_function(_LAB_KERNEL_IDLE, timeout=ms, polling=200)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    elif server.kind == "nbclassic":
        page.wait_for_function(_CLASSIC_KERNEL_IDLE, timeout=ms, polling=200)
        page.evaluate("() => Jupyter.notebook.execute_all_cells()")
    page.wait_for_selector(ready, state="visible", timeout=ms)


def tidy_for_screenshot(page: Any, kind: str) -> None:
    """Give the notebook the whole width: close JupyterLab's file browser panel."""
    if kind == "lab":
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        page.wait_for_timeout(300)  # the panel animates closed
