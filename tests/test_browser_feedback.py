"""Feedback and prompts in a real page (JupyterLab 4 and Voilà).

Enter in the new-folder prompt creates the folder (the server shows it); the
message slot keeps its height when a message comes; in JupyterLab's dark
theme the banner is dark too (screenshot ``lab-dark.png``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser.pages import VIEWPORT, tidy_for_screenshot
from browser.session import Session

pytestmark = pytest.mark.browser

FRONTENDS = pytest.mark.parametrize("session", ["lab", "voila"], indirect=True)

#: Relative luminance (0 black .. 1 white) of a CSS ``rgb(...)``/``color(srgb ...)`` colour.
_LUMINANCE = """el => {
  const c = getComputedStyle(el).backgroundColor;
  const nums = (c.match(/[\\d.]+/g) || []).map(Number);
  let [r, g, b] = nums;
  if (c.startsWith('color(')) { r *= 255; g *= 255; b *= 255; }
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return {css: c, y: 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)};
}"""


@dataclass
class Scratch:
    """The session, showing a folder of the test's own."""

    session: Session
    folder: str


@pytest.fixture()
def scratch(app: Session) -> Iterator[Scratch]:
    """The page showing a fresh folder of this test's own, removed afterwards.

    The session's folder stays as other modules expect it.
    """
    folder = f"{app.folder}/fb-{uuid.uuid4().hex[:6]}"
    app.einstein.files.mkdir(folder)
    app.einstein.transfers.upload(b"x\n", f"{folder}/here.txt")
    app.go(folder, shows="here.txt")
    try:
        yield Scratch(app, folder)
    finally:
        app.einstein.files.delete(folder)
        app.go(app.folder, shows="readme.txt")


def _slot(session: Session) -> Any:
    return session.browser.locator(".cs3w-banner-slot").first


def _show_an_error(session: Session, shown: str) -> str:
    """Type a folder that does not exist: an error shows, the path box comes back."""
    missing = f"{shown}/missing-{uuid.uuid4().hex[:6]}"
    box = session.browser.get_by_placeholder("/path/to/folder")
    box.fill(missing)
    box.press("Enter")
    session.browser.locator(".cs3w-banner.cs3w-error").wait_for()
    session.page.wait_for_function(
        "([el, want]) => el.value === want", arg=[box.element_handle(), shown])
    return missing


@FRONTENDS
def test_enter_submits_the_new_folder_prompt(scratch: Scratch) -> None:
    session, here = scratch.session, scratch.folder
    name = f"made-by-enter-{uuid.uuid4().hex[:6]}"
    session.button(session.browser, "New folder").click()
    box = session.browser.get_by_placeholder("folder name")
    box.wait_for()
    # The prompt took the focus: typing goes straight into its box.
    session.page.wait_for_function("el => document.activeElement === el",
                                   arg=box.element_handle())
    session.page.keyboard.type(name)
    session.page.keyboard.press("Enter")
    session.option(name).wait_for()
    assert session.einstein.files.stat(f"{here}/{name}").is_dir
    session.browser.locator(".cs3w-banner.cs3w-success").wait_for()
    assert box.is_hidden()

    # Enter on an unchanged box sends no value, only the Enter message: the
    # prompt submits after its grace timer (the kernel loop's), here an empty name.
    session.button(session.browser, "New folder").click()
    box.wait_for()
    session.page.wait_for_function("el => document.activeElement === el",
                                   arg=box.element_handle())
    session.page.keyboard.press("Enter")
    error = session.browser.locator(".cs3w-banner.cs3w-error")
    error.wait_for()
    assert "name is empty" in error.inner_text()


@FRONTENDS
def test_messages_do_not_move_the_layout(scratch: Scratch) -> None:
    session = scratch.session
    slot = _slot(session)
    listing_top = session.browser.get_by_placeholder("/path/to/folder")  # below the slot
    before = (slot.bounding_box(), listing_top.bounding_box())
    _show_an_error(session, scratch.folder)
    after = (slot.bounding_box(), listing_top.bounding_box())
    assert before[0]["height"] == after[0]["height"] > 20
    assert before[1]["y"] == after[1]["y"]  # what is below did not move down
    error = session.browser.locator(".cs3w-banner.cs3w-error")
    assert "There is no folder" in error.inner_text()
    session.button(slot, "Details").click()  # the kernel answers with the details
    error.locator("code", has_text="NotFound").wait_for()
    assert slot.bounding_box()["height"] == before[0]["height"]
    session.button(slot, "\u2715").click()  # dismissed
    error.wait_for(state="detached")
    assert slot.bounding_box()["height"] == before[0]["height"]


@pytest.mark.parametrize("session", ["lab"], indirect=True)
def test_dark_theme_banner_is_dark(scratch: Scratch, screenshot_dir: Path) -> None:
    session = scratch.session
    page = session.page

    def theme(name: str) -> None:
        page.evaluate("t => window.jupyterapp.commands.execute("
                      "'apputils:change-theme', {theme: t})", name)
        page.wait_for_function(
            "t => document.body.dataset.jpThemeName === t", arg=name, timeout=30_000)

    theme("JupyterLab Dark")
    try:
        _show_an_error(session, scratch.folder)
        banner = session.browser.locator(".cs3w-banner.cs3w-error")
        colour = banner.evaluate(_LUMINANCE)
        assert colour["y"] < 0.1, colour  # dark, not a light pink
        text = banner.evaluate("el => getComputedStyle(el).color")
        assert text != "rgb(33, 33, 33)", text  # the theme's light text, not the fallback
        tidy_for_screenshot(page, session.kind)
        session.app.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / "lab-dark.png"))
    finally:
        theme("JupyterLab Light")
    colour = session.browser.locator(".cs3w-banner.cs3w-error").evaluate(_LUMINANCE)
    assert colour["y"] > 0.6, colour  # and light again in the light theme


@FRONTENDS
def test_toolbar_labels_fit_and_groups_wrap_whole(app: Session) -> None:
    """No label is cut; at 1400 px and at 390 px Delete never sits on a line alone."""
    session = app
    page = session.page
    try:
        for width in (1400, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(300)
            boxes = {}
            for name in ("Open", "New folder", "Upload", "Download", "Rename", "Move", "Delete"):
                button = session.button(session.browser, name).first
                cut = button.evaluate("el => el.scrollWidth > el.clientWidth + 1")
                assert not cut, (width, name)
                boxes[name] = button.bounding_box()
            rows = {b["y"] for b in boxes.values()}
            assert boxes["Delete"]["y"] == boxes["Move"]["y"] == boxes["Rename"]["y"], width
            if width == 1400:
                assert len(rows) <= 2, rows
    finally:
        page.set_viewport_size(VIEWPORT)
