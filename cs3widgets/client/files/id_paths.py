"""Resource ids and paths, both ways, and paths as the user knows them (home view)."""

from __future__ import annotations

import dataclasses
from typing import Any

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb

from ..convert import entry_from_info, id_ref
from ..errors import NotFound, PermissionDenied
from ..identity import Identity
from ..models import Entry, ResourceId
from ..paths import USERS_MOUNT, home_view, validate_path
from .reading import ReadOps


class IdPathOps(ReadOps):
    """Id <-> path lookups and the home view; part of :class:`~.files.Files`."""

    _identity: Identity

    def id_of(self, path: str) -> ResourceId | None:
        """The resource id at ``path``: from the client's cache, else one Stat."""
        known = self._cache.id_of(validate_path(path))
        return known if known is not None else self.stat(path).id

    def home(self) -> str:
        """The user's home path (cached: it does not change for a login)."""
        return self._identity.home()

    def home_path(self, path: str) -> str:
        """``path`` as this user knows it: own files under the home folder.

        Resolving a resource id answers ``/users/<owner>/rest``; when the
        owner is the caller that is ``<home>/rest``. Costs nothing for other
        paths, and one WhoAmI plus one GetHome (both cached) the first time
        a ``/users`` path needs it.
        """
        if not path.startswith(USERS_MOUNT + "/"):
            return path
        return home_view(path, self._identity.whoami().username, self.home())

    def stat_id(self, resource_id: Any) -> Entry:
        """Metadata of a resource by id (one Stat); own files get their home path.

        ``resource_id`` is a :class:`~.models.ResourceId` or its protobuf.
        Every lookup of a path by resource id goes through here, so that an
        owner sees ``/home/...`` whichever call resolved the id.
        """
        req = sp_pb.StatRequest(ref=id_ref(resource_id))
        entry = entry_from_info(self._conn.call("Stat", req).info)
        entry = dataclasses.replace(entry, path=self.home_path(entry.path))
        self._cache.remember_path(resource_id, entry.path)
        return entry

    def path_of(self, resource_id: Any) -> str:
        """The path of a resource id: from the client's id-to-path cache, else one Stat.

        Shares, links and locks all resolve ids here, so each resource costs
        one Stat per client. "" when the resource is gone or out of reach.
        """
        known = self._cache.path_of(resource_id)
        if known is not None:
            return known
        try:
            return self.stat_id(resource_id).path
        except (NotFound, PermissionDenied):
            # Removed, or no longer shared with the caller; not cached, since
            # a new share can make it reachable again.
            return ""
