"""Shares and grantees between CS3 messages and models; names of users by id.

Server notes (Reva v1.29, checked against a live revad):

- Grantees and owners are users by id: each costs one ``GetUser`` per
  client (:meth:`Identity.user_by_id
  <cs3widgets.client.identity.Identity.user_by_id>`), shared with every other
  widget of that client.
- A resource id resolves to its path in the all-users namespace
  (``/users/<owner>/...``); the owner's own resources are given back under
  their home (``/home/...``) by :meth:`Files.stat_id
  <cs3widgets.client.files.Files.stat_id>`, the one place ids become paths.
"""

from __future__ import annotations

from typing import Any

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
from ..models import Grantee, Group, Share, User
from .roles import role_from_permissions


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

    def _grantee_model(self, g: Any) -> Grantee:
        if g.type == sp_res.GRANTEE_TYPE_GROUP:
            gid = g.group_id
            # Group ids are group names in Reva's json and LDAP providers;
            # the display name costs one GetGroup per group per client.
            group = self._identity.group_by_id(gid.idp, gid.opaque_id)
            name = group.name if group is not None and group.name else gid.opaque_id
            display = group.display_name if group is not None else ""
            return Grantee("group", name, display, idp=gid.idp, opaque_id=gid.opaque_id)
        uid = g.user_id
        u = self._user_by_id(uid)
        if u is None:
            return Grantee("user", uid.opaque_id, idp=uid.idp, opaque_id=uid.opaque_id)
        return Grantee("user", u.username, u.display_name, uid.idp, uid.opaque_id)

    def _user_by_id(self, uid: Any) -> User | None:
        """A user by id, from the client-wide cache (one GetUser per user per client)."""
        try:
            return self._identity.user_by_id(uid.idp, uid.opaque_id)
        except CS3Error:
            return None  # a name is not essential to list a share

    def _username(self, uid: Any) -> str:
        u = self._user_by_id(uid) if uid is not None else None
        return u.username if u else (uid.opaque_id if uid is not None else "")

    def _display_name(self, uid: Any) -> str:
        u = self._user_by_id(uid) if uid is not None else None
        return u.display_name if u else ""

    def _share_model(self, s: Any, path: str = "") -> Share:
        role = role_from_permissions(s.permissions.permissions)
        rid = convert.resource_id(s.resource_id)
        return Share(
            id=s.id.opaque_id,
            resource_id=rid,
            path=path or self._cache.path_of(s.resource_id) or "",
            grantee=self._grantee_model(s.grantee),
            role=role.name,
            permissions=role.flags,
            owner=self._username(s.owner),
            owner_display_name=self._display_name(s.owner),
            creator=self._username(s.creator),
            created=convert.timestamp(s.ctime),
            expiration=convert.timestamp(s.expiration),
        )

    def _ref(self, share_id: str | Share) -> co_res.ShareReference:
        sid = share_id.id if isinstance(share_id, Share) else share_id
        return co_res.ShareReference(id=co_res.ShareId(opaque_id=sid))



__all__ = ["ShareModels"]
