"""Where the Browser is: the folder shown (home, up, open, a path set from Python) and the view.

Moving to a folder loads it first and shows it only when it arrived: on
failure the Browser stays where it was and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from ...client import paths as cs3paths
from ...client.errors import NotFound
from ..base.messages import UserInputError, guarded
from .view import View

#: Toolbar buttons that act on the folder shown (off in the other views).
FOLDER_BUTTONS = ("up", "new_folder", "upload", "download", "rename", "move", "delete")


class Navigation:
    """Mixin of :class:`~.widget.Browser`: go to a folder, open a row, switch views."""

    # Provided by the Browser.
    path: str
    view: str
    current_view: View
    listing: Any
    banner: Any
    breadcrumb: Any
    toolbar: Any
    hidden_toggle: Any
    state_filter: Any
    view_actions: Any
    upload_panel: Any
    download_panel: Any
    prompt: Any
    confirm: Any
    runner: Any
    _views: dict[str, View]
    _by_path: dict[str, Any]
    _require_client: Callable[[], Any]
    _run: Callable[..., Any]
    _keyed: Callable[[], dict[Hashable, Any]]
    _load_folder: Callable[..., None]
    _reload: Callable[..., None]
    _render: Callable[..., None]
    _set_quietly: Callable[..., None]
    hold_sync: Callable[[], Any]

    def navigate(self, path: str, back_to: str | None = None) -> None:
        """Show folder ``path`` (in the "My files" view); on failure stay, and say why.

        ``back_to``: the folder to show again on failure (default: the one shown).
        """

        def failed(exc: BaseException) -> None:
            missing = isinstance(exc, NotFound) and path
            self.banner.error(exc, doing=f"open {path}",
                              message=f"There is no folder {path}" if missing else None)
            if back_to is not None:
                self._set_quietly(path=back_to)
            self.breadcrumb.set_path(self.path)  # the path box shows the folder shown again

        try:
            self._switch_view("files")
            self._load_folder(path, on_error=failed)
        except Exception as exc:
            failed(exc)

    def _on_breadcrumb(self, target: str) -> None:
        self.navigate(target)

    @guarded
    def go_home(self) -> None:
        """Show the user's home folder."""
        client = self._require_client()
        home = getattr(getattr(client, "config", None), "home", "")
        self.navigate(home or "")  # "" = the home, asked on the worker thread

    @guarded
    def go_up(self) -> None:
        """Show the parent folder."""
        if self.path and self.path != "/":
            self.navigate(cs3paths.parent(self.path))

    @guarded
    def refresh(self) -> None:
        """Reload the current view from the server."""
        self._switch_view(self.view)
        self._reload()

    @guarded
    def open_selected(self) -> None:
        """Open the selected folder (or, in the sharing views, the shared resource)."""
        keys = self.listing.selected_keys
        if len(keys) != 1:
            raise UserInputError("Select one item to open")
        self._open_key(keys[0])

    @guarded
    def _open_key(self, key: Hashable) -> None:
        """Open the row of ``key`` (a click on a folder's name, or Open)."""
        view = self.current_view
        item = self._by_path[key] if view.shows_folder else self._keyed()[key]
        client = self._require_client()
        self._run(lambda: view.open_target(client, item), self.navigate)

    # -- views -----------------------------------------------------------------
    def _on_view_tab(self, change: dict) -> None:
        self.view = change["new"]

    @guarded
    def _show_view(self, name: str) -> None:
        self._switch_view(name)
        self._render()  # what was loaded before, at once; then the fresh rows
        self._reload()

    def _switch_view(self, name: str) -> None:
        """Show the controls of view ``name``; set the trait without reloading."""
        view = self._views[name]
        folder = view.shows_folder
        with self.hold_sync():
            self.breadcrumb.layout.display = None if folder else "none"
            for button in FOLDER_BUTTONS:
                self.runner.set_disabled(getattr(self.toolbar, button), not folder)
            self.hidden_toggle.layout.display = None if folder else "none"
            self.state_filter.layout.display = None if view.has_states else "none"
            self.view_actions.show(name)
            if not folder:
                self.upload_panel.hide()
                self.download_panel.hide()
        self.prompt.close_prompt()
        self.confirm.dismiss()
        if self.view != name:
            self._set_quietly(view=name)


__all__ = ["FOLDER_BUTTONS", "Navigation"]
