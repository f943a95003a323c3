"""The share form belongs to one target; public links show their web address and path.

Against the live revad: every test asserts what the widgets show and what
the server holds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from widgets_support import PUBLIC_BASE, configured_client, row_label

from cs3widgets.client import CS3Client
from cs3widgets.client.config import CS3Config
from cs3widgets.client.models import PublicLink
from cs3widgets.client.shares.public_links import PublicLinks
from cs3widgets.widgets import Browser, CS3App, ShareDialog
from cs3widgets.widgets.sharing.rows import LinkRow, link_anchor

SOON = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture()
def linking(revad) -> Iterator[CS3Client]:
    """einstein, with the site's public base URL configured."""
    with configured_client(revad.gateway, public_link_base_url=PUBLIC_BASE) as client:
        yield client


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"/home/{unique}"
    einstein.files.mkdir(path)
    einstein.transfers.upload(b"shared bytes", f"{path}/paper.txt")
    einstein.transfers.upload(b"a,b\n1,2\n", f"{path}/table.csv")
    return path


def _fill_form(d: ShareDialog, who: str) -> None:
    """What a user types before clicking Share: a search, a result, a role, dates, a link."""
    d.search.value = who
    d.flush_search()
    d.pick(who)
    d.role.value = "Editor"
    d.expiry.value = SOON
    d.link_role.value = "Editor"
    d.link_password.value = "typed, not sent"
    d.link_expiry.value = SOON
    d.link_name.value = "for the referees"


def _assert_empty(d: ShareDialog) -> None:
    assert d.search.value == ""
    assert d.results.options == () and d.results.value is None and d.result_labels == []
    assert d.role.value == "Viewer" and d.expiry.value is None
    assert d.link_role.value == "Viewer" and d.link_password.value == ""
    assert d.link_expiry.value is None and d.link_name.value == ""
    assert d.remote_users.value is None and d.ocm_role.value == "Viewer"
    assert d.banner.message == "" and not d.banner.is_error


def test_form_empties_when_the_target_changes(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False, debounce=0)
    # A message from the first target...
    d.search.value = "richard"
    d.pick("richard")
    d.share_button.click()
    assert d.banner.kind == "success"
    # ...and everything a user types for a second share of it.
    _fill_form(d, "marie")
    assert d.results.value is not None

    d.path = f"{folder}/paper.txt"
    _assert_empty(d)
    assert "paper.txt" in d.title.value
    # One click on Share now shares nothing, anywhere.
    d.share_button.click()
    assert d.banner.is_error and "select one" in d.banner.message
    assert einstein.shares.list(f"{folder}/paper.txt") == []
    assert [s.grantee.name for s in einstein.shares.list(folder)] == ["richard"]
    d.link_button.click()  # a link is made with the defaults, not the old inputs
    (link,) = einstein.links.list(f"{folder}/paper.txt")
    assert link.role == "Viewer" and not link.password_protected and link.expiration is None


def test_a_search_typed_for_the_previous_target_is_not_sent(
    einstein: CS3Client, folder: str
) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False, debounce=60)
    d.search.value = "mar"  # the debounce timer is running
    d.path = f"{folder}/paper.txt"
    d.flush_search()
    assert d.searches == 0 and d.result_labels == []


def test_form_empties_when_the_app_selection_changes(einstein: CS3Client, folder: str) -> None:
    app = CS3App(folder, client=einstein, threaded=False)
    app.browser.select([f"{folder}/paper.txt"])
    d = app.share
    assert d.path == f"{folder}/paper.txt" and not d.share_button.disabled
    _fill_form(d, "marie")

    app.browser.select([f"{folder}/table.csv"])
    assert d.path == f"{folder}/table.csv"
    _assert_empty(d)
    d.share_button.click()
    assert einstein.shares.list(f"{folder}/table.csv") == []
    assert einstein.shares.list(f"{folder}/paper.txt") == []

    _fill_form(d, "marie")
    app.browser.select([])  # back to the folder shown
    assert d.path == folder
    _assert_empty(d)
    app.close()


def test_form_disabled_with_the_reason_for_a_viewer(
    einstein: CS3Client, marie: CS3Client, folder: str, unique: str
) -> None:
    share = einstein.shares.create(folder, "marie", "Viewer")
    reached = marie.shares.accept(share.id).path
    d = ShareDialog(reached, client=marie, threaded=False, debounce=0)
    assert not d.banner.is_error, d.banner.message
    assert d.disabled_reason == (
        "You can view this folder but not share it. Ask its owner to share it.")
    assert d.notice.layout.display is None and "You can view this folder" in d.notice.value
    for control in (d.search, d.results, d.role, d.expiry, d.share_button, d.link_role,
                    d.link_password, d.link_button):
        assert control.disabled, control

    # The server still decides: a share sent anyway (from Python; the front
    # end sends no click for a disabled button) is refused, in plain words.
    d.search.value = "richard"
    d.pick("richard")
    d.share_selected()
    assert d.banner.is_error
    assert d.banner.message.startswith("Not shared: you may not share")
    assert "add_grant" not in d.banner.message
    assert [s.grantee.name for s in einstein.shares.list(folder)] == ["marie"]

    # Her own folder: the form is open again, the reason gone. (Not her home
    # itself: Reva v3.12 lets nobody share a space root, storageprovider.go
    # fixPermissions, and the form says so.)
    mine = f"/home/{unique}-mine"
    marie.files.mkdir(mine)
    d.path = mine
    assert d.disabled_reason == "" and d.notice.layout.display == "none"
    assert not d.share_button.disabled and not d.search.disabled and not d.link_button.disabled


def test_link_shows_its_full_url_as_a_link(linking: CS3Client, folder: str) -> None:
    d = ShareDialog(f"{folder}/paper.txt", client=linking, threaded=False)
    d.link_button.click()
    assert not d.banner.is_error, d.banner.message
    (link,) = linking.links.list(f"{folder}/paper.txt")
    assert link.url == f"{PUBLIC_BASE}/s/{link.token}"
    (row,) = d.link_list.children
    assert isinstance(row, LinkRow)
    assert row.anchor.value.startswith(f"<a href='{link.url}' target='_blank'")
    assert f">{link.url}</a>" in row.anchor.value
    assert row.url.value == link.url
    row.url.value = "edited"  # the copy box is read-only: an edit is undone
    assert row.url.value == link.url
    assert row.details.value.startswith("paper.txt \u00b7 Viewer")


def test_without_a_base_url_the_dialog_says_so(einstein: CS3Client, folder: str) -> None:
    assert not einstein.links.public_base_url
    d = ShareDialog(folder, client=einstein, threaded=False)
    d.link_button.click()
    (link,) = einstein.links.list(folder)
    (row,) = d.link_list.children
    assert "public base URL is not configured" in row.anchor.value
    assert link.token not in row.anchor.value and row.url.value == ""
    assert row.url.layout.display == "none"


def test_link_url_from_config_and_env() -> None:
    cfg = CS3Config.load(env={"CS3_PUBLIC_LINK_URL": "https://box.example.org/"},
                         config_paths=[])
    assert cfg.public_link_base_url == "https://box.example.org/"
    links = PublicLinks.__new__(PublicLinks)
    links.public_base_url = cfg.public_link_base_url.rstrip("/")
    assert links.url("abc") == "https://box.example.org/s/abc"
    assert links.url("a/b?c") == "https://box.example.org/s/a%2Fb%3Fc"
    # Escaped wherever it came from: a base URL or token cannot inject HTML.
    odd = PublicLink(id="1", token="t", resource_id=None, path="/home/x", role="Viewer",
                     permissions=frozenset(), url="https://x.org/'><img src=x>/s/t")
    html = link_anchor(odd)
    assert "<img" not in html and "&#x27;&gt;&lt;img" in html


def test_links_made_elsewhere_name_their_path(
    revad, einstein: CS3Client, folder: str
) -> None:
    made = [einstein.links.create(f"{folder}/{name}", "Viewer") for name in
            ("paper.txt", "table.csv")]
    # A client that made none of them (as after a restart, or links made in
    # the web UI): the server lists them with a resource id, no path.
    with configured_client(revad.gateway, public_link_base_url=PUBLIC_BASE) as other:
        assert {x.path for x in other.links.list() if x.id in {m.id for m in made}} == {""}
        b = Browser(folder, client=other, threaded=False)
        b.view = "links"
        labels = dict(zip(b.listing.page_keys, b.listing.labels, strict=True))
        for link, name in zip(made, ("paper.txt", "table.csv"), strict=True):
            label = labels[link.id].replace("\u00a0", " ")
            assert f"{folder}/{name}" in label and link.id not in label
        b.close()
        d = ShareDialog(f"{folder}/table.csv", client=other, threaded=False)
        (row,) = d.link_list.children
        assert row.details.value.startswith("table.csv") and made[1].id not in row.details.value
        assert row.url.value == f"{PUBLIC_BASE}/s/{made[1].token}"


def test_link_paths_are_resolved_per_page(revad, einstein: CS3Client, unique: str) -> None:
    folder = f"/home/{unique}"
    einstein.files.mkdir(folder)
    for i in range(7):
        einstein.transfers.upload(b"x", f"{folder}/f{i}.txt")
        einstein.links.create(f"{folder}/f{i}.txt", "Viewer")
    with configured_client(revad.gateway) as other:
        b = Browser(folder, client=other, threaded=False, page_size=3)
        before = Counter(other.conn.calls)
        b.view = "links"
        used = Counter(other.conn.calls) - before
        # One listing, then at most one Stat per row of the page shown.
        assert used["ListPublicShares"] == 1 and used["Stat"] <= 3, used
        shown = [label.replace("\u00a0", " ") for label in b.listing.labels]
        assert len(shown) == 3 and all(label.startswith("/") for label in shown), shown
        b.close()


def test_a_link_whose_resource_is_gone_shows_no_id(
    revad, einstein: CS3Client, folder: str
) -> None:
    link = einstein.links.create(f"{folder}/paper.txt", "Viewer")
    einstein.files.delete(f"{folder}/paper.txt")
    if link.id not in {x.id for x in einstein.links.list()}:
        pytest.skip("this server removes a link with its resource")
    with configured_client(revad.gateway) as other:
        b = Browser(folder, client=other, threaded=False)
        b.view = "links"
        label = row_label(b, link.id)
        assert link.id not in label and "location not known" in label
        b.close()


def test_the_demo_configures_a_public_link_url(tmp_path) -> None:
    from types import SimpleNamespace

    from cs3widgets.devserver import demo

    env = demo._jupyter_env(SimpleNamespace(gateway="127.0.0.1:1"), tmp_path, "einstein")
    assert env["CS3_PUBLIC_LINK_URL"] == demo.DEMO_PUBLIC_LINK_URL
    # The notebooks' kernels read it through the one config.
    assert CS3Config.load(env=env, config_paths=[]).public_link_base_url == (
        demo.DEMO_PUBLIC_LINK_URL)
