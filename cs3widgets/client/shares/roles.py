"""Share roles as sets of CS3 ``ResourcePermissions`` flags.

One table, :data:`ROLE_FLAGS`, defines every named role. Both directions use
it: :func:`role_permissions` turns a role into the protobuf message sent with
a share, and :func:`role_from_permissions` reads a message back into a role.
A flag set that matches no named role reads back as a :class:`Role` named
``Custom`` that carries exactly the flags it was given.

The sets follow Reva's own role definitions (its OCS ``conversions`` package):

- **Viewer**: read only (stat, list, download, versions, recycle listing).
- **Editor**: Viewer plus upload, create folders, delete, move, restore.
- **Uploader**: for folders only (a file drop): stat, list, create, upload;
  no download.
- **Manager**: Editor plus quota and managing grants (re-sharing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from ..errors import PermissionDenied

#: Every boolean flag of ``cs3.storage.provider.v1beta1.ResourcePermissions``.
ALL_FLAGS: frozenset[str] = frozenset(
    f.name for f in sp_res.ResourcePermissions.DESCRIPTOR.fields
)

_VIEWER = frozenset({
    "get_path", "initiate_file_download", "list_grants", "list_container",
    "list_file_versions", "list_recycle", "stat",
})
_EDITOR = _VIEWER | {
    "initiate_file_upload", "restore_file_version", "restore_recycle_item",
    "create_container", "delete", "move", "purge_recycle",
}
_UPLOADER = frozenset({
    "stat", "list_container", "get_path", "create_container", "initiate_file_upload",
})
_MANAGER = _EDITOR | {"get_quota", "add_grant", "remove_grant", "update_grant"}

#: The one role table: name -> flags. Order matters only for display.
ROLE_FLAGS: dict[str, frozenset[str]] = {
    "Viewer": _VIEWER,
    "Editor": frozenset(_EDITOR),
    "Uploader": _UPLOADER,
    "Manager": frozenset(_MANAGER),
}

#: Roles that only make sense on folders.
FOLDER_ONLY: frozenset[str] = frozenset({"Uploader"})

CUSTOM = "Custom"


@dataclass(frozen=True)
class Role:
    """A named set of permission flags (``Custom`` when it matches no named role)."""

    name: str
    flags: frozenset[str]

    @property
    def is_custom(self) -> bool:
        """True when the flags match none of the named roles."""
        return self.name == CUSTOM

    @property
    def folder_only(self) -> bool:
        """True for roles that cannot be given on a single file."""
        return self.name in FOLDER_ONLY

    @property
    def can_write(self) -> bool:
        """Whether the role allows uploading."""
        return "initiate_file_upload" in self.flags

    def __str__(self) -> str:
        return self.name


Viewer = Role("Viewer", ROLE_FLAGS["Viewer"])
Editor = Role("Editor", ROLE_FLAGS["Editor"])
Uploader = Role("Uploader", ROLE_FLAGS["Uploader"])
Manager = Role("Manager", ROLE_FLAGS["Manager"])

#: The named roles, by name.
ROLES: dict[str, Role] = {r.name: r for r in (Viewer, Editor, Uploader, Manager)}


def Custom(flags: set[str] | frozenset[str]) -> Role:
    """A role with an arbitrary set of flags (unknown flag names are refused)."""
    unknown = set(flags) - ALL_FLAGS
    if unknown:
        raise ValueError(f"unknown permission flags: {sorted(unknown)}")
    return role_from_flags(frozenset(flags))


def as_role(role: Role | str) -> Role:
    """Accept a :class:`Role` or a role name (case-insensitive)."""
    if isinstance(role, Role):
        return role
    for name, r in ROLES.items():
        if name.lower() == str(role).strip().lower():
            return r
    raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")


#: Flags that grant nothing beyond reading. A named role plus some of these
#: is still that role, as Reva reads roles (its OCS conversions check that a
#: permission set has *at least* each role's flags): a Viewer share that
#: also carries get_quota is a Viewer, not "Custom".
READ_ONLY_FLAGS: frozenset[str] = _VIEWER | {"get_quota"}


def role_from_flags(flags: frozenset[str]) -> Role:
    """The named role these flags give, else a ``Custom`` role.

    Exactly a role's flags is that role; a role's flags plus only read-only
    extras (:data:`READ_ONLY_FLAGS`) is that role too, the strongest such
    role first. Anything else (a write flag beyond a role) is ``Custom``.
    """
    for name, role_flags in ROLE_FLAGS.items():
        if role_flags == flags:
            return ROLES[name]
    by_size = sorted(ROLE_FLAGS.items(), key=lambda item: len(item[1]), reverse=True)
    for name, role_flags in by_size:
        if role_flags <= flags and flags - role_flags <= READ_ONLY_FLAGS:
            return ROLES[name]
    return Role(CUSTOM, flags)


def flags_of(message: Any) -> frozenset[str]:
    """The flags set in a ``ResourcePermissions`` message."""
    if message is None:
        return frozenset()
    return frozenset(name for name in ALL_FLAGS if getattr(message, name, False))


def role_permissions(role: Role | str) -> sp_res.ResourcePermissions:
    """The ``ResourcePermissions`` message for ``role``."""
    return sp_res.ResourcePermissions(**{flag: True for flag in as_role(role).flags})


def role_from_permissions(message: Any) -> Role:
    """Read a ``ResourcePermissions`` message back into a role."""
    return role_from_flags(flags_of(message))


def why_refused(
    info: Any, role: Role, path: str, *, operation: str = ""
) -> PermissionDenied | None:
    """Why the caller may not share ``info`` as ``role``, if its permissions
    explain it (``None`` when they do not, or were not reported).

    Checked before a share or link is sent (production's gRPC path does not
    refuse them: see the callers), and used to word a server's refusal.
    """
    held = flags_of(info.permission_set)
    if not held:
        return None
    if "add_grant" not in held:
        return PermissionDenied("you may not share this; ask its owner to share it", path=path,
                                operation=operation)
    if role.flags - held:
        return PermissionDenied(
            f"you may not give the {role.name} role: it allows more than you may do here",
            path=path, operation=operation,
        )
    return None


__all__ = [
    "ALL_FLAGS", "CUSTOM", "FOLDER_ONLY", "READ_ONLY_FLAGS", "ROLES", "ROLE_FLAGS", "Custom",
    "Editor", "Manager", "Role", "Uploader", "Viewer", "as_role", "flags_of", "role_from_flags",
    "role_from_permissions", "role_permissions", "why_refused",
]
