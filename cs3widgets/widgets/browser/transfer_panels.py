"""The Browser's upload and download panels (hidden until their toolbar button is clicked).

The panels hold only widgets; what their buttons do is in :mod:`.transfers`.
The local-disk pickers (``ipyfilechooser.FileChooser``) list the kernel's
disk, so they are made the first time a panel opens.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as w

from .downloads import BrowserDownloads
from .local_chooser import LocalChooser


class _Panel(w.VBox):
    """A hidden box that builds its contents on first :meth:`toggle`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(layout=w.Layout(display="none"), **kwargs)

    def build(self) -> None:
        """Fill in the children (subclasses)."""
        raise NotImplementedError

    def toggle(self) -> None:
        """Show the panel (building it the first time) or hide it."""
        if self.layout.display == "none":
            if not self.children:
                self.build()
            self.layout.display = None
        else:
            self.hide()

    def show(self) -> None:
        """Show the panel."""
        if self.layout.display == "none":
            self.toggle()

    def hide(self) -> None:
        """Hide the panel."""
        self.layout.display = "none"


class UploadPanel(_Panel):
    """Upload into the folder shown: from the user's computer or the kernel's disk."""

    def __init__(self, browser: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # width auto: as wide as the label (the default width cut it short).
        self.file_upload = w.FileUpload(multiple=True, description="From your computer",
                                        layout=w.Layout(width="auto"))
        self.upload_local_button = w.Button(description="Upload from kernel disk", icon="upload",
                                            layout=w.Layout(width="auto"))
        self._chooser: Any = None
        self.file_upload.observe(lambda c: browser._on_file_upload(c), names="value")
        self.upload_local_button.on_click(lambda _b: browser._upload_local_selected())

    @property
    def chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a file on the kernel's disk (made on use)."""
        if self._chooser is None:
            self._chooser = LocalChooser(os.getcwd(), title="", select_desc="Pick")
        return self._chooser

    def build(self) -> None:
        self.children = [
            w.HTML("<b>Upload into the current folder</b>"),
            self.file_upload,
            w.HTML("or pick a file on the kernel's disk:"),
            self.chooser,
            self.upload_local_button,
        ]


class DownloadPanel(_Panel):
    """Download the selection: to the user's computer (a link), or to the kernel's disk."""

    def __init__(self, browser: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.download_local_button = w.Button(description="Download to kernel disk",
                                              icon="download",
                                              layout=w.Layout(width="auto"))
        self.download_browser_button = w.Button(description="Download to your computer",
                                                icon="download",
                                                layout=w.Layout(width="auto"))
        #: The link that saves the prepared file (the only thing the page gets).
        self.download_link = w.HTML()
        self._downloads: BrowserDownloads | None = None
        self._chooser: Any = None
        self.download_local_button.on_click(lambda _b: browser._download_local_selected())
        self.download_browser_button.on_click(lambda _b: browser.prepare_browser_download())

    @property
    def downloads(self) -> BrowserDownloads:
        """Where prepared downloads are written and served from (set up on first use)."""
        if self._downloads is None:
            self._downloads = BrowserDownloads()
        return self._downloads

    @property
    def chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a destination folder (made on use)."""
        if self._chooser is None:
            self._chooser = LocalChooser(os.getcwd(), show_only_dirs=True,
                                         select_desc="Pick folder")
        return self._chooser

    def build(self) -> None:
        self.children = [
            w.HTML("<b>Download the selection</b> (a folder, or several items: one zip)"),
            w.HBox([self.download_browser_button, self.download_link],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            w.HTML("or to a folder on the kernel's disk:"),
            self.chooser,
            self.download_local_button,
        ]

    def close(self) -> None:
        """Close the panel and remove the downloads it prepared."""
        if self._downloads is not None:
            self._downloads.discard()
        super().close()


__all__ = ["DownloadPanel", "UploadPanel"]
