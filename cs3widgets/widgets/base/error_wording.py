"""What went wrong, in words a user reads: the plain message and the technical detail.

The service layer's exceptions keep the server's own words ("error:
permission denied: statting ...", "add_grant", gRPC codes). A banner says
instead what the user tried and why it did not happen ("You don't have
permission to share report.csv", "report.csv no longer exists"); the
server's words stay one click away as the *details*.

What the user tried comes from the caller (``doing``, a verb phrase such as
"delete report.csv") or, failing that, from the gateway method that failed
(:attr:`CS3Error.operation <cs3widgets.client.errors.CS3Error.operation>`).
"""

from __future__ import annotations

import posixpath

from cs3.rpc.v1beta1 import code_pb2

from ...client.config import ConfigError
from ...client.errors import (
    AlreadyExists,
    Conflict,
    CS3Error,
    FailedPrecondition,
    InvalidArgument,
    InvalidName,
    Locked,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    Timeout,
    TransferError,
    Unauthenticated,
    Unavailable,
    Unimplemented,
)

GENERIC_MESSAGE = "Something went wrong. The details are in the debug log."


class UserInputError(ValueError):
    """The widget refused the user's input (nothing was sent to the server)."""


#: Gateway method -> what the user was doing ("{name}": the item's name).
_DOING = {
    "CreateShare": "share {name}",
    "UpdateShare": "change who has access to {name}",
    "RemoveShare": "stop sharing {name}",
    "CreatePublicShare": "make a link to {name}",
    "UpdatePublicShare": "change a link to {name}",
    "RemovePublicShare": "delete a link to {name}",
    "UpdateReceivedShare": "accept or decline this share",
    "Delete": "delete {name}",
    "Move": "move or rename {name}",
    "CreateContainer": "create {name}",
    "TouchFile": "create {name}",
    "InitiateFileUpload": "write {name}",
    "InitiateFileDownload": "read {name}",
    "Stat": "open {name}",
    "ListContainer": "open {name}",
    "ListContainerStream": "open {name}",
    "SetLock": "lock {name}",
    "RefreshLock": "lock {name}",
    "Unlock": "unlock {name}",
    "ListFileVersions": "see the versions of {name}",
    "RestoreFileVersion": "restore a version of {name}",
    "RestoreRecycleItem": "restore {name}",
    "PurgeRecycle": "empty the trash",
    "SetArbitraryMetadata": "change {name}",
    "UnsetArbitraryMetadata": "change {name}",
}

_SHARING = {"CreateShare", "UpdateShare", "RemoveShare", "CreatePublicShare",
            "UpdatePublicShare", "RemovePublicShare"}


def item_name(exc: CS3Error, fallback: str = "this") -> str:
    """The last segment of the error's path (what the user knows it by)."""
    path = (exc.path or "").rstrip("/")
    return posixpath.basename(path) or path or fallback


def doing_of(exc: CS3Error, doing: str = "") -> str:
    """What the user was doing: ``doing`` if given, else guessed from the method."""
    if doing:
        return doing
    template = _DOING.get(exc.operation, "")
    return template.format(name=item_name(exc)) if template else ""


def plain_message(exc: BaseException, doing: str = "") -> str:
    """A one-line, user-facing description of ``exc`` (plain text, not escaped)."""
    if isinstance(exc, UserInputError):
        return str(exc)
    if isinstance(exc, ConfigError):
        return f"Configuration: {exc}"
    if not isinstance(exc, CS3Error):
        return GENERIC_MESSAGE
    name = item_name(exc)
    what = doing_of(exc, doing)
    if isinstance(exc, InvalidName):
        return f"{exc.message[:1].upper()}{exc.message[1:]}" + (f": {exc.path}" if exc.path else "")
    if isinstance(exc, PermissionDenied):
        return f"You don't have permission to {what or 'do this'}"
    if isinstance(exc, NotFound):
        if exc.path:
            return f"{name} no longer exists"
        return "It no longer exists" if exc.operation else _sentence(exc.message)
    if isinstance(exc, Locked):
        holder = exc.holder or "someone else"
        return f"Someone else is editing {name} (locked by {holder})"
    if isinstance(exc, AlreadyExists):
        if exc.operation in _SHARING:
            return f"{name} is already shared with them"
        return f"{name} already exists" if exc.path else "It already exists"
    if isinstance(exc, Timeout):
        return "The storage server did not answer in time. Try again in a moment."
    if isinstance(exc, Unavailable):
        return "The storage server cannot be reached right now. Try again in a moment."
    if isinstance(exc, Unauthenticated):
        return "You are not logged in, or your session expired. Reconnect and try again."
    if isinstance(exc, QuotaExceeded):
        return "There is not enough space left in your storage"
    if isinstance(exc, Conflict):
        return f"{name} was changed by someone else meanwhile. Reload it and try again."
    if isinstance(exc, FailedPrecondition):
        return f"{name} changed on the server meanwhile. Reload and try again."
    if isinstance(exc, Unimplemented):
        return "This storage server does not support " + (what or "that")
    if isinstance(exc, TransferError):
        return f"The transfer of {name} did not complete"
    if isinstance(exc, InvalidArgument) and not exc.operation:
        return _sentence(exc.message)  # ours: a readable reason
    return f"The server could not {what}" if what else "The server could not do that"


def technical_details(exc: BaseException) -> str:
    """The original message with its kind, code, method and path (plain text).

    Unexpected exceptions give their type only: their text is not ours and
    could hold anything.
    """
    if isinstance(exc, (UserInputError, ConfigError)):
        return ""
    if not isinstance(exc, CS3Error):
        return type(exc).__name__
    parts = [type(exc).__name__]
    if exc.code is not None:
        parts.append(_code_name(exc.code))
    if exc.operation:
        parts.append(f"in {exc.operation}")
    if exc.path:
        parts.append(f"on {exc.path}")
    text = " ".join(parts) + f": {exc.message}"
    if isinstance(exc, Locked) and exc.holder:
        text += f" (holder {exc.holder})"
    return text


def _code_name(code: int) -> str:
    try:
        return code_pb2.Code.Name(code)
    except ValueError:
        return f"code {code}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


__all__ = ["GENERIC_MESSAGE", "UserInputError", "doing_of", "item_name", "plain_message",
           "technical_details"]
