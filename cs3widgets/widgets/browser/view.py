"""The seam every Browser view fills in: how to load, show, filter and act on rows.

A view is a small class: its ``load`` talks to the server (the runner calls
it on a worker thread), everything else is pure and runs on the event loop.
The Browser holds no branch on a view's name; adding a view (say, spaces)
is one more module with one more :class:`View` subclass, listed in
:mod:`.views`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ...client.client import CS3Client
from ...client.files.listing import matches  # one filter rule for the views and the compact listing
from ..base.messages import UserInputError
from .table import Column


@dataclass(frozen=True)
class ViewAction:
    """One button of a view that acts on the selected rows (or on the whole view).

    ``run(client, key)`` is called on a worker thread with the key of every
    selected row (or once with ``None`` when ``per_item`` is false); then the view
    reloads and ``done`` (formatted with ``n``, the count) shows in the
    banner. With ``confirm`` set, the user is asked first.
    """

    name: str
    description: str
    icon: str
    run: Callable[[CS3Client, Any], None] | None = None
    done: str = ""
    confirm: str = ""
    confirm_label: str = "Confirm"
    style: str = ""
    per_item: bool = True


class View:
    """One tab of the Browser. Subclasses set the class attributes and override."""

    #: Identifier (the ``Browser.view`` trait value) and tab title.
    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: The table's columns (see :class:`~..table.Column`) and the text shown when
    #: there are no rows.
    columns: ClassVar[tuple[Column, ...]] = ()
    empty_text: ClassVar[str] = "Nothing here"
    #: Whether the view shows a folder (breadcrumb, sort, file toolbar).
    shows_folder: ClassVar[bool] = False
    #: Whether the state filter (pending/accepted/declined) applies.
    has_states: ClassVar[bool] = False
    #: The model class of the rows (what actions accept).
    item_type: ClassVar[type] = object
    #: The buttons of this view.
    actions: ClassVar[tuple[ViewAction, ...]] = ()

    def load(self, client: CS3Client, path: str) -> list[Any]:
        """Fetch the rows from the server (called on a worker thread)."""
        raise NotImplementedError

    def key(self, item: Any) -> Hashable:
        """The row's key (stable across reloads, so selections survive them)."""
        return item.id

    def cells(self, item: Any) -> tuple[str, ...]:
        """One plain text per column (labels and button texts are never parsed as HTML)."""
        raise NotImplementedError

    def label(self, item: Any) -> str:
        """The row as one line of plain text (its non-empty cells)."""
        return " ".join(text for text in self.cells(item) if text)

    def opens(self, item: Any) -> bool:
        """Whether a click on the row's name opens it (a folder) rather than selects it."""
        return False

    def name_of(self, item: Any) -> str:
        """What the filter box matches against."""
        return getattr(item, "path", "") or ""

    def arrange(self, items: Sequence[Any], *, pattern: str = "", state: str = "all",
                sort_by: str = "name", descending: bool = False,
                show_hidden: bool = False) -> list[Any]:
        """Filter (and order) the rows to show."""
        return [it for it in items if matches(self.name_of(it), pattern)]

    def incomplete(self, item: Any) -> bool:
        """Whether a row lacks something :meth:`complete` can fill in."""
        return False

    def complete(self, client: CS3Client, items: list[Any], *,
                 map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None,
                 ) -> list[Any]:
        """Fill in what the rows shown lack (called on a worker thread, one page at most).

        ``map`` runs independent lookups at once (the runner's bounded pool).
        """
        return items

    def open_target(self, client: CS3Client, item: Any) -> str:
        """The folder to show when the user opens ``item`` (may call the server)."""
        raise UserInputError("This item cannot be opened")


__all__ = ["Column", "View", "ViewAction", "matches"]
