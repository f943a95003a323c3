"""The Browser's toolbar: one row of buttons, each an attribute."""

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


class Toolbar(w.HBox):
    """``home up refresh | open | new folder upload download rename move delete``."""

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
        buttons = []
        for attr, (description, icon, tooltip) in BUTTONS.items():
            width = "3em" if not description else "auto"
            b = w.Button(description=description, icon=icon, tooltip=tooltip,
                         layout=w.Layout(width=width))
            setattr(self, attr, b)
            buttons.append(b)
        self.delete.button_style = "danger"
        super().__init__(buttons, layout=w.Layout(flex_flow="row wrap"), **kwargs)
