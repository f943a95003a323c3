"""Fixtures of the contents-manager tests (``pytest_plugins = ["contents_fixtures"]``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from contents_support import Runner

from cs3widgets.client import CS3Client
from cs3widgets.contents import CS3ContentsManager


@pytest.fixture()
def run() -> Iterator[Runner]:
    """``run(coro)`` on one event loop per test; ``run.error(coro)`` for refusals."""
    r = Runner()
    yield r
    r.close()


@pytest.fixture()
def make_cm() -> Iterator[Callable[..., CS3ContentsManager]]:
    """Factory of managers; each releases its locks at teardown."""
    made: list[CS3ContentsManager] = []

    def _make(client: CS3Client, root: str, **traits: Any) -> CS3ContentsManager:
        cm = CS3ContentsManager(client=client, root_dir=root, **traits)
        made.append(cm)
        return cm

    yield _make
    for cm in made:
        cm.shutdown()


@pytest.fixture()
def folder(einstein: CS3Client, unique: str) -> str:
    """A fresh folder in einstein's home: the root the manager serves."""
    path = f"{einstein.files.home()}/{unique}"
    einstein.files.mkdir(path)
    return path
