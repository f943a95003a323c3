"""Sharing one item: the ShareDialog, its form, its rows of grantees and links, federation."""

from __future__ import annotations

from .dialog import ShareDialog

__all__ = ["ShareDialog"]
