"""Identity against the live revad: whoami, user and group search, groups, quota."""

from __future__ import annotations

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.errors import NotFound
from cs3widgets.devserver import DEMO_USERS


@pytest.mark.parametrize("username", ["einstein", "marie", "richard"])
def test_whoami_for_each_demo_user(login, username: str):
    demo = DEMO_USERS[username]
    me = login(username).whoami()
    assert me.username == username
    assert me.display_name == demo.display_name
    assert me.mail == demo.mail
    assert me.opaque_id == demo.opaque_id
    assert me.idp.startswith("http://127.0.0.1:")
    assert set(me.groups) == set(demo.groups)
    assert me.label == f"{demo.display_name} ({username})"


def test_find_users_by_partial_name_mail_and_username(einstein: CS3Client):
    find = einstein.identity.find_users
    assert [u.username for u in find("einst")] == ["einstein"]
    assert [u.username for u in find("Curie")] == ["marie"]  # display name
    assert [u.username for u in find("richard@example.org")] == ["richard"]  # mail
    assert {u.username for u in find("example.org")} == {"einstein", "marie", "richard"}
    assert find("nobody-here") == []
    assert find("   ") == []
    marie = einstein.identity.get_user("marie")
    assert marie.display_name == "Marie Curie" and marie.mail == "marie@example.org"
    assert einstein.identity.get_user_by_id(marie.idp, marie.opaque_id).username == "marie"
    with pytest.raises(NotFound):
        einstein.identity.get_user("mari")  # exact lookup: a prefix is not a user


def test_find_groups_by_partial_name(marie: CS3Client):
    names = {g.name for g in marie.identity.find_groups("lovers")}
    assert {"physics-lovers", "sailing-lovers", "radium-lovers"} <= names
    assert "violin-haters" not in names
    (physics,) = marie.identity.find_groups("physics")
    assert physics.name == "physics-lovers" and physics.display_name == "Physics Lovers"
    assert physics.mail == "physics-lovers@example.org"
    assert marie.identity.find_groups("no-such-group") == []


@pytest.mark.parametrize("username", ["einstein", "marie", "richard"])
def test_groups_of_each_user(login, username: str):
    c = login(username)
    assert set(c.identity.groups()) == set(DEMO_USERS[username].groups)
    other = c.identity.get_user("einstein")
    assert "physics-lovers" in c.identity.groups(other)


def test_home_and_quota(einstein: CS3Client):
    assert einstein.identity.home() == "/home"
    before = einstein.identity.quota()
    # localhome reports the disk holding the data directory (statfs).
    assert before.total > 0 and 0 <= before.used <= before.total
    assert 0.0 <= before.fraction <= 1.0
    # "used" is disk-wide (other processes write and delete on the same
    # disk), so only the total is compared between two readings.
    again = einstein.identity.quota("/home")
    assert again.total == before.total and again.used > 0
