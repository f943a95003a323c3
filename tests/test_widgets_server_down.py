"""The server stops mid-session: readable errors, a usable widget, and recovery."""

from __future__ import annotations

import pytest
from widgets_support import click_until_ok, names

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import RevadServer
from cs3widgets.widgets import AccountPanel, Browser, InfoPanel, ShareDialog


def test_server_stopped_then_back(own_server: RevadServer, capsys: pytest.CaptureFixture) -> None:
    client = CS3Client(own_server.gateway, BasicAuth("einstein", "relativity"), deadline=5)
    try:
        client.files.mkdir("/home/work")
        client.transfers.upload(b"x", "/home/work/a.txt")
        b = Browser("/home/work", client=client, threaded=False)
        info = InfoPanel("/home/work/a.txt", client=client, threaded=False)
        share = ShareDialog("/home/work", client=client, threaded=False)
        account = AccountPanel(client=client, threaded=False)
        assert names(b) == ["a.txt"] and not b.banner.is_error

        own_server.stop()
        b.toolbar.refresh.click()
        assert b.banner.is_error
        # Plain words for the user; the technical detail one click away.
        assert "cannot be reached" in b.banner.message
        assert "cannot reach the CS3 gateway" in b.banner.details
        assert names(b) == ["a.txt"]  # the last listing stays on screen
        b.mkdir("new")  # other actions fail the same readable way
        assert b.banner.is_error and "gateway" in b.banner.details
        b.view_tabs.value = "trash"
        assert b.banner.is_error
        b.view_tabs.value = "files"
        info.refresh_button.click()
        assert info.banner.is_error and "gateway" in info.banner.details
        share.search.value = "mar"
        share.flush_search()
        assert share.banner.is_error
        account.reconnect_button.click()
        assert account.banner.is_error
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err  # nothing lands in the cell output

        own_server.start()  # same ports and data
        click_until_ok(b.toolbar.refresh, b.banner)
        assert names(b) == ["a.txt"] and b.path == "/home/work"
        b.mkdir("new")
        assert not b.banner.is_error, b.banner.message
        assert client.files.stat("/home/work/new").is_dir
        click_until_ok(info.refresh_button, info.banner)
        click_until_ok(account.reconnect_button, account.banner)
        assert dict(account.rows())["Username"] == "einstein"
    finally:
        client.close()
