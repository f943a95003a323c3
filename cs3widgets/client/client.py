"""The service-layer entry point: one connection, grouped operations."""

from __future__ import annotations

from types import TracebackType

from .auth import AuthProvider
from .config import CS3Config
from .connection import DEFAULT_DEADLINE, Connection, TLSSettings
from .files import Files
from .identity import Identity
from .locks import Locks
from .models import User
from .ocm import OCM
from .public_links import PublicLinks
from .shares import Shares
from .transfers import Transfers


class CS3Client:
    """A client of one CS3 gateway.

    Operations are grouped by what they act on: ``client.identity``,
    ``client.files``, ``client.shares`` and so on. The client owns one gRPC
    channel; close it (or use ``with``) when done.
    """

    def __init__(
        self,
        gateway: str,
        auth: AuthProvider | None = None,
        *,
        tls: TLSSettings | None = None,
        deadline: float = DEFAULT_DEADLINE,
        config: CS3Config | None = None,
    ) -> None:
        #: The configuration this client was built from, if any.
        self.config = config
        self.conn = Connection(gateway, auth, tls=tls, deadline=deadline)
        self.identity = Identity(self.conn)
        self.files = Files(self.conn)
        self.locks = Locks(self.conn, self.files)
        self.shares = Shares(self.conn, self.files)
        self.links = PublicLinks(self.conn)
        self.ocm = OCM(self.conn)
        self.transfers = Transfers(self.conn, self.files)

    @property
    def gateway(self) -> str:
        """The gateway address."""
        return self.conn.gateway

    @property
    def auth(self) -> AuthProvider | None:
        """The authentication provider."""
        return self.conn.auth

    def whoami(self) -> User:
        """The authenticated user."""
        return self.identity.whoami()

    def close(self) -> None:
        """Close the gRPC channel and the HTTP connections of transfers."""
        self.transfers.close()
        self.conn.close()

    def __enter__(self) -> CS3Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CS3Client(gateway={self.gateway!r}, auth={self.auth!r})"

    #: What a pickled copy of this client may do ("read" or "write"); see
    #: :mod:`.delegation`.
    worker_access = "read"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle without the password or this process's token (see :mod:`.delegation`).

        The copy authenticates with the token file this client reads, or
        with an application password minted for ``worker_access`` that
        expires after :data:`~.delegation.DEFAULT_LIFETIME`.
        """
        from .delegation import recipe_for

        return _client_from_recipe, (recipe_for(self, access=self.worker_access),)


def _client_from_recipe(recipe: object) -> CS3Client:
    from .delegation import ClientRecipe

    assert isinstance(recipe, ClientRecipe)
    return recipe.client()
