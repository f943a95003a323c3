"""Shares and grantees between CS3 messages and models; names of users by id.

Server notes (Reva v1.29, checked against a live revad):

- Grantees and owners are users by id: each costs one ``GetUser`` per
  client (:meth:`Identity.user_by_id
  <cs3widgets.client.identity.Identity.user_by_id>`), shared with every other
  widget of that client. Listed with ``names=False``, shares cost no lookup
  (names the client knows are filled in, the others show by id) and
  :meth:`ShareModels.with_names` names only the shares shown, concurrently
  when given a bounded ``map``: what a page of rows costs, whatever the number
  of shares.
- A resource id resolves to its path in the all-users namespace
  (``/users/<owner>/...``); the owner's own resources are given back under
  their home (``/home/...``) by :meth:`Files.stat_id
  <cs3widgets.client.files.Files.stat_id>`, the one place ids become paths.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from cs3.identity.group.v1beta1 import resources_pb2 as group_res
from cs3.identity.user.v1beta1 import resources_pb2 as user_res
from cs3.sharing.collaboration.v1beta1 import resources_pb2 as co_res
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from .. import convert
from ..cache import ClientCache
from ..connection import Connection
from ..errors import CS3Error, InvalidArgument, NotFound
from ..files import Files
from ..identity import Identity
from ..models import Grantee, Group, ReceivedShare, Share, User
from .roles import role_from_permissions

S = TypeVar("S", Share, ReceivedShare)


def _serial_map(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterable[Any]:
    return [fn(x) for x in items]


class ShareModels:
    """Share and grantee conversions; the base of both parts of :class:`~.shares.Shares`."""

    _conn: Connection
    _files: Files
    _identity: Identity
    _cache: ClientCache
    share_folder: str

    def _path_of(self, rid: Any) -> str:
        """The path of a resource id (the client's cache, else one Stat; "" if out of reach)."""
        return self._files.path_of(rid)

    def _grantee_message(self, grantee: str | User | Group, kind: str) -> sp_res.Grantee:
        if isinstance(grantee, User):
            kind, name = "user", grantee.username
        elif isinstance(grantee, Group):
            kind, name = "group", grantee.name
        else:
            name = grantee.strip()
        if kind == "user":
            u = grantee if isinstance(grantee, User) and grantee.opaque_id else (
                self._identity.get_user(name)
            )
            return sp_res.Grantee(
                type=sp_res.GRANTEE_TYPE_USER,
                user_id=user_res.UserId(
                    idp=u.idp, opaque_id=u.opaque_id, type=user_res.USER_TYPE_PRIMARY
                ),
            )
        if kind == "group":
            g = grantee if isinstance(grantee, Group) and grantee.opaque_id else next(
                (g for g in self._identity.find_groups(name) if g.name == name), None
            )
            if g is None:
                raise NotFound(f"no group named {name!r}")
            return sp_res.Grantee(
                type=sp_res.GRANTEE_TYPE_GROUP,
                group_id=group_res.GroupId(idp=g.idp, opaque_id=g.opaque_id),
            )
        raise InvalidArgument(f"grantee kind must be 'user' or 'group', not {kind!r}")

    def _grantee(self, kind: str, idp: str, opaque_id: str, names: bool) -> Grantee:
        """A grantee by id, named from the cache, else (with ``names``) looked up."""
        if kind == "group":
            # Group ids are group names in Reva's json and LDAP providers;
            # the display name costs one GetGroup per group per client.
            if names:
                group = self._identity.group_by_id(idp, opaque_id)
            else:
                group = self._cache.known_group(idp, opaque_id)[1]
            name = group.name if group is not None and group.name else opaque_id
            display = group.display_name if group is not None else ""
            return Grantee("group", name, display, idp=idp, opaque_id=opaque_id)
        u = self._user_by_key((idp, opaque_id), names)
        if u is None:
            return Grantee("user", opaque_id, idp=idp, opaque_id=opaque_id)
        return Grantee("user", u.username, u.display_name, idp, opaque_id)

    def _asked(self, kind: str, key: tuple[str, str]) -> bool:
        """Whether the user (group) of ``key`` needs no lookup: none, or asked already."""
        known = self._cache.known_group if kind == "group" else self._cache.known_user
        return not key[1] or known(*key)[0]

    def _user_by_key(self, key: tuple[str, str], names: bool = True) -> User | None:
        """A user by ``(idp, opaque_id)``: the client-wide cache, else (with
        ``names``) one GetUser per user per client."""
        if not key[1]:
            return None
        if not names:
            return self._cache.known_user(*key)[1]
        try:
            return self._identity.user_by_id(*key)
        except CS3Error:
            return None  # a name is not essential to list a share

    def _share_model(self, s: Any, path: str = "", names: bool = True) -> Share:
        """The model of a CS3 share. ``names=False``: no lookup; users and groups
        this client has not seen show by id and ``names_pending`` is set."""
        role = role_from_permissions(s.permissions.permissions)
        if s.grantee.type == sp_res.GRANTEE_TYPE_GROUP:
            kind, gid = "group", s.grantee.group_id
        else:
            kind, gid = "user", s.grantee.user_id
        share = Share(
            id=s.id.opaque_id,
            resource_id=convert.resource_id(s.resource_id),
            path=path or self._cache.path_of(s.resource_id) or "",
            grantee=Grantee(kind, gid.opaque_id, idp=gid.idp, opaque_id=gid.opaque_id),
            role=role.name,
            permissions=role.flags,
            created=convert.timestamp(s.ctime),
            expiration=convert.timestamp(s.expiration),
            owner_id=(s.owner.idp, s.owner.opaque_id),
            creator_id=(s.creator.idp, s.creator.opaque_id),
        )
        return self._named(share, names)

    def _named(self, share: Share, names: bool) -> Share:
        """``share`` with the names of its grantee, owner and creator (cache, or lookups)."""
        g = share.grantee
        owner = self._user_by_key(share.owner_id, names)
        creator = self._user_by_key(share.creator_id, names)
        pending = not names and not (
            self._asked(g.kind, (g.idp, g.opaque_id)) and self._asked("user", share.owner_id)
            and self._asked("user", share.creator_id))
        return replace(
            share, grantee=self._grantee(g.kind, g.idp, g.opaque_id, names),
            owner=owner.username if owner else share.owner_id[1],
            owner_display_name=owner.display_name if owner else "",
            creator=creator.username if creator else share.creator_id[1],
            names_pending=pending,
        )

    def with_names(self, shares: Sequence[S], *,
                   map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]
                   | None = None) -> list[S]:
        """``shares`` (or received shares) with every name listed with ``names=False``
        filled in: one GetUser (or GetGroup) per user (group) this client has not
        seen. ``map`` runs the lookups (a bounded pool: the widgets pass their
        runner's :meth:`~cs3widgets.widgets.base.runner.Runner.map`); default one by one.
        """
        users: set[tuple[str, str]] = set()
        groups: set[tuple[str, str]] = set()
        for item in shares:
            s = item.share if isinstance(item, ReceivedShare) else item
            if not s.names_pending:
                continue
            g = s.grantee
            (groups if g.kind == "group" else users).add((g.idp, g.opaque_id))
            users.update((s.owner_id, s.creator_id))
        jobs: list[Callable[[], Any]] = [
            functools.partial(self._user_by_key, k) for k in users if not self._asked("user", k)]
        jobs += [functools.partial(self._identity.group_by_id, *k) for k in groups
                 if not self._asked("group", k)]
        for _ in (map or _serial_map)(lambda job: job(), jobs):
            pass
        return [self._named_item(item) for item in shares]

    def _named_item(self, item: Any) -> Any:
        """A share or received share with the names now known filled in (same kind)."""
        if isinstance(item, ReceivedShare):
            return replace(item, share=self._named(item.share, True)) \
                if item.share.names_pending else item
        return self._named(item, True) if item.names_pending else item

    def _ref(self, share_id: str | Share) -> co_res.ShareReference:
        sid = share_id.id if isinstance(share_id, Share) else share_id
        return co_res.ShareReference(id=co_res.ShareId(opaque_id=sid))


__all__ = ["ShareModels"]
