"""The role table: named roles, both directions, and Custom roles."""

from __future__ import annotations

import pytest
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from cs3widgets.client.shares import roles
from cs3widgets.client.shares.roles import (
    ALL_FLAGS,
    ROLES,
    Custom,
    Editor,
    Manager,
    Uploader,
    Viewer,
    as_role,
    role_from_permissions,
    role_permissions,
)


@pytest.mark.parametrize("role", [Viewer, Editor, Uploader, Manager])
def test_named_roles_round_trip(role: roles.Role) -> None:
    msg = role_permissions(role)
    assert isinstance(msg, sp_res.ResourcePermissions)
    assert role_from_permissions(msg) == role
    assert role_from_permissions(msg).name == role.name


def test_roles_match_reva_definitions() -> None:
    # Reva's viewer can read but not write; editor adds writing; manager adds grants.
    assert role_permissions(Viewer).initiate_file_download
    assert not role_permissions(Viewer).initiate_file_upload
    assert role_permissions(Editor).initiate_file_upload and role_permissions(Editor).delete
    assert not role_permissions(Editor).add_grant
    assert role_permissions(Manager).add_grant and role_permissions(Manager).update_grant
    up = role_permissions(Uploader)
    assert up.initiate_file_upload and up.create_container and not up.initiate_file_download
    assert Uploader.folder_only and not Viewer.folder_only
    assert Viewer.flags < Editor.flags < Manager.flags


def test_every_flag_is_a_real_protobuf_field() -> None:
    for role in ROLES.values():
        assert role.flags <= ALL_FLAGS


def test_other_sets_read_back_as_custom_with_their_flags() -> None:
    msg = sp_res.ResourcePermissions(stat=True, initiate_file_download=True)
    role = role_from_permissions(msg)
    assert role.is_custom and role.name == "Custom"
    assert role.flags == {"stat", "initiate_file_download"}
    # and the Custom role goes back out as exactly those flags
    assert role_permissions(role) == msg
    assert Custom({"stat"}).flags == {"stat"}
    # a Custom set equal to a named role is that role
    assert Custom(Viewer.flags) == Viewer
    with pytest.raises(ValueError):
        Custom({"fly"})


def test_as_role_accepts_names() -> None:
    assert as_role("editor") is Editor and as_role("Viewer") is Viewer
    with pytest.raises(ValueError):
        as_role("owner")


def test_a_role_plus_harmless_flags_reads_as_that_role() -> None:
    # As Reva reads roles: at least the role's flags, extras only read-only.
    assert role_from_permissions(role_permissions(Viewer)) == Viewer
    viewer_plus = sp_res.ResourcePermissions(get_quota=True, **dict.fromkeys(Viewer.flags, True))
    assert role_from_permissions(viewer_plus) == Viewer
    editor_plus = sp_res.ResourcePermissions(get_quota=True, **dict.fromkeys(Editor.flags, True))
    assert role_from_permissions(editor_plus) == Editor
    # A write flag beyond a role is not harmless: Viewer + upload is Custom.
    viewer_write = sp_res.ResourcePermissions(
        initiate_file_upload=True, **dict.fromkeys(Viewer.flags, True)
    )
    assert role_from_permissions(viewer_write).is_custom
