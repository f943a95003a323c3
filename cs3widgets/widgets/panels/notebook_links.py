"""Links that open a CS3 notebook in this Jupyter server's front ends.

When the Jupyter server runs ``CS3ContentsManager`` (see
:mod:`cs3widgets.contents`), a notebook at CS3 path ``<root>/a/b.ipynb``
is the front end's ``a/b.ipynb``: JupyterLab opens it at
``<base_url>lab/tree/a/b.ipynb`` and Notebook 7 at
``<base_url>notebooks/a/b.ipynb``. Plain links, no JavaScript: the page
that shows the widget is served by that same Jupyter server, so relative
URLs reach it. ``base_url`` is JupyterHub's prefix for the user's server
(``JUPYTERHUB_SERVICE_PREFIX``, as in SWAN) or ``/``.
"""

from __future__ import annotations

import html
import os
from urllib.parse import quote

from ...client.models import Entry
from ...client.paths import is_within

#: (label, front-end route) of the links shown.
FRONT_ENDS = (("Open in JupyterLab", "lab/tree"), ("Open in Notebook 7", "notebooks"))


def base_url() -> str:
    """The Jupyter server's base URL, as the kernel's environment tells it."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/") or "/"
    return prefix if prefix.endswith("/") else prefix + "/"


def api_path(path: str, root: str) -> str | None:
    """``path`` relative to the contents manager's ``root``; None when outside it."""
    root = root.rstrip("/") or "/"
    if path == root or not is_within(path, root):
        return None
    return path[len(root.rstrip("/")) + 1 :]


def open_links(entry: Entry | None, root: str, base: str | None = None) -> list[tuple[str, str]]:
    """``(label, url)`` of the links that open ``entry`` (notebooks under ``root`` only)."""
    if entry is None or entry.is_dir or not entry.name.endswith(".ipynb") or not root:
        return []
    rel = api_path(entry.path, root)
    if rel is None:
        return []
    prefix = base_url() if base is None else base
    return [(label, f"{prefix}{route}/{quote(rel)}") for label, route in FRONT_ENDS]


def links_html(entry: Entry | None, root: str, base: str | None = None) -> str:
    """The links as HTML (names are URL-quoted, and the whole is escaped)."""
    links = open_links(entry, root, base)
    return " · ".join(
        f"<a href='{html.escape(url, quote=True)}' target='_blank' rel='noopener'>"
        f"{html.escape(label)}</a>"
        for label, url in links
    )


__all__ = ["FRONT_ENDS", "api_path", "base_url", "links_html", "open_links"]
