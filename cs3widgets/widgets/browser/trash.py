"""Trash: deleted items, newest first, to restore or purge."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar

from ...client.client import CS3Client
from ...client.models import RecycleItem
from ..base.formatting import FILE_ICON, FOLDER_ICON, human_size, local_time, plain
from ..base.messages import UserInputError
from .view import Column, View, ViewAction, matches

TRASH_COLUMNS = (
    Column("", "1.8em", kind="icon"),
    Column("Original path", "minmax(6em, 1fr)", kind="name"),
    Column("Size", "max-content", align="right"),
    Column("Deleted", "max-content"),
)

_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def trash_cells(item: RecycleItem) -> tuple[str, ...]:
    """``("📄", "/home/old.txt", "1.0 KB", "2024-05-01 10:00")``."""
    folder = item.type.value == "folder"
    return (FOLDER_ICON if folder else FILE_ICON, plain(item.original_path),
            "" if folder else human_size(item.size), local_time(item.deleted))


class TrashView(View):
    """The recycle bin (one ListRecycle)."""

    name: ClassVar[str] = "trash"
    title: ClassVar[str] = "Trash"
    columns: ClassVar[tuple[Column, ...]] = TRASH_COLUMNS
    empty_text: ClassVar[str] = "The trash is empty"
    item_type: ClassVar[type] = RecycleItem
    actions: ClassVar[tuple[ViewAction, ...]] = (
        ViewAction("restore", "Restore", "undo", style="success",
                   run=lambda c, key: c.files.recycle_restore(key),
                   done="Restored {n} item(s)"),
        ViewAction("purge", "Purge", "trash", style="danger",
                   run=lambda c, key: c.files.recycle_purge(key), done="Purged {n} item(s)",
                   confirm="Purge {n} item(s) for good?", confirm_label="Purge"),
        ViewAction("empty_trash", "Empty trash", "trash", per_item=False,
                   run=lambda c, _none: c.files.recycle_purge(), done="Trash emptied",
                   confirm="Empty the trash? Everything in it is removed for good.",
                   confirm_label="Empty trash"),
    )

    def load(self, client: CS3Client, path: str) -> list[RecycleItem]:
        return client.files.recycle_list()

    def key(self, item: RecycleItem) -> Hashable:
        return item.key

    def cells(self, item: RecycleItem) -> tuple[str, ...]:
        return trash_cells(item)

    def name_of(self, item: RecycleItem) -> str:
        return item.original_path

    def arrange(self, items: Sequence[Any], *, pattern: str = "", **_ignored: Any) -> list[Any]:
        kept = [x for x in items if matches(x.original_path, pattern)]
        kept.sort(key=lambda x: x.deleted or _OLDEST, reverse=True)
        return kept

    def open_target(self, client: CS3Client, item: RecycleItem) -> str:
        raise UserInputError("Restore the item to open it")


__all__ = ["TRASH_COLUMNS", "TrashView", "trash_cells"]
