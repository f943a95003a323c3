"""What ties the contents manager to its Jupyter server: sessions and page config.

Kept apart from the manager because none of it is about CS3: which
notebooks have a live session (their edit locks are kept), the periodic
keeper task, and a page-config fix for Notebook 7.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from cs3widgets.client import CS3Error

from .locking import EditLocks


async def session_paths(server: Any, to_cs3: Callable[[str], str]) -> set[str]:
    """CS3 paths of the notebooks a Jupyter session (a kernel) has open on ``server``."""
    sessions = getattr(server, "session_manager", None)
    if sessions is None:
        return set()
    out = set()
    for s in await sessions.list_sessions():
        with contextlib.suppress(CS3Error):
            if s.get("path"):
                out.add(to_cs3(s["path"]))
    return out


async def keep_locks(
    locks: EditLocks,
    interval: float,
    live: Callable[[], Any],
    pool: Executor,
    log: logging.Logger | logging.LoggerAdapter[Any],
) -> None:
    """Every ``interval`` seconds refresh the locks in use and release the others."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(interval)
        try:
            paths = await live()
            await loop.run_in_executor(pool, locks.keep_alive, paths)
        except Exception:
            log.warning("refreshing the CS3 edit locks failed", exc_info=True)


def fix_preferred_path(server: Any, preferred_dir: str) -> bool:
    """Make Notebook 7's file browser start at the manager's root; True once installed.

    Notebook 7 computes its start folder from the server's *local*
    ``preferred_dir`` relative to the contents manager's ``root_dir`` (a CS3
    path here), so it would open a folder that does not exist. A page-config
    hook sets the API path instead. Its tree page asks ``dir_exists`` before
    it builds the page config, so installing the hook on the manager's first
    call is in time.
    """
    settings = getattr(getattr(server, "web_app", None), "settings", None)
    if settings is None:
        return False
    previous = settings.get("page_config_hook")
    preferred = "/" + preferred_dir.strip("/")

    def hook(handler: Any, page_config: dict[str, Any]) -> dict[str, Any]:
        if previous is not None:
            page_config = previous(handler, page_config)
        page_config["preferredPath"] = preferred
        return page_config

    settings["page_config_hook"] = hook
    return True


__all__ = ["fix_preferred_path", "keep_locks", "session_paths"]
