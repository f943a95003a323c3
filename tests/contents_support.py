"""Helpers of the contents-manager tests: notebooks, and one event loop per test."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import nbformat
import pytest
from tornado.web import HTTPError

T = TypeVar("T")


def notebook(source: str) -> nbformat.NotebookNode:
    """A one-cell notebook with a kernelspec (front ends ask for a kernel otherwise)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nb


def notebook_bytes(source: str) -> bytes:
    """The bytes of :func:`notebook` as Jupyter writes them."""
    return nbformat.writes(notebook(source)).encode()


def cell_source(data: bytes) -> str:
    """The first cell's source of a notebook's bytes."""
    return nbformat.reads(data.decode(), as_version=4).cells[0].source


class Runner:
    """One event loop per test, as a Jupyter server has one."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        """Cancel what is still running (the managers' lock keepers), then close."""
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.loop.run_until_complete(cancel_all())
        self.loop.close()

    def at_once(self, *saves: Coroutine[Any, Any, Any]) -> list[Any]:
        """Run ``saves`` concurrently; each result, or the exception it raised."""
        async def gather() -> list[Any]:
            return await asyncio.gather(*saves, return_exceptions=True)

        return self(gather())

    def error(self, coro: Coroutine[Any, Any, Any]) -> HTTPError:
        """The HTTPError ``coro`` raises (the test fails if it raises none)."""
        with pytest.raises(HTTPError) as err:
            self(coro)
        return err.value
