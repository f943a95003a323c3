"""The message slot every widget shows its news in, and the guard around handlers.

A handler never lets an exception reach the cell output: a
:class:`~cs3widgets.client.errors.CS3Error` becomes a plain-words message in
the banner with the server's own words behind a Details toggle
(:mod:`.error_wording`); anything else becomes a generic message, and the
details go to the ``cs3widgets.widgets`` logger at debug level
(service-layer exceptions never carry tokens or passwords, so the log holds
none either).

The banner is a slot of fixed height that is always there: a message coming
or going never pushes the rest of the widget down. Successes fade after
:attr:`StatusBanner.success_seconds` (a timer on the kernel's event loop,
through the widget's runner); errors stay until dismissed or replaced.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from ...client.config import ConfigError
from ...client.errors import CS3Error
from .error_wording import (
    GENERIC_MESSAGE,
    UserInputError,
    plain_message,
    technical_details,
)
from .formatting import esc

log = logging.getLogger("cs3widgets.widgets")

F = TypeVar("F", bound=Callable[..., Any])

#: kind -> (JupyterLab colour variable, fallback colour, symbol). The text
#: uses the theme's font colour and the background is the accent mixed into
#: the theme's own background, so the dark theme gets a dark banner; the
#: fallbacks serve classic Notebook, which has no --jp-* variables.
_KINDS = {
    "error": ("--jp-error-color1", "#d32f2f", "\u2716"),
    "warning": ("--jp-warn-color1", "#f57c00", "\u26a0"),
    "info": ("--jp-info-color1", "#0097a7", "\u2139"),
    "success": ("--jp-success-color1", "#388e3c", "\u2714"),
}

#: The slot's height: one line of text beside the inline buttons.
SLOT_HEIGHT = "36px"


def describe_error(exc: BaseException, doing: str = "") -> str:
    """A one-line, user-facing description of ``exc`` (plain text, not escaped)."""
    return plain_message(exc, doing)


def _style(kind: str) -> str:
    var, fallback, _symbol = _KINDS[kind]
    accent = f"var({var}, {fallback})"
    return (
        "box-sizing:border-box;height:30px;display:flex;align-items:center;"
        "padding:0 8px;border-radius:2px;overflow-x:hidden;overflow-y:auto;"
        "line-height:1.3;white-space:normal;"
        f"border-left:4px solid {accent};color:var(--jp-ui-font-color1, #212121);"
        # Without color-mix (old browsers) the theme's second layer colour.
        "background:var(--jp-layout-color2, #eeeeee);"
        f"background:color-mix(in srgb, {accent} 16%, var(--jp-layout-color1, #ffffff))"
    )


class StatusBanner(w.HBox):
    """A fixed-height slot showing the last error, warning, info or success.

    ``message`` is the plain-words text and ``details`` the technical one
    (shown by the Details toggle). Every value is escaped, so a file name
    with HTML in it shows literally.
    """

    #: Seconds a success message stays (0: until replaced or dismissed).
    success_seconds: float = 5.0

    def __init__(self, **kwargs: Any) -> None:
        self.text = w.HTML(value="", layout=w.Layout(flex="1 1 auto", min_width="0",
                                                     margin="0 4px 0 0"))
        self.details_button = w.ToggleButton(
            value=False, description="Details", tooltip="Show the technical detail",
            layout=w.Layout(width="auto", flex="0 0 auto", display="none"))
        self.close_button = w.Button(description="\u2715", tooltip="Dismiss",
                                     layout=w.Layout(width="32px", flex="0 0 auto",
                                                     display="none"))
        kwargs.setdefault("layout", w.Layout(
            height=SLOT_HEIGHT, min_height=SLOT_HEIGHT, max_height=SLOT_HEIGHT,
            width="auto", align_items="center", overflow="hidden"))
        super().__init__([self.text, self.details_button, self.close_button], **kwargs)
        self.add_class("cs3w-banner-slot")
        self.kind = ""
        self.message = ""
        self.details = ""
        #: The widget's runner: schedules the fading of successes (set by
        #: the widget; without one, successes stay until replaced).
        self.runner: Any = None
        self._shown = 0  # counts messages, so a stale fade never hides a newer one
        self.details_button.observe(lambda _c: self._render(), names="value")
        self.close_button.on_click(lambda _b: self.clear())

    # -- what the front end shows ---------------------------------------------
    @property
    def value(self) -> str:
        """The HTML shown (escaped text)."""
        return self.text.value

    def _render(self) -> None:
        if not self.kind:
            self.text.value = ""
            return
        body = esc(self.message)
        if self.details_button.value and self.details:
            body += f" <code style='font-size:90%'>{esc(self.details)}</code>"
        symbol = _KINDS[self.kind][2]
        self.text.value = (
            f"<div class='cs3w-banner cs3w-{self.kind}' style='{_style(self.kind)}'>"
            f"<span>{symbol}&nbsp;{body}</span></div>"
        )

    # -- showing ----------------------------------------------------------------
    def show(self, message: str, kind: str = "info", details: str = "") -> None:
        """Show ``message`` (plain text; escaped here), ``details`` behind the toggle."""
        kind = kind if kind in _KINDS else "info"
        self._shown += 1
        with self.hold_sync():
            self.kind, self.message, self.details = kind, message, details
            self.details_button.value = False
            self._render()
            self.details_button.layout.display = None if details else "none"
            self.close_button.layout.display = None
        if kind == "success" and self.success_seconds and self.runner is not None:
            shown = self._shown
            self.runner.later(self.success_seconds, lambda: self._fade(shown),
                              key=("banner", id(self)), idle=True)

    def _fade(self, shown: int) -> None:
        if shown == self._shown and self.kind == "success":
            self.clear()

    def error(self, exc: BaseException | str, doing: str = "",
              message: str | None = None) -> None:
        """Show an error: an exception (in plain words, details behind the toggle) or text.

        ``doing`` says what the user tried ("delete report.csv"); ``message``
        replaces the plain wording altogether (the details stay).
        """
        if isinstance(exc, BaseException):
            if not isinstance(exc, (CS3Error, UserInputError, ConfigError)):
                # Unexpected: keep the details for the developer, never in the cell.
                log.debug("widget handler failed", exc_info=exc)
            text = message or describe_error(exc, doing)
            self.show(text, "error", technical_details(exc))
        else:
            self.show(exc, "error")

    def success(self, message: str) -> None:
        """Show a success message (it fades after :attr:`success_seconds`)."""
        self.show(message, "success")

    def info(self, message: str) -> None:
        """Show an informational message."""
        self.show(message, "info")

    def clear(self) -> None:
        """Empty the slot (its height stays)."""
        self._shown += 1
        with self.hold_sync():
            self.kind = self.message = self.details = ""
            self.details_button.value = False
            self._render()
            self.details_button.layout.display = "none"
            self.close_button.layout.display = "none"

    def dismiss(self) -> None:
        """What the ✕ button does: empty the slot."""
        self.close_button.click()

    @property
    def is_error(self) -> bool:
        """True while an error is shown."""
        return self.kind == "error"


def guarded(method: F) -> F:
    """Decorate a widget method so failures land in ``self.banner``.

    The method's owner must have a ``banner`` attribute (a StatusBanner). The
    decorated method returns ``None`` when it failed.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            self.banner.error(exc)
            return None

    return wrapper  # type: ignore[return-value]


__all__ = ["GENERIC_MESSAGE", "SLOT_HEIGHT", "StatusBanner", "UserInputError", "describe_error",
           "guarded", "log"]
