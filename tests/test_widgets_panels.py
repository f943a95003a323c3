"""InfoPanel, AccountPanel and CS3App against the live revad."""

from __future__ import annotations

from widgets_support import all_state_text, html_values

from cs3widgets.client import CS3Client
from cs3widgets.client.models import Grantee, PublicLink, Share
from cs3widgets.widgets import AccountPanel, CS3App, InfoPanel
from cs3widgets.widgets.panels.info import access_summary

#: The person's facts, in the order the Info panel shows them.
FACT_ORDER = ["Name", "Kind", "Where", "Size", "Modified", "Owner", "Your role",
              "Who has access", "Lock"]


def test_info_panel_facts_first_technical_details_behind_a_toggle(
    einstein: CS3Client, unique: str
) -> None:
    path = f"/home/{unique}.txt"
    einstein.transfers.upload(b"first version", path)
    einstein.transfers.upload(b"second version, longer", path)
    einstein.shares.create(path, "marie", "Viewer")
    einstein.links.create(path, "Viewer", password="pw-for-link")
    entry = einstein.files.stat(path)

    p = InfoPanel(path, client=einstein, threaded=False)
    assert not p.banner.is_error, p.banner.message
    assert [k for k, _ in p.rows()] == FACT_ORDER
    fields = dict(p.rows())
    assert fields["Name"] == f"{unique}.txt" and fields["Where"] == "/home"
    assert fields["Kind"] == "Text file" and fields["Size"].startswith("22 B")
    assert fields["Your role"] == "Manager"  # the owner's permissions, as a role name
    assert fields["Who has access"] == (
        "Marie Curie (marie) as Viewer; anyone with the public link (Viewer, with password)")
    assert fields["Lock"] == "not locked"
    # Stat gives the owner's opaque id; the panel shows who that is.
    assert entry.owner and entry.owner != "einstein"
    assert fields["Owner"] == "Albert Einstein (einstein)"
    # The rendered table keeps that order, and holds none of the internals.
    html = p.details.value
    positions = [html.index(f">{key}<") for key in FACT_ORDER]
    assert positions == sorted(positions)
    for internal in (entry.etag, entry.id.opaque_id, "initiate_file_download", "text/plain"):
        assert internal not in html

    # The internals are one click away, closed by default.
    assert p.technical_toggle.value is False and p.technical.layout.display == "none"
    technical = dict(p.technical_rows())
    assert technical["Path"] == path and technical["Type"] == "file"
    assert technical["Etag"] == entry.etag and technical["Id"] == str(entry.id)
    assert technical["MIME type"] == entry.mime_type
    assert "initiate_file_download" in technical["Permissions"]
    p.technical_toggle.value = True  # what the front end sends on a click
    assert p.technical.layout.display is None and entry.etag in p.technical.value
    p.technical_toggle.value = False
    assert p.technical.layout.display == "none"

    lookups = einstein.conn.calls["GetUser"]
    p.refresh_button.click()  # the same owner again: looked up once per panel
    assert dict(p.rows())["Owner"] == "Albert Einstein (einstein)"
    assert einstein.conn.calls["GetUser"] == lookups
    assert any(f"{unique}.txt" in v and "Who has access" in v for v in html_values(p))


def test_restoring_a_version_asks_first(einstein: CS3Client, unique: str) -> None:
    path = f"/home/{unique}.txt"
    einstein.transfers.upload(b"first version", path)
    einstein.transfers.upload(b"second version, longer", path)
    versions = einstein.files.versions(path)
    p = InfoPanel(path, client=einstein, threaded=False)
    rows = p.version_rows()
    assert rows, "an overwrite makes a version"
    assert not p.confirm.active

    rows[-1].restore.click()  # the oldest version: a question, nothing restored yet
    assert p.confirm.active and "Restore" in p.confirm.question.value
    assert einstein.transfers.read_bytes(path) == b"second version, longer"
    p.confirm.cancel.click()
    assert not p.confirm.active
    assert einstein.transfers.read_bytes(path) == b"second version, longer"
    assert einstein.files.versions(path) == versions

    # A question left open does not survive a change of item.
    p.version_rows()[-1].restore.click()
    p.path = "/home"
    assert not p.confirm.active
    assert einstein.transfers.read_bytes(path) == b"second version, longer"

    p.path = path
    p.version_rows()[-1].restore.click()
    p.confirm.confirm.click()
    assert not p.banner.is_error, p.banner.message
    assert einstein.transfers.read_bytes(path) == b"first version"
    assert dict(p.rows())["Size"].startswith("13 B")


def test_info_panel_for_a_viewer_recipient(
    einstein: CS3Client, marie: CS3Client, unique: str
) -> None:
    folder = f"/home/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(b"a,b\n1,2\n", f"{folder}/table.csv")
    share = einstein.shares.create(folder, "marie", "Viewer")
    reached = marie.shares.accept(share.id).path
    p = InfoPanel(reached, client=marie, threaded=False)
    assert not p.banner.is_error, p.banner.message
    fields = dict(p.rows())
    assert fields["Kind"] == "Folder" and fields["Your role"] == "Viewer"
    assert fields["Owner"] == "Albert Einstein (einstein)"
    assert fields["Who has access"] == "You as Viewer"
    # A folder's size is its tree's, as EOS reports it: the panel says so.
    assert einstein.files.stat(folder).size == 8
    assert fields["Size"].startswith("8 B")
    p.path = f"{reached}/table.csv"
    fields = dict(p.rows())
    assert fields["Kind"] == "CSV file" and fields["Your role"] == "Viewer"
    assert fields["Size"].startswith("8 B")


def test_info_panel_lock_holder_and_folder(einstein: CS3Client, unique: str) -> None:
    path = f"/home/{unique}.dat"
    einstein.transfers.upload(b"x", path)
    lock = einstein.locks.set_lock(path)
    try:
        p = InfoPanel(path, client=einstein, threaded=False)
        assert lock.holder and lock.holder in dict(p.rows())["Lock"]
        assert dict(p.rows())["Who has access"] == "Only you"
    finally:
        einstein.locks.unlock(path, lock.lock_id)
    p.refresh_button.click()
    assert dict(p.rows())["Lock"] == "not locked"

    p.path = "/home"
    assert dict(p.rows())["Kind"] == "Folder" and dict(p.technical_rows())["Type"] == "folder"
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


def test_who_has_access_is_a_summary() -> None:
    def share(name: str, role: str = "Viewer") -> Share:
        return Share(id=name, resource_id=None, path="/home/x", role=role,
                     grantee=Grantee("user", name, name.title()), permissions=frozenset())

    link = PublicLink(id="l", token="t", resource_id=None, path="/home/x", role="Viewer",
                      permissions=frozenset(), password_protected=True)
    many = [share(n) for n in ("ada", "bob", "cy", "dee", "eve", "fay")]
    assert access_summary(many, [link, link], owned=True) == (
        "Ada (ada) as Viewer, Bob (bob) as Viewer, Cy (cy) as Viewer, and 3 more; "
        "anyone with one of its 2 public links")
    assert access_summary(many[:4], [], owned=True).count(" as Viewer") == 4
    assert access_summary([], [link], owned=True) == (
        "Anyone with the public link (Viewer, with password)")
    assert access_summary([], [], owned=True) == "Only you"
    assert access_summary([share("bob", "Editor")], [], owned=False, role="Editor") == (
        "You as Editor, Bob (bob) as Editor")
    assert access_summary([], [], owned=None) == "No shares or public links"
