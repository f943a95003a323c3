"""Calling the callbacks a user registers (``register_callback``) on a widget.

The Browser and the FileChooser both take them, so the rule lives here,
below both: neither has to import the other for it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def call_user_callback(fn: Callable[..., Any], widget: Any) -> None:
    """Call ``fn(widget)``, or ``fn()`` when it takes no argument (as ipyfilechooser)."""
    try:
        params = inspect.signature(fn).parameters.values()
        takes_arg = any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
            for p in params
        )
    except (TypeError, ValueError):
        takes_arg = True
    if takes_arg:
        fn(widget)
    else:
        fn()


__all__ = ["call_user_callback"]
