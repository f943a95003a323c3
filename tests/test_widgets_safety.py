"""Safety: server strings are escaped in every HTML value; no secret is in widget state."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from html.parser import HTMLParser

import ipywidgets as w
import pytest
from widgets_support import all_state_text, html_values, row_label

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import RevadServer, SiteConfig, users
from cs3widgets.widgets import AccountPanel, Browser, CS3App, InfoPanel, ShareDialog
from cs3widgets.widgets.base.messages import GENERIC_MESSAGE
from cs3widgets.widgets.base.widget_tree import walk

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<svg onload=alert(3)>"  # no "/": it is a file name
MARIE = "Marie <b onmouseover=alert(2)>Curie</b>"
GROUP = "Physics <img src=y onerror=alert(4)>"
RAW_MARKERS = ("<img", "<svg", "<b onmouseover", "Curie</b>")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad whose demo user marie and group physics-lovers have HTML in their names."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(users.DEMO_USERS, "marie",
                   dataclasses.replace(users.DEMO_USERS["marie"], display_name=MARIE))
        mp.setitem(users.DEMO_GROUPS, "physics-lovers", (GROUP, 2007))
        server = RevadServer(SiteConfig(root=tmp_path_factory.mktemp("hostile")))
        server.start()  # the identity files are written here, with the names above
    try:
        yield server
    finally:
        server.stop()


class _Tags(HTMLParser):
    """Collects the tags and attributes a browser would build from an HTML value."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


#: The only markup the widgets write themselves.
OUR_TAGS = {"div", "b", "i", "h4", "code", "table", "tr", "th", "td", "a", "span", "style"}
OUR_ATTRS = {"class", "style", "download", "href", "target"}


def _check_escaped(root: w.Widget) -> list[str]:
    """Every HTML value under ``root`` holds only our own tags and attributes."""
    values = html_values(root)
    for v in values:
        parser = _Tags()
        parser.feed(v)
        for tag, attrs in parser.found:
            assert tag in OUR_TAGS, f"server markup became a <{tag}> tag: {v[:200]!r}"
            for name, value in attrs:
                assert name in OUR_ATTRS, f"attribute {name!r} in {v[:200]!r}"
                if name == "href":
                    assert (value or "").startswith(("data:", "/")), value  # our own server
        for marker in RAW_MARKERS:
            assert marker not in v, f"unescaped {marker!r} in {v[:200]!r}"
    for x in walk(root):
        assert not getattr(x, "description_allow_html", False)
    return values


def test_names_with_html_are_escaped_everywhere(hostile: RevadServer) -> None:
    with CS3Client(hostile.gateway, BasicAuth("einstein", "relativity")) as einstein, \
            CS3Client(hostile.gateway, BasicAuth("marie", "radioactivity")) as marie:
        folder = f"/home/{IMG}"
        einstein.files.mkdir(folder)
        einstein.transfers.upload(b"<p>x</p>", f"{folder}/{SCRIPT}.txt")
        einstein.shares.create(f"{folder}/{SCRIPT}.txt", "marie", "Viewer")
        einstein.shares.create(f"{folder}/{SCRIPT}.txt", "physics-lovers", "Viewer",
                               kind="group")
        assert marie.whoami().display_name == MARIE  # the server really has it

        app = CS3App(folder, client=einstein, threaded=False)
        b = app.browser
        assert not b.banner.is_error, b.banner.message
        b.select([f"{folder}/{SCRIPT}.txt"])
        assert app.info.path == f"{folder}/{SCRIPT}.txt"
        b.download_browser_button.click()
        app.share.search.value = "mar"
        app.share.flush_search()
        b.path = f"{folder}/{SCRIPT}/missing"  # an error message quoting the path
        assert b.banner.is_error

        marie_account = AccountPanel(client=marie, threaded=False)
        received = Browser(client=marie, threaded=False)
        # One row for both shares (user and group); its key is the share with marie.
        share_id = next(s.id for s in einstein.shares.list(f"{folder}/{SCRIPT}.txt")
                        if s.grantee.kind == "user")
        received.view = "received"
        assert not received.banner.is_error, received.banner.message
        # A row's cells are plain text: the name is there as typed, control-free.
        assert f"{SCRIPT}.txt" in row_label(received, share_id)

        marie.transfers.upload(b"mine", "/home/mine.txt")
        marie_info = InfoPanel("/home/mine.txt", client=marie, threaded=False)
        assert dict(marie_info.rows())["Owner"] == f"{MARIE} (marie)"  # plain text here

        values: list[str] = []
        for root in (app, marie_account, received, marie_info):
            values += _check_escaped(root)
        joined = "\n".join(values)
        # The names did reach the front end: escaped.
        assert "&lt;img src=x onerror=alert(1)&gt;" in joined
        assert "&lt;svg onload=alert(3)&gt;.txt" in joined
        assert "Marie &lt;b onmouseover=alert(2)&gt;Curie&lt;/b&gt;" in joined  # info + account
        owner_html = "\n".join(html_values(marie_info))
        assert "Marie &lt;b onmouseover=alert(2)&gt;Curie&lt;/b&gt; (marie)" in owner_html
        # Plain-text places (Select labels, Labels) carry them as text.
        assert any(IMG in label for label in b.breadcrumb.visible_segments)
        assert any(MARIE in label for label in app.share.result_labels)
        assert any(IMG in x.description for x in walk(b.breadcrumb) if isinstance(x, w.Button))
        app.share.search.value = "physics"
        app.share.flush_search()
        assert any(GROUP in label for label in app.share.result_labels)
        _check_escaped(app.share)


def test_no_token_or_password_in_widget_state(
    einstein: CS3Client, unique: str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = f"/home/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(b"data", f"{folder}/f.txt")
    app = CS3App(folder, client=einstein, threaded=False)
    app.browser.select([f"{folder}/f.txt"])
    app.share.link_password.value = "link-pw-7f3a"
    app.share.link_button.click()
    assert einstein.links.list(f"{folder}/f.txt")[0].password_protected
    dialog = ShareDialog(folder, client=einstein, threaded=False)
    dialog.link_password.value = "x"  # a link that the server refuses: the box is cleared too
    dialog.link_role.value = "Uploader"
    dialog.path = f"{folder}/f.txt"
    dialog.link_button.click()
    assert dialog.link_password.value == ""
    info = InfoPanel(f"{folder}/f.txt", client=einstein, threaded=False)

    token = einstein.conn.token()
    secrets = [token, token[:40], "relativity", "link-pw-7f3a"]
    everything = all_state_text()  # every widget in the kernel, as a saved notebook holds it
    for secret in secrets:
        assert secret not in everything
    for widget in (app, app.browser, app.share, app.info, app.account, dialog, info):
        text = repr(widget) + all_state_text(widget)
        for secret in secrets:
            assert secret not in text

    # An unexpected failure: a generic message in the widget, details in the
    # debug log, and no secret in either.
    def boom(path: str) -> list:
        raise RuntimeError(f"unexpected failure listing {path}")

    monkeypatch.setattr(einstein.files, "list_compact", boom)  # what the Browser lists with
    with caplog.at_level(logging.DEBUG, logger="cs3widgets.widgets"):
        app.browser.toolbar.refresh.click()
    assert app.browser.banner.message == GENERIC_MESSAGE
    assert "unexpected failure listing" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text and secret not in app.browser.banner.value
