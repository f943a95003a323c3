"""The Browser's toolbar: three groups of buttons that wrap whole, each button an attribute."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

#: attribute -> (description, font-awesome icon, tooltip)
BUTTONS: dict[str, tuple[str, str, str]] = {
    "home": ("", "home", "Home folder"),
    "up": ("", "arrow-up", "Parent folder"),
    "refresh": ("", "refresh", "Reload from the server"),
    "open_item": ("Open", "folder-open", "Open the selected folder"),
    "new_folder": ("New folder", "folder", "Create a folder here"),
    "upload": ("Upload", "upload", "Upload files into this folder"),
    "download": ("Download", "download", "Download the selected files"),
    "rename": ("Rename", "pencil", "Rename the selected item"),
    "move": ("Move", "arrows", "Move the selected items to another folder"),
    "delete": ("Delete", "trash", "Delete the selected items (asks first)"),
}


#: Buttons that stay together when the toolbar wraps: a narrow widget moves a
#: whole group to the next line, never one button alone.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("home", "up", "refresh", "open_item"),
    ("new_folder", "upload", "download"),
    ("rename", "move", "delete"),
)


class Toolbar(w.HBox):
    """``home up refresh open | new folder upload download | rename move delete``.

    Every button is as wide as its label (``width="auto"``), so no label is
    cut; the groups wrap, the buttons inside a group do not.
    """

    home: w.Button
    up: w.Button
    refresh: w.Button
    open_item: w.Button
    new_folder: w.Button
    upload: w.Button
    download: w.Button
    rename: w.Button
    move: w.Button
    delete: w.Button

    def __init__(self, **kwargs: Any) -> None:
        for attr, (description, icon, tooltip) in BUTTONS.items():
            b = w.Button(description=description, icon=icon, tooltip=tooltip,
                         layout=w.Layout(width="auto", min_width="2.6em", flex="0 0 auto"))
            setattr(self, attr, b)
        self.delete.button_style = "danger"
        self.groups = [
            w.HBox([getattr(self, attr) for attr in group],
                   layout=w.Layout(flex_flow="row nowrap", flex="0 0 auto",
                                   margin="0 12px 0 0"))
            for group in GROUPS
        ]
        kwargs.setdefault("layout", w.Layout(flex_flow="row wrap", align_items="center",
                                             width="auto"))
        super().__init__(self.groups, **kwargs)

    @property
    def buttons(self) -> list[w.Button]:
        """Every button, in order."""
        return [getattr(self, attr) for attr in BUTTONS]
