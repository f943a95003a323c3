"""The settable options of the FileChooser, as ipyfilechooser has them.

Each setter re-lists the folder shown (in the background, on the widget's
runner) or resets the selection, as ipyfilechooser does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ipyfilechooser.errors import InvalidFileNameError, ParentPathError

if TYPE_CHECKING:
    from ..client.models import Entry


def is_valid_filename(filename: str) -> bool:
    """A file name ipyfilechooser accepts: no ``..``, no ``/``, no NUL."""
    return ".." not in filename and "/" not in filename and "\x00" not in filename


def within(path: str, sandbox: str | None) -> bool:
    """Whether ``path`` is ``sandbox`` or below it (no sandbox: anywhere)."""
    if not sandbox or sandbox == "/":
        return True
    return path == sandbox or path.startswith(sandbox.rstrip("/") + "/")


class ChooserParts:
    """What the FileChooser holds, declared once for the mixins that use it."""

    banner: Any
    _show_hidden: bool
    _dir_icon: str | None
    _dir_icon_append: bool
    _show_only_dirs: bool
    _filter_pattern: Sequence[str] | str | None
    _sandbox_path: str | None
    _default_path: str
    _default_filename: str
    _current: str
    _entries: dict[str, Entry]
    _dircontent: Any
    _filename: Any
    _select: Any
    _gb: Any
    _normalize: Callable[[str], str]
    _set_form_values: Callable[..., None]


class ChooserOptions(ChooserParts):
    """Mixin of :class:`~.file_chooser.FileChooser`: its ipyfilechooser properties."""

    # Also provided by the FileChooser.
    _title: Any
    refresh: Callable[[], None]
    reset: Callable[..., None]
    _areas: Callable[[], str]

    @property
    def show_hidden(self) -> bool:
        """Whether dot files are listed."""
        return self._show_hidden

    @show_hidden.setter
    def show_hidden(self, hidden: bool) -> None:
        self._show_hidden = hidden
        self.refresh()

    @property
    def dir_icon(self) -> str | None:
        """The folder icon."""
        return self._dir_icon

    @dir_icon.setter
    def dir_icon(self, dir_icon: str | None) -> None:
        self._dir_icon = dir_icon
        self.refresh()

    @property
    def dir_icon_append(self) -> bool:
        """Whether the folder icon goes after the name."""
        return self._dir_icon_append

    @dir_icon_append.setter
    def dir_icon_append(self, dir_icon_append: bool) -> None:
        self._dir_icon_append = dir_icon_append
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
        return posixpath.join(self._default_path, self._default_filename)

    @property
    def default_path(self) -> str:
        """The folder shown first."""
        return self._default_path

    @default_path.setter
    def default_path(self, path: str) -> None:
        norm = self._normalize(path)
        if self._sandbox_path and not within(norm, self._sandbox_path):
            raise ParentPathError(path, self._sandbox_path)
        self._default_path = norm
        self._set_form_values(self._default_path, self._filename.value, check=True)

    @property
    def default_filename(self) -> str:
        """The file name typed in first."""
        return self._default_filename

    @default_filename.setter
    def default_filename(self, filename: str) -> None:
        if not is_valid_filename(filename):
            raise InvalidFileNameError(filename)
        self._default_filename = filename
        self._set_form_values(self._current, self._default_filename)

    @property
    def sandbox_path(self) -> str | None:
        """Browsing cannot leave this folder."""
        return self._sandbox_path

    @sandbox_path.setter
    def sandbox_path(self, sandbox_path: str | None) -> None:
        norm = self._normalize(sandbox_path) if sandbox_path else None
        if norm and not within(self._default_path, norm):
            raise ParentPathError(self._default_path, norm)
        self._sandbox_path = norm
        self.reset()

    @property
    def show_only_dirs(self) -> bool:
        """Pick folders only."""
        return self._show_only_dirs

    @show_only_dirs.setter
    def show_only_dirs(self, show_only_dirs: bool) -> None:
        self._show_only_dirs = show_only_dirs
        self._filename.disabled = show_only_dirs
        self._filename.layout.display = "none" if show_only_dirs else None
        self._gb.layout.grid_template_areas = self._areas()
        self.reset()

    @property
    def filter_pattern(self) -> Sequence[str] | str | None:
        """fnmatch pattern(s) that file names must match."""
        return self._filter_pattern

    @filter_pattern.setter
    def filter_pattern(self, filter_pattern: Sequence[str] | str | None) -> None:
        self._filter_pattern = filter_pattern
        self.refresh()


__all__ = ["ChooserOptions", "is_valid_filename", "within"]
