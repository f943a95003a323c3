"""The FileChooser's options, as ipyfilechooser has them, and what follows from them."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...client.models import Entry
from ..base.formatting import plain
from .names import Patterns, matches


@dataclass
class ChooserOptions:
    """What the FileChooser shows and where it may go; the widget's setters change it."""

    default_path: str
    default_filename: str = ""
    show_hidden: bool = False
    dir_icon: str | None = "\U0001f4c1 "
    dir_icon_append: bool = False
    show_only_dirs: bool = False
    filter_pattern: Patterns = None
    sandbox_path: str | None = None

    def expand(self, shown: str) -> str:
        """Sandbox-relative (as shown) -> absolute CS3 path."""
        if self.sandbox_path and self.sandbox_path != "/":
            rel = shown.lstrip("/")
            return posixpath.join(self.sandbox_path, rel) if rel else self.sandbox_path
        return shown

    def restrict(self, path: str) -> str:
        """Absolute CS3 path -> sandbox-relative (as shown)."""
        sandbox = self.sandbox_path
        if not sandbox or sandbox == "/":
            return path
        if path == sandbox:
            return "/"
        if path.startswith(sandbox.rstrip("/") + "/"):
            return path[len(sandbox.rstrip("/")):]
        return path

    def label(self, entry: Entry) -> str:
        """How ``entry`` reads in the listing (plain text, the folder icon placed)."""
        name = plain(entry.name)
        if entry.is_dir and self.dir_icon:
            return f"{name}{self.dir_icon}" if self.dir_icon_append else f"{self.dir_icon}{name}"
        return name

    def shown(self, entries: list[Entry]) -> list[Entry]:
        """The entries listed: folders then files, each sorted, hidden and filtered as set."""
        visible = [e for e in entries if self.show_hidden or not e.hidden]
        dirs = sorted((e for e in visible if e.is_dir), key=lambda e: e.name)
        if self.show_only_dirs:
            return dirs
        files = sorted((e for e in visible if not e.is_dir and self.accepts(e.name)),
                       key=lambda e: e.name)
        return dirs + files

    def accepts(self, filename: str) -> bool:
        """Whether ``filename`` passes the filter."""
        return matches(filename, self.filter_pattern)

    def grid_areas(self) -> str:
        """The dialog's grid: no file name box when only folders are picked."""
        second = "pathlist" if self.show_only_dirs else "filename"
        return f"'pathlist {second}' 'dircontent dircontent'"


__all__ = ["ChooserOptions"]
