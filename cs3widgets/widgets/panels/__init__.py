"""Panels about one item or one user: the InfoPanel, the AccountPanel and the facts they show."""

from __future__ import annotations

from .account import AccountPanel
from .info import InfoPanel

__all__ = ["AccountPanel", "InfoPanel"]
