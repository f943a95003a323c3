"""Jupyter contents models built from CS3 entries, and their bytes.

A contents model is the JSON dict of Jupyter's contents API (``name``,
``path``, ``type``, ``created``, ``last_modified``, ``content``, ``format``,
``mimetype``, ``size``, ``writable``, ``hash``, ``hash_algorithm``). These
helpers are pure: no server calls.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

import nbformat
from tornado.web import HTTPError

from cs3widgets.client.models import Entry, EntryType

#: Permission flags of which any one lets a user write a file's content.
WRITE_FLAGS = frozenset({"initiate_file_upload"})
#: ... and the ones that let a user create entries in a folder.
FOLDER_WRITE_FLAGS = frozenset({"create_container", "initiate_file_upload"})

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def kind_of(entry: Entry) -> str:
    """The Jupyter type of an entry: directory, notebook or file."""
    if entry.type in (EntryType.FOLDER, EntryType.REFERENCE):
        return "directory"
    return "notebook" if entry.name.endswith(".ipynb") else "file"


def can_write(entry: Entry) -> bool:
    """Whether the user may write ``entry`` (a server without permission sets: yes)."""
    if not entry.permissions:
        return True
    flags = FOLDER_WRITE_FLAGS if kind_of(entry) == "directory" else WRITE_FLAGS
    return bool(entry.permissions & flags)


def base_model(entry: Entry, api_path: str, *, kind: str | None = None) -> dict[str, Any]:
    """The model of ``entry`` without content.

    CS3 has no creation time, so ``created`` is the modification time, the
    same choice Jupyter makes where the file system lacks a birth time.
    """
    mtime = entry.mtime or _EPOCH
    kind = kind or kind_of(entry)
    name = api_path.rsplit("/", 1)[-1]
    return {
        "name": name,
        "path": api_path,
        "type": kind,
        "created": mtime,
        "last_modified": mtime,
        "content": None,
        "format": None,
        # As Jupyter's own manager: a file's type is guessed from its name
        # even without its content (in listings too).
        "mimetype": mimetypes.guess_type(name)[0] if kind == "file" else None,
        "size": entry.size,
        "writable": can_write(entry),
        "hash": None,
        "hash_algorithm": None,
    }


def partial_upload(api_path: str, size: int) -> dict[str, Any]:
    """The model answered for a chunk of an unfinished upload (nothing is on CS3 yet)."""
    now = datetime.now(timezone.utc)
    name = api_path.rsplit("/", 1)[-1]
    return {
        "name": name, "path": api_path, "type": "file", "created": now,
        "last_modified": now, "content": None, "format": None,
        "mimetype": guess_mimetype(name, "base64"), "size": size,
        "writable": True, "hash": None, "hash_algorithm": None,
    }


def directory_model(
    entry: Entry, api_path: str, children: Iterable[Entry] | None,
    listed: Callable[[Entry], bool],
) -> dict[str, Any]:
    """A folder's model; with ``children`` its content (those ``listed`` accepts)."""
    model = base_model(entry, api_path, kind="directory")
    model["size"] = None
    if children is None:
        return model
    content = []
    for child in children:
        if not listed(child):
            continue
        child_model = base_model(child, f"{api_path}/{child.name}" if api_path else child.name)
        if child_model["type"] == "directory":
            child_model["size"] = None
        content.append(child_model)
    model.update(content=content, format="json")
    return model


def guess_mimetype(name: str, fmt: str) -> str:
    """A MIME type from the name, else what the format implies."""
    guessed = mimetypes.guess_type(name)[0]
    if guessed:
        return guessed
    return "text/plain" if fmt == "text" else "application/octet-stream"


def fill_file(model: dict[str, Any], data: bytes, fmt: str | None) -> None:
    """Put ``data`` into a file model as text (UTF-8) or base64."""
    if fmt not in (None, "text", "base64"):
        raise HTTPError(400, f"unknown format {fmt!r}: use 'text' or 'base64'")
    if fmt in (None, "text"):
        try:
            model["content"] = data.decode("utf-8")
            model["format"] = "text"
        except UnicodeDecodeError:
            if fmt == "text":
                raise HTTPError(
                    400, f"{model['path']} is not UTF-8 text", reason="bad format"
                ) from None
            fmt = "base64"
    if fmt == "base64":
        model["content"] = base64.b64encode(data).decode("ascii")
        model["format"] = "base64"
    model["mimetype"] = guess_mimetype(model["name"], model["format"])


def parse_notebook(
    data: bytes, api_path: str, invalid: dict[str, Any] | None = None
) -> nbformat.NotebookNode:
    """The notebook in ``data``, as nbformat v4; 400 when it is not one.

    nbformat validates what it reads; its ``ValidationError``, if any, goes
    into ``invalid`` (for ``validate_notebook_model``: one validation per read).
    """
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4,
                              capture_validation_error=invalid)
    except Exception as exc:
        raise HTTPError(400, f"{api_path} is not a readable notebook: {exc}") from None


def add_hash(model: dict[str, Any], data: bytes, algorithm: str = "sha256") -> None:
    """The hash Jupyter asks for with ``hash=1`` (of the bytes, by ``algorithm``)."""
    model["hash"] = hashlib.new(algorithm, data).hexdigest()
    model["hash_algorithm"] = algorithm


def payload(model: dict[str, Any], api_path: str) -> bytes:
    """The bytes a file model carries (its ``content`` in its ``format``)."""
    fmt = model.get("format")
    content = model.get("content")
    if not isinstance(content, str):
        raise HTTPError(400, f"no file content provided for {api_path}")
    if fmt == "text":
        return content.encode("utf-8")
    if fmt == "base64":
        try:
            # Line breaks are allowed (base64.encodebytes writes 76-column
            # lines, and Jupyter's own manager decodes them); other stray
            # characters are refused.
            return base64.b64decode("".join(content.split()).encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise HTTPError(400, f"the content of {api_path} is not valid base64") from None
    raise HTTPError(400, "a file must be saved with format 'text' or 'base64'")


__all__ = [
    "add_hash",
    "base_model",
    "can_write",
    "directory_model",
    "fill_file",
    "guess_mimetype",
    "kind_of",
    "parse_notebook",
    "partial_upload",
    "payload",
]
