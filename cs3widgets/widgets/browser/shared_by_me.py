"""Shared by me: the shares I made, with their grantees and roles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from ...client import paths as cs3paths
from ...client.client import CS3Client
from ...client.models import Share
from ..base.formatting import SHARED_ICON, local_time, plain
from ..base.messages import UserInputError
from .view import Column, View, ViewAction

SHARED_COLUMNS = (
    Column("Path", "minmax(6em, 1fr)", kind="name"),
    Column("With", "minmax(8em, 16em)", tooltip=True),
    Column("Role", "max-content"),
    Column("Expires", "max-content"),
)


def share_cells(share: Share) -> tuple[str, ...]:
    """``("/home/results", "👤 Marie Curie (marie)", "Editor", "")``."""
    kind = "\U0001f464" if share.grantee.kind == "user" else SHARED_ICON
    return (plain(share.path or share.id), f"{kind} {plain(share.grantee.label)}",
            plain(share.role), local_time(share.expiration))


def open_shared_resource(client: CS3Client, item: Any) -> str:
    """A shared resource's folder: itself if it is one, else its parent (one Stat)."""
    target = item.path
    if not target:
        raise UserInputError("The shared resource's path is not known")
    entry = client.files.stat(target)
    return target if entry.is_dir else cs3paths.parent(target)


def lacks_path(item: Any) -> bool:
    """A share or link whose resource's path is not known yet."""
    return not item.path and item.resource_id is not None


class SharedByMeView(View):
    """My shares. One ListExistingShares where the server has it (paths
    included: the cost does not grow with the shares). Else one ListShares,
    plus, for the rows on the page shown, one Stat per resource this client
    has not seen before (see :mod:`cs3widgets.client.shares`). The grantees'
    names too are looked up for the page shown only, several at once: the
    cost grows with the page, not with the number of shares."""

    name: ClassVar[str] = "shared"
    title: ClassVar[str] = "Shared by me"
    columns: ClassVar[tuple[Column, ...]] = SHARED_COLUMNS
    item_type: ClassVar[type] = Share
    actions: ClassVar[tuple[ViewAction, ...]] = (
        ViewAction("remove_share", "Remove share", "trash",
                   run=lambda c, share_id: c.shares.remove(share_id), done="Removed {n} share(s)",
                   confirm="Remove {n} share(s)? The grantees lose access.",
                   confirm_label="Remove"),
    )

    def load(self, client: CS3Client, path: str) -> list[Share]:
        return client.shares.list(names=False)

    def incomplete(self, item: Share) -> bool:
        return lacks_path(item) or item.names_pending

    def complete(self, client: CS3Client, items: list[Share], *,
                 map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None,
                 ) -> list[Share]:
        # The grantees' names of the page shown, at once (not one per share listed).
        return client.shares.with_names(client.shares.resolve_paths(items), map=map)

    def cells(self, item: Share) -> tuple[str, ...]:
        return share_cells(item)

    def open_target(self, client: CS3Client, item: Share) -> str:
        return open_shared_resource(client, item)


__all__ = ["SHARED_COLUMNS", "SharedByMeView", "lacks_path", "open_shared_resource",
           "share_cells"]
