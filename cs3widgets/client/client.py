"""The service-layer entry point: one connection, grouped operations."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from .auth import AuthProvider
from .cache import ClientCache, client_cache
from .config import CS3Config
from .connection import DEFAULT_DEADLINE, Connection, TLSSettings
from .files import Files
from .identity import Identity
from .locks import Locks
from .models import User
from .shares import Shares
from .shares.ocm import OCM
from .shares.public_links import PublicLinks
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
        self.files.lock_guard = self.locks.refuse_if_locked
        self.shares = Shares(self.conn, self.files)
        self.links = PublicLinks(
            self.conn, public_base_url=config.public_link_base_url if config else None)
        self.ocm = OCM(self.conn)
        self.transfers = Transfers(self.conn, self.files, locks=self.locks)

    @classmethod
    def from_config(cls, config: CS3Config | None = None, **settings: Any) -> CS3Client:
        """A client configured from ``config``, or from ``settings``, env and config files.

        The one place a configuration becomes a client: :func:`cs3widgets.connect`,
        the widgets and the fsspec filesystem all come here. No call is made;
        authentication happens on the first call.
        """
        cfg = config or CS3Config.load(**settings)
        if not cfg.gateway:
            from .config import ConfigError

            raise ConfigError("no gateway: set CS3_GATEWAY or pass gateway='host:port'")
        return cls(
            cfg.gateway,
            cfg.auth_provider(),
            tls=cfg.tls_settings(),
            deadline=cfg.deadline,
            config=cfg,
        )

    @property
    def cache(self) -> ClientCache:
        """What this client remembers: who I am, my home, paths of ids, users."""
        return client_cache(self.conn)

    @property
    def gateway(self) -> str:
        """The gateway address."""
        return self.conn.gateway

    @property
    def auth(self) -> AuthProvider | None:
        """The authentication provider."""
        return self.conn.auth

    def whoami(self) -> User:
        """The authenticated user, asked of the server now (and remembered).

        ``client.identity.whoami()`` answers from the client's cache after
        the first call; this one always asks, e.g. to check the login works.
        """
        return self.identity.whoami(refresh=True)

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
