"""The FileChooser's dialog: one folder listed into the path list and the entries.

A folder is listed on the widget's runner and shown when it arrives; a
click in the dialog (a folder, ``..``, a file, a path up the list) or a
typed name lists again. Paths inside the dialog are shown relative to the
sandbox, if there is one.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable, Sequence
from typing import Any

from ipyfilechooser.errors import InvalidFileNameError, InvalidPathError, ParentPathError

from ..client import paths as cs3paths
from ..client.errors import CS3Error, InvalidName
from ..client.models import Entry
from .file_chooser_options import ChooserParts, is_valid_filename, within
from .formatting import plain

#: Entries shown at most in one folder; narrow with ``filter_pattern`` beyond.
MAX_SHOWN = 5000
PARDIR = ".."


def _matches(name: str, patterns: Sequence[str] | str | None) -> bool:
    if not patterns:
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in patterns)


class ChooserForm(ChooserParts):
    """Mixin of :class:`~.file_chooser.FileChooser`: list a folder into the dialog, react to it."""

    # Also provided by the FileChooser.
    client: Any
    selected: str | None
    _map_disp_to_name: dict[str, str]
    _map_name_to_disp: dict[str, str]
    _pathlist: Any
    _run: Callable[..., Any]
    _apply_selection: Callable[[], None]
    hold_sync: Callable[[], Any]

    # ------------------------------------------------------------ paths as shown
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

    def _name_refused(self, filename: str) -> str | None:
        """Why the typed ``filename`` can never be selected, or None.

        Asked again when Select is clicked: the button is disabled only once
        the listing for the typed name has arrived, and a click can come first.
        """
        if not is_valid_filename(filename):
            return InvalidFileNameError(filename).message
        if filename:
            try:
                cs3paths.validate_name(filename)
            except InvalidName as exc:
                return exc.message
        return None

    def _select_blocked(self, path: str, filename: str) -> bool:
        entry = self._entries.get(filename)
        if entry is not None and entry.is_dir:
            return True
        if self._name_refused(filename) is not None:
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


__all__ = ["MAX_SHOWN", "PARDIR", "ChooserForm"]
