"""Arbitrary key/value metadata on files and folders: set, get, delete."""

from __future__ import annotations

from collections.abc import Mapping

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from ..convert import entry_from_info, ref_or_id
from ..errors import InvalidName
from ..models import ResourceId
from ..paths import validate_path, validate_target
from .reading import ReadOps


class MetadataOps(ReadOps):
    """Arbitrary metadata; part of :class:`~.files.Files`."""

    def set_metadata(
        self,
        path: str,
        metadata: Mapping[str, str],
        *,
        resource_id: ResourceId | None = None,
        lock_id: str | None = None,
    ) -> None:
        """Set arbitrary key/value metadata on a file or folder.

        With ``resource_id`` the call addresses the resource by id (``path``
        then only names it in errors); see :meth:`get_metadata`.
        """
        path = validate_target(path)
        if not metadata:
            return
        for k in metadata:
            if not isinstance(k, str) or not k or "\x00" in k:
                raise InvalidName("metadata keys must be non-empty strings", path=path)
        req = sp_pb.SetArbitraryMetadataRequest(
            ref=ref_or_id(path, resource_id),
            arbitrary_metadata=sp_res.ArbitraryMetadata(
                metadata={k: str(v) for k, v in metadata.items()}
            ),
            lock_id=lock_id or "",
        )
        self._conn.call("SetArbitraryMetadata", req, path=path)

    def get_metadata(
        self, path: str, keys: list[str] | None = None, *, resource_id: ResourceId | None = None
    ) -> dict[str, str]:
        """Arbitrary metadata of a file or folder (all keys, or only ``keys``).

        Where one resource is reachable under several paths (the owner's
        home, a recipient's share mount), the server may keep metadata per
        path; addressing it by ``resource_id`` gives every user the same view.
        """
        path = validate_path(path)
        req = sp_pb.StatRequest(
            ref=ref_or_id(path, resource_id),
            arbitrary_metadata_keys=list(keys) if keys else ["*"],
        )
        return dict(entry_from_info(self._conn.call("Stat", req, path=path).info).metadata)

    def delete_metadata(
        self,
        path: str,
        keys: list[str],
        *,
        resource_id: ResourceId | None = None,
        lock_id: str | None = None,
    ) -> None:
        """Remove arbitrary metadata keys (missing keys are ignored)."""
        path = validate_target(path)
        if not keys:
            return
        req = sp_pb.UnsetArbitraryMetadataRequest(
            ref=ref_or_id(path, resource_id),
            arbitrary_metadata_keys=list(keys),
            lock_id=lock_id or "",
        )
        self._conn.call("UnsetArbitraryMetadata", req, path=path)
