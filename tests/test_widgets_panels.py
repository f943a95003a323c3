"""InfoPanel, AccountPanel and CS3App against the live revad."""

from __future__ import annotations

from widgets_support import all_state_text, html_values

from cs3widgets.client import CS3Client
from cs3widgets.widgets import AccountPanel, CS3App, InfoPanel


def test_info_panel_fields_and_version_restore(einstein: CS3Client, unique: str) -> None:
    path = f"/home/{unique}.txt"
    einstein.transfers.upload(b"first version", path)
    einstein.transfers.upload(b"second version, longer", path)
    einstein.shares.create(path, "marie", "Viewer")
    einstein.links.create(path, "Viewer", password="pw-for-link")
    entry = einstein.files.stat(path)

    p = InfoPanel(path, client=einstein, threaded=False)
    assert not p.banner.is_error, p.banner.message
    fields = dict(p.rows())
    assert fields["Name"] == f"{unique}.txt" and fields["Path"] == path
    assert fields["Type"] == "file" and fields["Size"].startswith("22 B")
    assert fields["Etag"] == entry.etag and fields["Id"] == str(entry.id)
    assert fields["MIME type"] == entry.mime_type
    assert "initiate_file_download" in fields["Permissions"]
    assert "Marie Curie (marie) (Viewer)" in fields["Shares"]
    assert "with password" in fields["Public links"]
    assert fields["Lock"] == "not locked"
    # Stat gives the owner's opaque id; the panel shows who that is.
    assert entry.owner and entry.owner != "einstein"
    assert fields["Owner"] == "Albert Einstein (einstein)"
    lookups = einstein.conn.calls["GetUser"]
    p.refresh_button.click()  # the same owner again: looked up once per panel
    assert dict(p.rows())["Owner"] == "Albert Einstein (einstein)"
    assert einstein.conn.calls["GetUser"] == lookups
    html = html_values(p)
    assert any(f"{unique}.txt" in v and "Permissions" in v for v in html)

    rows = p.version_rows()
    assert rows, "an overwrite makes a version"
    rows[-1].restore.click()  # the oldest version
    assert not p.banner.is_error, p.banner.message
    assert einstein.transfers.read_bytes(path) == b"first version"
    assert dict(p.rows())["Size"].startswith("13 B")


def test_info_panel_lock_holder_and_folder(einstein: CS3Client, unique: str) -> None:
    path = f"/home/{unique}.dat"
    einstein.transfers.upload(b"x", path)
    lock = einstein.locks.set_lock(path)
    try:
        p = InfoPanel(path, client=einstein, threaded=False)
        assert lock.holder and lock.holder in dict(p.rows())["Lock"]
    finally:
        einstein.locks.unlock(path, lock.lock_id)
    p.refresh_button.click()
    assert dict(p.rows())["Lock"] == "not locked"

    p.path = "/home"
    assert dict(p.rows())["Type"] == "folder"
    assert p.version_rows() == []
    p.path = f"/home/{unique}-missing"
    assert p.banner.is_error and "missing" in p.banner.message


def test_account_panel(einstein: CS3Client) -> None:
    a = AccountPanel(client=einstein, threaded=False)
    assert not a.banner.is_error, a.banner.message
    fields = dict(a.rows())
    assert fields["Name"] == "Albert Einstein" and fields["Username"] == "einstein"
    assert fields["Mail"] == "einstein@example.org"
    assert "physics-lovers" in fields["Groups"]
    assert fields["Gateway"] == einstein.gateway
    assert fields["Authentication"] == "basic (einstein)"
    assert fields["Token expires"] != "unknown"
    quota = einstein.identity.quota()
    assert a.quota_label.value and 0.0 <= a.quota_bar.value <= 1.0
    if quota.total:
        assert abs(a.quota_bar.value - quota.fraction) < 0.01
    # When it expires, never what it is.
    token = einstein.conn.token()
    assert token not in all_state_text(a) and "relativity" not in all_state_text(a)

    logins = einstein.auth.logins
    a.reconnect_button.click()
    assert einstein.auth.logins == logins + 1
    assert a.banner.kind == "success"


def test_cs3app_panels_follow_the_browser(einstein: CS3Client, unique: str) -> None:
    folder = f"/home/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(b"abc", f"{folder}/x.txt")
    app = CS3App(folder, client=einstein, threaded=False)
    assert [app.tabs.get_title(i) for i in range(3)] == ["Info", "Share", "Account"]
    assert app.info.path == folder and app.share.path == folder
    app.browser.select([f"{folder}/x.txt"])
    assert app.selected == [f"{folder}/x.txt"]
    assert app.info.path == f"{folder}/x.txt" and dict(app.info.rows())["Size"].startswith("3 B")
    assert app.share.path == f"{folder}/x.txt"
    assert dict(app.account.rows())["Username"] == "einstein"
