"""Shared with me: shares others made with me, to accept or decline."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from ...client.client import CS3Client
from ...client.models import ReceivedShare
from ..errors_ui import UserInputError
from ..formatting import plain
from .view import Column, View, ViewAction, matches

RECEIVED_STATES = ("all", "pending", "accepted", "declined")

RECEIVED_COLUMNS = (
    Column("State", "max-content"),
    Column("Name", "minmax(6em, 1fr)", kind="name"),
    Column("Owner", "minmax(6em, 14em)", tooltip=True),
    Column("Role", "max-content"),
)


def received_cells(rs: ReceivedShare) -> tuple[str, ...]:
    """``("pending", "results", "einstein", "Viewer")``."""
    name = rs.name or rs.share.path or rs.share.id
    return (rs.state, plain(name), plain(rs.share.owner or rs.share.creator),
            plain(rs.share.role))


class SharedWithMeView(View):
    """Received shares in every state, with Accept and Decline."""

    name: ClassVar[str] = "received"
    title: ClassVar[str] = "Shared with me"
    columns: ClassVar[tuple[Column, ...]] = RECEIVED_COLUMNS
    has_states: ClassVar[bool] = True
    item_type: ClassVar[type] = ReceivedShare
    actions: ClassVar[tuple[ViewAction, ...]] = (
        ViewAction("accept", "Accept", "check", style="success",
                   run=lambda c, share_id: c.shares.accept(share_id),
                   done="Accepted {n} share(s)"),
        ViewAction("decline", "Decline", "times",
                   run=lambda c, share_id: c.shares.decline(share_id),
                   done="Declined {n} share(s)"),
    )

    def load(self, client: CS3Client, path: str) -> list[ReceivedShare]:
        return client.shares.received()

    def key(self, item: ReceivedShare) -> Hashable:
        return item.share.id

    def cells(self, item: ReceivedShare) -> tuple[str, ...]:
        return received_cells(item)

    def name_of(self, item: ReceivedShare) -> str:
        return item.name or item.share.path

    def arrange(self, items: Sequence[Any], *, pattern: str = "", state: str = "all",
                **_ignored: Any) -> list[Any]:
        return [rs for rs in items
                if (state == "all" or rs.state == state) and matches(self.name_of(rs), pattern)]

    def open_target(self, client: CS3Client, item: ReceivedShare) -> str:
        if item.state != "accepted" or not item.path:
            raise UserInputError("Accept the share first, then open it")
        return item.path


__all__ = ["RECEIVED_COLUMNS", "RECEIVED_STATES", "SharedWithMeView", "received_cells"]
