"""The file Browser: toolbar, breadcrumb, paged listing, views and transfers.

Everything the user can click has a Python twin (``navigate``, ``mkdir``,
``rename``, ``delete`` ...), and every handler runs inside
:func:`~cs3widgets.widgets.errors_ui.guarded`, so a failure shows in the
banner and the widget stays usable.
"""

from __future__ import annotations

import base64
import inspect
import logging
import os
import posixpath
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from traitlets import Bool, Enum, List, Unicode, observe

from ..client import paths as cs3paths
from ..client.client import CS3Client
from ..client.errors import CS3Error
from ..client.models import Entry, PublicLink, ReceivedShare, RecycleItem, Share
from . import views
from .async_work import Worker
from .breadcrumb import Breadcrumb
from .connecting import ClientHolder
from .errors_ui import StatusBanner, UserInputError, guarded
from .formatting import esc, human_size
from .listing import PagedListing
from .prompt import Confirm, Prompt
from .toolbar import Toolbar
from .transfers_ui import TransferList, TransferProgress

log = logging.getLogger("cs3widgets.widgets")

#: Largest file offered as a direct download to the user's computer. The
#: bytes travel inside the widget's state (a data: URI), so keep it modest.
BROWSER_DOWNLOAD_LIMIT = 20 * 1024 * 1024


def _call_user_callback(fn: Callable[..., Any], widget: Any) -> None:
    """Call ``fn(widget)``, or ``fn()`` when it takes no argument (as ipyfilechooser)."""
    try:
        params = inspect.signature(fn).parameters.values()
        takes_arg = any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
            for p in params
        )
    except (TypeError, ValueError):
        takes_arg = True
    if takes_arg:
        fn(widget)
    else:
        fn()


class Browser(ClientHolder, w.VBox):
    """A file browser for a CS3 storage.

    ``Browser()`` connects with :func:`cs3widgets.connect` (config files and
    ``CS3_*`` environment variables); ``Browser(client=...)`` uses a client
    you made. ``path`` is settable; ``selected`` lists the selected paths;
    ``register_callback(fn)`` calls ``fn(browser)`` when the selection
    changes.
    """

    #: The folder shown (absolute CS3 path). Set it to navigate.
    path = Unicode("", help="The folder shown")
    #: Paths of the selected entries (in the "My files" view).
    selected = List(Unicode(), help="Selected paths")
    #: The view shown.
    view = Enum(list(views.VIEWS), default_value="files", help="The view shown")
    sort_by = Enum(list(views.SORT_KEYS), default_value="name")
    descending = Bool(False)
    show_hidden = Bool(False)
    filter_pattern = Unicode("")

    def __init__(
        self,
        path: str | None = None,
        client: CS3Client | None = None,
        *,
        page_size: int = 200,
        visible_rows: int = 15,
        threaded: bool = True,
        show_hidden: bool = False,
        **kwargs: Any,
    ) -> None:
        self.banner = StatusBanner()
        self._callbacks: list[Callable[..., Any]] = []
        self._navigating = False
        self._entries: list[Entry] = []
        self._by_path: dict[str, Entry] = {}
        self._shared_ids: set[Any] = set()
        self._linked_ids: set[Any] = set()
        self._items_by_key: dict[Hashable, Any] = {}
        self._local_upload: Any = None
        self._local_download: Any = None
        self.worker = Worker(self.banner.error, threaded=threaded)

        # -- widgets ------------------------------------------------------
        self.view_tabs = w.ToggleButtons(
            options=[(title, key) for key, title in views.VIEWS.items()], value="files",
            style={"button_width": "auto"},
        )
        self.toolbar = Toolbar()
        self.breadcrumb = Breadcrumb(self._on_breadcrumb)
        self.filter_box = w.Text(placeholder="filter (text or *.csv)", description="Filter",
                                 continuous_update=True, layout=w.Layout(width="18em"))
        self.sort_dropdown = w.Dropdown(options=[("Name", "name"), ("Size", "size"),
                                                 ("Modified", "modified")],
                                        value="name", description="Sort",
                                        layout=w.Layout(width="13em"))
        self.order_toggle = w.ToggleButton(value=False, description="Descending",
                                           icon="sort-amount-desc",
                                           layout=w.Layout(width="9em"))
        self.hidden_toggle = w.Checkbox(value=show_hidden, description="Show hidden",
                                        indent=False, layout=w.Layout(width="9em"))
        self.state_filter = w.Dropdown(options=list(views.RECEIVED_STATES), value="all",
                                       description="State", layout=w.Layout(width="13em"))
        # Wraps rather than overflowing when the browser shares the width (CS3App).
        self.controls = w.HBox([self.filter_box, self.sort_dropdown, self.order_toggle,
                                self.hidden_toggle, self.state_filter],
                               layout=w.Layout(flex_flow="row wrap"))
        self.prompt = Prompt()
        self.confirm = Confirm()
        self.listing = PagedListing(page_size=page_size, visible_rows=visible_rows)
        self.view_actions = _ViewActions()
        self.upload_panel = w.VBox(layout=w.Layout(display="none"))
        self.download_panel = w.VBox(layout=w.Layout(display="none"))
        self.file_upload = w.FileUpload(multiple=True, description="From your computer")
        self.upload_local_button = w.Button(description="Upload from kernel disk", icon="upload")
        self.download_local_button = w.Button(description="Download to kernel disk",
                                              icon="download")
        self.download_browser_button = w.Button(description="Download to your computer",
                                                icon="download")
        self.download_link = w.HTML()
        self.transfers = TransferList()
        super().__init__(**kwargs)
        self.children = [
            self.banner, self.view_tabs, self.toolbar, self.breadcrumb, self.controls,
            self.prompt, self.confirm, self.view_actions, self.listing,
            self.upload_panel, self.download_panel, self.transfers,
        ]
        self.add_class("cs3w-browser")
        self._wire()

        # -- connect and show the start folder ---------------------------
        if not self._connect(client):
            return
        self.show_hidden = show_hidden
        start = path
        if start is None:
            cfg_home = getattr(getattr(self.client, "config", None), "home", "")
            start = cfg_home or None
        self._initial_load(start)

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        t = self.toolbar
        t.home.on_click(lambda _b: self.go_home())
        t.up.on_click(lambda _b: self.go_up())
        t.refresh.on_click(lambda _b: self.refresh())
        t.open_item.on_click(lambda _b: self.open_selected())
        t.new_folder.on_click(lambda _b: self._ask_mkdir())
        t.upload.on_click(lambda _b: self._toggle_panel(self.upload_panel, self._build_upload))
        t.download.on_click(
            lambda _b: self._toggle_panel(self.download_panel, self._build_download)
        )
        t.rename.on_click(lambda _b: self._ask_rename())
        t.move.on_click(lambda _b: self._ask_move())
        t.delete.on_click(lambda _b: self._ask_delete())
        self.view_tabs.observe(self._on_view_tab, names="value")
        self.filter_box.observe(self._on_filter_box, names="value")
        self.sort_dropdown.observe(self._on_sort_dropdown, names="value")
        self.order_toggle.observe(self._on_order_toggle, names="value")
        self.hidden_toggle.observe(self._on_hidden_toggle, names="value")
        self.state_filter.observe(lambda _c: self._rerender(), names="value")
        self.listing.on_selection(self._on_listing_selection)
        self.file_upload.observe(self._on_file_upload, names="value")
        self.upload_local_button.on_click(lambda _b: self._upload_local_selected())
        self.download_local_button.on_click(lambda _b: self._download_local_selected())
        self.download_browser_button.on_click(lambda _b: self.prepare_browser_download())
        a = self.view_actions
        a.accept.on_click(lambda _b: self.accept_selected())
        a.decline.on_click(lambda _b: self.decline_selected())
        a.remove_share.on_click(lambda _b: self._ask_remove_shares())
        a.show_url.on_click(lambda _b: self.show_link_url())
        a.delete_link.on_click(lambda _b: self._ask_delete_links())
        a.restore.on_click(lambda _b: self.restore_selected())
        a.purge.on_click(lambda _b: self._ask_purge())
        a.empty_trash.on_click(lambda _b: self._ask_empty_trash())

    # ------------------------------------------------------------ Python API
    def register_callback(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(browser)`` (or ``callback()``) whenever the selection changes."""
        self._callbacks.append(callback)

    @property
    def entries(self) -> list[Entry]:
        """Entries of the current folder after filter and sort (every page)."""
        return list(self.listing.items) if self.view == "files" else []

    # ------------------------------------------------------------ navigation
    @guarded
    def _initial_load(self, start: str | None) -> None:
        client = self._require_client()
        self._load_folder(start or client.identity.home())

    def _load_folder(self, path: str) -> None:
        """List ``path`` and show it; on failure nothing changes."""
        client = self._require_client()
        path = cs3paths.validate_path(path)
        entries = client.files.list(path)
        self._load_markers()
        self._entries = entries
        self._by_path = {e.path: e for e in entries}
        self._navigating = True
        try:
            with self.hold_trait_notifications():
                self.path = path
        finally:
            self._navigating = False
        self.breadcrumb.set_path(path)
        self._render_files()
        self.banner.clear()

    def _load_markers(self) -> None:
        """Which resources I shared or made links for (for the listing's markers)."""
        client = self._require_client()
        shared: set[Any] = set()
        linked: set[Any] = set()
        try:
            for s in client.shares.list():
                shared.update(_ids_of(s.resource_id, s.path))
            for link in client.links.list():
                linked.update(_ids_of(link.resource_id, link.path))
        except CS3Error as exc:
            # Markers are a nicety: a server without sharing still browses.
            log.debug("could not load share markers: %s", exc)
        self._shared_ids, self._linked_ids = shared, linked

    @observe("path")
    def _path_set(self, change: dict) -> None:
        """``browser.path = "/x"`` from Python navigates (and reverts if it fails)."""
        if self._navigating or self.client is None:
            return
        if not self._navigate_or_revert(change["new"], change["old"]):
            self._navigating = True
            try:
                self.path = change["old"]
            finally:
                self._navigating = False

    @guarded
    def _navigate_or_revert(self, new: str, old: str) -> bool:
        self._switch_view("files")
        self._load_folder(new)
        return True

    @guarded
    def navigate(self, path: str) -> None:
        """Show folder ``path`` (in the "My files" view)."""
        self._switch_view("files")
        self._load_folder(path)

    def _on_breadcrumb(self, target: str) -> None:
        self.navigate(target)

    @guarded
    def go_home(self) -> None:
        """Show the user's home folder."""
        client = self._require_client()
        home = getattr(getattr(client, "config", None), "home", "") or client.identity.home()
        self.navigate(home)

    @guarded
    def go_up(self) -> None:
        """Show the parent folder."""
        if self.path and self.path != "/":
            self.navigate(cs3paths.parent(self.path))

    @guarded
    def refresh(self) -> None:
        """Reload the current view from the server."""
        self._switch_view(self.view)
        if self.view == "files":
            self._load_folder(self.path or self._require_client().identity.home())
        else:
            self._load_view(self.view)

    @guarded
    def open_selected(self) -> None:
        """Open the selected folder (or, in the sharing views, the shared resource)."""
        keys = self.listing.selected_keys
        if len(keys) != 1:
            raise UserInputError("Select one item to open")
        item = self._items_by_key.get(keys[0]) if self.view != "files" else self._by_path[keys[0]]
        if isinstance(item, Entry):
            if not item.is_dir:
                raise UserInputError(f"{item.name} is a file; use Download to get it")
            self.navigate(item.path)
        elif isinstance(item, ReceivedShare):
            if item.state != "accepted" or not item.path:
                raise UserInputError("Accept the share first, then open it")
            self.navigate(item.path)
        elif isinstance(item, (Share, PublicLink)):
            target = item.path
            if not target:
                raise UserInputError("The shared resource's path is not known")
            entry = self._require_client().files.stat(target)
            self.navigate(target if entry.is_dir else cs3paths.parent(target))
        elif isinstance(item, RecycleItem):
            raise UserInputError("Restore the item to open it")

    # ------------------------------------------------------------ rendering
    def _render_files(self, keep_page: bool = False) -> None:
        arranged = views.arrange(
            self._entries, sort_by=self.sort_by, descending=self.descending,
            pattern=self.filter_pattern, show_hidden=self.show_hidden,
        )
        shared, linked = self._shared_ids, self._linked_ids

        def label(e: Entry) -> str:
            ids = _ids_of(e.id, e.path)
            return views.entry_label(e, bool(ids & shared), bool(ids & linked))

        previous = set(self.selected)
        with self.hold_sync():
            self.listing.set_header(views.FILES_HEADER)
            self.listing.set_items(arranged, key=lambda e: e.path, label=label,
                                   keep_page=keep_page, empty_text="(empty folder)")
            if previous:
                self.listing.select_keys(list(previous))
        self._sync_selected()

    def _rerender(self) -> None:
        if self.view == "files":
            self._render_files()
        else:
            self._render_view(self.view)

    def _on_filter_box(self, change: dict) -> None:
        self.filter_pattern = change["new"]

    def _on_sort_dropdown(self, change: dict) -> None:
        self.sort_by = change["new"]

    def _on_order_toggle(self, change: dict) -> None:
        self.descending = bool(change["new"])

    def _on_hidden_toggle(self, change: dict) -> None:
        self.show_hidden = bool(change["new"])

    @observe("filter_pattern", "sort_by", "descending", "show_hidden")
    def _arrangement_changed(self, change: dict) -> None:
        # Keep the controls and the traits in step, whichever was changed.
        with self.hold_sync():
            self.filter_box.value = self.filter_pattern
            self.sort_dropdown.value = self.sort_by
            self.order_toggle.value = self.descending
            self.hidden_toggle.value = self.show_hidden
        self._safe_rerender()

    @guarded
    def _safe_rerender(self) -> None:
        self._rerender()

    # ------------------------------------------------------------ selection
    def _on_listing_selection(self, _keys: list[Hashable]) -> None:
        self._sync_selected()

    def _sync_selected(self) -> None:
        new = [str(k) for k in self.listing.selected_keys] if self.view == "files" else []
        if new != self.selected:
            self.selected = new

    @observe("selected")
    def _selected_changed(self, change: dict) -> None:
        if self.view == "files":
            wanted = list(change["new"])
            if wanted != [str(k) for k in self.listing.selected_keys]:
                self.listing.select_keys(wanted)
        for cb in list(self._callbacks):
            try:
                _call_user_callback(cb, self)
            except Exception as exc:
                self.banner.error(exc)

    def select(self, paths: Sequence[str]) -> None:
        """Select ``paths`` (the ones on the current page)."""
        self.listing.select_keys(list(paths))

    def _selected_entries(self, at_least: int = 1, at_most: int | None = None) -> list[Entry]:
        if self.view != "files":
            raise UserInputError("This action works in the My files view")
        chosen = [self._by_path[p] for p in self.selected if p in self._by_path]
        if len(chosen) < at_least:
            raise UserInputError("Select an item first" if at_least == 1 else
                                 f"Select at least {at_least} items")
        if at_most is not None and len(chosen) > at_most:
            raise UserInputError("Select exactly one item")
        return chosen

    # ------------------------------------------------------------ file actions
    @guarded
    def _ask_mkdir(self) -> None:
        self._require_client()
        self.prompt.ask("New folder name:", "", self.mkdir, ok="Create")

    @guarded
    def mkdir(self, name: str) -> None:
        """Create folder ``name`` in the current folder."""
        name = cs3paths.validate_name(name.strip())
        target = cs3paths.join(self.path, name)
        self._require_client().files.mkdir(target)
        self._load_folder(self.path)
        self.select([target])
        self.banner.success(f"Created folder {name}")

    @guarded
    def _ask_rename(self) -> None:
        (entry,) = self._selected_entries(1, 1)
        self.prompt.ask(f"Rename {entry.name} to:", entry.name,
                        lambda name: self.rename(entry.path, name), ok="Rename")

    @guarded
    def rename(self, path: str, new_name: str) -> None:
        """Rename the entry at ``path`` to ``new_name`` (same folder)."""
        new_name = cs3paths.validate_name(new_name.strip())
        self._require_client().files.rename(path, new_name)
        self._load_folder(self.path)
        self.select([cs3paths.join(cs3paths.parent(path), new_name)])
        self.banner.success(f"Renamed to {new_name}")

    @guarded
    def _ask_move(self) -> None:
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} items"
        self.prompt.ask(f"Move {what} to folder:", self.path,
                        lambda dest: self.move(paths, dest), ok="Move")

    @guarded
    def move(self, paths: Sequence[str], dest_folder: str) -> None:
        """Move ``paths`` into folder ``dest_folder`` (names are kept)."""
        client = self._require_client()
        dest_folder = cs3paths.validate_path(dest_folder.strip())
        if not client.files.stat(dest_folder).is_dir:
            raise UserInputError(f"{dest_folder} is not a folder")
        moved = 0
        try:
            for p in paths:
                client.files.move(p, cs3paths.join(dest_folder, cs3paths.basename(p)))
                moved += 1
        finally:
            if moved:
                self._load_folder(self.path)
        self.banner.success(f"Moved {moved} item(s) to {dest_folder}")

    @guarded
    def _ask_delete(self) -> None:
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} items"
        self.confirm.ask(f"Delete {what}? It goes to the trash.",
                         lambda: self.delete(paths), confirm="Delete")

    @guarded
    def delete(self, paths: Sequence[str]) -> None:
        """Delete ``paths`` (they go to the trash)."""
        client = self._require_client()
        done = 0
        try:
            for p in paths:
                client.files.delete(p)
                done += 1
        finally:
            if done:
                self._load_folder(self.path)
        self.banner.success(f"Deleted {done} item(s)")

    # ------------------------------------------------------------ uploads
    def _toggle_panel(self, panel: w.Box, build: Callable[[], None]) -> None:
        if panel.layout.display == "none":
            if not panel.children:
                build()
            panel.layout.display = None
        else:
            panel.layout.display = "none"

    def _build_upload(self) -> None:
        self.upload_panel.children = [
            w.HTML("<b>Upload into the current folder</b>"),
            self.file_upload,
            w.HTML("or pick a file on the kernel's disk:"),
            self.local_upload_chooser,
            self.upload_local_button,
        ]

    @property
    def local_upload_chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a file on the kernel's disk (made on use)."""
        if self._local_upload is None:
            from ipyfilechooser import FileChooser as LocalChooser

            self._local_upload = LocalChooser(os.getcwd(), title="", select_desc="Pick")
        return self._local_upload

    def _on_file_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        self._upload_from_widget(files)

    @guarded
    def _upload_from_widget(self, files: Sequence[dict]) -> None:
        # Take the bytes and clear the widget at once: the content must not
        # stay in the widget state (it would be saved into the notebook).
        batch = [(str(f["name"]), bytes(f["content"])) for f in files]
        self.file_upload.value = ()
        for name, content in batch:
            self.upload_bytes(name, content)

    @guarded
    def upload_bytes(self, name: str, content: bytes) -> None:
        """Upload ``content`` as ``name`` into the current folder (with progress)."""
        client = self._require_client()
        dest = cs3paths.join(self.path, cs3paths.validate_name(name))
        row = self.transfers.start("Upload", name)
        row(0, len(content))
        self._transfer(row, lambda: client.transfers.upload(content, dest, progress=row),
                       f"Uploaded {name}", refresh=True)

    @guarded
    def _upload_local_selected(self) -> None:
        chosen = self.local_upload_chooser.selected
        if not chosen:
            raise UserInputError("Pick a file on the kernel's disk first")
        self.upload_local(chosen)

    @guarded
    def upload_local(self, local_path: str | os.PathLike[str]) -> None:
        """Upload a file from the kernel's disk into the current folder."""
        client = self._require_client()
        local = Path(local_path)
        if not local.is_file():
            raise UserInputError(f"{local} is not a file on the kernel's disk")
        dest = cs3paths.join(self.path, cs3paths.validate_name(local.name))
        row = self.transfers.start("Upload", local.name)
        row(0, local.stat().st_size)
        self._transfer(row, lambda: client.transfers.upload(str(local), dest, progress=row),
                       f"Uploaded {local.name}", refresh=True)

    # ------------------------------------------------------------ downloads
    def _build_download(self) -> None:
        self.download_panel.children = [
            w.HTML("<b>Download the selected files</b>"),
            w.HTML("to a folder on the kernel's disk:"),
            self.local_download_chooser,
            self.download_local_button,
            self.download_browser_button,
            self.download_link,
        ]

    @property
    def local_download_chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a destination folder (made on use)."""
        if self._local_download is None:
            from ipyfilechooser import FileChooser as LocalChooser

            self._local_download = LocalChooser(os.getcwd(), show_only_dirs=True,
                                                select_desc="Pick folder")
        return self._local_download

    @guarded
    def _download_local_selected(self) -> None:
        folder = self.local_download_chooser.selected_path
        if not folder:
            raise UserInputError("Pick a destination folder on the kernel's disk first")
        self.download_to(folder)

    @guarded
    def download_to(self, local_folder: str | os.PathLike[str],
                    paths: Sequence[str] | None = None) -> None:
        """Download the selected files (or ``paths``) into a folder on the kernel's disk."""
        client = self._require_client()
        folder = Path(local_folder)
        if not folder.is_dir():
            raise UserInputError(f"{folder} is not a folder on the kernel's disk")
        if paths is None:
            entries = self._selected_entries()
        else:
            entries = [self._by_path.get(p) or client.files.stat(p) for p in paths]
        for e in entries:
            if e.is_dir:
                raise UserInputError(f"{e.name} is a folder; select files to download")
        for e in entries:
            row = self.transfers.start("Download", e.name)
            row(0, e.size)
            target = folder / e.name

            def job(src: str = e.path, dst: Path = target, row: TransferProgress = row) -> int:
                return client.transfers.download(src, str(dst), progress=row)

            self._transfer(row, job, f"Downloaded {e.name} to {target}")

    @guarded
    def prepare_browser_download(self) -> None:
        """Make a link that saves the selected file on the user's computer.

        The file travels inside the page as a ``data:`` URI, so it is limited
        to :data:`BROWSER_DOWNLOAD_LIMIT`; larger files: download to the
        kernel's disk and use Jupyter's own file browser.
        """
        client = self._require_client()
        (entry,) = self._selected_entries(1, 1)
        if entry.is_dir:
            raise UserInputError("Select a file (folders cannot be downloaded directly)")
        if entry.size > BROWSER_DOWNLOAD_LIMIT:
            raise UserInputError(
                f"{entry.name} is {human_size(entry.size)}; files over "
                f"{human_size(BROWSER_DOWNLOAD_LIMIT)} must be downloaded to the kernel's disk"
            )
        data = client.transfers.read_bytes(entry.path)
        mime = entry.mime_type or "application/octet-stream"
        b64 = base64.b64encode(data).decode("ascii")
        self.download_link.value = (
            f"<a download='{esc(entry.name)}' href='data:{esc(mime)};base64,{b64}' "
            f"target='_blank'>\u2b07 Save {esc(entry.name)} ({esc(human_size(len(data)))})</a>"
        )
        if self.download_panel.layout.display == "none":
            self._toggle_panel(self.download_panel, self._build_download)

    def _transfer(self, row: TransferProgress, job: Callable[[], Any], message: str,
                  refresh: bool = False) -> None:
        def run() -> Any:
            try:
                result = job()
            except Exception as exc:
                row.finish(False, "failed")
                raise exc
            row.finish(True)
            return result

        def done(_result: Any) -> None:
            if refresh and self.view == "files":
                self._load_folder(self.path)
            self.banner.success(message)

        self.worker.submit(run, done)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for running transfers (True if all finished)."""
        return self.worker.wait(timeout)

    # ------------------------------------------------------------ other views
    def _on_view_tab(self, change: dict) -> None:
        self.view = change["new"]

    @observe("view")
    def _view_changed(self, change: dict) -> None:
        if self.view_tabs.value != change["new"]:
            self.view_tabs.value = change["new"]
        if not self._navigating:
            self._show_view(change["new"])

    @guarded
    def _show_view(self, view: str) -> None:
        self._switch_view(view)
        if view == "files":
            self._load_folder(self.path or self._require_client().identity.home())
        else:
            self._load_view(view)

    def _switch_view(self, view: str) -> None:
        """Show the controls of ``view``; set the trait without reloading."""
        files = view == "files"
        with self.hold_sync():
            self.breadcrumb.layout.display = None if files else "none"
            for name in ("up", "new_folder", "upload", "download", "rename", "move", "delete"):
                getattr(self.toolbar, name).disabled = not files
            self.sort_dropdown.layout.display = None if files else "none"
            self.order_toggle.layout.display = None if files else "none"
            self.hidden_toggle.layout.display = None if files else "none"
            self.state_filter.layout.display = None if view == "received" else "none"
            self.view_actions.show(view)
            if not files:
                self.upload_panel.layout.display = "none"
                self.download_panel.layout.display = "none"
        self.prompt.close_prompt()
        self.confirm.dismiss()
        if self.view != view:
            self._navigating = True
            try:
                self.view = view
            finally:
                self._navigating = False

    def _load_view(self, view: str) -> None:
        client = self._require_client()
        items: list[Any]
        if view == "received":
            items = client.shares.received()
        elif view == "shared":
            items = client.shares.resolve_paths(client.shares.list())
        elif view == "links":
            items = client.links.list()
        elif view == "trash":
            items = client.files.recycle_list()
        else:
            raise UserInputError(f"unknown view {view}")
        self._view_items = items
        self._items_by_key = {self._view_key(view, it): it for it in items}
        self._render_view(view)
        self.banner.clear()

    @staticmethod
    def _view_key(view: str, item: Any) -> Hashable:
        if view == "received":
            return item.share.id
        if view == "trash":
            return item.key
        return item.id

    def _render_view(self, view: str) -> None:
        items = list(getattr(self, "_view_items", []))
        pattern = self.filter_pattern
        if view == "received":
            items = views.filter_received(items, self.state_filter.value, pattern)
            header, label = views.RECEIVED_HEADER, views.received_label
        elif view == "shared":
            items = [s for s in items if views.matches(s.path or "", pattern)]
            header, label = views.SHARED_HEADER, views.share_label
        elif view == "links":
            items = [x for x in items if views.matches(x.path or "", pattern)]
            header, label = views.LINKS_HEADER, views.link_label
        else:
            items = [x for x in items if views.matches(x.original_path, pattern)]
            items.sort(key=lambda x: x.deleted or datetime.min, reverse=True)
            header, label = views.TRASH_HEADER, views.trash_label
        previous = self.listing.selected_keys
        with self.hold_sync():
            self.listing.set_header(header)
            self.listing.set_items(items, key=lambda it: self._view_key(view, it), label=label,
                                   empty_text="(nothing here)")
            if previous:
                self.listing.select_keys(previous)
        self._sync_selected()

    def _selected_items(self, kind: type) -> list[Any]:
        chosen = [self._items_by_key[k] for k in self.listing.selected_keys
                  if k in self._items_by_key]
        chosen = [c for c in chosen if isinstance(c, kind)]
        if not chosen:
            raise UserInputError("Select an item first")
        return chosen

    @guarded
    def accept_selected(self) -> None:
        """Accept the selected received shares."""
        client = self._require_client()
        chosen = self._selected_items(ReceivedShare)
        for rs in chosen:
            client.shares.accept(rs.share.id)
        self._load_view("received")
        self.banner.success(f"Accepted {len(chosen)} share(s)")

    @guarded
    def decline_selected(self) -> None:
        """Decline the selected received shares."""
        client = self._require_client()
        chosen = self._selected_items(ReceivedShare)
        for rs in chosen:
            client.shares.decline(rs.share.id)
        self._load_view("received")
        self.banner.success(f"Declined {len(chosen)} share(s)")

    @guarded
    def _ask_remove_shares(self) -> None:
        chosen = self._selected_items(Share)
        self.confirm.ask(f"Remove {len(chosen)} share(s)? The grantees lose access.",
                         lambda: self.remove_shares([s.id for s in chosen]), confirm="Remove")

    @guarded
    def remove_shares(self, share_ids: Sequence[str]) -> None:
        """Remove shares I made."""
        client = self._require_client()
        for sid in share_ids:
            client.shares.remove(sid)
        self._load_view("shared")
        self.banner.success(f"Removed {len(share_ids)} share(s)")

    @guarded
    def show_link_url(self) -> None:
        """Put the selected link's URL in the copy box."""
        (link,) = self._selected_items(PublicLink)[:1]
        self.view_actions.url.value = link.url or link.token
        self.view_actions.url.layout.display = None

    @guarded
    def _ask_delete_links(self) -> None:
        chosen = self._selected_items(PublicLink)
        self.confirm.ask(f"Delete {len(chosen)} public link(s)? They stop working.",
                         lambda: self.delete_links([x.id for x in chosen]), confirm="Delete")

    @guarded
    def delete_links(self, link_ids: Sequence[str]) -> None:
        """Delete public links."""
        client = self._require_client()
        for lid in link_ids:
            client.links.remove(lid)
        self.view_actions.url.value = ""
        self._load_view("links")
        self.banner.success(f"Deleted {len(link_ids)} link(s)")

    @guarded
    def restore_selected(self) -> None:
        """Restore the selected trash items to where they were."""
        client = self._require_client()
        chosen = self._selected_items(RecycleItem)
        for item in chosen:
            client.files.recycle_restore(item.key)
        self._load_view("trash")
        self.banner.success(f"Restored {len(chosen)} item(s)")

    @guarded
    def _ask_purge(self) -> None:
        chosen = self._selected_items(RecycleItem)
        self.confirm.ask(f"Purge {len(chosen)} item(s) for good?",
                         lambda: self.purge([x.key for x in chosen]), confirm="Purge")

    @guarded
    def purge(self, keys: Sequence[str]) -> None:
        """Remove trash items for good."""
        client = self._require_client()
        for key in keys:
            client.files.recycle_purge(key)
        self._load_view("trash")
        self.banner.success(f"Purged {len(keys)} item(s)")

    @guarded
    def _ask_empty_trash(self) -> None:
        self._require_client()
        self.confirm.ask("Empty the trash? Everything in it is removed for good.",
                         self.empty_trash, confirm="Empty trash")

    @guarded
    def empty_trash(self) -> None:
        """Purge the whole trash."""
        self._require_client().files.recycle_purge()
        self._load_view("trash")
        self.banner.success("Trash emptied")

    def __repr__(self) -> str:
        return f"Browser(path={self.path!r}, view={self.view!r})"


def _ids_of(resource_id: Any, path: str) -> set[Any]:
    """Keys that identify a resource: its (storage, opaque) id and its path."""
    keys: set[Any] = set()
    if resource_id is not None and getattr(resource_id, "opaque_id", ""):
        keys.add((resource_id.storage_id, resource_id.opaque_id))
    if path:
        keys.add(posixpath.normpath(path))
    return keys


class _ViewActions(w.HBox):
    """The buttons of the sharing and trash views (only the current view's show)."""

    def __init__(self, **kwargs: Any) -> None:
        self.accept = w.Button(description="Accept", icon="check", button_style="success")
        self.decline = w.Button(description="Decline", icon="times")
        self.remove_share = w.Button(description="Remove share", icon="trash")
        self.show_url = w.Button(description="Show URL", icon="link")
        self.url = w.Text(description="URL", layout=w.Layout(flex="1 1 20em", width="auto",
                                                              display="none"))
        self.delete_link = w.Button(description="Delete link", icon="trash")
        self.restore = w.Button(description="Restore", icon="undo", button_style="success")
        self.purge = w.Button(description="Purge", icon="trash", button_style="danger")
        self.empty_trash = w.Button(description="Empty trash", icon="trash")
        self._groups = {
            "received": [self.accept, self.decline],
            "shared": [self.remove_share],
            "links": [self.show_url, self.delete_link, self.url],
            "trash": [self.restore, self.purge, self.empty_trash],
        }
        kwargs.setdefault("layout", w.Layout(flex_flow="row wrap"))
        super().__init__(**kwargs)
        self.show("files")

    def show(self, view: str) -> None:
        """Show the buttons of ``view`` only."""
        self.children = tuple(self._groups.get(view, []))
        self.layout.display = None if view in self._groups else "none"
