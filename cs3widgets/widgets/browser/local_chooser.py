"""``ipyfilechooser.FileChooser`` for the kernel's disk, with its HTML escaped.

ipyfilechooser (0.6) writes the picked path into an ``HTML`` widget through
``_LBL_TEMPLATE.format(path, color)``, unescaped: a local file named
``<img src=x onerror=alert(1)>.txt`` would run script in the page. Every
place it fills that label goes through the template, so the template here
escapes what it is given. Its other strings (folder and file names) go into
``Select``/``Dropdown`` options and a ``Text`` value, which the front end
shows as text. The title is HTML by ipyfilechooser's contract; it is set
with :meth:`LocalChooser.set_title_text` from plain text.
"""

from __future__ import annotations

import html
from typing import Any

from ipyfilechooser import FileChooser


class _EscapingTemplate(str):
    """A ``str.format`` template that escapes the text it is given (not the colour)."""

    def format(self, *args: Any, **kwargs: Any) -> str:
        text, color = args
        return str.format(self, html.escape(str(text)), html.escape(str(color), quote=True))


class LocalChooser(FileChooser):
    """``ipyfilechooser.FileChooser`` whose label escapes the path it shows."""

    _LBL_TEMPLATE = _EscapingTemplate('<span style="color:{1};">{0}</span>')

    def set_title_text(self, text: str) -> None:
        """Set the title from plain text (escaped)."""
        self.title = html.escape(text)


__all__ = ["LocalChooser"]
