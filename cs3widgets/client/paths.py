"""Client-side validation of CS3 paths and names.

Every operation validates its paths here *before* any RPC, so that bad input
(empty segments, ``..``, NUL bytes, over-long names) gets a clear
:class:`~cs3widgets.client.errors.InvalidName` and the server sees nothing.
Anything else is a valid name: spaces, unicode, ``#``, ``%``, ``?``, quotes
and ``<>`` are all legal in CS3 paths.
"""

from __future__ import annotations

from .errors import InvalidName

#: Longest single name, in UTF-8 bytes (POSIX NAME_MAX, EOS and most backends).
MAX_NAME_BYTES = 255
#: What a recycle bin adds to a deleted item's name: Reva's local drivers
#: name it ``<name>.d<epoch ms>`` (15 bytes, 16 with a margin for a longer
#: clock), and EOS keeps deleted items by similar suffixed names. A name
#: longer than MAX_NAME_BYTES minus this can be created but never deleted
#: (the rename into the bin fails), so it is refused for anything created.
TRASH_SUFFIX_BYTES = 16
MAX_CREATE_NAME_BYTES = MAX_NAME_BYTES - TRASH_SUFFIX_BYTES
#: Longest path, in UTF-8 bytes (POSIX PATH_MAX).
MAX_PATH_BYTES = 4096

ROOT = "/"

#: Where the server mounts every user's storage. Stat by resource id answers
#: paths below it (``/users/<owner>/...``), whoever asks.
USERS_MOUNT = "/users"


def _utf8_len(text: str, what: str, shown: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        # Lone surrogates (e.g. from os.fsdecode of broken bytes) cannot be sent.
        raise InvalidName(f"{what} is not valid Unicode", path=shown) from None


def _short(text: str, limit: int = 80) -> str:
    """A bounded excerpt of a bad input for the error message."""
    text = text.replace("\x00", "\\0")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate_name(name: object) -> str:
    """Check one path segment (a file or folder name) and return it.

    Refuses: non-strings, the empty name, ``/`` inside the name, ``.`` and
    ``..``, NUL bytes and names longer than 255 UTF-8 bytes.
    """
    if not isinstance(name, str):
        raise InvalidName(f"a name must be a string, not {type(name).__name__}")
    if name == "":
        raise InvalidName("the name is empty")
    shown = _short(name)
    if "\x00" in name:
        raise InvalidName("a name cannot contain a NUL byte", path=shown)
    if "/" in name:
        raise InvalidName("a name cannot contain '/'", path=shown)
    if name in (".", ".."):
        raise InvalidName(f"{name!r} is not allowed as a name", path=shown)
    if _utf8_len(name, "the name", shown) > MAX_NAME_BYTES:
        raise InvalidName(f"the name is longer than {MAX_NAME_BYTES} bytes", path=shown)
    _check_deletable(name, shown)
    return name


def validate_new_name(name: object) -> str:
    """Like :func:`validate_name`, for a name about to be created.

    Also refuses a name of only whitespace: nobody can read it in a listing
    or type it again, and New folder (which strips what was typed) says the
    same of it. Existing names are never refused for this, so such a file
    made elsewhere can still be renamed or deleted.
    """
    name = validate_name(name)
    if not name.strip():
        raise InvalidName("the name is empty (only spaces)", path=repr(name))
    return name


def _check_deletable(name: str, shown: str) -> None:
    if len(name.encode("utf-8")) > MAX_CREATE_NAME_BYTES:
        raise InvalidName(
            f"the name is longer than {MAX_CREATE_NAME_BYTES} bytes: it could never be "
            "deleted (the recycle bin adds a suffix)",
            path=shown,
        )


def validate_path(path: object) -> str:
    """Check an absolute CS3 path and return it normalised.

    Normalised means: one trailing ``/`` dropped (``/home/`` -> ``/home``).
    Refuses: non-strings, the empty path, relative paths, empty segments
    (``//``), ``.`` and ``..`` segments, NUL bytes, a segment over 255 UTF-8
    bytes and a path over 4096 UTF-8 bytes. ``/`` itself is valid here; use
    :func:`validate_target` for paths that are created, deleted or renamed.
    """
    if not isinstance(path, str):
        raise InvalidName(f"a path must be a string, not {type(path).__name__}")
    if path == "":
        raise InvalidName("the path is empty")
    shown = _short(path)
    if "\x00" in path:
        raise InvalidName("a path cannot contain a NUL byte", path=shown)
    if not path.startswith("/"):
        raise InvalidName("the path must be absolute (start with '/')", path=shown)
    if _utf8_len(path, "the path", shown) > MAX_PATH_BYTES:
        raise InvalidName(f"the path is longer than {MAX_PATH_BYTES} bytes", path=shown)
    if path == ROOT:
        return ROOT
    body = path[1:-1] if path.endswith("/") else path[1:]
    for segment in body.split("/"):
        if segment == "":
            raise InvalidName("the path has an empty segment ('//')", path=shown)
        if segment in (".", ".."):
            # '..' could escape the folder the caller meant (or a sandbox);
            # '.' is refused too so that a path has one spelling only.
            raise InvalidName(f"'{segment}' segments are not allowed in a path", path=shown)
        if _utf8_len(segment, "a name", shown) > MAX_NAME_BYTES:
            raise InvalidName(
                f"a name in the path is longer than {MAX_NAME_BYTES} bytes", path=shown
            )
    return "/" + body


def validate_target(path: object) -> str:
    """Like :func:`validate_path`, and also refuse ``/``.

    Used for paths that are created, deleted, moved or renamed: the root is
    never such a target.
    """
    path = validate_path(path)
    if path == ROOT:
        raise InvalidName("'/' cannot be created, deleted, moved or renamed", path=ROOT)
    _check_deletable(basename(path), _short(path))
    return path


def validate_new(path: object) -> str:
    """Like :func:`validate_target`, for a path about to be created.

    Its last name is checked by :func:`validate_new_name`.
    """
    path = validate_target(path)
    validate_new_name(basename(path))
    return path


def join(base: str, *names: str) -> str:
    """``base`` joined with validated ``names``; the result is validated too."""
    base = validate_path(base)
    parts = [validate_name(n) for n in names]
    if not parts:
        return base
    return validate_path(("" if base == ROOT else base) + "/" + "/".join(parts))


def parent(path: str) -> str:
    """The folder that holds ``path`` (``/`` for top-level entries and ``/``)."""
    path = validate_path(path)
    head = path.rsplit("/", 1)[0]
    return head or ROOT


def basename(path: str) -> str:
    """The last segment of ``path`` (empty for ``/``)."""
    path = validate_path(path)
    return path.rsplit("/", 1)[1]


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it."""
    path, folder = validate_path(path), validate_path(folder)
    return folder == ROOT or path == folder or path.startswith(folder + "/")


def home_view(path: str, username: str, home: str, users_mount: str = USERS_MOUNT) -> str:
    """``path`` as ``username`` knows it: ``<users_mount>/<username>/rest`` -> ``<home>/rest``.

    Resolving a resource id gives the path in the all-users namespace; the
    owner knows their files under their home (``/home/...``), so their own
    paths are mapped there. Other owners' paths come back unchanged. Pure
    string work, no RPC.
    """
    if not username or not home or "/" in username:
        return path
    prefix = f"{users_mount.rstrip('/')}/{username}"
    if path == prefix:
        return home
    if path.startswith(prefix + "/"):
        return ("" if home == ROOT else home.rstrip("/")) + path[len(prefix) :]
    return path


__all__ = [
    "MAX_NAME_BYTES",
    "MAX_PATH_BYTES",
    "ROOT",
    "USERS_MOUNT",
    "basename",
    "home_view",
    "is_within",
    "join",
    "parent",
    "validate_name",
    "validate_new",
    "validate_new_name",
    "validate_path",
    "validate_target",
]
