"""Who holds a lock: the caller, a CS3 lock's holder by name, the Locked error.

The part of :class:`~.locks.Locks` that both kinds of lock (:mod:`.native`
and :mod:`.metadata`) build on.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from .. import convert
from ..capabilities import Capabilities
from ..connection import Connection
from ..errors import Locked
from ..identity import Identity
from ..models import Lock, User

if TYPE_CHECKING:  # files/ imports this package: no cycle at run time
    from ..files import Files


def locked_error(lock: Lock, path: str) -> Locked:
    """A :class:`Locked` naming the holder and the expiry."""
    when = f" until {lock.expires:%Y-%m-%d %H:%M:%S} UTC" if lock.expires else ""
    return Locked(
        f"locked by {lock.holder or 'another client'}{when}",
        path=path,
        holder=lock.holder,
        expires=lock.expires,
    )


class LockHolders:
    """The caller's identity and lock holders' names; part of :class:`~.locks.Locks`."""

    _conn: Connection
    _files: Files
    _me: User | None
    _caps: Capabilities

    def _whoami(self) -> User:
        if self._me is None:
            self._me = Identity(self._conn).whoami()
        return self._me

    def _model(self, lock: Any) -> Lock:
        holder = ""
        if lock.HasField("user") and lock.user.opaque_id:
            me = self._whoami()
            if lock.user.opaque_id == me.opaque_id:
                holder = me.username
            else:
                with contextlib.suppress(Exception):
                    holder = (
                        Identity(self._conn)
                        .get_user_by_id(lock.user.idp, lock.user.opaque_id)
                        .username
                    )
                holder = holder or lock.user.opaque_id
        return Lock(
            lock_id=lock.lock_id,
            holder=holder or lock.app_name,
            type="write",
            expires=convert.timestamp(lock.expiration) if lock.HasField("expiration") else None,
            app_name=lock.app_name,
            holder_id=lock.user.opaque_id if lock.HasField("user") else "",
        )


__all__ = ["LockHolders", "locked_error"]
