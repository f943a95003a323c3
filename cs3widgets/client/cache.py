"""What one client remembers between calls, shared by all its operation groups.

``Files``, ``Identity``, ``Shares``, ``PublicLinks`` and ``Locks`` are built
on one :class:`~.connection.Connection`; they find the same
:class:`ClientCache` through :func:`client_cache`, so:

- who I am (WhoAmI) and my home (GetHome) are asked once per client;
- one id-to-path map (and its path-to-id twin) serves shares, links and
  locks: a resource seen by any of them is not stat-ed again for its id or
  its path;
- users and groups are looked up by id once per client, whichever widget
  shows them.

Everything here is safe to use from several threads (the widgets' runner
has more than one). Nothing secret is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .models import Group, User
from .per_client import per_client

T = TypeVar("T")

#: An id key: ``(storage_id, opaque_id)`` of a resource, ``(idp, opaque_id)`` of a user.
IdKey = tuple[str, str]


def id_key(resource_id: Any) -> IdKey:
    """The cache key of a resource id (model or protobuf)."""
    return (getattr(resource_id, "storage_id", ""), getattr(resource_id, "opaque_id", ""))


class ClientCache:
    """Per-client memory: identity, home, resource paths and users."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._me: User | None = None
        self._home: str | None = None
        self._paths: dict[IdKey, str] = {}
        self._ids: dict[str, Any] = {}  # path -> resource id (the other way round)
        self._users: dict[IdKey, User | None] = {}
        self._groups: dict[IdKey, Group | None] = {}

    # -- identity ----------------------------------------------------------
    def me(self, fetch: Callable[[], User]) -> User:
        """Who I am: ``fetch()`` the first time, then remembered."""
        with self._lock:
            if self._me is None:
                self._me = fetch()
            return self._me

    def home(self, fetch: Callable[[], str]) -> str:
        """My home path: ``fetch()`` the first time, then remembered."""
        with self._lock:
            if self._home is None:
                self._home = fetch()
            return self._home

    def forget_identity(self) -> None:
        """Forget who I am and my home (after logging in again)."""
        with self._lock:
            self._me = None
            self._home = None

    # -- resource paths ----------------------------------------------------
    def path_of(self, resource_id: Any) -> str | None:
        """The known path of a resource id, or None."""
        with self._lock:
            return self._paths.get(id_key(resource_id))

    def id_of(self, path: str) -> Any | None:
        """The known resource id at ``path``, or None."""
        with self._lock:
            return self._ids.get(path)

    def remember_path(self, resource_id: Any, path: str) -> None:
        """Remember where a resource is (ignored without an id or a path)."""
        key = id_key(resource_id)
        if key[1] and path:
            with self._lock:
                self._paths[key] = path
                self._ids[path] = resource_id

    def forget_path(self, resource_id: Any) -> None:
        """Forget a resource's path (it moved, or is gone)."""
        with self._lock:
            path = self._paths.pop(id_key(resource_id), None)
            if path is not None:
                self._ids.pop(path, None)

    # -- users -------------------------------------------------------------
    def user(self, idp: str, opaque_id: str, fetch: Callable[[], User | None]) -> User | None:
        """A user by id: ``fetch()`` once per client (None = not resolvable)."""
        key = (idp, opaque_id)
        with self._lock:
            if key in self._users:
                return self._users[key]
        found = fetch()  # outside the lock: other lookups need not wait for this call
        with self._lock:
            self._users[key] = found
            if found is not None:
                self._users.setdefault((found.idp, found.opaque_id), found)
        return found

    def group(self, idp: str, opaque_id: str, fetch: Callable[[], Group | None]) -> Group | None:
        """A group by id: ``fetch()`` once per client (None = not resolvable)."""
        key = (idp, opaque_id)
        with self._lock:
            if key in self._groups:
                return self._groups[key]
        found = fetch()
        with self._lock:
            self._groups[key] = found
        return found

    def known_user(self, idp: str, opaque_id: str) -> tuple[bool, User | None]:
        """``(asked, user)``: whether the user was looked up already, and the answer."""
        with self._lock:
            key = (idp, opaque_id)
            return key in self._users, self._users.get(key)

    def known_group(self, idp: str, opaque_id: str) -> tuple[bool, Group | None]:
        """``(asked, group)``: whether the group was looked up already, and the answer."""
        with self._lock:
            key = (idp, opaque_id)
            return key in self._groups, self._groups.get(key)

    def remember_users(self, users: list[User]) -> None:
        """Remember users another answer carried (search results, whoami)."""
        with self._lock:
            for u in users:
                if u.opaque_id:
                    self._users[(u.idp, u.opaque_id)] = u
                    self._users.setdefault(("", u.opaque_id), u)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._me = None
            self._home = None
            self._paths.clear()
            self._ids.clear()
            self._users.clear()
            self._groups.clear()


def client_cache(conn: Any) -> ClientCache:
    """The cache of the client that owns ``conn`` (made on first use)."""
    return per_client(conn, "client_cache", ClientCache)


__all__ = ["ClientCache", "IdKey", "client_cache", "id_key"]
