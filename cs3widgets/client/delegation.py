"""Credentials for other processes (Dask workers), without the user's password or token.

A :class:`~cs3widgets.client.CS3Client` or a ``cs3://`` filesystem that is
pickled (Dask ships both to its workers inside the task graph) turns into a
:class:`ClientRecipe`: the gateway, the TLS settings, the deadline and one
of two worker credentials, never the password and never this process's
Reva token:

- **a token file** (SWAN): when this process reads its token from a file,
  the workers read the same path. Nothing secret travels; the workers'
  access lasts as long as something keeps that file fresh on their machine.
- **an application password** otherwise: minted once per client through the
  gateway's ``GenerateAppPassword`` (CS3 ``auth.applications``, served by
  Reva's ``applicationauth`` service in v1.29 and in v3), scoped (read-only
  by default, ``access="write"`` for workers that write) and expiring
  (:data:`DEFAULT_LIFETIME`). Workers log in with it through Authenticate
  type ``appauth``. After ``expires_at`` the worker refuses to use it and
  raises :class:`CredentialExpired`; the server refuses it too.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from cs3.auth.applications.v1beta1 import applications_api_pb2 as app_pb
from cs3.auth.provider.v1beta1 import resources_pb2 as authres_pb
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from cs3.types.v1beta1 import types_pb2

from .auth import AuthProvider, LoginFn, TokenFileAuth
from .connection import DEFAULT_DEADLINE, Connection, TLSSettings
from .errors import CS3Error, Unauthenticated

if TYPE_CHECKING:
    from .client import CS3Client

WorkerAccess = Literal["read", "write"]

#: How long a minted worker credential is valid (seconds): a working day of
#: a Dask cluster. Pass ``worker_lifetime`` to the filesystem to change it.
DEFAULT_LIFETIME = 8 * 3600.0
#: A cached credential is minted anew once less than this fraction of its
#: lifetime is left, so a graph pickled late still gets a useful one.
REMINT_FRACTION = 0.5
#: The Authenticate type Reva's authregistry maps to the ``appauth`` manager.
APP_AUTH_TYPE = "appauth"


class DelegationUnavailable(CS3Error):
    """The server cannot mint a credential for workers (no application passwords)."""

    title = "Cannot give workers a credential"


class CredentialExpired(Unauthenticated):
    """A worker's delegated credential is past its expiry."""

    title = "Worker credential expired"


@dataclass(frozen=True)
class ClientRecipe:
    """How another process builds a client of the same user: no password, no token.

    ``app_password`` is a scoped, expiring credential minted for workers
    (kept out of the repr); ``token_file`` a path the workers read.
    """

    gateway: str
    tls: TLSSettings | None = None
    deadline: float = DEFAULT_DEADLINE
    username: str = ""
    app_password: str = field(default="", repr=False)
    expires_at: float | None = None
    access: str = "read"
    token_file: str = ""
    token_exchange: bool = False
    auth_type: str = APP_AUTH_TYPE

    def auth(self) -> AuthProvider:
        """The auth provider a worker uses."""
        if self.token_file:
            return TokenFileAuth(self.token_file, exchange=self.token_exchange)
        return AppPasswordAuth(
            self.username,
            self.app_password,
            expires_at=self.expires_at,
            auth_type=self.auth_type,
            access=self.access,
        )

    def client(self) -> CS3Client:
        """A new client built from this recipe (no call is made yet)."""
        from .client import CS3Client

        return CS3Client(self.gateway, self.auth(), tls=self.tls, deadline=self.deadline)

    def valid_for(self, now: float | None = None) -> float:
        """Seconds until the credential expires (``inf`` when it does not)."""
        if self.expires_at is None:
            return float("inf")
        return self.expires_at - (time.time() if now is None else now)


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class AppPasswordAuth(AuthProvider):
    """An application password through Authenticate (type ``appauth``).

    Refuses to log in after ``expires_at``, with a message that says what
    to do; a password the server refuses (revoked, expired) is reported as
    such.
    """

    kind = "app-password"

    def __init__(
        self,
        username: str,
        password: str,
        *,
        expires_at: float | None = None,
        auth_type: str = APP_AUTH_TYPE,
        access: str = "read",
    ) -> None:
        super().__init__()
        #: "read" or "write": what the password's scope admits.
        self.access = access
        self.username = username
        self._password = password
        self.credential_expires_at = expires_at
        self.auth_type = auth_type

    @property
    def username_hint(self) -> str | None:
        return self.username

    def _expired(self) -> bool:
        return self.credential_expires_at is not None and time.time() >= self.credential_expires_at

    def _expired_error(self) -> CredentialExpired:
        assert self.credential_expires_at is not None
        return CredentialExpired(
            f"this worker's credential expired at {_when(self.credential_expires_at)}; "
            "pickle the filesystem (or client) again in the main process, e.g. by "
            "recreating the Dask graph, to hand workers a new one"
        )

    def _stale(self) -> bool:
        # The Reva token minted from the password may outlive it: stop at
        # the credential's expiry, not the token's.
        return self._expired()

    def _obtain(self, login: LoginFn) -> str:
        if self._expired():
            raise self._expired_error()
        try:
            return login(self.auth_type, self.username, self._password)
        except Unauthenticated:
            if self._expired():
                raise self._expired_error() from None
            raise Unauthenticated(
                "the server refused this worker's application password "
                "(revoked or expired on the server)"
            ) from None

    def __repr__(self) -> str:
        return f"AppPasswordAuth(username={self.username!r})"


def _scope(conn: Connection, access: str) -> dict[str, authres_pb.Scope]:
    """The token scope of a worker credential.

    ``write``: Reva's "user" scope (what a login gets). ``read``: a
    ``resourceinfo`` scope with the viewer role on the path prefix ``/``,
    which admits Stat, ListContainer and InitiateFileDownload on every path
    and the data server's GETs, and refuses uploads, moves and deletes
    (Reva ``pkg/auth/scope/resourceinfo.go``, v1.29 and v3).
    """
    if access == "write":
        ref = json.dumps({"path": "/"}).encode()
        return {
            "user": authres_pb.Scope(
                resource=types_pb2.OpaqueEntry(decoder="json", value=ref),
                role=authres_pb.ROLE_OWNER,
            )
        }
    if access != "read":
        raise ValueError(f"worker access must be 'read' or 'write', not {access!r}")
    # The scope check dereferences the scope's resource id when a request
    # names a resource by id, so it must carry one: the home's.
    home = conn.call("GetHome", sp_pb.GetHomeRequest()).path
    info = conn.call("Stat", sp_pb.StatRequest(ref=sp_res.Reference(path=home)), path=home).info
    value = json.dumps(
        {
            "id": {"storageId": info.id.storage_id, "opaqueId": info.id.opaque_id},
            "path": "/",
        }
    ).encode()
    return {
        f"resourceinfo:{info.id.storage_id}!{info.id.opaque_id}": authres_pb.Scope(
            resource=types_pb2.OpaqueEntry(decoder="json", value=value),
            role=authres_pb.ROLE_VIEWER,
        )
    }


def mint_app_password(
    conn: Connection, *, access: str = "read", lifetime: float = DEFAULT_LIFETIME, label: str = ""
) -> tuple[str, float]:
    """Ask the gateway for an application password; return it and its expiry (epoch)."""
    expires_at = time.time() + lifetime
    req = app_pb.GenerateAppPasswordRequest(
        token_scope=_scope(conn, access),
        label=label or f"cs3widgets workers ({access}) from {socket.gethostname()}",
        expiration=types_pb2.Timestamp(seconds=int(expires_at)),
    )
    try:
        res = conn.call("GenerateAppPassword", req)
    except Unauthenticated:
        raise
    except CS3Error as exc:
        raise DelegationUnavailable(
            "cannot give workers a credential: the server issues no application "
            f"passwords ({exc.message}); use a token file the workers can read "
            "(CS3_TOKEN_FILE) instead"
        ) from None
    password = res.app_password.password
    if not password:
        raise DelegationUnavailable("the server returned an empty application password")
    return password, float(int(expires_at))


_recipes_lock = threading.Lock()


def recipe_for(
    client: CS3Client, *, access: str = "read", lifetime: float = DEFAULT_LIFETIME
) -> ClientRecipe:
    """The recipe another process uses to act as ``client``'s user.

    Token-file clients hand over the path. Every other client mints one
    application password per ``(access, lifetime)`` and reuses it while more
    than half of its lifetime is left, so the many tasks of a graph carry
    the same credential.
    """
    conn = client.conn
    base: dict[str, Any] = {"gateway": conn.gateway, "tls": conn.tls, "deadline": conn.deadline}
    auth = conn.auth
    if isinstance(auth, TokenFileAuth):
        return ClientRecipe(
            **base, token_file=str(auth.path), token_exchange=auth.exchange, access="token-file"
        )
    if isinstance(auth, AppPasswordAuth):
        # A worker passing its client on: the same credential, not a new one.
        return ClientRecipe(
            **base,
            username=auth.username,
            app_password=auth._password,
            expires_at=auth.credential_expires_at,
            auth_type=auth.auth_type,
            access=auth.access,
        )
    with _recipes_lock:
        cache: dict[tuple[str, float], ClientRecipe] = client.__dict__.setdefault(
            "_worker_recipes", {}
        )
        hit = cache.get((access, lifetime))
        if hit is not None and hit.valid_for() > lifetime * REMINT_FRACTION:
            return hit
        from .identity import Identity

        username = Identity(conn).whoami().username
        password, expires_at = mint_app_password(conn, access=access, lifetime=lifetime)
        recipe = ClientRecipe(
            **base,
            username=username,
            app_password=password,
            expires_at=expires_at,
            access=access,
        )
        cache[(access, lifetime)] = recipe
        return recipe


_shared: dict[ClientRecipe, CS3Client] = {}


def shared_client(recipe: ClientRecipe) -> CS3Client:
    """One client per recipe in this process (a worker unpickles many tasks)."""
    with _recipes_lock:
        client = _shared.get(recipe)
        if client is None or client.conn.closed:
            client = _shared[recipe] = recipe.client()
        return client


__all__ = [
    "DEFAULT_LIFETIME",
    "AppPasswordAuth",
    "ClientRecipe",
    "CredentialExpired",
    "DelegationUnavailable",
    "WorkerAccess",
    "mint_app_password",
    "recipe_for",
    "shared_client",
]
