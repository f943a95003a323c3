"""Small frozen dataclasses the widgets see instead of protobuf messages.

Converters from protobuf live next to the operations that produce them.
Nothing here holds a token or a password: a public link's password is
write-only (``PublicLink.password_protected`` says whether it has one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


def display_label(display_name: str, name: str) -> str:
    """How people and groups are shown: "Display Name (name)", or just the name."""
    return f"{display_name} ({name})" if display_name else name


class EntryType(str, Enum):
    """What a storage entry is."""

    FILE = "file"
    FOLDER = "folder"
    REFERENCE = "reference"
    SYMLINK = "symlink"
    OTHER = "other"


@dataclass(frozen=True)
class ResourceId:
    """A storage-independent id of a file or folder."""

    storage_id: str
    opaque_id: str
    space_id: str = ""

    def __str__(self) -> str:
        return f"{self.storage_id}!{self.opaque_id}"


@dataclass(frozen=True)
class Entry:
    """One file or folder (CS3 ``ResourceInfo``)."""

    path: str
    name: str
    type: EntryType
    size: int
    mtime: datetime | None
    etag: str = ""
    mime_type: str = ""
    id: ResourceId | None = None
    owner: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    checksum: str = ""
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: The CS3 lock on it, where the server reports locks with the entry (as
    #: EOS and our test server do); its ``holder`` is empty and ``holder_id``
    #: the holder's user id (naming them takes a lookup).
    lock: Lock | None = field(default=None, hash=False, compare=False)

    @property
    def is_dir(self) -> bool:
        """True for folders."""
        return self.type is EntryType.FOLDER

    @property
    def hidden(self) -> bool:
        """Dot files are hidden by convention."""
        return self.name.startswith(".")


# Backwards-friendly alias: CS3 calls it ResourceInfo.
ResourceInfo = Entry


@dataclass(frozen=True)
class User:
    """A user known to the identity provider."""

    username: str
    display_name: str = ""
    mail: str = ""
    idp: str = ""
    opaque_id: str = ""
    groups: tuple[str, ...] = ()
    type: str = "primary"

    @property
    def label(self) -> str:
        """How to show the user: "Display Name (username)"."""
        return display_label(self.display_name, self.username)


@dataclass(frozen=True)
class Group:
    """A group known to the group provider."""

    name: str
    display_name: str = ""
    mail: str = ""
    idp: str = ""
    opaque_id: str = ""

    @property
    def label(self) -> str:
        """How to show the group."""
        return display_label(self.display_name, self.name)


@dataclass(frozen=True)
class Quota:
    """Used and total bytes (``total`` 0 means unknown or unlimited)."""

    used: int
    total: int

    @property
    def fraction(self) -> float:
        """Used / total in [0, 1], 0 when the total is unknown."""
        return min(1.0, self.used / self.total) if self.total else 0.0


@dataclass(frozen=True)
class Version:
    """A previous version of a file."""

    key: str
    size: int
    mtime: datetime | None
    etag: str = ""


@dataclass(frozen=True)
class RecycleItem:
    """An entry in the recycle bin."""

    key: str
    original_path: str
    type: EntryType
    size: int
    deleted: datetime | None


@dataclass(frozen=True)
class Lock:
    """Who holds a lock on a file and until when."""

    lock_id: str
    holder: str
    type: str = "write"
    expires: datetime | None = None
    app_name: str = ""
    via_metadata: bool = False
    #: The holder's user id (opaque id), where known.
    holder_id: str = ""


@dataclass(frozen=True)
class Grantee:
    """Who a share is for: a user or a group."""

    kind: str  # "user" | "group" | "federated"
    name: str
    display_name: str = ""
    idp: str = ""
    opaque_id: str = ""

    @property
    def label(self) -> str:
        """How to show the grantee."""
        return display_label(self.display_name, self.name)


@dataclass(frozen=True)
class Share:
    """A share I made of a resource with a user or group."""

    id: str
    resource_id: ResourceId | None
    path: str
    grantee: Grantee
    role: str
    permissions: frozenset[str]
    owner: str = ""
    creator: str = ""
    created: datetime | None = None
    expiration: datetime | None = None
    #: The owner's display name ("Albert Einstein"; "" if the server gave none).
    owner_display_name: str = field(default="", compare=False)
    #: Listed without looking names up (``names=False``): the grantee, owner
    #: and creator show by id until :meth:`Shares.with_names
    #: <cs3widgets.client.shares.made.SharesMadeOps.with_names>` fills them in.
    names_pending: bool = field(default=False, compare=False)
    #: ``(idp, opaque_id)`` of the owner and the creator (what names them).
    owner_id: tuple[str, str] = field(default=("", ""), compare=False, repr=False)
    creator_id: tuple[str, str] = field(default=("", ""), compare=False, repr=False)


@dataclass(frozen=True)
class ReceivedShare:
    """A share someone made with me, and what I did with it."""

    share: Share
    state: str  # "pending" | "accepted" | "declined" | "invalid"
    mount_point: str = ""
    hidden: bool = False
    name: str = ""
    path: str = ""


@dataclass(frozen=True)
class PublicLink:
    """A public link. The password is never kept: only whether there is one."""

    id: str
    token: str
    resource_id: ResourceId | None
    path: str
    role: str
    permissions: frozenset[str]
    password_protected: bool = False
    expiration: datetime | None = None
    display_name: str = ""
    url: str = ""
    created: datetime | None = None


@dataclass(frozen=True)
class OCMShare:
    """A federated (ScienceMesh/OCM) share, sent or received."""

    id: str
    name: str
    resource_id: ResourceId | None
    grantee: Grantee | None
    owner: str = ""
    creator: str = ""
    provider: str = ""
    state: str = ""
    role: str = ""
    created: datetime | None = None


@dataclass(frozen=True)
class RemoteUser:
    """A user at another ScienceMesh site who accepted an invitation."""

    username: str
    display_name: str
    mail: str
    idp: str
    opaque_id: str = ""


@dataclass(frozen=True)
class InviteToken:
    """An OCM invitation to give to a colleague at another site."""

    token: str
    description: str = ""
    expiration: datetime | None = None
