"""ShareDialog against the live revad: search, share, role change, links, no secrets."""

from __future__ import annotations

import pytest
from widgets_support import PUBLIC_BASE, all_state_text, configured_client

from cs3widgets.client import CS3Client
from cs3widgets.client.auth import PublicLinkAuth
from cs3widgets.client.errors import CS3Error
from cs3widgets.client.shares.public_links import public_path
from cs3widgets.widgets import ShareDialog


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    path = f"/home/{unique}"
    einstein.files.mkdir(path)
    einstein.transfers.upload(b"shared bytes", f"{path}/paper.txt")
    return path


def test_search_is_debounced_then_share_and_change_role(
    einstein: CS3Client, marie: CS3Client, folder: str
) -> None:
    # threaded=False: every action is done when it returns; the timer never fires here.
    d = ShareDialog(folder, client=einstein, threaded=False, debounce=60)
    assert not d.banner.is_error, d.banner.message
    assert "Not shared" in d.grantees.children[0].value
    # A client whose wheel is newer than the server's protos asks, once, which
    # search shape the server reads (Identity._find): let that happen first.
    einstein.identity.find_users("einstein")
    calls = einstein.conn.calls["FindUsers"]
    for typed in ("m", "ma", "mar", "mari"):
        d.search.value = typed
    assert d.searches == 0 and einstein.conn.calls["FindUsers"] == calls  # nothing sent yet
    d.flush_search()
    assert d.searches == 1 and einstein.conn.calls["FindUsers"] == calls + 1
    assert any("Marie Curie (marie)" in label for label in d.result_labels)

    d.pick("marie")
    d.role.value = "Viewer"
    d.share_button.click()
    assert not d.banner.is_error, d.banner.message
    shares = einstein.shares.list(folder)
    assert [(s.grantee.name, s.role) for s in shares] == [("marie", "Viewer")]
    assert marie.shares.get_received(shares[0].id).state == "pending"
    row = d.grantee_row("marie")
    assert row.role.value == "Viewer" and row.name.value == "\U0001f464 Marie Curie (marie)"

    row.role.value = "Editor"  # what the front end sends when the dropdown changes
    assert not d.banner.is_error, d.banner.message
    assert einstein.shares.list(folder)[0].role == "Editor"
    assert marie.shares.get_received(shares[0].id).share.role == "Editor"
    assert d.grantee_row("marie").role.value == "Editor"

    # Sharing twice: the server's refusal is a readable message.
    d.search.value = "marie"
    d.flush_search()
    d.pick("marie")
    d.share_button.click()
    assert d.banner.is_error and "already" in d.banner.message.lower()

    d.grantee_row("marie").remove.click()
    assert einstein.shares.list(folder) == []
    with pytest.raises(CS3Error):
        marie.shares.get_received(shares[0].id)


def test_debounce_timer_runs_the_last_query_only(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False, debounce=0.2)
    for typed in ("r", "ri", "ric", "rich"):
        d.search.value = typed
    assert d.searches == 0  # nothing sent while typing
    assert d.wait(10)  # the debounce timer fires, then the one search runs
    assert d.searches == 1
    assert any("(richard)" in label for label in d.result_labels)


def test_group_share_through_the_dialog(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False, debounce=0)
    d.search.value = "physics"
    assert any("physics-lovers" in label for label in d.result_labels)
    d.pick("physics-lovers")
    d.role.value = "Editor"
    d.share_button.click()
    assert [(s.grantee.kind, s.grantee.name, s.role) for s in einstein.shares.list(folder)] == [
        ("group", "physics-lovers", "Editor")]


def test_uploader_role_only_for_folders(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False)
    assert "Uploader" in [v for _, v in d.role.options]
    d.path = f"{folder}/paper.txt"
    assert "Uploader" not in [v for _, v in d.role.options]
    assert "file" in d.title.value


def test_public_link_with_password(revad, folder: str) -> None:
    with configured_client(revad.gateway, public_link_base_url=PUBLIC_BASE + "/") as einstein:
        _link_with_password(revad, einstein, folder)


def _link_with_password(revad, einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False)
    d.link_role.value = "Viewer"
    d.link_password.value = "open sesame 42"  # typed into the Password box
    d.link_name.value = "for referees"
    d.link_button.click()
    assert not d.banner.is_error, d.banner.message
    # The password left the widget at once; no widget state holds it.
    assert d.link_password.value == ""
    assert "open sesame 42" not in all_state_text(d)
    assert "open sesame 42" not in all_state_text()

    (link,) = einstein.links.list(folder)
    assert link.password_protected and link.role == "Viewer"
    (row,) = d.link_list.children
    assert row.url.value == link.url == f"{PUBLIC_BASE}/s/{link.token}"  # the copy box
    assert f"href='{link.url}'" in row.anchor.value and "target='_blank'" in row.anchor.value
    assert "\U0001f512" in row.details.value

    # The server checks that password: the link opens with it, not without it.
    with CS3Client(revad.gateway, PublicLinkAuth(link.token, "open sesame 42")) as anon:
        root = public_path(link.token)
        assert anon.transfers.read_bytes(f"{root}/paper.txt") == b"shared bytes"
    with CS3Client(revad.gateway, PublicLinkAuth(link.token, "wrong")) as anon, pytest.raises(
        CS3Error
    ):
        anon.files.list(public_path(link.token))

    row.delete.click()
    assert einstein.links.list(folder) == []
    assert "No public links" in d.link_list.children[0].value


def test_federated_section_hidden_without_ocm(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(folder, client=einstein, threaded=False)
    assert d.ocm_enabled is False
    assert d.ocm_section.layout.display == "none"
    assert not d.banner.is_error


def test_errors_show_in_the_dialog(einstein: CS3Client, folder: str) -> None:
    d = ShareDialog(f"{folder}/missing", client=einstein, threaded=False)
    assert d.banner.is_error and "missing" in d.banner.message
    d.share_button.click()  # nothing selected: a message, no exception
    assert d.banner.is_error
    d.path = folder
    assert not d.banner.is_error
