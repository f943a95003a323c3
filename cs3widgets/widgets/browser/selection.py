"""The Browser's selection: the ``selected`` trait, the listing's rows and user callbacks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from ...client.models import Entry
from ..base.formatting import local_time
from ..base.messages import UserInputError
from ..base.user_callbacks import call_user_callback
from ..panels.facts import owner_label


class Selection:
    """Mixin of :class:`~.widget.Browser`: what is selected, kept in step both ways."""

    # Provided by the Browser.
    selected: list[str]
    listing: Any
    banner: Any
    current_view: Any
    view: str
    _items: dict[str, Sequence[Any]]
    _by_path: dict[str, Entry]
    _callbacks: list[Callable[..., Any]]
    client: Any
    _run: Callable[..., Any]

    def _sync_selected(self) -> None:
        keys = self.listing.selected_keys
        new = [str(k) for k in keys] if self.current_view.shows_folder else []
        if new != self.selected:
            self.selected = new

    def _on_selected(self, change: dict) -> None:
        if self.current_view.shows_folder:
            wanted = list(change["new"])
            if wanted != [str(k) for k in self.listing.selected_keys]:
                self.listing.select_keys(wanted)
        self._tell_lock()
        for cb in list(self._callbacks):
            try:
                call_user_callback(cb, self)
            except Exception as exc:
                self.banner.error(exc)

    def _tell_lock(self) -> None:
        """One locked file selected: say who holds it and until when.

        The listing carries the lock (the server reports it with each entry);
        naming the holder is one cached user lookup, done by the runner.
        """
        chosen = [self._by_path.get(p) for p in self.selected]
        if len(chosen) != 1 or chosen[0] is None or chosen[0].lock is None:
            return
        entry, lock = chosen[0], chosen[0].lock
        client = self.client

        def holder() -> str:
            return owner_label(client, lock.holder_id) if lock.holder_id else lock.app_name

        def show(name: str) -> None:
            until = f" until {local_time(lock.expires)}" if lock.expires else ""
            self.banner.info(f"{entry.name} is locked by {name or 'someone'}{until}")

        self._run(holder, show, key="lock")

    def select(self, paths: Sequence[str]) -> None:
        """Select ``paths`` (the ones on the current page)."""
        self.listing.select_keys(list(paths))

    def _selected_entries(self, at_least: int = 1, at_most: int | None = None) -> list[Entry]:
        if not self.current_view.shows_folder:
            raise UserInputError("This action works in the My files view")
        chosen = [self._by_path[p] for p in self.selected if p in self._by_path]
        if len(chosen) < at_least:
            raise UserInputError("Select an item first" if at_least == 1 else
                                 f"Select at least {at_least} items")
        if at_most is not None and len(chosen) > at_most:
            raise UserInputError("Select exactly one item")
        return chosen

    def _keyed(self) -> dict[Hashable, Any]:
        """The current view's rows by key."""
        view = self.current_view
        return {view.key(it): it for it in self._items[view.name]}

    def _selected_keys(self) -> list[Hashable]:
        keyed = self._keyed()
        chosen = [k for k in self.listing.selected_keys if k in keyed]
        if not chosen:
            raise UserInputError("Select an item first")
        return chosen


__all__ = ["Selection", "call_user_callback"]
