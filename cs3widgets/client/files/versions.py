"""Earlier versions of a file: list them, restore one."""

from __future__ import annotations

from datetime import datetime, timezone

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb

from ..convert import from_epoch, path_ref
from ..errors import InvalidName, NotFound, ServerError
from ..models import Version
from ..paths import validate_target
from .reading import ReadOps


class VersionOps(ReadOps):
    """File versions; part of :class:`~.files.Files`."""

    # "v" once the server showed the Reva local-driver version-key quirk.
    _version_key_prefix = ""

    def versions(self, path: str) -> list[Version]:
        """Earlier versions of a file, newest first."""
        path = validate_target(path)
        try:
            res = self._conn.call(
                "ListFileVersions", sp_pb.ListFileVersionsRequest(ref=path_ref(path)), path=path
            )
        except ServerError:
            # Reva's local drivers answer INTERNAL for a file that was never
            # overwritten (its versions folder does not exist yet). If the
            # file is there, that means "no versions"; Stat raises otherwise.
            if self.stat(path).is_dir:
                raise
            return []
        out = [
            Version(
                key=v.key, size=int(v.size), mtime=from_epoch(int(v.mtime)), etag=v.etag.strip('"')
            )
            for v in res.versions
        ]
        out.sort(key=lambda v: v.mtime or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        return out

    def restore_version(self, path: str, key: str) -> None:
        """Make version ``key`` the current content (the current one becomes a version)."""
        path = validate_target(path)
        if not isinstance(key, str) or not key:
            raise InvalidName("the version key is empty", path=path)
        if self._version_key_prefix and key.isdigit():
            self._restore_version(path, self._version_key_prefix + key)
            return
        try:
            self._restore_version(path, key)
        except NotFound:
            # Reva v1.29's local drivers list version "v123" as key "123" but
            # look the key up verbatim when restoring; retry with the prefix
            # and remember it, so later restores cost one call.
            if not key.isdigit():
                raise
            self._restore_version(path, "v" + key)
            self._version_key_prefix = "v"

    def _restore_version(self, path: str, key: str) -> None:
        req = sp_pb.RestoreFileVersionRequest(ref=path_ref(path), key=key)
        self._conn.call("RestoreFileVersion", req, path=path)
