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
the background (the widget's runner, :mod:`..runner`): the constructor
returns at once and the listing fills in. That a path is not a folder, and
every other server failure, shows in the widget's banner. A script calls
:meth:`FileChooser.wait` (or passes ``threaded=False``) before reading.

The widget holds the public API; its parts are small objects with their
own state: :class:`~.options.ChooserOptions` (what is shown, and where one
may go), :class:`~.dialog.ChooserDialog` (the listing) and
:class:`~.selection.ChooserSelection` (what was picked).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from ipyfilechooser.errors import InvalidFileNameError, InvalidPathError, ParentPathError

from ...client.client import CS3Client
from ...client.errors import CS3Error
from ...client.models import Entry
from ..base.client_holder import ClientHolder, resolve_client
from ..base.messages import StatusBanner
from ..base.runner import Runner
from ..base.user_callbacks import call_user_callback
from ..base.widget_tree import close_owned
from .dialog import ChooserDialog
from .names import Patterns, is_valid_filename, name_refused, normalize, within
from .options import ChooserOptions
from .selection import ChooserSelection


class FileChooser(ClientHolder, w.VBox, w.ValueWidget):
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
        filter_pattern: Patterns = None,
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
        sandbox = normalize(sandbox_path) if sandbox_path else None
        # No path: the sandbox, else the home folder (asked on the worker thread).
        norm = normalize(path) if path is not None else (sandbox or "")
        if sandbox and not within(norm, sandbox):
            raise ParentPathError(path, sandbox)
        if not is_valid_filename(filename):
            raise InvalidFileNameError(filename)
        self.options = ChooserOptions(
            default_path=norm, default_filename=filename, show_hidden=show_hidden,
            dir_icon=dir_icon, dir_icon_append=dir_icon_append, show_only_dirs=show_only_dirs,
            filter_pattern=filter_pattern, sandbox_path=sandbox,
        )
        self._callback: Callable[..., Any] | None = None
        self._select_default = select_default
        self.dialog = ChooserDialog(self.options, self._navigate)
        self.selection = ChooserSelection(select_desc, change_desc)
        # ipyfilechooser's names for its parts, which scripts reach for.
        self._pathlist = self.dialog.pathlist
        self._filename = self.dialog.filename
        self._dircontent = self.dialog.dircontent
        self._gb = self.dialog.grid
        self._select = self.selection.select
        self._cancel = self.selection.cancel
        self._label = self.selection.label
        self._title = w.HTML(value=title)
        if title == "":
            self._title.layout.display = "none"
        buttonbar = w.HBox([self._select, self._cancel,
                            w.Box([self._label], layout=w.Layout(overflow="auto"))],
                           layout=w.Layout(width="auto"))
        self._select.on_click(self._on_select_click)
        self._cancel.on_click(self._on_cancel_click)
        super().__init__(children=[self.banner, self.busy, self._title, self._gb, buttonbar],
                         layout=layout or w.Layout(width="500px"), **kwargs)
        self._list(norm, filename, check=True, then_select=select_default)

    # -- listing -------------------------------------------------------------
    def _list(self, path: str, filename: str, *, check: bool = False,
              then_select: bool = False) -> None:
        """List folder ``path`` in the background, then show it with ``filename`` typed in.

        ``check``: the path came from the caller, so first make sure it is a
        folder. ``then_select``: apply the selection once shown. Server
        errors go to the banner.
        """
        sandbox = self.options.sandbox_path
        if path and sandbox and not within(path, sandbox):
            raise ParentPathError(path, sandbox)
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
                self.options.default_path = where
            self._show(where, filename, entries)
            if then_select:
                self._apply_selection()

        self._run(work, apply, key="form", on_error=self._show_error)

    def _show(self, path: str, filename: str, entries: list[Entry]) -> None:
        self.banner.clear()
        left_out = self.dialog.show(path, filename, entries)
        if left_out:
            self.banner.info(f"{left_out:,} more entries not shown; "
                             "use filter_pattern to narrow the list")
        if self.dialog.is_open:
            self._select.disabled = self._select_blocked(path, self._filename.value)

    def _navigate(self, path: str, filename: str) -> None:
        """A click or a typed name in the dialog: list again, errors to the banner."""
        try:
            self._list(path, filename)
        except Exception as exc:
            self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, (ParentPathError, InvalidFileNameError, InvalidPathError)):
            self.banner.error(exc.message)  # our own messages: a path or a name
        else:
            self.banner.error(exc)

    def _select_blocked(self, path: str, filename: str) -> bool:
        entry = self.dialog.entries.get(filename)
        if entry is not None and entry.is_dir:
            return True
        if name_refused(filename) is not None:
            return True
        selected = self.selected
        if selected is not None and posixpath.join(path, filename) == selected:
            return True
        return bool(self.options.filter_pattern and not self.options.accepts(filename))

    # -- selecting -----------------------------------------------------------
    def _on_select_click(self, _b: Any) -> None:
        if not self.dialog.is_open:
            self._open()
            return
        # The button is disabled only once the listing for the typed name has
        # arrived, and a click can come first: the name is checked again.
        refused = name_refused(self._filename.value)
        if refused is not None:
            self.banner.error(refused)
            return
        self._apply_selection()
        if self._callback is not None:
            try:
                call_user_callback(self._callback, self)
            except Exception as exc:
                self.banner.error(exc)

    def _open(self) -> None:
        self.dialog.open()
        self.selection.dialog_opened()
        sel = self.selection
        if sel.path is not None and sel.filename is not None:
            self._navigate(sel.path, sel.filename)
        else:
            self._navigate(self.options.default_path, self.options.default_filename)

    def _apply_selection(self) -> None:
        path, filename = self.dialog.current, self._filename.value
        entry = self.dialog.entries.get(filename)
        self.dialog.close()
        self.selection.take(path, filename, self.options.restrict(posixpath.join(path, filename)),
                            overwrites=entry is not None and not entry.is_dir)

    def _on_cancel_click(self, _b: Any) -> None:
        self.dialog.close()
        self.selection.dialog_closed()

    # -- public API ----------------------------------------------------------
    def reset(self, path: str | None = None, filename: str | None = None) -> None:
        """Forget the selection; optionally set new defaults."""
        opts = self.options
        norm = None
        if path is not None:
            norm = normalize(path)
            if opts.sandbox_path and not within(norm, opts.sandbox_path):
                raise ParentPathError(path, opts.sandbox_path)
        if filename is not None and not is_valid_filename(filename):
            raise InvalidFileNameError(filename)
        self.dialog.close()
        self.selection.forget()
        if norm is not None:
            opts.default_path = norm
        if filename is not None:
            opts.default_filename = filename
        self._list(opts.default_path, opts.default_filename, check=norm is not None,
                   then_select=self._select_default)

    def refresh(self) -> None:
        """Re-read the folder shown."""
        self._list(self.dialog.current, self._filename.value)

    def open_dialog(self) -> None:
        """Show the folder listing, as a click on the Select button does."""
        if not self.dialog.is_open:
            self._open()

    def register_callback(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(chooser)`` (or ``callback()``) when a selection is made."""
        self._callback = callback

    @property
    def selected(self) -> str | None:
        """The selected CS3 path, or None."""
        return self.selection.selected

    @property
    def selected_path(self) -> str | None:
        """The folder of the selection."""
        return self.selection.path

    @property
    def selected_filename(self) -> str | None:
        """The file name of the selection."""
        return self.selection.filename

    @property
    def value(self) -> str | None:  # type: ignore[override]
        """The selected path (as ``selected``)."""
        return self.selected

    def get_interact_value(self) -> str | None:
        """The value passed to ``interact`` functions."""
        return self.selected

    def close(self) -> None:
        """Close every widget of the chooser and stop its work."""
        self._close_runner()
        close_owned(self)

    # -- ipyfilechooser's settable options -------------------------------------
    @property
    def show_hidden(self) -> bool:
        """Whether dot files are listed."""
        return self.options.show_hidden

    @show_hidden.setter
    def show_hidden(self, hidden: bool) -> None:
        self.options.show_hidden = hidden
        self.refresh()

    @property
    def dir_icon(self) -> str | None:
        """The folder icon."""
        return self.options.dir_icon

    @dir_icon.setter
    def dir_icon(self, dir_icon: str | None) -> None:
        self.options.dir_icon = dir_icon
        self.refresh()

    @property
    def dir_icon_append(self) -> bool:
        """Whether the folder icon goes after the name."""
        return self.options.dir_icon_append

    @dir_icon_append.setter
    def dir_icon_append(self, dir_icon_append: bool) -> None:
        self.options.dir_icon_append = dir_icon_append
        self.refresh()

    @property
    def rows(self) -> int:
        """Rows of the listing."""
        return self._dircontent.rows

    @rows.setter
    def rows(self, rows: int) -> None:
        self._dircontent.rows = rows

    @property
    def title(self) -> str:
        """The title (HTML, as in ipyfilechooser: it comes from the notebook's author)."""
        return self._title.value

    @title.setter
    def title(self, title: str) -> None:
        self._title.value = title
        self._title.layout.display = "none" if title == "" else None

    @property
    def default(self) -> str:
        """Default path joined with the default file name."""
        return posixpath.join(self.options.default_path, self.options.default_filename)

    @property
    def default_path(self) -> str:
        """The folder shown first."""
        return self.options.default_path

    @default_path.setter
    def default_path(self, path: str) -> None:
        norm = normalize(path)
        sandbox = self.options.sandbox_path
        if sandbox and not within(norm, sandbox):
            raise ParentPathError(path, sandbox)
        self.options.default_path = norm
        self._list(norm, self._filename.value, check=True)

    @property
    def default_filename(self) -> str:
        """The file name typed in first."""
        return self.options.default_filename

    @default_filename.setter
    def default_filename(self, filename: str) -> None:
        if not is_valid_filename(filename):
            raise InvalidFileNameError(filename)
        self.options.default_filename = filename
        self._list(self.dialog.current, filename)

    @property
    def sandbox_path(self) -> str | None:
        """Browsing cannot leave this folder."""
        return self.options.sandbox_path

    @sandbox_path.setter
    def sandbox_path(self, sandbox_path: str | None) -> None:
        norm = normalize(sandbox_path) if sandbox_path else None
        if norm and not within(self.options.default_path, norm):
            raise ParentPathError(self.options.default_path, norm)
        self.options.sandbox_path = norm
        self.reset()

    @property
    def show_only_dirs(self) -> bool:
        """Pick folders only."""
        return self.options.show_only_dirs

    @show_only_dirs.setter
    def show_only_dirs(self, show_only_dirs: bool) -> None:
        self.options.show_only_dirs = show_only_dirs
        self.dialog.only_dirs_changed()
        self.reset()

    @property
    def filter_pattern(self) -> Patterns:
        """fnmatch pattern(s) that file names must match."""
        return self.options.filter_pattern

    @filter_pattern.setter
    def filter_pattern(self, filter_pattern: Sequence[str] | str | None) -> None:
        self.options.filter_pattern = filter_pattern
        self.refresh()

    def __repr__(self) -> str:
        o = self.options
        props = (f"path='{o.default_path}', filename='{o.default_filename}', "
                 f"show_hidden={o.show_hidden}, show_only_dirs={o.show_only_dirs}")
        if o.sandbox_path is not None:
            props += f", sandbox_path='{o.sandbox_path}'"
        if o.filter_pattern:
            props += f", filter_pattern={o.filter_pattern!r}"
        return f"{type(self).__name__}({props})"


__all__ = ["FileChooser"]
