"""Serve the Browser's prepared downloads next to notebooks on CS3.

With :class:`~.manager.CS3ContentsManager`, the server's ``/files/`` route
reads through the contents manager, so from CS3; the Browser's downloads to
the user's computer, though, are prepared on the kernel's local disk
(``<kernel cwd>/cs3-downloads/``, see
:mod:`cs3widgets.widgets.browser.downloads`). This route, placed before the
general one, serves those folders from the server's local ``root_dir`` (the
kernels' root) with jupyter_server's own authenticated static file handler:
logged-in users only, streamed from disk, ``?download=1`` for
``Content-Disposition: attachment``.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.base.handlers import AuthenticatedFileHandler

#: The download folder's name (the widgets' ``FOLDER_NAME``).
FOLDER_NAME = "cs3-downloads"


def download_route(local_root: str) -> tuple[str, type, dict[str, Any]]:
    """``(pattern, handler, params)`` serving ``[<dir>/]cs3-downloads/...`` from ``local_root``."""
    return (rf"/files/((?:.+/)?{FOLDER_NAME}/.+)", AuthenticatedFileHandler,
            {"path": local_root})


__all__ = ["FOLDER_NAME", "download_route"]
