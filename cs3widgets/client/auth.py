"""Authentication providers. Each can be used alone with a :class:`Connection`.

A provider turns credentials into a Reva token and caches it until shortly
before its JWT ``exp``. The connection calls :meth:`AuthProvider.token` before
every call and :meth:`AuthProvider.invalidate` when the server answers
UNAUTHENTICATED, then retries once.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from .errors import Unauthenticated
from .tokens import CachedToken, parse_token_file

#: ``login(type, client_id, client_secret) -> token``: the gateway's Authenticate.
LoginFn = Callable[[str, str, str], str]


class AuthProvider(ABC):
    """Base class: caching, locking and counting shared by every provider."""

    #: How this provider authenticates, shown in the account panel.
    kind = "unknown"

    def __init__(self) -> None:
        self._cached: CachedToken | None = None
        self._lock = threading.Lock()
        #: How many times a token was obtained (first login included).
        self.logins = 0

    @property
    def reauth_count(self) -> int:
        """Logins after the first one: refreshes and retries."""
        return max(0, self.logins - 1)

    @property
    def expires_at(self) -> float | None:
        """Epoch seconds at which the current token expires, if known."""
        return self._cached.expires_at if self._cached else None

    @property
    def username_hint(self) -> str | None:
        """The user name this provider logs in as, when it knows it."""
        return None

    def token(self, login: LoginFn) -> str:
        """Return a valid token, obtaining a new one when the cache is stale."""
        with self._lock:
            if self._cached is None or not self._cached.fresh() or self._stale():
                self._cached = CachedToken.from_jwt(self._obtain(login))
                self.logins += 1
            return self._cached.value

    def invalidate(self) -> None:
        """Forget the cached token (the server rejected it)."""
        with self._lock:
            self._cached = None

    def _stale(self) -> bool:
        """Subclasses may say the cache is stale for reasons other than expiry."""
        return False

    @abstractmethod
    def _obtain(self, login: LoginFn) -> str:
        """Get a new token."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r})"


def _credential(value: object, what: str) -> str:
    """``value`` if it is a string; else a TypeError that names only its type.

    protobuf's own error for a wrong type quotes the value, which would put a
    password or token into a traceback or a log.
    """
    if not isinstance(value, str):
        raise TypeError(f"the {what} must be a string, not {type(value).__name__}")
    return value


class BasicAuth(AuthProvider):
    """Username and password through the gateway's Authenticate (type ``basic``)."""

    kind = "basic"

    def __init__(self, username: str, password: str, *, auth_type: str = "basic") -> None:
        super().__init__()
        self.username = _credential(username, "username")
        self._password = _credential(password, "password")
        self.auth_type = auth_type

    @property
    def username_hint(self) -> str | None:
        return self.username

    def _obtain(self, login: LoginFn) -> str:
        return login(self.auth_type, self.username, self._password)

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r})"


class BearerAuth(AuthProvider):
    """Exchange an OIDC/bearer token for a Reva token (Authenticate type ``bearer``).

    ``token_source`` may be a string or a callable returning the current
    bearer token, so that a refreshed OIDC token is picked up on re-auth.
    """

    kind = "bearer"

    def __init__(self, token_source: str | Callable[[], str], *, auth_type: str = "bearer"):
        super().__init__()
        self._source = token_source
        self.auth_type = auth_type

    def _bearer(self) -> str:
        token = self._source() if callable(self._source) else self._source
        return _credential(token, "bearer token")

    def _obtain(self, login: LoginFn) -> str:
        return login(self.auth_type, "", self._bearer())


class TokenAuth(AuthProvider):
    """Pass a token straight through as ``x-access-token``; no exchange."""

    kind = "token"

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = _credential(token, "token")

    def _obtain(self, login: LoginFn) -> str:
        if not self._token:
            raise Unauthenticated("no token given")
        if self.logins and self._cached is None:
            # The server rejected this token already and there is no way to
            # get another one: retrying would only fail again.
            raise Unauthenticated("the token was rejected by the server")
        return self._token


class TokenFileAuth(AuthProvider):
    """A token read from a file that another process keeps fresh (SWAN).

    The file is re-read when its modification time or size changes, and when
    a call fails authentication. Both raw tokens and SWAN's
    ``oauth2:<token>:<endpoint>`` format are accepted. With ``exchange=True``
    the token is an OIDC token exchanged through Authenticate (``bearer``);
    otherwise it is passed through as it is.
    """

    kind = "token-file"

    def __init__(self, path: str | os.PathLike[str], *, exchange: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.exchange = exchange
        self._stamp: tuple[float, int] | None = None

    def _file_stamp(self) -> tuple[float, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime, st.st_size)

    def _stale(self) -> bool:
        return self._file_stamp() != self._stamp

    def read(self) -> str:
        """The token currently in the file."""
        try:
            text = self.path.read_text()
        except OSError as exc:
            raise Unauthenticated(
                f"cannot read token file: {exc.strerror}", path=str(self.path)
            ) from None
        token = parse_token_file(text)
        if not token:
            raise Unauthenticated("token file is empty", path=str(self.path))
        return token

    def _obtain(self, login: LoginFn) -> str:
        self._stamp = self._file_stamp()
        token = self.read()
        return login("bearer", "", token) if self.exchange else token

    def __repr__(self) -> str:
        return f"TokenFileAuth(path={str(self.path)!r}, exchange={self.exchange!r})"


class PublicLinkAuth(AuthProvider):
    """Anonymous access through a public link (Authenticate type ``publicshares``).

    Reva's publicshares auth manager takes the link token as client id and
    ``password|<password>`` as secret (an empty password for links without
    one). The resulting token opens the link's resource under
    :attr:`root`, i.e. ``/public/<link token>``.
    """

    kind = "public-link"

    def __init__(
        self, link_token: str, password: str | None = None, *, mount: str = "/public"
    ) -> None:
        super().__init__()
        self._link_token = link_token
        self._password = password or ""
        self.mount = mount.rstrip("/")

    @property
    def root(self) -> str:
        """The CS3 path of the shared resource for this link's client."""
        return f"{self.mount}/{self._link_token}"

    def _obtain(self, login: LoginFn) -> str:
        return login("publicshares", self._link_token, f"password|{self._password}")

    def __repr__(self) -> str:
        # Neither the password nor the link token (a capability) is shown.
        return "PublicLinkAuth()"
