"""Shared by me: the shares I made, with their grantees and roles."""

from __future__ import annotations

from typing import Any, ClassVar

from ...client import paths as cs3paths
from ...client.client import CS3Client
from ...client.models import Share
from ..errors_ui import UserInputError
from ..formatting import SHARED_ICON, local_time, plain
from ..listing import columns
from .view import View, ViewAction

SHARED_HEADER = columns(
    ("Path", 40, "left"), ("With", 28, "left"), ("Role", 9, "left"), ("Expires", 16, "left"),
)


def share_label(share: Share) -> str:
    """``/home/results   Marie Curie (marie)   Editor``."""
    kind = "\U0001f464" if share.grantee.kind == "user" else SHARED_ICON
    return columns(
        (plain(share.path or share.id), 40, "left"),
        (f"{kind} {plain(share.grantee.label)}", 28, "left"),
        (plain(share.role), 9, "left"),
        (local_time(share.expiration), 16, "left"),
    )


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
    has not seen before (see :mod:`cs3widgets.client.shares`): the cost
    grows with the page, not with the number of shares."""

    name: ClassVar[str] = "shared"
    title: ClassVar[str] = "Shared by me"
    header: ClassVar[str] = SHARED_HEADER
    item_type: ClassVar[type] = Share
    actions: ClassVar[tuple[ViewAction, ...]] = (
        ViewAction("remove_share", "Remove share", "trash",
                   run=lambda c, share_id: c.shares.remove(share_id), done="Removed {n} share(s)",
                   confirm="Remove {n} share(s)? The grantees lose access.",
                   confirm_label="Remove"),
    )

    def load(self, client: CS3Client, path: str) -> list[Share]:
        return client.shares.list()

    def incomplete(self, item: Share) -> bool:
        return lacks_path(item)

    def complete(self, client: CS3Client, items: list[Share]) -> list[Share]:
        return client.shares.resolve_paths(items)

    def label(self, item: Share) -> str:
        return share_label(item)

    def open_target(self, client: CS3Client, item: Share) -> str:
        return open_shared_resource(client, item)


__all__ = ["SHARED_HEADER", "SharedByMeView", "lacks_path", "open_shared_resource",
           "share_label"]
