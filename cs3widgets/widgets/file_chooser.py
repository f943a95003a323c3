"""FileChooser: the ``ipyfilechooser.FileChooser`` API over a CS3 storage.

Code written for ipyfilechooser works with a change of import::

    from cs3widgets import FileChooser        # was: from ipyfilechooser import FileChooser
    fc = FileChooser("/home/data", filename="out.csv", title="Pick a file")
    fc.register_callback(lambda chooser: print(chooser.selected))

Paths are absolute CS3 paths (``/`` separated). The same exceptions as
ipyfilechooser are raised for a path outside the sandbox
(``ParentPathError``), a malformed path (``InvalidPathError``) or a bad file
name (``InvalidFileNameError``), so ``except`` clauses keep working.

Unlike ipyfilechooser, whose disk answers at once, the server is asked in
the background (the widget's runner, :mod:`.runner`): the constructor
returns at once and the listing fills in. That a path is not a folder, and
every other server failure, shows in the widget's banner. A script calls
:meth:`FileChooser.wait` (or passes ``threaded=False``) before reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from ipyfilechooser.errors import InvalidFileNameError, InvalidPathError, ParentPathError

from ..client import paths as cs3paths
from ..client.client import CS3Client
from ..client.errors import InvalidName
from ..client.models import Entry
from .connecting import ClientHolder, resolve_client
from .errors_ui import StatusBanner
from .file_chooser_form import MAX_SHOWN as MAX_SHOWN
from .file_chooser_form import PARDIR as PARDIR
from .file_chooser_form import ChooserForm
from .file_chooser_options import ChooserOptions, is_valid_filename, within
from .file_chooser_selection import ChooserSelection
from .runner import Runner
from .widget_tree import close_owned


class FileChooser(ChooserOptions, ChooserSelection, ChooserForm, ClientHolder, w.VBox,
                  w.ValueWidget):
    """Pick a CS3 file (or folder) the way ``ipyfilechooser.FileChooser`` picks a local one."""

    def __init__(
        self,
        path: str | None = None,
        filename: str = "",
        title: str = "",
        select_desc: str = "Select",
        change_desc: str = "Change",
        show_hidden: bool = False,
        select_default: bool = False,
        dir_icon: str | None = "\U0001f4c1 ",
        dir_icon_append: bool = False,
        show_only_dirs: bool = False,
        filter_pattern: Sequence[str] | str | None = None,
        sandbox_path: str | None = None,
        layout: w.Layout | None = None,
        client: CS3Client | None = None,
        threaded: bool = True,
        runner: Runner | None = None,
        **kwargs: Any,
    ) -> None:
        self.banner = StatusBanner()
        self._init_runner(runner, threaded)
        self.client: CS3Client = resolve_client(client)
        self._sandbox_path = self._normalize(sandbox_path) if sandbox_path else None
        # No path: the sandbox, else the home folder (asked on the worker thread).
        norm = self._normalize(path) if path is not None else (self._sandbox_path or "")
        if self._sandbox_path and not within(norm, self._sandbox_path):
            raise ParentPathError(path, self._sandbox_path)
        if not is_valid_filename(filename):
            raise InvalidFileNameError(filename)

        self._default_path = norm
        self._default_filename = filename
        self._selected_path: str | None = None
        self._selected_filename: str | None = None
        self._show_hidden = show_hidden
        self._select_desc = select_desc
        self._change_desc = change_desc
        self._select_default = select_default
        self._dir_icon = dir_icon
        self._dir_icon_append = dir_icon_append
        self._show_only_dirs = show_only_dirs
        self._filter_pattern = filter_pattern
        self._callback: Callable[..., Any] | None = None
        self._current = norm
        self._entries: dict[str, Entry] = {}
        self._map_disp_to_name: dict[str, str] = {}
        self._map_name_to_disp: dict[str, str] = {}

        self._pathlist = w.Dropdown(description="", layout=w.Layout(width="auto",
                                                                    grid_area="pathlist"))
        self._filename = w.Text(placeholder="output filename", disabled=show_only_dirs,
                                layout=w.Layout(width="auto", grid_area="filename",
                                                display="none" if show_only_dirs else None))
        self._dircontent = w.Select(rows=8, layout=w.Layout(width="auto",
                                                            grid_area="dircontent"))
        self._cancel = w.Button(description="Cancel",
                                layout=w.Layout(min_width="6em", width="6em", display="none"))
        self._select = w.Button(description=select_desc,
                                layout=w.Layout(min_width="6em", width="6em"))
        self._title = w.HTML(value=title)
        if title == "":
            self._title.layout.display = "none"
        self._label = w.HTML(value=self._LBL_TEMPLATE.format(self._LBL_NOFILE, "black"),
                             layout=w.Layout(margin="0 0 0 1em"))
        self._gb = w.GridBox(
            children=[self._pathlist, self._filename, self._dircontent],
            layout=w.Layout(display="none", width="auto", grid_gap="0px 0px",
                            grid_template_rows="auto auto",
                            grid_template_columns="60% 40%",
                            grid_template_areas=self._areas()),
        )
        buttonbar = w.HBox([self._select, self._cancel,
                            w.Box([self._label], layout=w.Layout(overflow="auto"))],
                           layout=w.Layout(width="auto"))

        self._pathlist.observe(self._on_pathlist_select, names="value")
        self._dircontent.observe(self._on_dircontent_select, names="value")
        self._filename.observe(self._on_filename_change, names="value")
        self._select.on_click(self._on_select_click)
        self._cancel.on_click(self._on_cancel_click)

        super().__init__(children=[self.banner, self.busy, self._title, self._gb, buttonbar],
                         layout=layout or w.Layout(width="500px"), **kwargs)
        self._set_form_values(self._default_path, self._default_filename, check=True,
                              then_select=self._select_default)

    # ------------------------------------------------------------ helpers
    def _areas(self) -> str:
        second = "pathlist" if self._show_only_dirs else "filename"
        return f"'pathlist {second}' 'dircontent dircontent'"

    def _normalize(self, path: str) -> str:
        """Validate ``path`` (syntax only; that it is a folder, the server says later)."""
        try:
            return cs3paths.validate_path(path)
        except InvalidName as exc:
            raise InvalidPathError(path, exc.message) from None

    # ------------------------------------------------------------ public API
    def refresh(self) -> None:
        """Re-read the folder shown."""
        self._set_form_values(self._current, self._filename.value)

    @property
    def value(self) -> str | None:  # type: ignore[override]
        """The selected path (as ``selected``)."""
        return self.selected

    def close(self) -> None:
        """Close every widget of the chooser and stop its work."""
        self._close_runner()
        close_owned(self)

    def get_interact_value(self) -> str | None:
        """The value passed to ``interact`` functions."""
        return self.selected

    def __repr__(self) -> str:
        props = (f"path='{self._default_path}', filename='{self._default_filename}', "
                 f"show_hidden={self._show_hidden}, show_only_dirs={self._show_only_dirs}")
        if self._sandbox_path is not None:
            props += f", sandbox_path='{self._sandbox_path}'"
        if self._filter_pattern:
            props += f", filter_pattern={self._filter_pattern!r}"
        return f"{type(self).__name__}({props})"
