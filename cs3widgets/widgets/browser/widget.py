"""The Browser widget: its traits, its parts and how they are wired together.

What the Browser does is in mixins, one module each: loading rows in
:mod:`.loading`, moving between folders and views in :mod:`.navigation`,
showing the rows (filter, sort, page) in :mod:`.rendering`, and the
selection in :mod:`.selection`. What each view lists and how its rows read
lives in the view modules (:mod:`.my_files`, :mod:`.shared_with_me`,
:mod:`.shared_by_me`, :mod:`.public_links`, :mod:`.trash`); file actions in
:mod:`.file_actions`; uploads and downloads in :mod:`.transfers` and
:mod:`.transfer_panels`. Every server call goes through the widget's runner
(:mod:`..runner`), so the constructor returns at once and the rows fill in
when they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as w
from traitlets import Bool, Enum, List, Unicode, observe

from ...client.client import CS3Client
from ...client.models import Entry
from ..base.client_holder import ClientHolder
from ..base.messages import StatusBanner
from ..base.prompt import Confirm, Prompt
from ..base.runner import Runner
from ..base.user_callbacks import call_user_callback
from ..base.widget_tree import close_owned
from .breadcrumb import Breadcrumb
from .file_actions import FileActions
from .listing import DEFAULT_PAGE_SIZE, VISIBLE_ROWS, PagedListing
from .loading import Loading
from .my_files import SORT_KEYS
from .navigation import FOLDER_BUTTONS as FOLDER_BUTTONS
from .navigation import Navigation
from .rendering import Rendering
from .selection import Selection
from .shared_with_me import RECEIVED_STATES
from .toolbar import Toolbar
from .transfer_panels import DownloadPanel, UploadPanel
from .transfer_progress import TransferList
from .transfers import TransferActions
from .view import View
from .view_actions import ViewActions
from .view_commands import ViewCommands
from .views import VIEWS, make_views


class Browser(Navigation, Loading, Rendering, Selection, FileActions, ViewCommands,
              TransferActions, ClientHolder, w.VBox):
    """A file browser for a CS3 storage.

    ``Browser()`` connects with :meth:`CS3Client.from_config
    <cs3widgets.client.CS3Client.from_config>`; ``Browser(client=...)`` uses
    a client you made. ``path`` is settable; ``selected`` lists the selected
    paths; ``register_callback(fn)`` calls ``fn(browser)`` when the
    selection changes. Server work runs in the background: in a script,
    call :meth:`wait` before reading what it loaded (or pass
    ``threaded=False`` to wait inside every action).
    """

    #: The folder shown (absolute CS3 path). Set it to navigate.
    path = Unicode("", help="The folder shown")
    #: Paths of the selected entries (in the "My files" view).
    selected = List(Unicode(), help="Selected paths")
    #: The view shown.
    view = Enum(list(VIEWS), default_value="files", help="The view shown")
    sort_by = Enum(list(SORT_KEYS), default_value="name")
    descending = Bool(False)
    show_hidden = Bool(False)
    filter_pattern = Unicode("")

    def __init__(
        self,
        path: str | None = None,
        client: CS3Client | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        visible_rows: int = VISIBLE_ROWS,
        threaded: bool = True,
        show_hidden: bool = False,
        runner: Runner | None = None,
        **kwargs: Any,
    ) -> None:
        self.banner = StatusBanner()
        self._init_runner(runner, threaded)
        self._callbacks: list[Callable[..., Any]] = []
        self._navigating = False
        self._sort_pending = False  # a header click sets two traits: sort once
        self._views: dict[str, View] = make_views()
        self._items: dict[str, Sequence[Any]] = {name: [] for name in self._views}
        self._attempted: dict[str, set[Hashable]] = {}  # rows completed, per view
        self._by_path: dict[str, Entry] = {}

        self.view_tabs = w.ToggleButtons(
            options=[(title, key) for key, title in VIEWS.items()], value="files",
            style={"button_width": "auto"},
        )
        self.toolbar = Toolbar()
        self.breadcrumb = Breadcrumb(self._on_breadcrumb)
        self.filter_box = w.Text(placeholder="filter (text or *.csv)", description="Filter",
                                 continuous_update=True, layout=w.Layout(width="18em"))
        self.hidden_toggle = w.Checkbox(value=show_hidden, description="Show hidden",
                                        indent=False, layout=w.Layout(width="9em"))
        self.state_filter = w.Dropdown(options=list(RECEIVED_STATES), value="all",
                                       description="State", layout=w.Layout(width="13em"))
        # Wraps rather than overflowing when the browser shares the width (CS3App).
        # Sorting is the table's headers (a click sorts, a second click reverses).
        self.controls = w.HBox([self.filter_box, self.hidden_toggle, self.state_filter, self.busy],
                               layout=w.Layout(flex_flow="row wrap"))
        self.prompt = Prompt(runner=self.runner)
        self.confirm = Confirm()
        self.listing = PagedListing(page_size=page_size, visible_rows=visible_rows)
        self.view_actions = ViewActions(self._views)
        self.transfers = TransferList(post=self.runner.post)
        self.upload_panel = UploadPanel(self)
        self.download_panel = DownloadPanel(self)
        super().__init__(**kwargs)
        self.children = [
            self.banner, self.view_tabs, self.toolbar, self.breadcrumb, self.controls,
            self.prompt, self.confirm, self.view_actions, self.listing,
            self.upload_panel, self.download_panel, self.transfers,
        ]
        self.add_class("cs3w-browser")
        self._wire()
        if not self._connect(client):
            return
        self.show_hidden = show_hidden
        start = path or getattr(getattr(self.client, "config", None), "home", "") or ""
        self._load_folder(start)

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        t = self.toolbar
        t.home.on_click(lambda _b: self.go_home())
        t.up.on_click(lambda _b: self.go_up())
        t.refresh.on_click(lambda _b: self.refresh())
        t.open_item.on_click(lambda _b: self.open_selected())
        t.new_folder.on_click(lambda _b: self._ask_mkdir())
        t.upload.on_click(lambda _b: self.upload_panel.toggle())
        t.download.on_click(lambda _b: self._on_download_clicked())
        t.rename.on_click(lambda _b: self._ask_rename())
        t.move.on_click(lambda _b: self._ask_move())
        t.delete.on_click(lambda _b: self._ask_delete())
        self.view_tabs.observe(self._on_view_tab, names="value")
        self.filter_box.observe(self._on_filter_box, names="value")
        self.hidden_toggle.observe(self._on_hidden_toggle, names="value")
        self.state_filter.observe(lambda _c: self._safe_rerender(), names="value")
        self.listing.on_selection(lambda _keys: self._sync_selected())
        self.listing.on_page(self._complete_page)
        self.listing.on_sort(self._on_header_sort)
        self.listing.on_open(self._open_key)
        for name, button in self.view_actions.buttons.items():
            button.on_click(lambda _b, name=name: self.run_view_action(name))

    # ------------------------------------------------------------ Python API
    def register_callback(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(browser)`` (or ``callback()``) whenever the selection changes."""
        self._callbacks.append(callback)

    @property
    def entries(self) -> list[Entry]:
        """Entries of the current folder after filter and sort (every page)."""
        return list(self.listing.items) if self.current_view.shows_folder else []

    @property
    def current_view(self) -> View:
        """The :class:`~.view.View` shown."""
        return self._views[self.view]

    # ------------------------------------------------------------ reactions
    # The trait observers stay on the class (see _selected_trait); each hands on
    # to the mixin that does the work.
    @observe("path")
    def _path_set(self, change: dict) -> None:
        """``browser.path = "/x"`` from Python navigates (and reverts if that fails)."""
        if self._navigating or self.client is None:
            return
        self.navigate(change["new"], back_to=change["old"])

    @observe("view")
    def _view_changed(self, change: dict) -> None:
        if self.view_tabs.value != change["new"]:
            self.view_tabs.value = change["new"]
        if not self._navigating:
            self._show_view(change["new"])

    @observe("filter_pattern", "sort_by", "descending", "show_hidden")
    def _arrangement_changed(self, change: dict) -> None:
        # Keep the controls and the traits in step, whichever was changed.
        with self.hold_sync():
            self.filter_box.value = self.filter_pattern
            self.hidden_toggle.value = self.show_hidden
        if not self._sort_pending:
            self._safe_rerender()

    @observe("selected")
    def _selected_trait(self, change: dict) -> None:
        # traitlets registers observers of the class itself only, not of mixins.
        self._on_selected(change)

    # ------------------------------------------------------------ closing
    def close(self) -> None:
        """Close every widget this browser made (shown or not) and drop its data."""
        self._close_runner()
        self._callbacks.clear()
        self._items = {name: [] for name in self._views}
        self._by_path = {}
        self.listing.set_items([], key=lambda x: x, label=str)
        close_owned(self)

    def __repr__(self) -> str:
        return f"Browser(path={self.path!r}, view={self.view!r})"


__all__ = ["Browser", "call_user_callback"]
