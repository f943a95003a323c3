"""The buttons of the sharing and trash views, built from the views' actions.

Each :class:`~.view.ViewAction` becomes a button attribute of the same name
(``accept``, ``decline``, ``remove_share``, ``show_url``, ``delete_link``,
``restore``, ``purge``, ``empty_trash``); only the current view's show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from .view import View, ViewAction


class ViewActions(w.HBox):
    """One row with the current view's buttons (and the link URL box)."""

    def __init__(self, views: Mapping[str, View], **kwargs: Any) -> None:
        self.buttons: dict[str, w.Button] = {}
        self.actions: dict[str, ViewAction] = {}
        self._groups: dict[str, list[w.Widget]] = {}
        self.url = w.Text(description="URL", layout=w.Layout(flex="1 1 20em", width="auto",
                                                              display="none"))
        #: The same URL as a link that opens in a new tab.
        self.url_link = w.HTML(layout=w.Layout(display="none"))
        for view in views.values():
            if not view.actions:
                continue
            group: list[w.Widget] = []
            for action in view.actions:
                button = w.Button(description=action.description, icon=action.icon,
                                  button_style=action.style)
                self.buttons[action.name] = button
                self.actions[action.name] = action
                setattr(self, action.name, button)
                group.append(button)
            if any(a.name == "show_url" for a in view.actions):
                group += [self.url, self.url_link]
            self._groups[view.name] = group
        kwargs.setdefault("layout", w.Layout(flex_flow="row wrap"))
        super().__init__(**kwargs)
        self.show("files")

    def show(self, view: str) -> None:
        """Show the buttons of ``view`` only."""
        self.children = tuple(self._groups.get(view, []))
        self.layout.display = None if view in self._groups else "none"

    def all_widgets(self) -> list[w.Widget]:
        """Every button and box, shown or not (for closing)."""
        return [*self.buttons.values(), self.url, self.url_link]


__all__ = ["ViewActions"]
