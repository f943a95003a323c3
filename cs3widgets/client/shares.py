"""User and group shares: the ones I make and the ones I receive.

Server notes (Reva v1.29, checked against a live revad):

- ``ListExistingShares`` (share plus resource info in one answer) is declared
  by the gateway but not implemented: it answers an empty response whose
  status code is ``CODE_INVALID`` (Reva v3 gateways implement it). :meth:`Shares.list`
  tries it once per client, decides from that answer (never from a version
  number), and otherwise uses ``ListShares``, which carries only resource
  ids. Paths are then filled from the client's id-to-path cache (shares and
  links it created, paths it resolved before, the ``path`` argument) and
  otherwise left empty, so listing N shares still costs O(1) calls;
  :meth:`Shares.resolve_paths` stats the rest on demand (one ``Stat`` per
  distinct resource, once per client), e.g. for the visible rows.
- Grantees and owners are users by id: each costs one ``GetUser`` per
  client (:meth:`Identity.user_by_id
  <cs3widgets.client.identity.Identity.user_by_id>`), shared with every other
  widget of that client.
- A resource id resolves to its path in the all-users namespace
  (``/users/<owner>/...``); the owner's own resources are given back under
  their home (``/home/...``) by :meth:`Files.stat_id
  <cs3widgets.client.files.Files.stat_id>`, the one place ids become paths.
- Sharing a resource twice with the same grantee is answered ``INTERNAL``
  ("error creating share"; on Reva v3 as a gRPC error rather than a
  status); the client then looks for the existing share and raises
  :class:`~cs3widgets.client.errors.AlreadyExists` only if there is one
  with that grantee. A share the creator may not make (no ``add_grant``,
  e.g. a Viewer re-sharing, or more than they hold) is answered the same
  ``INTERNAL``; after such a refusal the client reads the permissions its
  ``Stat`` reported and raises :class:`~cs3widgets.client.errors.PermissionDenied`
  saying why. The server decides; the client only explains.
- The json share manager does not store share expirations, and
  ``UpdateReceivedShare`` supports only the ``state`` field (not ``hidden``
  nor ``mount_point``). Those calls raise
  :class:`~cs3widgets.client.errors.Unimplemented` with a clear message
  rather than pretending to succeed.
- :meth:`Shares.received` (``ListReceivedShares``) lists the shares made
  with me and with my groups, in every state; :meth:`Shares.get_received`
  (``GetReceivedShare``) looks one up by id. Naming each share costs one
  ``Stat`` per resource (cached per client): the listing carries ids only.
- Reva v1.29 mounts an accepted share as a reference ``<home>/MyShares/<name>``
  and follows it; Reva v3 still may create the mount but no longer follows
  references, so that path cannot be listed or read there. The resource's
  own path (``/users/<owner>/...``, reached by its id) works on both lines,
  so :attr:`ReceivedShare.path` is that path: the recipient reads and writes
  through it as far as the share's role allows (the storage refuses the rest
  with ``PERMISSION_DENIED``), and nothing depends on the server's mounts.
"""

from __future__ import annotations

import posixpath
from datetime import datetime
from typing import Any

from cs3.identity.group.v1beta1 import resources_pb2 as group_res
from cs3.identity.user.v1beta1 import resources_pb2 as user_res
from cs3.rpc.v1beta1 import code_pb2
from cs3.sharing.collaboration.v1beta1 import collaboration_api_pb2 as co_pb
from cs3.sharing.collaboration.v1beta1 import resources_pb2 as co_res
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2
from google.protobuf import field_mask_pb2

from . import convert
from .cache import client_cache
from .connection import Connection
from .errors import (
    AlreadyExists,
    CS3Error,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ServerError,
    Unimplemented,
)
from .files import Files
from .identity import Identity
from .models import Grantee, Group, ReceivedShare, Share, User
from .paths import validate_target
from .roles import Role, as_role, role_from_permissions, role_permissions, why_refused

#: Folder in the recipient's home where Reva mounts accepted shares.
DEFAULT_SHARE_FOLDER = "MyShares"

_STATES = {
    co_res.SHARE_STATE_PENDING: "pending",
    co_res.SHARE_STATE_ACCEPTED: "accepted",
    co_res.SHARE_STATE_REJECTED: "declined",
    co_res.SHARE_STATE_INVALID: "invalid",
}


def _is_dir(info: Any) -> bool:
    return info.type == sp_res.RESOURCE_TYPE_CONTAINER


class Shares:
    """Share operations of a :class:`~cs3widgets.client.CS3Client`."""

    def __init__(
        self,
        conn: Connection,
        files: Files | None = None,
        *,
        share_folder: str = DEFAULT_SHARE_FOLDER,
    ) -> None:
        self._conn = conn
        # The client's Files: it caches the home and resolves ids to paths.
        self._files = files if files is not None else Files(conn)
        self._identity = Identity(conn)
        self._cache = client_cache(conn)  # id -> path and users, per client
        self.share_folder = share_folder.strip("/")
        # None = not probed yet; the probe costs one call per client.
        self._has_list_existing: bool | None = None

    @property
    def has_list_existing(self) -> bool | None:
        """Whether the server answered ``ListExistingShares`` (None: not asked yet)."""
        return self._has_list_existing

    # -- helpers ----------------------------------------------------------
    def _stat(self, path: str) -> Any:
        res = self._conn.call(
            "Stat", sp_pb.StatRequest(ref=sp_res.Reference(path=path)), path=path
        )
        self._cache.remember_path(res.info.id, self._files.home_path(res.info.path or path))
        return res.info

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

    def _find_existing(self, info: Any, grantee: sp_res.Grantee) -> Any | None:
        """The share of ``info`` with ``grantee``, if there is one."""
        flt = co_res.Filter(type=co_res.Filter.TYPE_RESOURCE_ID, resource_id=info.id)
        try:
            res = self._conn.call("ListShares", co_pb.ListSharesRequest(filters=[flt]))
        except CS3Error:
            return None
        want = grantee.SerializeToString(deterministic=True)
        for s in res.shares:
            if s.grantee.SerializeToString(deterministic=True) == want:
                return s
        # Reva's json manager stores the user id with the grantee's type;
        # compare ids only as a fallback.
        for s in res.shares:
            a, b = s.grantee, grantee
            if a.type == b.type and (
                (a.user_id.opaque_id and a.user_id.opaque_id == b.user_id.opaque_id)
                or (a.group_id.opaque_id and a.group_id.opaque_id == b.group_id.opaque_id)
            ):
                return s
        return None

    # -- shares I make ----------------------------------------------------
    def create(
        self,
        path: str,
        grantee: str | User | Group,
        role: Role | str,
        expiration: datetime | None = None,
        *,
        kind: str = "user",
    ) -> Share:
        """Share ``path`` with a user or group (``kind="user"|"group"``) as ``role``.

        Raises :class:`AlreadyExists` if that grantee has a share of the
        resource already, and :class:`Unimplemented` if an expiration was
        asked for but the server does not store it (the share is removed).
        """
        # Before any request: '..' once made a link on the whole home, and a
        # share of '/' could never be removed.
        path = validate_target(path)
        role = as_role(role)
        info = self._stat(path)
        if role.folder_only and not _is_dir(info):
            raise InvalidArgument(f"the {role.name} role can only be given on folders", path=path)
        grantee_msg = self._grantee_message(grantee, kind)
        grant = co_res.ShareGrant(
            grantee=grantee_msg,
            permissions=co_res.SharePermissions(permissions=role_permissions(role)),
            expiration=convert.to_timestamp(expiration, types_pb2.Timestamp),
        )
        try:
            res = self._conn.call(
                "CreateShare", co_pb.CreateShareRequest(resource_info=info, grant=grant), path=path
            )
        except (ServerError, PermissionDenied) as err:
            # The server refused. Reva reports a duplicate share, and a share
            # the creator may not make, as an internal error without saying
            # why (v1.29 as a status, v3 as a gRPC error): tell the user which.
            if self._find_existing(info, grantee_msg):
                raise AlreadyExists(
                    f"{path} is already shared with this {kind}", path=path,
                    operation="CreateShare",
                ) from None
            raise why_refused(info, role, path, operation="CreateShare") or err from None
        if expiration is not None and not res.share.HasField("expiration"):
            self.remove(res.share.id.opaque_id)
            raise Unimplemented(
                "this server does not store share expirations; the share was not created",
                path=path,
            )
        return self._share_model(res.share, info.path or path)

    def get(self, share_id: str) -> Share:
        """One share by id."""
        res = self._conn.call("GetShare", co_pb.GetShareRequest(ref=self._ref(share_id)))
        return self._share_model(res.share)

    def update(
        self,
        share_id: str | Share,
        role: Role | str | None = None,
        expiration: datetime | None = None,
    ) -> Share:
        """Change a share's role (and, where the server supports it, expiry)."""
        if expiration is not None:
            # UpdateShareRequest.UpdateField has no expiration in the CS3 APIs
            # this server speaks, so it cannot be changed after creation.
            raise Unimplemented("this server cannot change a share's expiration")
        if role is None:
            return self.get(share_id.id if isinstance(share_id, Share) else share_id)
        perms = co_res.SharePermissions(permissions=role_permissions(as_role(role)))
        res = self._conn.call(
            "UpdateShare",
            co_pb.UpdateShareRequest(
                ref=self._ref(share_id),
                field=co_pb.UpdateShareRequest.UpdateField(permissions=perms),
            ),
        )
        return self._share_model(res.share)

    def remove(self, share_id: str | Share) -> None:
        """Remove a share; the grantee loses access."""
        self._conn.call("RemoveShare", co_pb.RemoveShareRequest(ref=self._ref(share_id)))

    def list(self, path: str | None = None, *, resource_id: Any = None) -> list[Share]:
        """Shares I made, of ``path`` or of everything.

        Uses ``ListExistingShares`` (resource info included) where the server
        implements it, else ``ListShares``; see the module notes for paths.
        Pass the resource's ``resource_id`` (from an Entry) with ``path`` to
        save the Stat that finds it.
        """
        filters = []
        known_path = ""
        if path is not None:
            if resource_id is None:
                info = self._stat(path)
                known_path, rid = info.path or path, info.id
            else:
                known_path, rid = path, convert.resource_id_message(resource_id)
                self._cache.remember_path(rid, path)
            filters.append(co_res.Filter(type=co_res.Filter.TYPE_RESOURCE_ID, resource_id=rid))
        req = co_pb.ListSharesRequest(filters=filters)
        if self._has_list_existing is not False:
            try:
                res = self._conn.call("ListExistingShares", req, path=path)
            except (Unimplemented, ServerError) as exc:
                if not isinstance(exc, Unimplemented) and exc.code != code_pb2.CODE_INVALID:
                    raise
                # Declared but not implemented (Reva v1 answers an empty
                # message with CODE_INVALID): use ListShares from now on.
                self._has_list_existing = False
            else:
                self._has_list_existing = True
                out = []
                for si in res.share_infos:
                    found = self._files.home_path(si.resource_info.path)
                    self._cache.remember_path(si.share.resource_id, found)
                    out.append(self._share_model(si.share, found or known_path))
                return out
        res = self._conn.call("ListShares", req, path=path)
        return [self._share_model(s, known_path) for s in res.shares]

    def resolve_paths(self, shares: list[Share]) -> list[Share]:
        """Fill in missing paths: one ``Stat`` per distinct unknown resource.

        My own resources get their path under my home (``/home/...``).
        """
        from dataclasses import replace

        out = []
        for s in shares:
            if s.path or s.resource_id is None:
                out.append(s)
                continue
            out.append(replace(s, path=self._path_of(s.resource_id)))
        return out

    # -- shares I received ------------------------------------------------
    def _received_model(self, rs: Any) -> ReceivedShare:
        try:
            source = self._path_of(rs.share.resource_id)
        except CS3Error:
            # The name is not essential to list a share.
            source = ""
        share = self._share_model(rs.share, source)
        name = posixpath.basename(source.rstrip("/"))
        state = _STATES.get(rs.state, "invalid")
        # Where the recipient reaches it: the resource's own path, on every
        # server line (see the module docstring), once accepted.
        path = source if state == "accepted" else ""
        mount = rs.mount_point.path if rs.HasField("mount_point") else ""
        return ReceivedShare(
            share=share, state=state, mount_point=mount, hidden=rs.hidden, name=name, path=path
        )

    def received(self, state: str | None = None) -> list[ReceivedShare]:
        """Shares made with me (or my groups), with their state.

        ``state`` ("pending", "accepted", "declined") filters the list.
        ``ReceivedShare.path`` is where an accepted share can be read and
        written: the resource in its owner's storage (``/users/<owner>/...``),
        also ``share.path``. Costs one
        ``ListReceivedShares`` plus one ``Stat`` per resource not seen before.
        """
        res = self._conn.call("ListReceivedShares", co_pb.ListReceivedSharesRequest())
        out = [self._received_model(rs) for rs in res.shares]
        return [r for r in out if state is None or r.state == state]

    def get_received(self, share_id: str | Share) -> ReceivedShare:
        """One share made with me, by id, with its state."""
        try:
            res = self._conn.call(
                "GetReceivedShare", co_pb.GetReceivedShareRequest(ref=self._ref(share_id))
            )
        except ServerError as exc:
            if exc.code != code_pb2.CODE_INTERNAL:
                raise
            # Reva v1 wraps its share managers' "not found" (the only way
            # their lookup fails) as INTERNAL.
            raise NotFound("no such received share (removed, or not shared with you)") from None
        return self._received_model(res.share)

    def _update_received(self, share_id: str | Share, rs: Any, mask: list[str]) -> ReceivedShare:
        sid = share_id.id if isinstance(share_id, Share) else share_id
        rs.share.id.opaque_id = sid
        try:
            res = self._conn.call(
                "UpdateReceivedShare",
                co_pb.UpdateReceivedShareRequest(
                    share=rs, update_mask=field_mask_pb2.FieldMask(paths=mask)
                ),
            )
        except CS3Error as err:
            if isinstance(err, ServerError) and set(mask) - {"state"}:
                # Reva v1's share managers support only "state" and say so
                # as INTERNAL; nothing was changed.
                fields = " and ".join(sorted(set(mask) - {"state"}))
                raise Unimplemented(
                    f"this server cannot change a received share's {fields}"
                ) from None
            if isinstance(err, ServerError) and rs.state == co_res.SHARE_STATE_ACCEPTED:
                raise ServerError(
                    "the server could not mount the accepted share in your "
                    f"{self.share_folder} folder ({err.message})"
                ) from None
            raise err
        return self._received_model(res.share)

    def accept(self, share_id: str | Share, mount_point: str | None = None) -> ReceivedShare:
        """Accept a received share; read and write it through ``.path``."""
        rs = co_res.ReceivedShare(state=co_res.SHARE_STATE_ACCEPTED)
        mask = ["state"]
        if mount_point:
            rs.mount_point.CopyFrom(sp_res.Reference(path=mount_point))
            mask.append("mount_point")
        return self._update_received(share_id, rs, mask)

    def decline(self, share_id: str | Share) -> ReceivedShare:
        """Decline a received share (removes its mount if it was accepted)."""
        rs = co_res.ReceivedShare(state=co_res.SHARE_STATE_REJECTED)
        try:
            return self._update_received(share_id, rs, ["state"])
        except ServerError:
            # Reva stores the state first, then removes the mount; the mount
            # removal fails when there is none the gateway can reach. The
            # share is declined all the same: check and report that.
            got = self.get_received(share_id)
            if got.state != "declined":
                raise
            return got

    def hide(self, share_id: str | Share, hidden: bool = True) -> ReceivedShare:
        """Hide (or unhide) a received share in listings."""
        rs = co_res.ReceivedShare(hidden=hidden)
        return self._update_received(share_id, rs, ["hidden"])


__all__ = ["DEFAULT_SHARE_FOLDER", "Shares"]
