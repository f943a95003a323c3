"""One object per client, kept on its connection and made on first use.

The operation groups of a client (``Files``, ``Shares``, ``Locks``, ...)
are each built on the client's one :class:`~.connection.Connection`; what
they share (the cache, the capabilities) is found through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_create_lock = threading.Lock()


def per_client(conn: Any, name: str, make: Callable[[], T]) -> T:
    """The object ``name`` of the client that owns ``conn``; ``make()`` the first time."""
    attr = f"_cs3w_{name}"
    found = getattr(conn, attr, None)
    if found is None:
        with _create_lock:
            found = getattr(conn, attr, None)
            if found is None:
                found = make()
                setattr(conn, attr, found)
    return found


__all__ = ["per_client"]
