"""The FileChooser's selection: what was picked, and the Select / Cancel buttons and label.

As in ipyfilechooser, a click on Select opens the dialog; a second click
takes the folder shown and the name typed as the selection.
"""

from __future__ import annotations

import posixpath

import ipywidgets as w

from ..base.formatting import esc

_LABEL = '<span style="color:{1};">{0}</span>'
_NOTHING = "No selection"


class ChooserSelection:
    """The picked folder and file name, and the widgets that show and make them."""

    def __init__(self, select_desc: str, change_desc: str) -> None:
        self._select_desc = select_desc
        self._change_desc = change_desc
        #: The folder and the file name of the selection (None: nothing picked).
        self.path: str | None = None
        self.filename: str | None = None
        self.select = w.Button(description=select_desc,
                               layout=w.Layout(min_width="6em", width="6em"))
        self.cancel = w.Button(description="Cancel",
                               layout=w.Layout(min_width="6em", width="6em", display="none"))
        self.label = w.HTML(value=_LABEL.format(_NOTHING, "black"),
                            layout=w.Layout(margin="0 0 0 1em"))

    @property
    def selected(self) -> str | None:
        """The picked CS3 path, or None."""
        if self.path is None or self.filename is None:
            return None
        return posixpath.join(self.path, self.filename)

    def dialog_opened(self) -> None:
        """The dialog shows: Cancel is offered."""
        self.cancel.layout.display = None

    def dialog_closed(self) -> None:
        """The dialog is gone without a pick."""
        self.cancel.layout.display = "none"
        self.select.disabled = False

    def take(self, path: str, filename: str, shown_as: str, *, overwrites: bool) -> None:
        """Make ``path``/``filename`` the selection; the label shows ``shown_as``.

        Orange: an existing file will be overwritten; green: a new name.
        """
        self.path, self.filename = path, filename
        self.cancel.layout.display = "none"
        self.select.description = self._change_desc
        self.select.disabled = False
        self.label.value = _LABEL.format(esc(shown_as), "orange" if overwrites else "green")

    def forget(self) -> None:
        """Nothing is selected any more."""
        self.path = self.filename = None
        self.cancel.layout.display = "none"
        self.select.description = self._select_desc
        self.select.disabled = False
        self.label.value = _LABEL.format(_NOTHING, "black")


__all__ = ["ChooserSelection"]
