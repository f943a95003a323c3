"""What :class:`~.manager.CS3ContentsManager` holds, declared once for its mixins.

``Reading``, ``Saving`` and ``CopyRenameDelete`` each use part of the
manager's state and methods; they inherit these declarations (types only:
nothing here exists at run time) instead of repeating them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cs3widgets.client import CS3Client
    from cs3widgets.client.models import Entry

    from .locking import EditLocks


class ManagerParts:
    """The manager's attributes and methods its mixins call."""

    client: CS3Client
    edit_locks: EditLocks
    run_blocking: Callable[..., Awaitable[Any]]
    cs3_path: Callable[[str], str]
    remember_etag: Callable[[str, str], None]
    validate_notebook_model: Callable[..., Any]
    _refuse_hidden: Callable[..., None]
    _stat: Callable[[str, str], Entry]
