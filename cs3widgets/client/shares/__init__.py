"""User and group shares: the ones I make and the ones I receive.

:class:`Shares` is composed of the shares I make (:mod:`.made`), the
shares I received (:mod:`.received`) and the conversions both use
(:mod:`.share_models`); the server notes (Reva v1.29, checked against a live
revad) stand with the code they explain. In short: listing N shares I made
costs O(1) calls, their paths are filled from the client's id-to-path cache
and otherwise stated on demand (:meth:`Shares.resolve_paths`); grantees and
owners cost one ``GetUser`` per user per client; the server decides what may
be shared and the client only explains a refusal; an accepted received share
is read and written through the resource's own path, not a mount.

The names below stay importable from here.
"""

from __future__ import annotations

from ..cache import client_cache
from ..capabilities import LIST_EXISTING_SHARES, capabilities
from ..connection import Connection
from ..files import Files
from ..identity import Identity
from .made import SharesMadeOps
from .received import SharesReceivedOps
from .share_models import ShareModels

#: Folder in the recipient's home where Reva mounts accepted shares.
DEFAULT_SHARE_FOLDER = "MyShares"


class Shares(SharesMadeOps, SharesReceivedOps, ShareModels):
    """Share operations of a :class:`~cs3widgets.client.CS3Client`.

    Shares I make live in :mod:`.made`, shares I received in
    :mod:`.received`, share and grantee conversions in
    :mod:`.share_models`.
    """

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
        self._caps = capabilities(conn)  # ListExistingShares, probed once per client

    @property
    def has_list_existing(self) -> bool | None:
        """Whether the server answered ``ListExistingShares`` (None: not asked yet)."""
        return self._caps.known(LIST_EXISTING_SHARES)


__all__ = ["DEFAULT_SHARE_FOLDER", "Shares"]
