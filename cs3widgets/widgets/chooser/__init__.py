"""The FileChooser: ipyfilechooser's API over CS3 (:mod:`.widget`) and its parts."""

from __future__ import annotations

from .dialog import MAX_SHOWN, PARDIR
from .widget import FileChooser

__all__ = ["MAX_SHOWN", "PARDIR", "FileChooser"]
