"""Nothing is paid for rows that are not shown: opening the Browser and CS3App
costs the same gRPC calls whether the folder is shared with 20 or 200 people.

A revad of its own with 200 more users (``user0001``...): marie shares a
folder with 20 of them, richard one with 200. Each widget opens on a fresh
client (nobody's name cached), and the calls it made are counted from the
client's per-method counter once everything it started is done.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
from widgets_support import row_label

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.models import User
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig
from cs3widgets.devserver.users import extra_users
from cs3widgets.widgets import Browser, CS3App
from cs3widgets.widgets.base.formatting import SHARED_ICON
from cs3widgets.widgets.panels.facts import GRANTEES_SHOWN
from cs3widgets.widgets.sharing.rows import GranteeRow

MANY = 200
FEW = 20


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad with the demo users and 200 more."""
    site = SiteConfig(root=tmp_path_factory.mktemp("crowd"), extra_users=MANY)
    with RevadServer(site) as server:
        yield server


def _client(server: RevadServer, username: str) -> CS3Client:
    """A fresh client (no name cached), logged in: the login is not what is counted."""
    client = CS3Client(server.gateway, BasicAuth(username, DEMO_USERS[username].password))
    client.conn.token()
    return client


@pytest.fixture(scope="module")
def shared(crowd: RevadServer) -> dict[int, tuple[str, str]]:
    """``{20: ("marie", folder), 200: ("richard", folder)}``: a folder (with a
    file in it) shared with that many users, each by a user of its own."""
    people = [User(u.username, u.display_name, idp=crowd.site.http_url, opaque_id=u.opaque_id)
              for u in extra_users(MANY)]
    out = {}
    for owner, count in (("marie", FEW), ("richard", MANY)):
        with _client(crowd, owner) as c:
            home = c.identity.home()
            folder = f"{home}/costs/shared"
            c.files.mkdir(folder, parents=True)
            c.transfers.upload(b"data", f"{folder}/a.txt")
            for person in people[:count]:
                c.shares.create(folder, person, "Viewer")
            assert len(c.shares.list(folder)) == count
        out[count] = (owner, folder)
    return out


def _opened(widget: Browser | CS3App, client: CS3Client) -> Counter[str]:
    """The calls ``widget`` made to open (a login again, if the server asked, not counted)."""
    assert widget.wait(120), "the widget's work did not finish"
    calls = Counter(client.conn.calls)
    del calls["Authenticate"]
    return calls


def test_opening_the_browser_costs_the_same_with_20_and_200_shares(
    crowd: RevadServer, shared: dict[int, tuple[str, str]]
) -> None:
    calls = {}
    for count, (owner, folder) in shared.items():
        with _client(crowd, owner) as client:
            parent = folder.rsplit("/", 1)[0]
            b = Browser(parent, client=client)
            calls[count] = _opened(b, client)
            assert not b.banner.is_error, b.banner.message
            assert SHARED_ICON in row_label(b, folder)
            b.close()
    assert calls[FEW] == calls[MANY], (calls[FEW], calls[MANY])
    assert calls[MANY]["GetUser"] == 0  # the share markers need no names
    assert sum(calls[MANY].values()) <= 10, calls[MANY]


def test_opening_cs3app_costs_the_same_with_20_and_200_shares(
    crowd: RevadServer, shared: dict[int, tuple[str, str]]
) -> None:
    calls = {}
    for count, (owner, folder) in shared.items():
        with _client(crowd, owner) as client:
            app = CS3App(folder, client=client)
            calls[count] = _opened(app, client)
            dialog = app.share
            rows = [r for r in dialog.grantees.children if isinstance(r, GranteeRow)]
            # The rows shown are named (display names, not ids); the rest wait.
            assert len(rows) == min(count, GRANTEES_SHOWN)
            assert all(r.name.value.startswith("\U0001f464 Test User ") for r in rows), [
                r.name.value for r in rows]
            assert len(dialog.shares) == count
            assert (dialog.more_grantees.layout.display != "none") == (count > GRANTEES_SHOWN)
            assert f"and {count - 3} more" in app.info.details.value
            app.close()
    assert calls[FEW] == calls[MANY], (calls[FEW], calls[MANY])
    # The rows shown; the owner is the user (named by the WhoAmI the panels make).
    assert calls[MANY]["GetUser"] == GRANTEES_SHOWN


def test_show_more_names_the_next_grantees_only(
    crowd: RevadServer, shared: dict[int, tuple[str, str]]
) -> None:
    owner, folder = shared[MANY]
    with _client(crowd, owner) as client:
        app = CS3App(folder, client=client)
        assert app.wait(120)
        before = client.conn.calls["GetUser"]
        first = list(app.share.grantees.children)
        app.share.more_grantees.click()
        deadline = time.monotonic() + 60
        while client.conn.calls["GetUser"] - before < GRANTEES_SHOWN or app.runner.pending:
            assert time.monotonic() < deadline, "the next grantees were not named"
            app.wait(1)
        rows = [r for r in app.share.grantees.children if isinstance(r, GranteeRow)]
        assert len(rows) == 2 * GRANTEES_SHOWN
        assert rows[:GRANTEES_SHOWN] == first  # the rows shown before are kept, not rebuilt
        assert all("Test User" in r.name.value for r in rows)
        assert client.conn.calls["GetUser"] - before == GRANTEES_SHOWN
        app.close()


def test_shared_by_me_names_the_page_shown_only(
    crowd: RevadServer, shared: dict[int, tuple[str, str]]
) -> None:
    owner, _folder = shared[MANY]
    with _client(crowd, owner) as client:
        b = Browser(client=client, page_size=50)
        assert b.wait(120)
        before = client.conn.calls["GetUser"]
        b.view = "shared"
        assert b.wait(120) and not b.banner.is_error, b.banner.message
        assert len(b.listing.items) == MANY
        assert client.conn.calls["GetUser"] - before == 50  # one page, not 200
        assert all("Test User" in label for label in b.listing.labels), b.listing.labels[:3]
        b.listing.next_button.click()
        assert b.wait(120)
        assert client.conn.calls["GetUser"] - before == 100
        assert all("Test User" in label for label in b.listing.labels)
        b.close()
