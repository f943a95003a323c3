"""The FileChooser's selection: the Select / Change / Cancel buttons and what they pick.

As in ipyfilechooser, a click on Select opens the dialog; a second click
takes the folder shown and the name typed as the selection, closes the
dialog and calls the user's callback.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from ipyfilechooser.errors import InvalidFileNameError, ParentPathError

from .file_chooser_options import ChooserParts, is_valid_filename, within
from .formatting import esc
from .user_callbacks import call_user_callback


class ChooserSelection(ChooserParts):
    """Mixin of :class:`~.file_chooser.FileChooser`: make, show and forget the selection."""

    _LBL_TEMPLATE = '<span style="color:{1};">{0}</span>'
    _LBL_NOFILE = "No selection"

    # Also provided by the FileChooser.
    _selected_path: str | None
    _selected_filename: str | None
    _select_desc: str
    _change_desc: str
    _select_default: bool
    _callback: Callable[..., Any] | None
    _cancel: Any
    _label: Any
    _restrict_path: Callable[[str], str]
    _safe: Callable[..., None]
    _name_refused: Callable[[str], str | None]
    hold_sync: Callable[[], Any]

    def _on_select_click(self, _b: Any) -> None:
        if self._gb.layout.display == "none":
            self._show_dialog()
            return
        refused = self._name_refused(self._filename.value)
        if refused is not None:
            self.banner.error(refused)
            return
        self._apply_selection()
        if self._callback is not None:
            try:
                call_user_callback(self._callback, self)
            except Exception as exc:
                self.banner.error(exc)

    def _show_dialog(self) -> None:
        self._gb.layout.display = None
        self._cancel.layout.display = None
        if self._selected_path is not None and self._selected_filename is not None:
            path, filename = self._selected_path, self._selected_filename
        else:
            path, filename = self._default_path, self._default_filename
        self._safe(self._set_form_values, path, filename)

    def _apply_selection(self) -> None:
        self._selected_path = self._current
        self._selected_filename = self._filename.value
        selected = posixpath.join(self._selected_path, self._selected_filename)
        entry = self._entries.get(self._selected_filename)
        exists = entry is not None and not entry.is_dir
        with self.hold_sync():
            self._gb.layout.display = "none"
            self._cancel.layout.display = "none"
            self._select.description = self._change_desc
            self._select.disabled = False
            # Orange: an existing file will be overwritten; green: a new name.
            self._label.value = self._LBL_TEMPLATE.format(
                esc(self._restrict_path(selected)), "orange" if exists else "green")

    def _on_cancel_click(self, _b: Any) -> None:
        self._gb.layout.display = "none"
        self._cancel.layout.display = "none"
        self._select.disabled = False

    # ------------------------------------------------------------ public API
    def reset(self, path: str | None = None, filename: str | None = None) -> None:
        """Forget the selection; optionally set new defaults."""
        norm = None
        if path is not None:
            norm = self._normalize(path)
            if self._sandbox_path and not within(norm, self._sandbox_path):
                raise ParentPathError(path, self._sandbox_path)
        if filename is not None and not is_valid_filename(filename):
            raise InvalidFileNameError(filename)
        self._selected_path = None
        self._selected_filename = None
        self._gb.layout.display = "none"
        self._cancel.layout.display = "none"
        self._select.description = self._select_desc
        self._select.disabled = False
        self._label.value = self._LBL_TEMPLATE.format(self._LBL_NOFILE, "black")
        if norm is not None:
            self._default_path = norm
        if filename is not None:
            self._default_filename = filename
        self._set_form_values(self._default_path, self._default_filename,
                              check=norm is not None, then_select=self._select_default)

    def open_dialog(self) -> None:
        """Show the folder listing, as a click on the Select button does."""
        if self._gb.layout.display == "none":
            self._show_dialog()

    @property
    def selected(self) -> str | None:
        """The selected CS3 path, or None."""
        if self._selected_path is None or self._selected_filename is None:
            return None
        return posixpath.join(self._selected_path, self._selected_filename)

    @property
    def selected_path(self) -> str | None:
        """The folder of the selection."""
        return self._selected_path

    @property
    def selected_filename(self) -> str | None:
        """The file name of the selection."""
        return self._selected_filename

    def register_callback(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(chooser)`` (or ``callback()``) when a selection is made."""
        self._callback = callback


__all__ = ["ChooserSelection"]
