"""A clickable breadcrumb of the current path, plus an editable path box.

Segment buttons come from a small pool that grows to the deepest path seen
and is reused; a button's description is plain text, so names with markup
show literally.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

import ipywidgets as w


def split_path(path: str) -> list[tuple[str, str]]:
    """``"/home/a/b" -> [("/", "/"), ("home", "/home"), ("a", "/home/a"), ("b", "/home/a/b")]``."""
    parts = [("/", "/")]
    current = "/"
    for name in [p for p in path.split("/") if p]:
        current = posixpath.join(current, name)
        parts.append((name, current))
    return parts


class Breadcrumb(w.VBox):
    """Segments you can click, and a text box to type a path and press Enter."""

    def __init__(self, on_navigate: Callable[[str], None], **kwargs: Any) -> None:
        self._on_navigate = on_navigate
        self._buttons: list[w.Button] = []
        self._targets: list[str] = []
        self.segments = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        # Stretched rather than width 100%: 100% plus the widget's margin
        # pokes out of a narrow column.
        self.path_box = w.Text(
            placeholder="/path/to/folder", continuous_update=False,
            description="Path", layout=w.Layout(width="auto", align_self="stretch"),
        )
        self._showing = False
        # continuous_update=False: the value arrives on Enter (or leaving the box).
        self.path_box.observe(self._typed, names="value")
        super().__init__([self.segments, self.path_box], **kwargs)

    def _typed(self, change: dict) -> None:
        if not self._showing and change["new"].strip():
            self._on_navigate(change["new"].strip())

    def _button(self, index: int) -> w.Button:
        while len(self._buttons) <= index:
            i = len(self._buttons)
            b = w.Button(layout=w.Layout(width="auto"), tooltip="")
            b.on_click(lambda _b, i=i: self._on_navigate(self._targets[i]))
            self._buttons.append(b)
            self._targets.append("/")
        return self._buttons[index]

    def set_path(self, path: str) -> None:
        """Show ``path``: one button per segment, and the path in the box."""
        parts = split_path(path)
        with self.hold_sync():
            for i, (name, target) in enumerate(parts):
                b = self._button(i)
                b.description = name if i == 0 else f"\u203a {name}"
                b.tooltip = target
                self._targets[i] = target
                b.layout.display = None
            for b in self._buttons[len(parts):]:
                b.layout.display = "none"
            self.segments.children = tuple(self._buttons)
            self._showing = True
            try:
                self.path_box.value = path
            finally:
                self._showing = False

    def click(self, index: int) -> None:
        """Click segment ``index`` (0 is ``/``), as the user would."""
        self._buttons[index].click()

    @property
    def visible_segments(self) -> list[str]:
        """Names of the segments shown."""
        pairs = zip(self._buttons, self._targets, strict=True)
        return [t for b, t in pairs if b.layout.display != "none"]
