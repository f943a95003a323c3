"""How a resource is described to a person: its kind ("CSV file") and its size.

``httpd/unix-directory`` and a folder's inode size are facts of the storage,
not of the user's data: the panels show "Folder", and a folder's size only
where it can be the size of its contents.
"""

from __future__ import annotations

from ...client.models import Entry, EntryType

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


def content_size(entry: Entry) -> int:
    """The size of what the entry holds: a file's length, a folder's tree.

    EOS reports a folder's size as the total of its tree, and so does our
    test server (tools/revad/FIDELITY.md); it is shown as the server says.
    """
    return entry.size


__all__ = ["content_size", "kind_label"]
