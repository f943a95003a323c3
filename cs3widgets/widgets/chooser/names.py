"""What the FileChooser accepts as a name and a place: pure checks, no widgets."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from ipyfilechooser.errors import InvalidFileNameError, InvalidPathError

from ...client import paths as cs3paths
from ...client.errors import InvalidName

#: One or more fnmatch patterns, as ipyfilechooser's ``filter_pattern``.
Patterns = Sequence[str] | str | None


def is_valid_filename(filename: str) -> bool:
    """A file name ipyfilechooser accepts: no ``..``, no ``/``, no NUL."""
    return ".." not in filename and "/" not in filename and "\x00" not in filename


def name_refused(filename: str) -> str | None:
    """Why a typed ``filename`` can never be selected, or None."""
    if not is_valid_filename(filename):
        return InvalidFileNameError(filename).message
    if filename:
        try:
            cs3paths.validate_name(filename)
        except InvalidName as exc:
            return exc.message
    return None


def within(path: str, sandbox: str | None) -> bool:
    """Whether ``path`` is ``sandbox`` or below it (no sandbox: anywhere)."""
    if not sandbox or sandbox == "/":
        return True
    return path == sandbox or path.startswith(sandbox.rstrip("/") + "/")


def matches(name: str, patterns: Patterns) -> bool:
    """Whether ``name`` matches one of ``patterns`` (none: every name does)."""
    if not patterns:
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in patterns)


def normalize(path: str) -> str:
    """Validate ``path`` (syntax only; that it is a folder, the server says later)."""
    try:
        return cs3paths.validate_path(path)
    except InvalidName as exc:
        raise InvalidPathError(path, exc.message) from None


__all__ = ["Patterns", "is_valid_filename", "matches", "name_refused", "normalize", "within"]
