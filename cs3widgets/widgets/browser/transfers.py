"""Uploads and downloads of the Browser, with a progress row each.

Transfers run on the widget's runner like every other server call; the
progress callback (called from the transfer thread) posts its updates to the
event loop, and the row turns green or red when the result is applied.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...client import paths as cs3paths
from ...client.transfers import archive
from ..base.messages import UserInputError, guarded
from .downloads import PreparedDownload
from .transfer_progress import TransferProgress
from .upload_batch import UploadBatch, summary


class TransferActions:
    """Mixin of :class:`~.widget.Browser`: uploads into, downloads from the folder shown."""

    # Provided by the Browser.
    path: str
    view: str
    banner: Any
    transfers: Any
    upload_panel: Any
    download_panel: Any
    current_view: Any
    _by_path: dict[str, Any]
    _require_client: Callable[[], Any]
    _selected_entries: Callable[..., list[Any]]
    _run: Callable[..., Any]
    _load_folder: Callable[..., None]

    # -- the panels' widgets, as Browser attributes ---------------------------
    @property
    def file_upload(self) -> Any:
        """The ``FileUpload`` of the upload panel."""
        return self.upload_panel.file_upload

    @property
    def upload_local_button(self) -> Any:
        """Uploads the file picked on the kernel's disk."""
        return self.upload_panel.upload_local_button

    @property
    def local_upload_chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a file on the kernel's disk."""
        return self.upload_panel.chooser

    @property
    def download_local_button(self) -> Any:
        """Downloads the selection into the folder picked on the kernel's disk."""
        return self.download_panel.download_local_button

    @property
    def download_browser_button(self) -> Any:
        """Makes a link that saves the selected file on the user's computer."""
        return self.download_panel.download_browser_button

    @property
    def download_link(self) -> Any:
        """The link made by :meth:`prepare_browser_download`."""
        return self.download_panel.download_link

    @property
    def local_download_chooser(self) -> Any:
        """The ``ipyfilechooser.FileChooser`` for a destination folder."""
        return self.download_panel.chooser

    # -- running one transfer --------------------------------------------------
    def _transfer(self, row: TransferProgress, job: Callable[[], Any], message: str,
                  refresh: bool = False) -> None:
        folder = self.path

        def done(_result: Any) -> None:
            row.finish(True)
            self.banner.success(message)
            if refresh and self.current_view.shows_folder and self.path == folder:
                self._load_folder(folder, lambda: self.banner.success(message))

        def failed(exc: BaseException) -> None:
            row.finish(False, "failed")
            self.banner.error(exc)

        self._run(job, done, on_error=failed)

    # -- uploads -----------------------------------------------------------------
    def _on_file_upload(self, change: dict) -> None:
        if change["new"]:
            self._upload_from_widget(change["new"])

    @guarded
    def _upload_from_widget(self, files: Sequence[dict]) -> None:
        # Take the bytes and clear the widget at once: the content must not
        # stay in the widget state (it would be saved into the notebook).
        batch = [(str(f["name"]), bytes(f["content"])) for f in files]
        self.file_upload.value = ()
        self.upload_files(batch)

    @guarded
    def upload_bytes(self, name: str, content: bytes) -> None:
        """Upload ``content`` as ``name`` into the current folder (with progress)."""
        self.upload_files([(name, content)])

    @guarded
    def upload_files(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Upload ``(name, content)`` pairs into the current folder.

        One progress row per file, one message for the batch ("Uploaded 3
        files"), one reload of the folder at the end. Every name is checked
        before anything is sent.
        """
        client = self._require_client()
        folder = self.path
        checked = [(cs3paths.validate_new_name(name), content) for name, content in files]

        def report(ok: list[str], failures: list[tuple[str, BaseException]]) -> None:
            text = summary(ok, failures, len(checked))

            def say() -> None:
                if failures:
                    self.banner.error(failures[0][1], message=text)
                else:
                    self.banner.success(text)

            if ok and self.current_view.shows_folder and self.path == folder:
                self._load_folder(folder, say)
            else:
                say()

        batch = UploadBatch([name for name, _ in checked], report)
        for name, content in checked:
            row = self.transfers.start("Upload", name)
            row(0, len(content))

            def job(content: bytes = content, dest: str = cs3paths.join(folder, name),
                    row: TransferProgress = row) -> Any:
                return client.transfers.upload(content, dest, progress=row)

            def done(_result: Any, name: str = name, row: TransferProgress = row) -> None:
                row.finish(True)
                batch.finished(name)

            def failed(exc: BaseException, name: str = name,
                       row: TransferProgress = row) -> None:
                row.finish(False, "failed")
                batch.finished(name, exc)

            self._run(job, done, on_error=failed)

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
        dest = cs3paths.join(self.path, cs3paths.validate_new_name(local.name))
        row = self.transfers.start("Upload", local.name)
        row(0, local.stat().st_size)
        self._transfer(row, lambda: client.transfers.upload(str(local), dest, progress=row),
                       f"Uploaded {local.name}", refresh=True)

    # -- downloads ---------------------------------------------------------------
    @guarded
    def _download_local_selected(self) -> None:
        folder = self.local_download_chooser.selected_path
        if not folder:
            raise UserInputError("Pick a destination folder on the kernel's disk first")
        self.download_to(folder)

    @guarded
    def download_to(self, local_folder: str | os.PathLike[str],
                    paths: Sequence[str] | None = None) -> None:
        """Download the selection (or ``paths``) to a kernel's-disk folder; folders as zip."""
        client = self._require_client()
        folder = Path(local_folder)
        if not folder.is_dir():
            raise UserInputError(f"{folder} is not a folder on the kernel's disk")
        if paths is None:
            todo = [(e.path, e.name, None if e.is_dir else e.size)
                    for e in self._selected_entries()]
        else:
            # Sizes of paths not listed here are learnt when the download starts.
            todo = [(p, cs3paths.basename(p), getattr(self._by_path.get(p), "size", None))
                    for p in paths]
        for src, name, size in todo:
            row = self.transfers.start("Download", name)
            row(0, size)

            def job(src: str = src, name: str = name, row: TransferProgress = row) -> Path:
                if not client.files.stat(src).is_dir:
                    client.transfers.download(src, str(folder / name), progress=row)
                    return folder / name
                # A folder arrives as one zip, streamed member by member; an
                # existing zip of that name is left alone ("xb").
                target = folder / f"{name}.zip"
                try:
                    with open(target, "xb") as out:
                        archive.write_zip(client.transfers, src, out, progress=row)
                except FileExistsError:
                    raise UserInputError(f"{target} exists on the kernel's disk") from None
                except BaseException:
                    target.unlink(missing_ok=True)
                    raise
                return target

            self._transfer(row, job, f"Downloaded {name} to {folder}")

    def _on_download_clicked(self) -> None:
        """The toolbar's Download: a selection starts its download to the browser."""
        self.download_panel.show()
        if self.selected:
            self.prepare_browser_download()
        else:
            self.banner.info("Select files or folders to download them to your computer")

    @guarded
    def prepare_browser_download(self) -> None:
        """Make the selection a link that saves it on the user's computer.

        One file goes as it is; a folder as ``<name>.zip``; several items as
        one zip named after the folder shown. The kernel streams the bytes
        into a download folder that the front end's server serves
        (:mod:`.downloads`), with a progress row; the link then points
        there. Nothing of the file travels through the widget state, so
        there is no size limit but the kernel's disk.
        """
        client = self._require_client()
        entries = self._selected_entries()
        panel = self.download_panel
        (first, *more) = entries
        if more:
            name = f"{cs3paths.basename(self.path) or 'files'} ({len(entries)} items).zip"
        else:
            name = f"{first.name}.zip" if first.is_dir else first.name
        sizes = None if any(e.is_dir for e in entries) else sum(e.size for e in entries)
        row = self.transfers.start("Download", name)
        row(0, sizes)
        self.download_link.value = ""

        def show(prepared: PreparedDownload) -> None:
            row.finish(True)
            self.download_link.value = prepared.link_html()
            self.download_panel.show()
            self.banner.success(f"{name} is ready: click \u201cSave {name}\u201d to save it")

        def failed(exc: BaseException) -> None:
            row.finish(False, "failed")
            self.banner.error(exc)

        # The download folder is set up (config files, the server's runtime
        # file) on the worker thread too, the first time.
        self._run(lambda: panel.downloads.prepare(client, entries, progress=row, name=name),
                  show, on_error=failed)


__all__ = ["TransferActions"]
