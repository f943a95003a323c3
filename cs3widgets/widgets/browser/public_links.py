"""Public links: the links I made, to show their URL or delete them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, ClassVar

from ...client.client import CS3Client
from ...client.models import PublicLink
from ..base.formatting import local_time, plain
from ..sharing.rows import link_place
from .shared_by_me import lacks_path, open_shared_resource
from .view import Column, View, ViewAction

LINKS_COLUMNS = (
    Column("Path", "minmax(6em, 1fr)", kind="name"),
    Column("Role", "max-content"),
    Column("Password", "max-content"),
    Column("Expires", "max-content"),
    Column("Name", "minmax(6em, 12em)", tooltip=True),
)


def link_cells(link: PublicLink) -> tuple[str, ...]:
    """``("/home/data", "Viewer", "🔒", "2025-01-01 00:00", "my link")``."""
    return (
        plain(link_place(link)),  # never the link's internal id
        plain(link.role),
        "\U0001f512" if link.password_protected else "",
        local_time(link.expiration),
        plain(link.display_name if link.display_name != link.token else ""),
    )


class PublicLinksView(View):
    """My public links (one ListPublicShares)."""

    name: ClassVar[str] = "links"
    title: ClassVar[str] = "Public links"
    columns: ClassVar[tuple[Column, ...]] = LINKS_COLUMNS
    item_type: ClassVar[type] = PublicLink
    actions: ClassVar[tuple[ViewAction, ...]] = (
        # Show URL needs no server: the Browser handles it (show_link_url).
        ViewAction("show_url", "Show URL", "link"),
        ViewAction("delete_link", "Delete link", "trash",
                   run=lambda c, link_id: c.links.remove(link_id), done="Deleted {n} link(s)",
                   confirm="Delete {n} public link(s)? They stop working.",
                   confirm_label="Delete"),
    )

    def load(self, client: CS3Client, path: str) -> list[PublicLink]:
        return client.links.list()

    def incomplete(self, item: PublicLink) -> bool:
        return lacks_path(item)

    def complete(self, client: CS3Client, items: list[PublicLink], *,
                 map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None,
                 ) -> list[PublicLink]:
        # The links' resources, by id (links made by another client or in the
        # web UI come without a path): the client's one id-to-path cache, else
        # one Stat each; the Browser asks only for the rows of the page shown.
        return [replace(x, path=client.files.path_of(x.resource_id)) if lacks_path(x) else x
                for x in items]

    def cells(self, item: PublicLink) -> tuple[str, ...]:
        return link_cells(item)

    def open_target(self, client: CS3Client, item: PublicLink) -> str:
        return open_shared_resource(client, item)


__all__ = ["LINKS_COLUMNS", "PublicLinksView", "link_cells"]
