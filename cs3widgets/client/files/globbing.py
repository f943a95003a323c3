"""Shell-pattern search over the tree: :meth:`GlobOps.glob`."""

from __future__ import annotations

import fnmatch
import re

from ..errors import InvalidName, NotFound
from ..paths import ROOT, join, validate_name
from .reading import ReadOps

_GLOB_MAGIC = re.compile(r"[*?\[]")


def _glob_segments(pattern: str) -> list[str]:
    """Split an absolute glob pattern; literal segments are validated as names."""
    if not isinstance(pattern, str) or not pattern.startswith("/"):
        raise InvalidName("a glob pattern must be an absolute path", path=str(pattern)[:80])
    if "\x00" in pattern:
        raise InvalidName("a glob pattern cannot contain a NUL byte")
    segments = pattern.strip("/").split("/") if pattern.strip("/") else []
    for seg in segments:
        if not _GLOB_MAGIC.search(seg) and seg != "**":
            validate_name(seg)
        elif seg == "":
            raise InvalidName("the pattern has an empty segment ('//')", path=pattern[:80])
    return segments


class GlobOps(ReadOps):
    """Glob on top of listing; part of :class:`~.files.Files`."""

    def glob(self, pattern: str) -> list[str]:
        """Paths matching an absolute shell pattern (``*``, ``?``, ``[..]``, ``**``).

        Matching is :func:`fnmatch.fnmatchcase` on names from ``list``; only the
        folders a pattern can reach are listed. ``**`` matches zero or more
        folders. Hidden names are matched like any other. Returns sorted paths.
        """
        segments = _glob_segments(pattern)
        found: set[str] = set()
        self._glob(ROOT, segments, found)
        return sorted(found)

    def _glob(self, base: str, segments: list[str], found: set[str]) -> None:
        if not segments:
            found.add(base)
            return
        seg, rest = segments[0], segments[1:]
        if seg == "**":
            self._glob(base, rest, found)  # zero folders
            try:
                children = [e for e in self.iter_list(base) if e.is_dir]
            except NotFound:
                return
            for child in children:
                self._glob(join(base, child.name), segments, found)
            return
        if not _GLOB_MAGIC.search(seg):
            target = join(base, seg)
            if not rest:
                if self.exists(target):
                    found.add(target)
            else:
                self._glob(target, rest, found)
            return
        try:
            entries = list(self.iter_list(base))
        except NotFound:
            return
        for e in entries:
            if fnmatch.fnmatchcase(e.name, seg) and (not rest or e.is_dir):
                self._glob(join(base, e.name), rest, found)
