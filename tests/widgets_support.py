"""Helpers shared by the widget tests (no fixtures: those live in conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from cs3widgets.widgets.base.widget_tree import walk


def live_models() -> int:
    """How many widget models exist in the kernel right now."""
    return len(_instances)


def names(browser: Any) -> list[str]:
    """Names on the current page of a Browser in the My files view."""
    return [e.name for e in browser.listing.page_items()]


def all_names(browser: Any) -> list[str]:
    """Names on every page (the home folder holds other tests' folders too)."""
    return [e.name for e in browser.entries]


def html_values(root: w.Widget) -> list[str]:
    """The value of every HTML widget reachable from ``root`` (what the front end renders)."""
    return [x.value for x in walk(root) if isinstance(x, (w.HTML, w.HTMLMath))]


def all_state_text(root: w.Widget | None = None) -> str:
    """Every synced state as a saved notebook would hold it, as one string.

    ``root=None`` takes every widget in the kernel (``get_manager_state``).
    """
    if root is None:
        state: Any = w.Widget.get_manager_state(drop_defaults=False)
    else:
        state = {x.model_id: x.get_state() for x in walk(root)}
    return json.dumps(state, default=lambda o: bytes(o).hex() if isinstance(
        o, (bytes, bytearray, memoryview)) else str(o))


def click_until_ok(button: w.Button, banner: Any, attempts: int = 60) -> None:
    """Click ``button`` until the banner shows no error (a restarted server needs a moment)."""
    import time

    for _ in range(attempts):
        button.click()
        if not banner.is_error:
            return
        time.sleep(1)
    raise AssertionError(f"still failing: {banner.message}")


#: The public web address tests configure for public links.
PUBLIC_BASE = "https://cernbox.example.org"


def configured_client(gateway: str, username: str = "einstein", **settings: str) -> Any:
    """A demo user's client built from a CS3Config (no env, no config files) plus ``settings``."""
    from cs3widgets.client import CS3Client
    from cs3widgets.client.config import CS3Config
    from cs3widgets.devserver import DEMO_USERS

    user = DEMO_USERS[username]
    cfg = CS3Config.load(env={}, config_paths=[], gateway=gateway, user=user.username,
                         password=user.password, **settings)
    return CS3Client.from_config(cfg)


def row_label(browser: Any, key: Any) -> str:
    """The text of row ``key``, turning to its page first (other tests' rows may
    fill the pages before it: they share the demo users' accounts)."""
    browser.wait(60)
    assert browser.listing.turn_to(key), f"{key} is on no page"
    browser.wait(60)  # what the page's rows lacked, filled in
    return browser.listing.labels[browser.listing.page_keys.index(key)].replace("\u00a0", " ")
