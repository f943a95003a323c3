"""The widget runtime against the live revad: where server calls run, and how many.

- every gRPC call the widgets make runs on a runner thread, never on the
  main thread (the kernel's), whatever is built and clicked;
- a newer navigation supersedes an older one whose answer comes later;
- call counts that do not grow with the data: Shared by me with 10 and 200
  shares, one selection in CS3App, grantee names once per client.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from widgets_support import names

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.connection import Connection
from cs3widgets.devserver import RevadServer, SiteConfig
from cs3widgets.widgets import AccountPanel, Browser, CS3App, FileChooser, InfoPanel, ShareDialog

ICON = "\U0001f4c1 "


@pytest.fixture()
def grpc_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[CS3Client], list[tuple[str, bool]]]:
    """Start recording ``(method, on the main thread?)`` for every gRPC call of a client."""
    seen: list[tuple[str, bool]] = []

    def start(client: CS3Client) -> list[tuple[str, bool]]:
        send, stream = Connection._send, Connection.stream

        def record(conn: Connection, method: str) -> None:
            if conn is client.conn:
                seen.append((method, threading.current_thread() is threading.main_thread()))

        def recording_send(self: Connection, method: str, request: object, **kw: object):
            record(self, method)
            return send(self, method, request, **kw)

        def recording_stream(self: Connection, method: str, request: object, **kw: object):
            record(self, method)
            return stream(self, method, request, **kw)

        monkeypatch.setattr(Connection, "_send", recording_send)
        monkeypatch.setattr(Connection, "stream", recording_stream)
        return seen

    return start


def test_no_grpc_call_on_the_main_thread(
    login: Callable[..., CS3Client], unique: str,
    grpc_threads: Callable[[CS3Client], list[tuple[str, bool]]],
) -> None:
    check = login("einstein")  # the test's own calls (set-up, checks) use this one
    folder = f"/home/{unique}"
    check.files.mkdir(f"{folder}/sub", parents=True)
    for name, size in (("a.txt", 3), ("b.txt", 1), ("c.txt", 2)):
        check.transfers.upload(b"x" * size, f"{folder}/{name}")
    einstein = login("einstein")
    seen = grpc_threads(einstein)  # every call the widgets make through their client

    # Browser: build, navigate, sort, page, select, upload, other views.
    b = Browser(folder, client=einstein, page_size=2)
    assert b.listing.items == [] and b.wait(60)  # returned at once, then loaded
    assert names(b) == ["sub", "a.txt"]
    b.listing.header_for("size").click()
    b.listing.next_button.click()
    assert names(b) == ["c.txt", "a.txt"]  # by size, folders first: sub, b | c, a
    b.navigate(f"{folder}/sub")
    assert b.wait(60) and b.path == f"{folder}/sub"
    b.toolbar.up.click()
    assert b.wait(60) and b.path == folder
    b.select([f"{folder}/sub"])
    b.upload_bytes("up.txt", b"uploaded")
    assert b.wait(60) and not b.banner.is_error, b.banner.message
    assert check.transfers.read_bytes(f"{folder}/up.txt") == b"uploaded"
    for view in ("shared", "links", "received", "trash", "files"):
        b.view = view
        assert b.wait(60) and not b.banner.is_error, (view, b.banner.message)

    # CS3App: selecting a file fills both panels.
    app = CS3App(folder, client=einstein)
    assert app.wait(60)
    app.browser.select([f"{folder}/a.txt"])
    assert app.wait(60)
    assert dict(app.info.rows())["Name"] == "a.txt" and app.share.entry.name == "a.txt"

    # ShareDialog: search, pick, share.
    d = ShareDialog(folder, client=einstein)
    assert d.wait(60)
    d.search.value = "marie"
    d.flush_search()
    assert d.wait(60)
    d.pick("marie")
    d.share_button.click()
    assert d.wait(60) and not d.banner.is_error, d.banner.message
    assert [s.grantee.name for s in check.shares.list(folder)] == ["marie"]

    # InfoPanel, FileChooser, AccountPanel.
    p = InfoPanel(f"{folder}/a.txt", client=einstein)
    assert p.wait(60) and dict(p.rows())["Size"].startswith("3 B")
    p.refresh_button.click()
    assert p.wait(60)
    fc = FileChooser(folder, client=einstein)
    assert fc.wait(60)
    fc._select.click()
    fc._dircontent.value = f"{ICON}sub"
    assert fc.wait(60) and fc._pathlist.value == f"{folder}/sub"
    account = AccountPanel(client=einstein)
    account.reconnect_button.click()
    assert account.wait(60) and dict(account.rows())["Username"] == "einstein"

    methods = Counter(m for m, _ in seen)
    for expected in ("ListContainer", "Stat", "InitiateFileUpload", "FindUsers",
                     "CreateShare", "ListRecycle", "WhoAmI"):
        assert methods[expected], expected
    # Shares are listed with ListExistingShares where the server has it (v3),
    # else with ListShares (v1.29).
    assert methods["ListExistingShares"] or methods["ListShares"]
    on_main = [m for m, main in seen if main]
    assert on_main == [], f"called on the main thread: {on_main}"


def test_a_newer_navigation_supersedes_an_older_one(einstein: CS3Client, unique: str) -> None:
    """Navigating twice quickly shows the second folder, whichever answer comes last."""
    for sub in ("first", "second"):
        einstein.files.mkdir(f"/home/{unique}/{sub}", parents=True)
        einstein.transfers.upload(b"x", f"/home/{unique}/{sub}/in-{sub}.txt")
    b = Browser(f"/home/{unique}", client=einstein)
    assert b.wait(60)
    release = threading.Event()
    original = einstein.files.list

    def slow_first(path: str):  # the first folder's answer arrives last
        if path.endswith("/first"):
            release.wait(30)
        return original(path)

    einstein.files.list = slow_first  # type: ignore[method-assign]
    try:
        b.navigate(f"/home/{unique}/first")
        b.navigate(f"/home/{unique}/second")
        assert b.busy.busy  # shown while the work runs
        threading.Timer(0.5, release.set).start()
        assert b.wait(60)
    finally:
        del einstein.files.list
    assert b.path == f"/home/{unique}/second" and names(b) == ["in-second.txt"]
    assert not b.busy.busy and not b.banner.is_error


def test_busy_state_and_conflicting_actions_disabled_while_work_runs(
    einstein: CS3Client, unique: str
) -> None:
    folder = f"/home/{unique}"
    einstein.files.mkdir(folder)
    b = Browser(folder, client=einstein)
    assert b.wait(60)
    release = threading.Event()
    original = einstein.files.mkdir

    def slow_mkdir(path: str, **kw: object):
        release.wait(30)
        return original(path, **kw)

    einstein.files.mkdir = slow_mkdir  # type: ignore[method-assign]
    try:
        b.mkdir("made")
        # While it runs: the busy sign shows, the folder-changing buttons are off.
        assert b.busy.busy and b.busy.layout.display is None
        assert b.toolbar.new_folder.disabled and b.toolbar.delete.disabled
        assert not b.toolbar.refresh.disabled  # reading is no conflict
        release.set()
        assert b.wait(60)
    finally:
        del einstein.files.mkdir
    assert not b.busy.busy and b.busy.layout.display == "none"
    assert not b.toolbar.new_folder.disabled and not b.toolbar.delete.disabled
    assert names(b) == ["made"] and b.banner.kind == "success"

    # A failure lands in the banner, and the buttons come back.
    b.mkdir("made")
    assert b.wait(60)
    assert b.banner.is_error and "exist" in b.banner.message.lower()
    assert not b.toolbar.new_folder.disabled


# -- call counts -------------------------------------------------------------------


def _own_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[RevadServer]:
    with RevadServer(SiteConfig(root=tmp_path_factory.mktemp(name))) as server:
        yield server


@pytest.fixture(scope="module")
def counting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad of this module's own, away from the shares other modules make."""
    yield from _own_server(tmp_path_factory, "counts")


@pytest.fixture()
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad for one test alone: it counts every share on it."""
    yield from _own_server(tmp_path_factory, "empty")


def _client(server: RevadServer, user: str, password: str) -> CS3Client:
    return CS3Client(server.gateway, BasicAuth(user, password))


def _shared_by_me_calls(server: RevadServer, page_size: int) -> tuple[Counter[str], int, bool]:
    """Calls a fresh client's Browser makes to show Shared by me; rows; ListExistingShares?"""
    with _client(server, "einstein", "relativity") as fresh:
        b = Browser("/home", client=fresh, page_size=page_size)
        assert b.wait(60)
        before = Counter(fresh.conn.calls)
        b.view = "shared"
        assert b.wait(60) and not b.banner.is_error, b.banner.message
        calls = Counter(fresh.conn.calls) - before
        assert all(row.path for row in b.listing.page_items())  # paths shown
        rows = len(b.listing.items)
        has_existing = bool(fresh.shares.has_list_existing)
        b.close()
    return calls, rows, has_existing


def test_shared_by_me_costs_the_same_for_10_and_200_shares(empty_server: RevadServer) -> None:
    """Where the server has ListExistingShares, no Stat at all; where it has not (Reva
    v1.29), one Stat per resource on the page shown: equal for 10 and 200 shares."""
    page = 10
    root = empty_server.site.root / "data" / "home" / "data" / "einstein"
    with _client(empty_server, "einstein", "relativity") as owner:
        owner.files.list("/home")  # the home exists on disk once used
        for i in range(200):
            (root / f"shared-{i:03d}").mkdir()
        for i in range(10):
            owner.shares.create(f"/home/shared-{i:03d}", "marie", "Viewer")
        ten, rows, has_existing = _shared_by_me_calls(empty_server, page)
        assert rows == 10
        for i in range(10, 200):
            owner.shares.create(f"/home/shared-{i:03d}", "marie", "Viewer")
    two_hundred, rows, _ = _shared_by_me_calls(empty_server, page)
    assert rows == 200
    assert ten == two_hundred, (ten, two_hundred)
    assert ten["Stat"] == (0 if has_existing else page)
    assert sum(ten.values()) <= page + 3


def test_one_selection_in_cs3app_is_a_handful_of_calls(counting_server: RevadServer) -> None:
    with _client(counting_server, "einstein", "relativity") as client:
        client.files.mkdir("/home/selection", exist_ok=True)
        for name in ("one.txt", "two.txt"):
            client.transfers.upload(b"data", f"/home/selection/{name}")
        client.shares.create("/home/selection/one.txt", "marie", "Editor")
        client.shares.create("/home/selection/two.txt", "marie", "Editor")
        app = CS3App("/home/selection", client=client)
        assert app.wait(60)
        app.browser.select(["/home/selection/one.txt"])
        assert app.wait(60)
        before = Counter(client.conn.calls)
        app.browser.select(["/home/selection/two.txt"])
        assert app.wait(60)
        calls = Counter(client.conn.calls) - before
        assert dict(app.info.rows())["Who has access"] == "Marie Curie (marie) as Editor"
        assert app.share.grantee_row("marie").role.value == "Editor"
        app.close()
    # Stat; the shares (ListExistingShares where the server has it, else
    # ListShares); ListPublicShares; the lock (GetLock, the test server
    # having CS3 locks; its resource id comes from the client's path-to-id
    # cache); ListFileVersions, which Reva's local driver answers INTERNAL
    # for a never-overwritten file, so one more Stat tells "no versions"
    # from "no file".
    assert calls["Stat"] <= 3 and calls["ListFileVersions"] == 1, calls
    assert calls["ListShares"] + calls["ListExistingShares"] == 1, calls
    assert calls["ListPublicShares"] == 1, calls
    assert calls["GetUser"] == 0 and calls["WhoAmI"] == 0 and calls["GetHome"] == 0, calls
    assert sum(calls.values()) <= SELECTION_CALLS, calls


#: gRPC calls of one selection in CS3App (a file, users already known to the
#: client): at most 3 Stat, the shares, the links, GetLock, ListFileVersions.
SELECTION_CALLS = 7


def test_grantee_names_cost_one_lookup_per_user_per_client(
    counting_server: RevadServer,
) -> None:
    """The share dialog names grantees from the client's user cache: a second resource
    shared with the same people costs no GetUser."""
    with _client(counting_server, "einstein", "relativity") as owner:
        for folder in ("/home/grantees-a", "/home/grantees-b"):
            owner.files.mkdir(folder, exist_ok=True)
            owner.shares.create(folder, "marie", "Viewer")
            owner.shares.create(folder, "richard", "Viewer")
            owner.shares.create(folder, "physics-lovers", "Viewer", kind="group")
    with _client(counting_server, "einstein", "relativity") as fresh:
        d = ShareDialog("/home/grantees-a", client=fresh)
        assert d.wait(60)
        first = fresh.conn.calls["GetUser"]
        # marie, richard and the shares' owner (unless known from whoami
        # already); a group needs none.
        assert 2 <= first <= 3
        d.path = "/home/grantees-b"
        assert d.wait(60)
        assert fresh.conn.calls["GetUser"] == first
        assert {row.share.grantee.name for row in d.grantees.children} == {
            "marie", "richard", "physics-lovers"}
        d.close()


def test_whoami_and_home_are_asked_once_per_client(counting_server: RevadServer) -> None:
    with _client(counting_server, "einstein", "relativity") as client:
        client.files.mkdir("/home/once", exist_ok=True)
        client.transfers.upload(b"x", "/home/once/f.txt")
        widgets = [Browser(client=client), InfoPanel("/home/once/f.txt", client=client),
                   ShareDialog("/home/once", client=client), AccountPanel(client=client),
                   FileChooser(client=client), CS3App("/home/once", client=client)]
        for widget in widgets:
            assert widget.wait(60) and not widget.banner.is_error, widget.banner.message
        assert client.conn.calls["WhoAmI"] == 1
        assert client.conn.calls["GetHome"] == 1
        for widget in widgets:
            widget.close()


def test_closing_one_browser_leaves_the_next_one_working(einstein: CS3Client) -> None:
    """Closing closes what the browser made, not what it shares with others (such as
    ipyfilechooser's default layout, one object for every chooser)."""
    first = Browser(client=einstein)
    first.toolbar.upload.click()  # builds the panels and their local choosers
    first.toolbar.download.click()
    assert first.wait(60)
    first.close()
    second = Browser(client=einstein)
    second.toolbar.upload.click()
    second.toolbar.download.click()
    assert second.upload_panel.layout.display is None
    assert second.download_panel.layout.display is None
    assert second.local_upload_chooser.layout.width == "500px"
    second.close()
