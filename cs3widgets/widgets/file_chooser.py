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

import fnmatch
import posixpath
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from ipyfilechooser.errors import InvalidFileNameError, InvalidPathError, ParentPathError

from ..client import paths as cs3paths
from ..client.client import CS3Client
from ..client.errors import CS3Error, InvalidName
from ..client.models import Entry
from .connecting import ClientHolder, resolve_client
from .errors_ui import StatusBanner
from .file_chooser_options import ChooserOptions, is_valid_filename, within
from .formatting import esc, plain
from .runner import Runner
from .widget_tree import close_owned

#: Entries shown at most in one folder; narrow with ``filter_pattern`` beyond.
MAX_SHOWN = 5000
PARDIR = ".."


def _matches(name: str, patterns: Sequence[str] | str | None) -> bool:
    if not patterns:
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in patterns)


class FileChooser(ChooserOptions, ClientHolder, w.VBox, w.ValueWidget):
    """Pick a CS3 file (or folder) the way ``ipyfilechooser.FileChooser`` picks a local one."""

    _LBL_TEMPLATE = '<span style="color:{1};">{0}</span>'
    _LBL_NOFILE = "No selection"

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

    def _expand_path(self, path: str) -> str:
        """Sandbox-relative (as shown) -> absolute CS3 path."""
        if self._sandbox_path and self._sandbox_path != "/":
            rel = path.lstrip("/")
            return posixpath.join(self._sandbox_path, rel) if rel else self._sandbox_path
        return path

    def _restrict_path(self, path: str) -> str:
        """Absolute CS3 path -> sandbox-relative (as shown)."""
        sandbox = self._sandbox_path
        if not sandbox or sandbox == "/":
            return path
        if path == sandbox:
            return "/"
        if path.startswith(sandbox.rstrip("/") + "/"):
            return path[len(sandbox.rstrip("/")):]
        return path

    def _subpaths(self, shown: str) -> list[str]:
        out = [shown]
        while shown != "/":
            shown = posixpath.dirname(shown) or "/"
            out.append(shown)
        return out

    def _display(self, entry: Entry) -> str:
        name = plain(entry.name)
        if entry.is_dir and self._dir_icon:
            return f"{name}{self._dir_icon}" if self._dir_icon_append else f"{self._dir_icon}{name}"
        return name

    # ------------------------------------------------------------ the form
    def _set_form_values(self, path: str, filename: str, *, check: bool = False,
                         then_select: bool = False) -> None:
        """List folder ``path`` in the background, then show it with ``filename`` typed in.

        ``check``: the path came from the caller, so first make sure it is a
        folder. ``then_select``: apply the selection once shown. Server
        errors go to the banner.
        """
        if path and self._sandbox_path and not within(path, self._sandbox_path):
            raise ParentPathError(path, self._sandbox_path)
        client = self.client

        def work() -> tuple[str, list[Entry]]:
            where = path or client.identity.home()
            if check:
                try:
                    is_dir = client.files.stat(where).is_dir
                except CS3Error as exc:
                    raise InvalidPathError(where, str(exc)) from None
                if not is_dir:
                    raise InvalidPathError(where)
            return where, client.files.list(where)

        def apply(found: tuple[str, list[Entry]]) -> None:
            where, entries = found
            if not path:  # the home folder, now known: it becomes the default
                self._default_path = where
            self._show_form(where, filename, entries)
            if then_select:
                self._apply_selection()

        self._run(work, apply, key="form", on_error=self._show_error)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, (ParentPathError, InvalidFileNameError, InvalidPathError)):
            self.banner.error(exc.message)  # our own messages: a path or a name
        else:
            self.banner.error(exc)

    def _show_form(self, path: str, filename: str, entries: list[Entry]) -> None:
        """Show the listing of ``path`` (on the event loop)."""
        self.banner.clear()
        if self._show_only_dirs:
            filename = ""
        shown_path = self._restrict_path(path)
        dirs = sorted((e for e in entries if e.is_dir and (self._show_hidden or not e.hidden)),
                      key=lambda e: e.name)
        files = [] if self._show_only_dirs else sorted(
            (e for e in entries if not e.is_dir and (self._show_hidden or not e.hidden)
             and _matches(e.name, self._filter_pattern)),
            key=lambda e: e.name,
        )
        self._current = path
        self._entries = {e.name: e for e in dirs + files}
        display: list[tuple[str, str]] = []
        if shown_path != "/":
            display.append((PARDIR, PARDIR))
        display += [(self._display(e), e.name) for e in dirs + files]
        hidden_count = max(0, len(display) - MAX_SHOWN)
        display = display[:MAX_SHOWN]
        self._map_name_to_disp = {name: disp for disp, name in display}
        self._map_disp_to_name = {disp: name for disp, name in display}

        self._pathlist.unobserve(self._on_pathlist_select, names="value")
        self._dircontent.unobserve(self._on_dircontent_select, names="value")
        self._filename.unobserve(self._on_filename_change, names="value")
        try:
            with self.hold_sync():
                self._pathlist.options = self._subpaths(shown_path)
                self._pathlist.value = shown_path
                self._filename.value = filename
                self._dircontent.options = [disp for disp, _ in display]
                entry = self._entries.get(filename)
                if entry is not None and not entry.is_dir and filename in self._map_name_to_disp:
                    self._dircontent.value = self._map_name_to_disp[filename]
                else:
                    self._dircontent.value = None
                if hidden_count:
                    self.banner.info(f"{hidden_count:,} more entries not shown; "
                                     "use filter_pattern to narrow the list")
                if self._gb.layout.display is None:
                    self._select.disabled = self._select_blocked(path, filename)
        finally:
            self._pathlist.observe(self._on_pathlist_select, names="value")
            self._dircontent.observe(self._on_dircontent_select, names="value")
            self._filename.observe(self._on_filename_change, names="value")

    def _select_blocked(self, path: str, filename: str) -> bool:
        entry = self._entries.get(filename)
        if entry is not None and entry.is_dir:
            return True
        if not is_valid_filename(filename):
            return True
        selected = self.selected
        if selected is not None and posixpath.join(path, filename) == selected:
            return True
        return bool(self._filter_pattern and not _matches(filename, self._filter_pattern))

    def _on_pathlist_select(self, change: dict) -> None:
        self._safe(self._set_form_values, self._expand_path(change["new"]), self._filename.value)

    def _on_dircontent_select(self, change: dict) -> None:
        if change["new"] is None:
            return
        name = self._map_disp_to_name.get(change["new"])
        if name is None:
            return
        if name == PARDIR:
            self._safe(self._set_form_values, posixpath.dirname(self._current) or "/",
                       self._filename.value)
            return
        entry = self._entries.get(name)
        if entry is not None and entry.is_dir:
            self._safe(self._set_form_values, posixpath.join(self._current, name),
                       self._filename.value)
        else:
            self._safe(self._set_form_values, self._current, name)

    def _on_filename_change(self, change: dict) -> None:
        self._safe(self._set_form_values, self._current, change["new"])

    def _safe(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except Exception as exc:
            self._show_error(exc)

    def _on_select_click(self, _b: Any) -> None:
        if self._gb.layout.display == "none":
            self._show_dialog()
            return
        self._apply_selection()
        if self._callback is not None:
            try:
                from .browser import call_user_callback

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

    def refresh(self) -> None:
        """Re-read the folder shown."""
        self._set_form_values(self._current, self._filename.value)

    @property
    def value(self) -> str | None:  # type: ignore[override]
        """The selected path (as ``selected``)."""
        return self.selected

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
