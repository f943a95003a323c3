"""My files: the entries of one folder, folders first, with share and link markers."""

from __future__ import annotations

import posixpath
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from ...client import paths as cs3paths
from ...client.client import CS3Client
from ...client.errors import CS3Error
from ...client.files.listing import CompactListing
from ...client.models import Entry, EntryType
from ..base.formatting import LINK_ICON, LOCK_ICON, SHARED_ICON, human_size, local_time, plain
from ..base.formatting import icon_for as entry_icon
from ..base.messages import UserInputError, log
from .view import Column, View, matches

SORT_KEYS = ("name", "size", "modified")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

#: Name, Size and Modified sort on a click (the keys of :data:`SORT_KEYS`).
FILES_COLUMNS = (
    Column("", "1.8em", kind="icon"),
    Column("Name", "minmax(6em, 1fr)", kind="name", sort="name"),
    Column("Size", "max-content", align="right", sort="size"),
    Column("Modified", "max-content", sort="modified"),
    Column("Shared", "max-content"),
    Column("Locked", "max-content"),
)


def _aware(when: datetime | None) -> datetime:
    if when is None:
        return _EPOCH
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def arrange(
    entries: Iterable[Entry],
    *,
    sort_by: str = "name",
    descending: bool = False,
    pattern: str = "",
    show_hidden: bool = False,
) -> list[Entry]:
    """Filter and sort a folder's entries; folders always come first."""
    if sort_by not in SORT_KEYS:
        raise ValueError(f"sort_by must be one of {SORT_KEYS}")
    kept = [e for e in entries if (show_hidden or not e.hidden) and matches(e.name, pattern)]
    if sort_by == "size":
        kept.sort(key=lambda e: (e.size, e.name.casefold()), reverse=descending)
    elif sort_by == "modified":
        kept.sort(key=lambda e: (_aware(e.mtime), e.name.casefold()), reverse=descending)
    else:
        kept.sort(key=lambda e: (e.name.casefold(), e.name), reverse=descending)
    # A stable sort on "is a file" keeps the order inside each group.
    kept.sort(key=lambda e: not e.is_dir)
    return kept


def entry_cells(entry: Entry, shared: bool = False, linked: bool = False) -> tuple[str, ...]:
    """``("📁", "name", "12.0 KB", "2024-05-01 10:00", "👥🔗", "🔒")``: one text per column."""
    return (
        entry_icon(entry),
        plain(entry.name),
        "" if entry.is_dir else human_size(entry.size),
        local_time(entry.mtime),
        (SHARED_ICON if shared else "") + (LINK_ICON if linked else ""),
        LOCK_ICON if entry.lock is not None else "",
    )


def ids_of(resource_id: Any, path: str) -> set[Any]:
    """Keys that identify a resource: its (storage, opaque) id and its path."""
    keys: set[Any] = set()
    if resource_id is not None and getattr(resource_id, "opaque_id", ""):
        keys.add((resource_id.storage_id, resource_id.opaque_id))
    if path:
        keys.add(posixpath.normpath(path))
    return keys


@dataclass
class Folder:
    """One folder's answer: its entries and which of them I shared or linked.

    ``entries`` is the listing as it arrived (:class:`CompactListing`): rows
    become :class:`Entry` models only when shown or selected.
    """

    path: str
    entries: CompactListing
    shared: set[Any] = field(default_factory=set)
    linked: set[Any] = field(default_factory=set)


class EntriesByPath(Mapping[str, Entry]):
    """A folder's entries by path, each built when first asked for."""

    def __init__(self, listing: CompactListing) -> None:
        self.listing = listing

    def __getitem__(self, path: str) -> Entry:
        entry = self.listing.by_path(path) if isinstance(path, str) else None
        if entry is None:
            raise KeyError(path)
        return entry

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.listing.by_path(path) is not None

    def __iter__(self) -> Iterator[str]:
        base = self.listing.path.rstrip("/")
        for name in self.listing.arrange(show_hidden=True, folders_first=False).names():
            yield f"{base}/{name}"

    def __len__(self) -> int:
        return len(self.listing.arrange(show_hidden=True, folders_first=False))


def is_share_folder(client: CS3Client, folder: str, entry: Entry) -> bool:
    """Whether ``entry`` is the server's folder of accepted shares (``MyShares``).

    Decided from what the server shows, not from its version: the entry
    sits at the home root under the share folder's name, and it is a
    reference, or a folder holding only mounts of accepted shares: Reva v3
    lists each as a reference, Reva v1.29 follows it and lists the other
    user's resource (owned by them). A folder of that name with things of
    the user's own in it stays. Costs one listing, only when such an entry
    exists.
    """
    if entry.name != client.shares.share_folder or folder != client.identity.home():
        return False
    if entry.type == EntryType.REFERENCE:
        return True
    if not entry.is_dir:
        return False
    try:
        inside = client.files.list(entry.path)
        me = client.identity.whoami().opaque_id
    except CS3Error:
        return False
    return all(e.type == EntryType.REFERENCE or (e.owner and e.owner != me) for e in inside)


def load_folder(client: CS3Client, path: str) -> Folder:
    """List ``path`` and the share/link markers (3 calls, whatever the folder's size).

    The listing stays compact (no model per entry) and the shares are
    listed without their grantees' names (the markers need ids only), so
    neither the folder's size nor the number of grantees adds a call or a
    model. At the home root, the server's share folder is left out:
    accepted shares are reached from "Shared with me", and its references
    cannot be opened on every server line.
    """
    path = cs3paths.validate_path(path)
    listing = client.files.list_compact(path)
    k = listing.index_of(client.shares.share_folder)
    if k is not None and is_share_folder(client, path, listing.entry(k)):
        listing.drop(k)
    folder = Folder(path, listing)
    try:
        for s in client.shares.list(names=False):
            folder.shared.update(ids_of(s.resource_id, s.path))
        for link in client.links.list():
            folder.linked.update(ids_of(link.resource_id, link.path))
    except CS3Error as exc:
        # Markers are a nicety: a server without sharing still browses.
        log.debug("could not load share markers: %s", exc)
    return folder


class MyFilesView(View):
    """The folder shown by ``Browser.path``."""

    name: ClassVar[str] = "files"
    title: ClassVar[str] = "My files"
    columns: ClassVar[tuple[Column, ...]] = FILES_COLUMNS
    empty_text: ClassVar[str] = "This folder is empty"
    shows_folder: ClassVar[bool] = True
    item_type: ClassVar[type] = Entry

    def __init__(self) -> None:
        self.shared: set[Any] = set()
        self.linked: set[Any] = set()

    def load(self, client: CS3Client, path: str) -> Folder:  # type: ignore[override]
        return load_folder(client, path or client.identity.home())

    def key(self, item: Entry) -> Hashable:
        return item.path

    def cells(self, item: Entry) -> tuple[str, ...]:
        ids = ids_of(item.id, item.path)
        return entry_cells(item, bool(ids & self.shared), bool(ids & self.linked))

    def opens(self, item: Entry) -> bool:
        return item.is_dir

    def arrange(self, items: Sequence[Any] | CompactListing, *, pattern: str = "",
                state: str = "all", sort_by: str = "name", descending: bool = False,
                show_hidden: bool = False) -> Sequence[Any]:
        if isinstance(items, CompactListing):  # entries built for the rows shown only
            return items.arrange(sort_by=sort_by, descending=descending, pattern=pattern,
                                 show_hidden=show_hidden)
        return arrange(items, sort_by=sort_by, descending=descending, pattern=pattern,
                       show_hidden=show_hidden)

    def open_target(self, client: CS3Client, item: Entry) -> str:
        if not item.is_dir:
            raise UserInputError(f"{item.name} is a file; use Download to get it")
        return item.path


__all__ = ["FILES_COLUMNS", "SORT_KEYS", "EntriesByPath", "Folder", "MyFilesView", "arrange",
           "entry_cells", "ids_of", "is_share_folder", "load_folder"]
