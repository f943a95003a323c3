"""The Browser widget: views, navigation, rendering and selection.

What each view lists and how its rows read lives in the view modules
(:mod:`.my_files`, :mod:`.shared_with_me`, :mod:`.shared_by_me`,
:mod:`.public_links`, :mod:`.trash`); file actions in :mod:`.file_actions`;
uploads and downloads in :mod:`.transfers` and :mod:`.transfer_panels`.
Every server call goes through the widget's runner (:mod:`..runner`), so
the constructor returns at once and the rows fill in when they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as w
from traitlets import Bool, Enum, List, Unicode, observe

from ...client import paths as cs3paths
from ...client.client import CS3Client
from ...client.errors import NotFound
from ...client.models import Entry
from ..breadcrumb import Breadcrumb
from ..connecting import ClientHolder
from ..errors_ui import StatusBanner, UserInputError, guarded
from ..listing import DEFAULT_PAGE_SIZE, VISIBLE_ROWS, PagedListing
from ..prompt import Confirm, Prompt
from ..runner import Runner
from ..toolbar import Toolbar
from ..transfers_ui import TransferList
from ..widget_tree import close_owned
from .file_actions import FileActions
from .my_files import SORT_KEYS, Folder
from .selection import Selection, call_user_callback
from .shared_with_me import RECEIVED_STATES
from .transfer_panels import DownloadPanel, UploadPanel
from .transfers import TransferActions
from .view import View
from .view_actions import ViewActions
from .view_commands import ViewCommands
from .views import VIEWS, make_views

#: Toolbar buttons that act on the folder shown (off in the other views).
FOLDER_BUTTONS = ("up", "new_folder", "upload", "download", "rename", "move", "delete")


class Browser(Selection, FileActions, ViewCommands, TransferActions, ClientHolder, w.VBox):
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

    # ------------------------------------------------------------ loading
    def _load_folder(self, path: str, after: Callable[[], None] | None = None,
                     on_error: Callable[[BaseException], None] | None = None) -> None:
        """List ``path`` (in the background) and show it; on failure nothing changes."""
        client = self._require_client()
        if path:
            path = cs3paths.validate_path(path)
        view = self._views["files"]
        arrangement = self._arrangement()

        def work() -> tuple[Folder, list[Entry], dict[str, Entry]]:
            # Sorting and indexing 100,000 entries takes a while: done here,
            # off the event loop, with the arrangement asked for.
            folder = view.load(client, path)
            rows = view.arrange(folder.entries, **arrangement)
            return folder, rows, {e.path: e for e in folder.entries}

        def apply(found: tuple[Folder, list[Entry], dict[str, Entry]]) -> None:
            folder, rows, by_path = found
            still = arrangement == self._arrangement()  # else sort again, here
            self._show_folder(folder, by_path, rows if still else None)
            if after is not None:
                after()

        self._run_listing(work, apply, on_error)

    def _show_folder(self, folder: Folder, by_path: dict[str, Entry],
                     rows: list[Entry] | None) -> None:
        view = self._views["files"]
        view.shared, view.linked = folder.shared, folder.linked  # type: ignore[attr-defined]
        self._items["files"] = folder.entries
        self._by_path = by_path
        self._set_quietly(path=folder.path)
        self.breadcrumb.set_path(folder.path)
        self._render(arranged=rows)
        self.banner.clear()

    def _load_view(self, name: str, after: Callable[[], None] | None = None) -> None:
        """Load a view other than My files (in the background) and show it."""
        client = self._require_client()
        view = self._views[name]

        def apply(items: list[Any]) -> None:
            self._items[name] = items
            self._attempted.pop(name, None)
            if self.view == name:
                self._render()
            self.banner.clear()
            if after is not None:
                after()

        self._run_listing(lambda: view.load(client, self.path), apply)

    def _run_listing(self, work: Callable[[], Any], apply: Callable[[Any], None],
                     on_error: Callable[[BaseException], None] | None = None) -> None:
        """Load rows on the runner with the table shown busy until they (or an error) arrive.

        A superseded load applies nothing: the newer one ends the busy state.
        """
        self.listing.set_busy(True)

        def done(result: Any) -> None:
            try:
                apply(result)
            finally:
                self.listing.set_busy(False)

        def failed(exc: BaseException) -> None:
            self.listing.set_busy(False)
            (on_error or self.banner.error)(exc)

        self._run(work, done, key="listing", on_error=failed)

    def _reload(self, after: Callable[[], None] | None = None) -> None:
        if self.current_view.shows_folder:
            self._load_folder(self.path, after)
        else:
            self._load_view(self.view, after)

    def _set_quietly(self, **traits: Any) -> None:
        """Set traits without the observers that would load again."""
        self._navigating = True
        try:
            with self.hold_trait_notifications():
                for name, value in traits.items():
                    setattr(self, name, value)
        finally:
            self._navigating = False

    # ------------------------------------------------------------ navigation
    @observe("path")
    def _path_set(self, change: dict) -> None:
        """``browser.path = "/x"`` from Python navigates (and reverts if that fails)."""
        if self._navigating or self.client is None:
            return
        self.navigate(change["new"], back_to=change["old"])

    def navigate(self, path: str, back_to: str | None = None) -> None:
        """Show folder ``path`` (in the "My files" view); on failure stay, and say why.

        ``back_to``: the folder to show again on failure (default: the one shown).
        """

        def failed(exc: BaseException) -> None:
            missing = isinstance(exc, NotFound) and path
            self.banner.error(exc, doing=f"open {path}",
                              message=f"There is no folder {path}" if missing else None)
            if back_to is not None:
                self._set_quietly(path=back_to)
            self.breadcrumb.set_path(self.path)  # the path box shows the folder shown again

        try:
            self._switch_view("files")
            self._load_folder(path, on_error=failed)
        except Exception as exc:
            failed(exc)

    def _on_breadcrumb(self, target: str) -> None:
        self.navigate(target)

    @guarded
    def go_home(self) -> None:
        """Show the user's home folder."""
        client = self._require_client()
        home = getattr(getattr(client, "config", None), "home", "")
        self.navigate(home or "")  # "" = the home, asked on the worker thread

    @guarded
    def go_up(self) -> None:
        """Show the parent folder."""
        if self.path and self.path != "/":
            self.navigate(cs3paths.parent(self.path))

    @guarded
    def refresh(self) -> None:
        """Reload the current view from the server."""
        self._switch_view(self.view)
        self._reload()

    @guarded
    def open_selected(self) -> None:
        """Open the selected folder (or, in the sharing views, the shared resource)."""
        keys = self.listing.selected_keys
        if len(keys) != 1:
            raise UserInputError("Select one item to open")
        self._open_key(keys[0])

    @guarded
    def _open_key(self, key: Hashable) -> None:
        """Open the row of ``key`` (a click on a folder's name, or Open)."""
        view = self.current_view
        item = self._by_path[key] if view.shows_folder else self._keyed()[key]
        client = self._require_client()
        self._run(lambda: view.open_target(client, item), self.navigate)

    # ------------------------------------------------------------ views
    def _on_view_tab(self, change: dict) -> None:
        self.view = change["new"]

    @observe("view")
    def _view_changed(self, change: dict) -> None:
        if self.view_tabs.value != change["new"]:
            self.view_tabs.value = change["new"]
        if not self._navigating:
            self._show_view(change["new"])

    @guarded
    def _show_view(self, name: str) -> None:
        self._switch_view(name)
        self._render()  # what was loaded before, at once; then the fresh rows
        self._reload()

    def _switch_view(self, name: str) -> None:
        """Show the controls of view ``name``; set the trait without reloading."""
        view = self._views[name]
        folder = view.shows_folder
        with self.hold_sync():
            self.breadcrumb.layout.display = None if folder else "none"
            for button in FOLDER_BUTTONS:
                self.runner.set_disabled(getattr(self.toolbar, button), not folder)
            self.hidden_toggle.layout.display = None if folder else "none"
            self.state_filter.layout.display = None if view.has_states else "none"
            self.view_actions.show(name)
            if not folder:
                self.upload_panel.hide()
                self.download_panel.hide()
        self.prompt.close_prompt()
        self.confirm.dismiss()
        if self.view != name:
            self._set_quietly(view=name)

    # ------------------------------------------------------------ rendering
    def _arrangement(self) -> dict[str, Any]:
        """The filter and order the user asked for (what ``View.arrange`` takes)."""
        return {"pattern": self.filter_pattern, "state": self.state_filter.value,
                "sort_by": self.sort_by, "descending": self.descending,
                "show_hidden": self.show_hidden}

    def _render(self, keep_page: bool = False, arranged: Sequence[Any] | None = None) -> None:
        view = self.current_view
        if arranged is None:
            arranged = view.arrange(self._items[view.name], **self._arrangement())
        previous = list(self.selected) if view.shows_folder else self.listing.selected_keys
        with self.hold_sync():
            # Only the folder view sorts by its headers; the others keep their order.
            self.listing.set_sort(self.sort_by if view.shows_folder else None, self.descending)
            self.listing.set_items(arranged, key=view.key, cells=view.cells,
                                   columns=view.columns, opens=view.opens,
                                   keep_page=keep_page, empty_text=view.empty_text)
            if previous:
                self.listing.select_keys(previous)
        self._sync_selected()
        self._complete_page()

    def _complete_page(self) -> None:
        """Fill in what the rows on the page lack (shares' paths): page-sized work.

        Only the rows shown are completed, each once, so the cost of a view
        grows with the page, not with the number of rows.
        """
        view = self.current_view
        attempted = self._attempted.setdefault(view.name, set())
        rows = [r for r in self.listing.page_items()
                if view.incomplete(r) and view.key(r) not in attempted]
        if not rows or self.client is None:
            return
        attempted.update(view.key(r) for r in rows)
        client, name = self.client, view.name

        def apply(done: list[Any]) -> None:
            fresh = {view.key(r): r for r in done}
            self._items[name] = [fresh.get(view.key(r), r) for r in self._items[name]]
            if self.view == name:
                self._render(keep_page=True)

        self._run(lambda: view.complete(client, rows), apply, key=("complete", name))

    def _on_filter_box(self, change: dict) -> None:
        self.filter_pattern = change["new"]

    def _on_header_sort(self, key: str) -> None:
        """A header click: sort by that column, or reverse the order if it is the one."""
        if key == self.sort_by:
            self.descending = not self.descending
            return
        self._sort_pending = True  # one sort of the rows, not one per trait
        try:
            self.descending = False
        finally:
            self._sort_pending = False
        self.sort_by = key

    def _on_hidden_toggle(self, change: dict) -> None:
        self.show_hidden = bool(change["new"])

    @observe("filter_pattern", "sort_by", "descending", "show_hidden")
    def _arrangement_changed(self, change: dict) -> None:
        # Keep the controls and the traits in step, whichever was changed.
        with self.hold_sync():
            self.filter_box.value = self.filter_pattern
            self.hidden_toggle.value = self.show_hidden
        if not self._sort_pending:
            self._safe_rerender()

    @guarded
    def _safe_rerender(self) -> None:
        self._render()

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
