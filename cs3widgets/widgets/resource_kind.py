"""How a resource is described to a person: its kind ("CSV file") and its size.

``httpd/unix-directory`` and a folder's inode size are facts of the storage,
not of the user's data: the panels show "Folder", and a folder's size only
where it can be the size of its contents.
"""

from __future__ import annotations

from ..client.models import Entry, EntryType

#: Extensions whose kind has a better name than "<EXT> file".
_KINDS: dict[str, str] = {
    "ipynb": "Jupyter notebook", "txt": "Text file", "md": "Markdown file",
    "pdf": "PDF document", "png": "PNG image", "jpg": "JPEG image", "jpeg": "JPEG image",
    "gif": "GIF image", "svg": "SVG image", "py": "Python file", "zip": "Zip archive",
    "gz": "Gzip archive", "tar": "Tar archive", "h5": "HDF5 file", "hdf5": "HDF5 file",
    "root": "ROOT file", "docx": "Word document", "xlsx": "Excel spreadsheet",
    "pptx": "PowerPoint presentation", "html": "HTML page", "yaml": "YAML file",
    "yml": "YAML file",
}

#: File-system block size: POSIX storage reports a directory's own inode size
#: in whole blocks (4096 on ext4 and XFS), which says nothing of its contents.
DIRECTORY_BLOCK = 4096


def kind_label(entry: Entry) -> str:
    """``"Folder"``, ``"CSV file"``, ``"Jupyter notebook"``, ``"File"``."""
    if entry.type is EntryType.FOLDER:
        return "Folder"
    if entry.type is EntryType.REFERENCE:
        return "Shortcut (reference)"
    if entry.type is EntryType.SYMLINK:
        return "Symbolic link"
    name = entry.name or entry.path.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not ext or len(ext) > 8:
        return "File"
    return _KINDS.get(ext.lower(), f"{ext.upper()} file")


def content_size(entry: Entry) -> int | None:
    """The size of what the entry holds, or ``None`` when the server does not tell.

    A file's size is its length. A folder's is only worth showing where the
    storage gives the size of its tree (EOS and Reva's decomposedfs do).
    CS3 has no flag for that, and POSIX-backed drivers (Reva's ``local``
    driver, ours) give the directory inode's size instead, which is always a
    whole number of blocks: such a size is not shown ("4.0 KB" for a folder
    of gigabytes would mislead). A tree size that happens to be an exact
    multiple of 4096 is hidden too; that loses a fact, never states a wrong one.
    """
    if entry.type is not EntryType.FOLDER:
        return entry.size
    if entry.size <= 0 or entry.size % DIRECTORY_BLOCK == 0:
        return None
    return entry.size


__all__ = ["DIRECTORY_BLOCK", "content_size", "kind_label"]
