"""User and group shares I make: create, get, update, remove, list, resolve paths.

Server notes (Reva v1.29, checked against a live revad):

- ``ListExistingShares`` (share plus resource info in one answer) is declared
  by the gateway but not implemented: it answers an empty response whose
  status code is ``CODE_INVALID`` (Reva v3 gateways implement it). :meth:`Shares.list
  <cs3widgets.client.shares.Shares.list>`
  tries it once per client, decides from that answer (never from a version
  number), and otherwise uses ``ListShares``, which carries only resource
  ids. Paths are then filled from the client's id-to-path cache (shares and
  links it created, paths it resolved before, the ``path`` argument) and
  otherwise left empty, so listing N shares still costs O(1) calls;
  :meth:`Shares.resolve_paths <cs3widgets.client.shares.Shares.resolve_paths>`
  stats the rest on demand (one ``Stat`` per
  distinct resource, once per client), e.g. for the visible rows.
- Sharing a resource twice with the same grantee is answered ``INTERNAL``
  ("error creating share"; on Reva v3 as a gRPC error rather than a
  status); the client then looks for the existing share and raises
  :class:`~cs3widgets.client.errors.AlreadyExists` only if there is one
  with that grantee. A share the creator may not make (no ``add_grant``,
  e.g. a Viewer re-sharing, or more than they hold) is answered the same
  ``INTERNAL``; after such a refusal the client reads the permissions its
  ``Stat`` reported and raises :class:`~cs3widgets.client.errors.PermissionDenied`
  saying why. The server decides; the client only explains.
- The json share manager does not store share expirations. Those calls raise
  :class:`~cs3widgets.client.errors.Unimplemented` with a clear message
  rather than pretending to succeed.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from cs3.sharing.collaboration.v1beta1 import collaboration_api_pb2 as co_pb
from cs3.sharing.collaboration.v1beta1 import resources_pb2 as co_res
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2

from .. import convert
from ..capabilities import LIST_EXISTING_SHARES, Capabilities
from ..errors import (
    AlreadyExists,
    CS3Error,
    InvalidArgument,
    PermissionDenied,
    ServerError,
    Unimplemented,
)
from ..models import Group, Share, User
from ..paths import validate_target
from .roles import Role, as_role, role_permissions, why_refused
from .share_models import ShareModels


def _is_dir(info: Any) -> bool:
    return info.type == sp_res.RESOURCE_TYPE_CONTAINER


class SharesMadeOps(ShareModels):
    """Shares I make; part of :class:`~.shares.Shares`."""

    _caps: Capabilities

    def _stat(self, path: str) -> Any:
        res = self._conn.call(
            "Stat", sp_pb.StatRequest(ref=sp_res.Reference(path=path)), path=path
        )
        self._cache.remember_path(res.info.id, self._files.home_path(res.info.path or path))
        return res.info

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
        # CERNBox refuses a share its creator may not make in its web front
        # end (its OCS API); over gRPC, Reva's gateway stores the share before
        # the storage refuses the grant and leaves it in the grantee's list
        # (v1.29; tools/revad/FIDELITY.md). So the client checks first.
        refusal = why_refused(info, role, path, operation="CreateShare")
        if refusal is not None:
            raise refusal
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

    def list(self, path: str | None = None, *, resource_id: Any = None,
             names: bool = True) -> list[Share]:
        """Shares I made, of ``path`` or of everything.

        ``names=False``: no GetUser or GetGroup; users and groups this client
        has not seen show by id until :meth:`with_names` (the cost stays O(1)
        calls however many grantees there are).

        Uses ``ListExistingShares`` (resource info included) where the server
        implements it, else ``ListShares``; see the module notes for paths.
        Pass the resource's ``resource_id`` (from an Entry) with ``path`` to
        save the Stat that finds it.
        """
        filters = []
        known_path = ""
        if path is not None:
            known_path, rid = convert.known_resource(self._stat, path, resource_id)
            if resource_id is not None:
                self._cache.remember_path(rid, path)
            filters.append(co_res.Filter(type=co_res.Filter.TYPE_RESOURCE_ID, resource_id=rid))
        req = co_pb.ListSharesRequest(filters=filters)
        if self._caps.worth_trying(LIST_EXISTING_SHARES):
            try:
                res = self._conn.call("ListExistingShares", req, path=path)
            except CS3Error as exc:
                # Declared but not implemented on Reva v1: ListShares from now on.
                if not self._caps.missing(LIST_EXISTING_SHARES, exc):
                    raise
            else:
                self._caps.found(LIST_EXISTING_SHARES)
                out = []
                for si in res.share_infos:
                    found = self._files.home_path(si.resource_info.path)
                    self._cache.remember_path(si.share.resource_id, found)
                    out.append(self._share_model(si.share, found or known_path, names))
                return out
        res = self._conn.call("ListShares", req, path=path)
        return [self._share_model(s, known_path, names) for s in res.shares]

    def resolve_paths(self, shares: builtins.list[Share]) -> builtins.list[Share]:
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


__all__ = ["SharesMadeOps"]
