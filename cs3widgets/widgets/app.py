"""CS3App: the Browser with the info, share and account panels beside it.

One widget for a cell or a Voilà dashboard. The panels follow the browser:
selecting one item shows its details and its sharing. The four widgets
share one runner, and one selection makes one fetch of the resource's
facts (:func:`~.resource_facts.fetch_facts`) that both panels show.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..client.client import CS3Client
from .base.client_holder import resolve_client
from .base.messages import StatusBanner
from .base.runner import Runner
from .base.widget_tree import close_owned
from .browser import Browser
from .panels.account import AccountPanel
from .panels.facts import ResourceFacts, fetch_facts
from .panels.info import InfoPanel
from .sharing.dialog import ShareDialog

TABS = ("Info", "Share", "Account")


class CS3App(w.HBox):
    """Browser on the left; Info / Share / Account tabs on the right."""

    def __init__(self, path: str | None = None, client: CS3Client | None = None,
                 **kwargs: Any) -> None:
        self.banner = StatusBanner()
        threaded = kwargs.pop("threaded", True)
        self.runner = Runner(sync=not threaded)
        try:
            self.client: CS3Client | None = resolve_client(client)
        except Exception as exc:
            self.client = None
            self.banner.error(exc)
            super().__init__([self.banner], **kwargs)
            return
        browser_kwargs = {k: kwargs.pop(k) for k in ("page_size",) if k in kwargs}
        # Side by side where there is room (about 3:2), stacked where there is
        # not. min_width 0: a flex item otherwise never gets narrower than its
        # content (the listing's long monospace rows) and slides under the tabs.
        self.browser = Browser(path, client=self.client, runner=self.runner,
                               layout=w.Layout(flex="3 1 34em", min_width="0"),
                               **browser_kwargs)
        self.info = InfoPanel(client=self.client, runner=self.runner)
        self.share = ShareDialog(client=self.client, runner=self.runner)
        self.info.follows_app = self.share.follows_app = True
        self.account = AccountPanel(client=self.client, runner=self.runner)
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
        """Point the info and share panels at ``path``: one fetch serves both."""
        if not path or (self.info.path == path and self.share.path == path):
            return
        self.info.path = path
        self.share.path = path
        client = self.client
        assert client is not None

        def show(facts: ResourceFacts) -> None:
            self.info.show_facts(facts)
            self.share.show_facts(facts)

        def failed(exc: BaseException) -> None:
            self.info.banner.error(exc)
            self.share.banner.error(exc)

        lookups = self.runner.map
        self.runner.submit(lambda: fetch_facts(client, path, lookups=lookups), show,
                           on_error=failed,
                           key=(id(self), "facts"), busy=self.info.busy)

    @property
    def selected(self) -> list[str]:
        """The browser's selection."""
        return list(self.browser.selected)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the pending work of the browser and the panels (scripts, tests)."""
        return self.runner.wait(timeout)

    def close(self) -> None:
        """Close the browser, the panels and every widget they made."""
        self.runner.close()
        for part in ("browser", "info", "share", "account"):
            widget = getattr(self, part, None)
            if widget is not None:
                widget.close()
        close_owned(self)
