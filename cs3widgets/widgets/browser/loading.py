"""Loading the Browser's rows: a folder or another view, on the runner, then shown.

Every load goes through the widget's runner (:mod:`..runner`), with the
table shown busy until the rows (or an error) arrive; a superseded load
applies nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from ...client import paths as cs3paths
from ...client.models import Entry
from .my_files import EntriesByPath, Folder
from .view import View


class Loading:
    """Mixin of :class:`~.widget.Browser`: fetch the rows of the view shown, then show them."""

    # Provided by the Browser.
    path: str
    view: str
    current_view: View
    listing: Any
    banner: Any
    breadcrumb: Any
    _views: dict[str, View]
    _items: dict[str, Sequence[Any]]
    _attempted: dict[str, set[Hashable]]
    _by_path: Mapping[str, Entry]
    _navigating: bool
    _require_client: Callable[[], Any]
    _run: Callable[..., Any]
    _arrangement: Callable[[], dict[str, Any]]
    _render: Callable[..., None]
    hold_trait_notifications: Callable[[], Any]

    def _load_folder(self, path: str, after: Callable[[], None] | None = None,
                     on_error: Callable[[BaseException], None] | None = None) -> None:
        """List ``path`` (in the background) and show it; on failure nothing changes."""
        client = self._require_client()
        if path:
            path = cs3paths.validate_path(path)
        view = self._views["files"]
        arrangement = self._arrangement()

        def work() -> tuple[Folder, Sequence[Entry], Mapping[str, Entry]]:
            # Sorting and indexing 100,000 entries takes a while: done here,
            # off the event loop, with the arrangement asked for. Entries stay
            # compact: models are built for the rows shown and selected only.
            folder = view.load(client, path)
            rows = view.arrange(folder.entries, **arrangement)
            folder.entries.index_of("")  # the name index, here rather than on the loop
            return folder, rows, EntriesByPath(folder.entries)

        def apply(found: tuple[Folder, Sequence[Entry], Mapping[str, Entry]]) -> None:
            folder, rows, by_path = found
            still = arrangement == self._arrangement()  # else sort again, here
            self._show_folder(folder, by_path, rows if still else None)
            if after is not None:
                after()

        self._run_listing(work, apply, on_error)

    def _show_folder(self, folder: Folder, by_path: Mapping[str, Entry],
                     rows: Sequence[Entry] | None) -> None:
        view = self._views["files"]
        view.shared, view.linked = folder.shared, folder.linked  # type: ignore[attr-defined]
        self._items["files"] = folder.entries
        self._by_path = by_path
        self._set_quietly(path=folder.path)
        self.breadcrumb.set_path(folder.path)
        self._render(arranged=rows)
        self.banner.clear()

    def _load_view(self, name: str, after: Callable[[], None] | None = None) -> None:
        """Load a view other than My files (in the background) and show it."""
        client = self._require_client()
        view = self._views[name]

        def apply(items: list[Any]) -> None:
            self._items[name] = items
            self._attempted.pop(name, None)
            if self.view == name:
                self._render()
            self.banner.clear()
            if after is not None:
                after()

        self._run_listing(lambda: view.load(client, self.path), apply)

    def _run_listing(self, work: Callable[[], Any], apply: Callable[[Any], None],
                     on_error: Callable[[BaseException], None] | None = None) -> None:
        """Load rows on the runner with the table shown busy until they (or an error) arrive.

        A superseded load applies nothing: the newer one ends the busy state.
        """
        self.listing.set_busy(True)

        def done(result: Any) -> None:
            try:
                apply(result)
            finally:
                self.listing.set_busy(False)

        def failed(exc: BaseException) -> None:
            self.listing.set_busy(False)
            (on_error or self.banner.error)(exc)

        self._run(work, done, key="listing", on_error=failed)

    def _reload(self, after: Callable[[], None] | None = None) -> None:
        if self.current_view.shows_folder:
            self._load_folder(self.path, after)
        else:
            self._load_view(self.view, after)

    def _set_quietly(self, **traits: Any) -> None:
        """Set traits without the observers that would load again."""
        self._navigating = True
        try:
            with self.hold_trait_notifications():
                for name, value in traits.items():
                    setattr(self, name, value)
        finally:
            self._navigating = False


__all__ = ["Loading"]
