"""CS3 errors as the HTTP errors Jupyter's contents API expects.

The contents handlers turn a :class:`tornado.web.HTTPError` into a JSON
answer whose ``message`` the front end shows the user, so the message is the
service layer's (server message plus the path), never a token or password:
:class:`~cs3widgets.client.CS3Error` messages carry none by construction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tornado.web import HTTPError

from cs3widgets.client import errors as cs3

#: CS3 error class -> HTTP status, most specific first (``isinstance`` order).
_STATUS: tuple[tuple[type[cs3.CS3Error], int], ...] = (
    (cs3.NotFound, 404),
    (cs3.PermissionDenied, 403),
    (cs3.Unauthenticated, 403),
    (cs3.Locked, 423),
    (cs3.Conflict, 409),
    (cs3.AlreadyExists, 409),
    (cs3.FailedPrecondition, 409),
    (cs3.InvalidName, 400),
    (cs3.InvalidArgument, 400),
    (cs3.QuotaExceeded, 507),
    (cs3.Timeout, 504),
    (cs3.Unavailable, 503),
    (cs3.Unimplemented, 501),
)


def status_for(exc: cs3.CS3Error) -> int:
    """The HTTP status Jupyter's front ends understand for a CS3 error."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def http_error(exc: cs3.CS3Error, message: str | None = None) -> HTTPError:
    """An :class:`HTTPError` for ``exc``; ``message`` replaces the default text."""
    # jupyter_server sends ``log_message`` as the reply's ``message`` verbatim.
    return HTTPError(status_for(exc), message or f"{exc.title}: {exc}", reason=exc.title)


@contextlib.contextmanager
def as_http_errors() -> Iterator[None]:
    """Translate every :class:`CS3Error` raised inside the block."""
    try:
        yield
    except cs3.CS3Error as exc:
        raise http_error(exc) from None


__all__ = ["as_http_errors", "http_error", "status_for"]
