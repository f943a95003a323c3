"""The Browser's views, in tab order. A new view is one module plus one line here."""

from __future__ import annotations

from .my_files import MyFilesView
from .public_links import PublicLinksView
from .shared_by_me import SharedByMeView
from .shared_with_me import SharedWithMeView
from .trash import TrashView
from .view import View

VIEW_CLASSES: tuple[type[View], ...] = (
    MyFilesView, SharedWithMeView, SharedByMeView, PublicLinksView, TrashView,
)

#: view name -> tab title.
VIEWS: dict[str, str] = {cls.name: cls.title for cls in VIEW_CLASSES}


def make_views() -> dict[str, View]:
    """One instance of every view, by name (each Browser has its own)."""
    return {cls.name: cls() for cls in VIEW_CLASSES}


__all__ = ["VIEWS", "VIEW_CLASSES", "make_views"]
