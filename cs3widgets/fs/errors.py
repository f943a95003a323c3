"""Service-layer errors as the OS exceptions fsspec callers expect."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator

from ..client.delegation import CredentialExpired
from ..client.errors import (
    AlreadyExists,
    CS3Error,
    InvalidName,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)

READ_ONLY_HINT = (
    "the server refused this with the worker's read-only credential; pass "
    "worker_access='write' in the storage options to let workers write"
)


@contextlib.contextmanager
def os_errors(path: str, *, read_only: bool = False) -> Iterator[None]:
    """Map service-layer errors to ``FileNotFoundError``, ``PermissionError``, ...

    ``read_only``: the caller holds a read-only worker credential, so a
    refusal of its token (Reva answers a call outside the token's scope as
    unauthenticated) is reported as what it is.
    """
    try:
        yield
    except Unauthenticated as exc:
        if read_only and not isinstance(exc, CredentialExpired):
            raise PermissionError(errno.EACCES, READ_ONLY_HINT, path) from exc
        raise OSError(errno.EIO, str(exc), path) from exc
    except NotFound as exc:
        raise FileNotFoundError(errno.ENOENT, exc.message, path) from exc
    except AlreadyExists as exc:
        raise FileExistsError(errno.EEXIST, exc.message, path) from exc
    except PermissionDenied as exc:
        raise PermissionError(errno.EACCES, exc.message, path) from exc
    except InvalidName as exc:
        raise ValueError(str(exc)) from exc
    except CS3Error as exc:
        raise OSError(errno.EIO, str(exc), path) from exc


def as_os_error(exc: CS3Error, path: str) -> OSError | ValueError:
    """The OS exception :func:`os_errors` would raise for ``exc``."""
    try:
        with os_errors(path):
            raise exc
    except (OSError, ValueError) as mapped:
        return mapped
    raise AssertionError("unreachable")  # pragma: no cover
