"""File and folder operations: stat, list, mkdir, move, delete, versions, trash, metadata.

Every public method validates its paths (:mod:`.paths`) before any RPC.
Widgets and the fsspec layer get :class:`~.models.Entry` objects, built by
:func:`entry_from_info`, never protobuf messages.

:class:`Files` is composed of one part per kind of operation, each in a
module of its own; the names below stay importable from here.
"""

from __future__ import annotations

from ..cache import client_cache
from ..connection import Connection
from ..convert import entry_from_info, permissions_from
from ..identity import Identity
from ..paths import basename
from .globbing import GlobOps
from .id_paths import IdPathOps
from .metadata import MetadataOps
from .namespace import NamespaceOps
from .reading import PAGE_SIZE, ReadOps
from .recycle import RecycleOps
from .versions import VersionOps


class Files(RecycleOps, NamespaceOps, IdPathOps, VersionOps, MetadataOps, GlobOps, ReadOps):
    """File operations of a :class:`~cs3widgets.client.CS3Client`.

    The methods live with their kind: stat and listing in :mod:`.reading`,
    glob in :mod:`.globbing`, mkdir/touch/move/delete in :mod:`.namespace`,
    id <-> path in :mod:`.id_paths`, :mod:`.versions`, the recycle bin in
    :mod:`.recycle` and arbitrary metadata in :mod:`.metadata`.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # whoami, home and id -> path are kept once per client (cache.py).
        self._identity = Identity(conn)
        self._cache = client_cache(conn)


__all__ = ["PAGE_SIZE", "Files", "basename", "entry_from_info", "permissions_from"]
