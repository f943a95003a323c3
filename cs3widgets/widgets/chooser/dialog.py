"""The FileChooser's dialog: the path list, the name box and one folder's entries.

It shows a listing it is handed and turns clicks into "go there": a click
on a folder, ``..``, a file or a path up the list, or a typed name, calls
``navigate(path, filename)``, which lists again. Paths inside the dialog
are shown relative to the sandbox, if there is one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ...client.models import Entry
from .options import ChooserOptions

#: Entries shown at most in one folder; narrow with ``filter_pattern`` beyond.
MAX_SHOWN = 5000
PARDIR = ".."


class ChooserDialog:
    """The dialog's widgets and the folder they show."""

    def __init__(self, options: ChooserOptions, navigate: Callable[[str, str], None]) -> None:
        self._options = options
        self._navigate = navigate
        #: The folder listed (absolute), and its entries shown, by name.
        self.current = options.default_path
        self.entries: dict[str, Entry] = {}
        self._name_of: dict[str, str] = {}  # label shown -> entry name
        self._label_of: dict[str, str] = {}  # entry name -> label shown
        only_dirs = options.show_only_dirs
        self.pathlist = w.Dropdown(description="", layout=w.Layout(width="auto",
                                                                   grid_area="pathlist"))
        self.filename = w.Text(placeholder="output filename", disabled=only_dirs,
                               layout=w.Layout(width="auto", grid_area="filename",
                                               display="none" if only_dirs else None))
        self.dircontent = w.Select(rows=8, layout=w.Layout(width="auto",
                                                           grid_area="dircontent"))
        self.grid = w.GridBox(
            children=[self.pathlist, self.filename, self.dircontent],
            layout=w.Layout(display="none", width="auto", grid_gap="0px 0px",
                            grid_template_rows="auto auto",
                            grid_template_columns="60% 40%",
                            grid_template_areas=options.grid_areas()),
        )
        self._listen(True)

    @property
    def is_open(self) -> bool:
        """Whether the dialog shows."""
        return self.grid.layout.display is None

    def open(self) -> None:
        """Show the dialog."""
        self.grid.layout.display = None

    def close(self) -> None:
        """Hide the dialog."""
        self.grid.layout.display = "none"

    def only_dirs_changed(self) -> None:
        """Follow ``options.show_only_dirs``: the name box goes or comes back."""
        only_dirs = self._options.show_only_dirs
        self.filename.disabled = only_dirs
        self.filename.layout.display = "none" if only_dirs else None
        self.grid.layout.grid_template_areas = self._options.grid_areas()

    def show(self, path: str, filename: str, entries: list[Entry]) -> int:
        """Show the listing of folder ``path`` with ``filename`` typed in.

        Returns how many entries were left out (beyond :data:`MAX_SHOWN`).
        """
        opts = self._options
        if opts.show_only_dirs:
            filename = ""
        shown_path = opts.restrict(path)
        kept = opts.shown(entries)
        self.current = path
        self.entries = {e.name: e for e in kept}
        rows = [(PARDIR, PARDIR)] if shown_path != "/" else []
        rows += [(opts.label(e), e.name) for e in kept]
        left_out = max(0, len(rows) - MAX_SHOWN)
        rows = rows[:MAX_SHOWN]
        self._label_of = {name: label for label, name in rows}
        self._name_of = {label: name for label, name in rows}
        self._listen(False)
        try:
            self.pathlist.options = _up_the_tree(shown_path)
            self.pathlist.value = shown_path
            self.filename.value = filename
            self.dircontent.options = [label for label, _ in rows]
            entry = self.entries.get(filename)
            picked = entry is not None and not entry.is_dir and filename in self._label_of
            self.dircontent.value = self._label_of[filename] if picked else None
        finally:
            self._listen(True)
        return left_out

    # -- clicks ------------------------------------------------------------
    def _listen(self, on: bool) -> None:
        for widget, handler in ((self.pathlist, self._on_pathlist),
                                (self.dircontent, self._on_dircontent),
                                (self.filename, self._on_filename)):
            if on:
                widget.observe(handler, names="value")
            else:
                widget.unobserve(handler, names="value")

    def _on_pathlist(self, change: dict[str, Any]) -> None:
        self._navigate(self._options.expand(change["new"]), self.filename.value)

    def _on_dircontent(self, change: dict[str, Any]) -> None:
        name = self._name_of.get(change["new"]) if change["new"] is not None else None
        if name is None:
            return
        if name == PARDIR:
            self._navigate(posixpath.dirname(self.current) or "/", self.filename.value)
            return
        entry = self.entries.get(name)
        if entry is not None and entry.is_dir:
            self._navigate(posixpath.join(self.current, name), self.filename.value)
        else:
            self._navigate(self.current, name)

    def _on_filename(self, change: dict[str, Any]) -> None:
        self._navigate(self.current, change["new"])


def _up_the_tree(shown: str) -> list[str]:
    """``shown`` and every folder above it, up to ``/``."""
    out = [shown]
    while shown != "/":
        shown = posixpath.dirname(shown) or "/"
        out.append(shown)
    return out


__all__ = ["MAX_SHOWN", "PARDIR", "ChooserDialog"]
