"""Shared with me: resources others shared with me, to accept or decline.

A resource can reach me through several shares: one with me and one with
a group I am in, say. The view shows **one row per resource**
(:class:`ReceivedResource`): its state and role are the most useful of its
shares' (accepted before pending before declined; the role with the most
permissions), and Accept or Decline acts on every share of it, so the
server's state matches the row. Owners and groups show by display name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from ...client.client import CS3Client
from ...client.models import ReceivedShare
from ..base.formatting import plain
from ..base.messages import UserInputError
from .view import Column, View, ViewAction, matches

RECEIVED_STATES = ("all", "pending", "accepted", "declined")

RECEIVED_COLUMNS = (
    Column("State", "max-content"),
    Column("Name", "minmax(6em, 1fr)", kind="name"),
    Column("Owner", "minmax(6em, 14em)", tooltip=True),
    Column("Role", "max-content"),
    Column("Shared with", "minmax(4em, 12em)", tooltip=True),
)


def received_cells(rs: ReceivedShare) -> tuple[str, ...]:
    """``("pending", "results", "Albert Einstein", "Viewer", "you, Physics Lovers")``."""
    name = rs.name or rs.share.path or rs.share.id
    owner = rs.share.owner_display_name or rs.share.owner or rs.share.creator
    via = ", ".join(getattr(rs, "via", ()))
    return (rs.state, plain(name), plain(owner), plain(rs.share.role), plain(via))


#: Which state a merged row shows: the most useful one.
STATE_ORDER = {"accepted": 3, "pending": 2, "declined": 1, "invalid": 0}


@dataclass(frozen=True)
class ReceivedResource(ReceivedShare):
    """One resource shared with me, however many of its shares reach me.

    ``share`` is the row's representative share (a share with me before a
    group share, then the oldest id: stable across reloads, so its id is
    the row's key) with the best role of all; ``share_ids`` lists every
    share of the resource made with me or my groups.
    """

    share_ids: tuple[str, ...] = ()
    #: How it reaches me: "you" and/or group display names.
    via: tuple[str, ...] = ()
    #: ``(kind, idp, opaque_id)`` of each grantee in ``via`` (what names them).
    via_ids: tuple[tuple[str, str, str], ...] = field(default=(), compare=False, repr=False)
    #: Listed without names: owner and groups show by id until the row is shown.
    names_pending: bool = field(default=False, compare=False)

    @property
    def owner_name(self) -> str:
        """The owner's display name (else username)."""
        return self.share.owner_display_name or self.share.owner or self.share.creator


def resource_key(rs: ReceivedShare) -> Hashable:
    """What two shares of one resource have in common."""
    rid = rs.share.resource_id
    if rid is not None and rid.opaque_id:
        return (rid.storage_id, rid.opaque_id)
    return rs.share.path or rs.share.id


def _via(rs: ReceivedShare) -> str:
    grantee = rs.share.grantee
    if grantee.kind == "group":
        return grantee.display_name or grantee.name
    return "you"


def _via_label(client: CS3Client, via: tuple[str, str, str]) -> str:
    kind, idp, opaque_id = via
    if kind != "group":
        return "you"
    group = client.identity.group_by_id(idp, opaque_id)  # asked already: cached
    return (group.display_name or group.name) if group is not None else opaque_id


def _serial(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    return [fn(x) for x in items]


def merge_received(shares: Sequence[ReceivedShare]) -> list[ReceivedResource]:
    """One :class:`ReceivedResource` per resource, in the order first seen."""
    groups: dict[Hashable, list[ReceivedShare]] = {}
    for rs in shares:
        groups.setdefault(resource_key(rs), []).append(rs)
    out = []
    for members in groups.values():
        rep = min(members, key=lambda r: (r.share.grantee.kind == "group", r.share.id))
        best_state = max(members, key=lambda r: STATE_ORDER.get(r.state, 0))
        best_role = max(members, key=lambda r: len(r.share.permissions))
        reached = next((r for r in members if r.path), rep)
        out.append(ReceivedResource(
            share=replace(rep.share, role=best_role.share.role,
                          permissions=best_role.share.permissions),
            state=best_state.state, mount_point=best_state.mount_point or rep.mount_point,
            hidden=all(r.hidden for r in members), name=rep.name or reached.name,
            path=reached.path if best_state.state == "accepted" else "",
            share_ids=tuple(sorted(r.share.id for r in members)),
            via=tuple(dict.fromkeys(_via(r) for r in members)),
            via_ids=tuple(dict.fromkeys(
                (g.kind, g.idp, g.opaque_id) for g in (r.share.grantee for r in members))),
            names_pending=any(r.share.names_pending for r in members),
        ))
    return out


class SharedWithMeView(View):
    """Received shares in every state, with Accept and Decline."""

    name: ClassVar[str] = "received"
    title: ClassVar[str] = "Shared with me"
    columns: ClassVar[tuple[Column, ...]] = RECEIVED_COLUMNS
    has_states: ClassVar[bool] = True
    item_type: ClassVar[type] = ReceivedShare
    def __init__(self) -> None:
        # Row key (a share id) -> every share id of that resource, from the
        # last load: Accept and Decline act on all of them.
        self.members: dict[Hashable, tuple[str, ...]] = {}
        self.actions = (  # type: ignore[misc]  # bound to this view's members
            ViewAction("accept", "Accept", "check", style="success",
                       run=lambda c, key: self._each(key, c.shares.accept),
                       done="Accepted {n} share(s)"),
            ViewAction("decline", "Decline", "times",
                       run=lambda c, key: self._each(key, c.shares.decline),
                       done="Declined {n} share(s)"),
        )

    def _each(self, key: Hashable, act: Any) -> None:
        for share_id in self.members.get(key, (key,)):
            act(share_id)

    def load(self, client: CS3Client, path: str) -> list[ReceivedResource]:
        rows = merge_received(client.shares.received(names=False))
        self.members = {self.key(r): r.share_ids for r in rows}
        return rows

    def key(self, item: ReceivedShare) -> Hashable:
        return item.share.id

    def incomplete(self, item: ReceivedShare) -> bool:
        return bool(getattr(item, "names_pending", False))

    def complete(self, client: CS3Client, items: list[ReceivedShare], *,
                 map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None,
                 ) -> list[ReceivedShare]:
        """Name the owners and groups of the rows shown (several lookups at once)."""
        named = client.shares.with_names(items, map=map)
        groups = {(idp, oid) for it in named for kind, idp, oid in getattr(it, "via_ids", ())
                  if kind == "group"}
        list((map or _serial)(lambda k: client.identity.group_by_id(*k), groups))
        return [replace(it, via=tuple(dict.fromkeys(_via_label(client, v) for v in it.via_ids)),
                        names_pending=False) if isinstance(it, ReceivedResource) else it
                for it in named]

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


__all__ = ["RECEIVED_COLUMNS", "RECEIVED_STATES", "ReceivedResource", "SharedWithMeView",
           "merge_received", "received_cells", "resource_key"]
