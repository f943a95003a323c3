"""An error/status banner, and the guard every event handler runs inside.

A handler never lets an exception reach the cell output: a
:class:`~cs3widgets.client.errors.CS3Error` becomes a readable message in the
banner; anything else becomes a generic message, and the details go to the
``cs3widgets.widgets`` logger at debug level (service-layer exceptions never
carry tokens or passwords, so the log holds none either).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from ..client.config import ConfigError
from ..client.errors import CS3Error, Locked
from .formatting import esc

log = logging.getLogger("cs3widgets.widgets")

F = TypeVar("F", bound=Callable[..., Any])

_COLOURS = {
    "error": ("#a94442", "#f2dede"),
    "warning": ("#8a6d3b", "#fcf8e3"),
    "info": ("#31708f", "#d9edf7"),
    "success": ("#3c763d", "#dff0d8"),
}

GENERIC_MESSAGE = "Something went wrong. The details are in the debug log."


class UserInputError(ValueError):
    """The widget refused the user's input (nothing was sent to the server)."""


def describe_error(exc: BaseException) -> str:
    """A one-line, user-facing description of ``exc`` (plain text, not escaped)."""
    if isinstance(exc, CS3Error):
        text = exc.message if exc.message.startswith(exc.title) else f"{exc.title}: {exc.message}"
        if exc.path:
            text += f" ({exc.path})"
        if isinstance(exc, Locked) and exc.holder:
            text += f", held by {exc.holder}"
        return text
    if isinstance(exc, UserInputError):
        return str(exc)
    if isinstance(exc, ConfigError):
        return f"Configuration: {exc}"
    return GENERIC_MESSAGE


class StatusBanner(w.HTML):
    """One line that shows the last error, warning or success message.

    The value is always built from escaped text, so a file name with HTML in
    it shows literally.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(value="", **kwargs)
        self.kind = ""
        self.message = ""
        self.layout.display = "none"

    def show(self, message: str, kind: str = "info") -> None:
        """Show ``message`` (plain text; escaped here)."""
        fg, bg = _COLOURS.get(kind, _COLOURS["info"])
        self.kind = kind
        self.message = message
        self.value = (
            f"<div class='cs3w-banner cs3w-{kind}' style='color:{fg};background:{bg};"
            f"padding:4px 8px;border-radius:3px'>{esc(message)}</div>"
        )
        self.layout.display = None

    def error(self, exc: BaseException | str) -> None:
        """Show an error: an exception (described) or a message."""
        if isinstance(exc, BaseException):
            if not isinstance(exc, (CS3Error, UserInputError, ConfigError)):
                # Unexpected: keep the details for the developer, never in the cell.
                log.debug("widget handler failed", exc_info=exc)
            message = describe_error(exc)
        else:
            message = exc
        self.show(message, "error")

    def success(self, message: str) -> None:
        """Show a success message."""
        self.show(message, "success")

    def info(self, message: str) -> None:
        """Show an informational message."""
        self.show(message, "info")

    def clear(self) -> None:
        """Hide the banner."""
        self.kind = ""
        self.message = ""
        self.value = ""
        self.layout.display = "none"

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
