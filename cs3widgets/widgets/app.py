"""CS3App: the Browser with the info, share and account panels beside it.

One widget for a cell or a Voilà dashboard. The panels follow the browser:
selecting one item shows its details and its sharing.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..client.client import CS3Client
from .account_panel import AccountPanel
from .browser import Browser
from .connecting import resolve_client
from .errors_ui import StatusBanner
from .info_panel import InfoPanel
from .share_dialog import ShareDialog

TABS = ("Info", "Share", "Account")


class CS3App(w.HBox):
    """Browser on the left; Info / Share / Account tabs on the right."""

    def __init__(self, path: str | None = None, client: CS3Client | None = None,
                 **kwargs: Any) -> None:
        self.banner = StatusBanner()
        try:
            self.client: CS3Client | None = resolve_client(client)
        except Exception as exc:
            self.client = None
            self.banner.error(exc)
            super().__init__([self.banner], **kwargs)
            return
        browser_kwargs = {k: kwargs.pop(k) for k in ("page_size", "threaded") if k in kwargs}
        # Side by side where there is room (about 3:2), stacked where there is
        # not. min_width 0: a flex item otherwise never gets narrower than its
        # content (the listing's long monospace rows) and slides under the tabs.
        self.browser = Browser(path, client=self.client,
                               layout=w.Layout(flex="3 1 34em", min_width="0"),
                               **browser_kwargs)
        self.info = InfoPanel(client=self.client)
        self.share = ShareDialog(client=self.client)
        self.account = AccountPanel(client=self.client)
        self.tabs = w.Tab(children=[self.info, self.share, self.account],
                          layout=w.Layout(flex="2 1 24em", min_width="0"))
        for i, title in enumerate(TABS):
            self.tabs.set_title(i, title)
        kwargs.setdefault("layout", w.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([self.browser, self.tabs], **kwargs)
        self.add_class("cs3w-app")
        self.browser.observe(self._on_selection, names="selected")
        self.browser.observe(self._on_path, names="path")
        self._follow(self.browser.path)

    def _on_selection(self, change: dict) -> None:
        selected = change["new"]
        self._follow(selected[0] if len(selected) == 1 else self.browser.path)

    def _on_path(self, change: dict) -> None:
        if not self.browser.selected:
            self._follow(change["new"])

    def _follow(self, path: str) -> None:
        """Point the info and share panels at ``path``."""
        if not path:
            return
        if self.info.path != path:
            self.info.path = path
        if self.share.path != path:
            self.share.path = path

    @property
    def selected(self) -> list[str]:
        """The browser's selection."""
        return list(self.browser.selected)
