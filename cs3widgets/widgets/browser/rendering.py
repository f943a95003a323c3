"""Showing the Browser's rows: the filter and order asked for, then the page's rows completed.

The arrangement is the traits ``filter_pattern``, ``sort_by``,
``descending`` and ``show_hidden`` (and the state filter); the controls and
the table's headers set them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from ..base.messages import guarded
from .view import View


class Rendering:
    """Mixin of :class:`~.widget.Browser`: the listing of the view shown, filtered and sorted."""

    # Provided by the Browser.
    view: str
    selected: list[str]
    sort_by: str
    descending: bool
    show_hidden: bool
    filter_pattern: str
    current_view: View
    listing: Any
    state_filter: Any
    client: Any
    runner: Any
    _items: dict[str, Sequence[Any]]
    _attempted: dict[str, set[Hashable]]
    _sort_pending: bool
    _run: Callable[..., Any]
    _sync_selected: Callable[[], None]
    hold_sync: Callable[[], Any]

    def _arrangement(self) -> dict[str, Any]:
        """The filter and order the user asked for (what ``View.arrange`` takes)."""
        return {"pattern": self.filter_pattern, "state": self.state_filter.value,
                "sort_by": self.sort_by, "descending": self.descending,
                "show_hidden": self.show_hidden}

    def _render(self, keep_page: bool = False, arranged: Sequence[Any] | None = None) -> None:
        view = self.current_view
        if arranged is None:
            arranged = view.arrange(self._items[view.name], **self._arrangement())
        previous = list(self.selected) if view.shows_folder else self.listing.selected_keys
        with self.hold_sync():
            # Only the folder view sorts by its headers; the others keep their order.
            self.listing.set_sort(self.sort_by if view.shows_folder else None, self.descending)
            self.listing.set_items(arranged, key=view.key, cells=view.cells,
                                   columns=view.columns, opens=view.opens,
                                   keep_page=keep_page, empty_text=view.empty_text)
            if previous:
                self.listing.select_keys(previous)
        self._sync_selected()
        self._complete_page()

    def _complete_page(self) -> None:
        """Fill in what the rows on the page lack (shares' paths): page-sized work.

        Only the rows shown are completed, each once, so the cost of a view
        grows with the page, not with the number of rows.
        """
        view = self.current_view
        attempted = self._attempted.setdefault(view.name, set())
        rows = [r for r in self.listing.page_items()
                if view.incomplete(r) and view.key(r) not in attempted]
        if not rows or self.client is None:
            return
        attempted.update(view.key(r) for r in rows)
        client, name = self.client, view.name

        def apply(done: list[Any]) -> None:
            fresh = {view.key(r): r for r in done}
            self._items[name] = [fresh.get(view.key(r), r) for r in self._items[name]]
            if self.view == name:
                self._render(keep_page=True)

        lookups = self.runner.map
        self._run(lambda: view.complete(client, rows, map=lookups), apply,
                  key=("complete", name))

    def _on_filter_box(self, change: dict) -> None:
        self.filter_pattern = change["new"]

    def _on_header_sort(self, key: str) -> None:
        """A header click: sort by that column, or reverse the order if it is the one."""
        if key == self.sort_by:
            self.descending = not self.descending
            return
        self._sort_pending = True  # one sort of the rows, not one per trait
        try:
            self.descending = False
        finally:
            self._sort_pending = False
        self.sort_by = key

    def _on_hidden_toggle(self, change: dict) -> None:
        self.show_hidden = bool(change["new"])

    @guarded
    def _safe_rerender(self) -> None:
        self._render()


__all__ = ["Rendering"]
