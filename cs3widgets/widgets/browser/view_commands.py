"""What the view buttons do: one generic runner for every :class:`~.view.ViewAction`.

``accept_selected``, ``remove_shares``, ``purge`` ... are the Python twins
of the buttons; all go through :meth:`ViewCommands.run_view_action`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from ..base.messages import UserInputError, guarded
from ..sharing.rows import NO_PUBLIC_URL, link_anchor


class ViewCommands:
    """Mixin of :class:`~.widget.Browser`: the sharing and trash views' actions."""

    # Provided by the Browser.
    view: str
    view_actions: Any
    confirm: Any
    banner: Any
    _require_client: Callable[[], Any]
    _selected_keys: Callable[[], list[Hashable]]
    _keyed: Callable[[], dict[Hashable, Any]]
    _load_view: Callable[..., None]
    _steps_then_reload: Callable[..., None]

    @guarded
    def run_view_action(self, name: str, keys: Sequence[Hashable] | None = None) -> None:
        """Run the view action ``name`` on ``keys`` (default: the selected rows).

        Actions with a confirmation ask first (the button's second step).
        """
        action = self.view_actions.actions[name]
        if action.run is None:  # a local action: Show URL
            self.show_link_url()
            return
        client = self._require_client()
        chosen: list[Any] = [None]
        if action.per_item:
            chosen = list(keys) if keys is not None else self._selected_keys()
        view_name = self.view

        def message(done: int) -> str:
            if name == "delete_link":
                self.view_actions.url.value = self.view_actions.url_link.value = ""
            return action.done.format(n=done)

        def go() -> None:
            self._steps_then_reload(
                [(lambda key=key: action.run(client, key)) for key in chosen], message,
                reload=lambda after: self._load_view(view_name, after),
                disable=self.view_actions.buttons.values(),
            )

        if action.confirm and keys is None:
            self.confirm.ask(action.confirm.format(n=len(chosen)), go,
                             confirm=action.confirm_label)
        else:
            go()

    @guarded
    def show_link_url(self) -> None:
        """Put the selected link's URL in the copy box."""
        link = self._keyed()[self._selected_keys()[0]]
        if not link.url:
            raise UserInputError(NO_PUBLIC_URL)  # a bare token is no address
        self.view_actions.url.value = link.url
        self.view_actions.url_link.value = link_anchor(link)
        self.view_actions.url.layout.display = self.view_actions.url_link.layout.display = None

    # -- the Python twins of the buttons --------------------------------------
    def accept_selected(self) -> None:
        """Accept the selected received shares."""
        self.run_view_action("accept")

    def decline_selected(self) -> None:
        """Decline the selected received shares."""
        self.run_view_action("decline")

    def remove_shares(self, share_ids: Sequence[str]) -> None:
        """Remove shares I made."""
        self._require_view("shared")
        self.run_view_action("remove_share", list(share_ids))

    def delete_links(self, link_ids: Sequence[str]) -> None:
        """Delete public links."""
        self._require_view("links")
        self.run_view_action("delete_link", list(link_ids))

    def restore_selected(self) -> None:
        """Restore the selected trash items to where they were."""
        self.run_view_action("restore")

    def purge(self, keys: Sequence[str]) -> None:
        """Remove trash items for good."""
        self._require_view("trash")
        self.run_view_action("purge", list(keys))

    def empty_trash(self) -> None:
        """Purge the whole trash (asks first when clicked; at once from Python)."""
        self._require_view("trash")
        self.run_view_action("empty_trash", [None])

    def _require_view(self, name: str) -> None:
        if self.view != name:
            self.view = name


__all__ = ["ViewCommands"]
