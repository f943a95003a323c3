"""Public links: anyone with the link (and its password, if any) gets access.

A link's password is write-only: it is sent when the link is created or
updated and never kept, logged or shown (``PublicLink.password_protected``
says whether there is one).

Opening a link: build a client with
:class:`~cs3widgets.client.auth.PublicLinkAuth` (Authenticate type
``publicshares``); the resource is then at ``/public/<link token>``
(:func:`public_path`).

``PublicLink.url`` is built from the site's public base URL: the
``public_base_url`` argument (a client built from a config passes
``CS3Config.public_link_base_url``), else the ``CS3_PUBLIC_LINK_URL``
environment variable, as ``<base>/s/<token>`` (the ownCloud/CERNBox web
form). Without a base URL it is empty: a bare token is no address.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any
from urllib.parse import quote

from cs3.sharing.link.v1beta1 import link_api_pb2 as link_pb
from cs3.sharing.link.v1beta1 import resources_pb2 as link_res
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2

from .. import convert
from ..cache import client_cache
from ..connection import Connection
from ..errors import InvalidArgument, PermissionDenied, ServerError
from ..models import PublicLink
from ..paths import validate_target
from .roles import Role, as_role, role_from_permissions, role_permissions, why_refused

#: Where Reva's publicstorageprovider mounts links.
PUBLIC_MOUNT = "/public"
#: Environment variable with the site's public web base URL.
PUBLIC_URL_ENV = "CS3_PUBLIC_LINK_URL"

_Update = link_pb.UpdatePublicShareRequest.Update


def public_path(token: str, mount: str = PUBLIC_MOUNT) -> str:
    """The CS3 path under which a link's resource is opened anonymously."""
    return f"{mount.rstrip('/')}/{token}"


class PublicLinks:
    """Public link operations of a :class:`~cs3widgets.client.CS3Client`."""

    def __init__(self, conn: Connection, *, public_base_url: str | None = None) -> None:
        self._conn = conn
        self.public_base_url = (public_base_url or os.environ.get(PUBLIC_URL_ENV, "")).rstrip("/")
        # The client's id -> path map, shared with shares and locks.
        self._cache = client_cache(conn)

    def url(self, token: str) -> str:
        """The web URL of a link, or "" when no public base URL is configured."""
        # Quoted: a token is the server's string, and it becomes part of an href.
        return f"{self.public_base_url}/s/{quote(token, safe='')}" if self.public_base_url else ""

    def _stat(self, path: str) -> Any:
        res = self._conn.call(
            "Stat", sp_pb.StatRequest(ref=sp_res.Reference(path=path)), path=path
        )
        self._cache.remember_path(res.info.id, res.info.path or path)
        return res.info

    def _model(self, ps: Any, path: str = "") -> PublicLink:
        role = role_from_permissions(ps.permissions.permissions)
        return PublicLink(
            id=ps.id.opaque_id,
            token=ps.token,
            resource_id=convert.resource_id(ps.resource_id),
            path=path or self._cache.path_of(ps.resource_id) or "",
            role=role.name,
            permissions=role.flags,
            password_protected=ps.password_protected,
            expiration=convert.timestamp(ps.expiration),
            display_name=ps.display_name,
            url=self.url(ps.token),
            created=convert.timestamp(ps.ctime),
        )

    @staticmethod
    def _ref(link_id: str | PublicLink) -> link_res.PublicShareReference:
        lid = link_id.id if isinstance(link_id, PublicLink) else link_id
        return link_res.PublicShareReference(id=link_res.PublicShareId(opaque_id=lid))

    def create(
        self,
        path: str,
        role: Role | str = "Viewer",
        password: str | None = None,
        expiration: datetime | None = None,
        display_name: str | None = None,
    ) -> PublicLink:
        """Create a public link to ``path``; the password is not kept."""
        role = as_role(role)
        # Before any request: '..' once made a link on the whole home, and a
        # share of '/' could never be removed.
        path = validate_target(path)
        info = self._stat(path)
        if role.folder_only and info.type != sp_res.RESOURCE_TYPE_CONTAINER:
            raise InvalidArgument(f"the {role.name} role can only be given on folders", path=path)
        grant = link_res.Grant(
            permissions=link_res.PublicSharePermissions(permissions=role_permissions(role)),
            password=password or "",
            expiration=convert.to_timestamp(expiration, types_pb2.Timestamp),
        )
        # Neither Reva's gateway, nor its public share provider, nor
        # CERNBox's public-share manager (reva-plugins share/sql/public_link.go
        # CreatePublicShare) looks at the creator's permissions: a Viewer of
        # a shared folder would publish it to anyone. CERNBox's web front end
        # refuses that (its OCS API), so the client does, before sending.
        refusal = why_refused(info, role, path, operation="CreatePublicShare")
        if refusal is not None:
            raise refusal
        if display_name:
            # Reva's public-share managers read the link's name from the
            # resource info's arbitrary metadata; newer protos also carry a
            # description field, which older servers ignore.
            info.arbitrary_metadata.metadata["name"] = display_name
        req = link_pb.CreatePublicShareRequest(resource_info=info, grant=grant)
        if display_name and "description" in req.DESCRIPTOR.fields_by_name:
            req.description = display_name
        try:
            res = self._conn.call("CreatePublicShare", req, path=path)
        except (ServerError, PermissionDenied) as err:
            # The server refused (Reva answers an internal error whatever the
            # reason): say why when the caller's permissions explain it.
            raise why_refused(info, role, path, operation="CreatePublicShare") or err from None
        return self._model(res.share, info.path or path)

    def get(self, link_id: str | PublicLink) -> PublicLink:
        """One link by id."""
        res = self._conn.call(
            "GetPublicShare", link_pb.GetPublicShareRequest(ref=self._ref(link_id))
        )
        return self._model(res.share)

    def list(self, path: str | None = None, *, resource_id: Any = None) -> list[PublicLink]:
        """My public links, of ``path`` or of everything (one ``ListPublicShares``).

        Pass the resource's ``resource_id`` (from an Entry) with ``path`` to
        save the Stat that finds it.
        """
        filters = []
        known = ""
        if path is not None:
            path = validate_target(path)  # '..' and the like, as every path operation
            known, rid = convert.known_resource(self._stat, path, resource_id)
            filters.append(
                link_pb.ListPublicSharesRequest.Filter(
                    type=link_pb.ListPublicSharesRequest.Filter.TYPE_RESOURCE_ID,
                    resource_id=rid,
                )
            )
        res = self._conn.call(
            "ListPublicShares", link_pb.ListPublicSharesRequest(filters=filters), path=path
        )
        return [self._model(ps, known) for ps in res.share]

    def update(
        self,
        link_id: str | PublicLink,
        *,
        password: str | None = None,
        expiration: datetime | None = None,
        role: Role | str | None = None,
        display_name: str | None = None,
    ) -> PublicLink:
        """Change a link's password, expiration, role or name (one call per field).

        ``password=""`` removes the password; ``None`` leaves a field as it is.
        """
        updates: list[Any] = []
        if role is not None:
            perms = link_res.PublicSharePermissions(permissions=role_permissions(as_role(role)))
            updates.append(
                _Update(type=_Update.TYPE_PERMISSIONS, grant=link_res.Grant(permissions=perms))
            )
        if password is not None:
            updates.append(
                _Update(type=_Update.TYPE_PASSWORD, grant=link_res.Grant(password=password))
            )
        if expiration is not None:
            ts = convert.to_timestamp(expiration, types_pb2.Timestamp)
            updates.append(
                _Update(type=_Update.TYPE_EXPIRATION, grant=link_res.Grant(expiration=ts))
            )
        if display_name is not None:
            updates.append(_Update(type=_Update.TYPE_DISPLAYNAME, display_name=display_name))
        if not updates:
            return self.get(link_id)
        res: Any = None
        for upd in updates:
            res = self._conn.call(
                "UpdatePublicShare",
                link_pb.UpdatePublicShareRequest(ref=self._ref(link_id), update=upd),
            )
        return self._model(res.share)

    def remove(self, link_id: str | PublicLink) -> None:
        """Remove a link; its token stops working."""
        self._conn.call(
            "RemovePublicShare", link_pb.RemovePublicShareRequest(ref=self._ref(link_id))
        )


__all__ = ["PUBLIC_MOUNT", "PUBLIC_URL_ENV", "PublicLinks", "public_path"]
