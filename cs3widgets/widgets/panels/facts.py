"""One fetch of what the side panels show about a resource.

InfoPanel and ShareDialog both show a resource's shares and links. In
CS3App one selection makes one :func:`fetch_facts` and hands the same
:class:`ResourceFacts` to both, instead of each fetching (and stat-ing) on
its own. Calls for a file: Stat, ListShares (or ListExistingShares),
ListPublicShares, the lock (one call; two where the server has no CS3
locks and the metadata fallback is read) and ListFileVersions; the owner's
name and the grantees' names come from the client's user cache (one
GetUser per user per client). Only the grantees a panel shows
(:data:`GRANTEES_SHOWN`) are named, their lookups made at once through the
runner's bounded pool: 200 grantees cost what 10 do. A folder skips the
lock and the versions. Runs on the runner's worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ...client.client import CS3Client
from ...client.errors import CS3Error
from ...client.models import Entry, Lock, PublicLink, Share, Version
from ..base.messages import log

T = TypeVar("T")

#: Grantees the ShareDialog shows before "Show more" (the InfoPanel names 3):
#: the ones named when the facts are fetched. Ten rows fill the side panel;
#: their names take one round of lookups (the runner's pool makes 10 at once).
GRANTEES_SHOWN = 10

#: How lookups run: ``map(fn, items)`` (the runner's bounded :meth:`Runner.map
#: <cs3widgets.widgets.base.runner.Runner.map>`; ``None``: one after the other).
Lookups = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


@dataclass
class ResourceFacts:
    """A resource and what is known about it (secondary facts may be empty)."""

    path: str
    entry: Entry
    shares: list[Share] = field(default_factory=list)
    links: list[PublicLink] = field(default_factory=list)
    lock: Lock | None = None
    versions: list[Version] = field(default_factory=list)
    owner: str = ""  # "Display Name (username)" when known, else the owner id
    details: bool = False  # lock, versions, owner and home were fetched
    home: str = ""  # the user's home (where a Jupyter server's contents start by default)
    owned: bool | None = None  # whether I own it (None: not known)


def _optional(fetch: Callable[[], T], default: T) -> T:
    """Secondary facts: a server that cannot say still shows the rest."""
    try:
        return fetch()
    except CS3Error as exc:
        log.debug("resource facts: %s", exc)
        return default


def owner_label(client: CS3Client, owner_id: str) -> str:
    """``Display Name (username)`` of an owner, whose opaque id is all a Stat gives.

    Asked with an empty identity provider first (Reva's user managers then
    match any), then with mine (the usual case of one site); both answers
    are cached per client. A user the server cannot resolve shows as the id.
    """
    if not owner_id:
        return ""
    try:
        for idp in ("", client.identity.whoami().idp):
            user = client.identity.user_by_id(idp, owner_id)
            if user is not None:
                return user.label
    except CS3Error as exc:
        log.debug("owner lookup failed: %s", exc)
    return owner_id


def named_first(client: CS3Client, shares: list[Share], count: int = GRANTEES_SHOWN,
                lookups: Lookups | None = None) -> list[Share]:
    """``shares`` with the first ``count`` named (the ones shown), the rest as listed."""
    head = client.shares.with_names(shares[:count], map=lookups)
    return head + shares[count:]


def fetch_facts(client: CS3Client, path: str, *, details: bool = True,
                lookups: Lookups | None = None, named: int = GRANTEES_SHOWN) -> ResourceFacts:
    """Stat ``path`` and fetch its shares and links (and, with ``details``, the rest).

    The shares are listed without names; the first ``named`` (the ones a
    panel shows) are named, their lookups run through ``lookups`` (several
    at once).
    """
    entry = client.files.stat(path)
    rid = entry.id
    facts = ResourceFacts(path=path, entry=entry, details=details)
    facts.shares = _optional(lambda: named_first(client, client.shares.list(
        entry.path, resource_id=rid, names=False), named, lookups), [])
    facts.links = _optional(lambda: client.links.list(entry.path, resource_id=rid), [])
    if details:
        if not entry.is_dir:
            facts.lock = _optional(lambda: client.locks.get_lock(entry.path), None)
            facts.versions = _optional(lambda: client.files.versions(entry.path), [])
        facts.owner = owner_label(client, entry.owner)
        if entry.owner:  # who I am is asked once per client
            facts.owned = _optional(
                lambda: client.identity.whoami().opaque_id == entry.owner, None)
        facts.home = _optional(client.files.home, "")  # cached once per client
    return facts


def shares_and_links(client: CS3Client, entry: Entry, lookups: Lookups | None = None,
                     named: int = GRANTEES_SHOWN) -> tuple[list[Share], list[PublicLink]]:
    """Reload only the shares and links of ``entry`` (after a change in the dialog)."""
    rid: Any = entry.id
    shares = client.shares.list(entry.path, resource_id=rid, names=False)
    return (named_first(client, shares, named, lookups),
            client.links.list(entry.path, resource_id=rid))


__all__ = ["GRANTEES_SHOWN", "ResourceFacts", "fetch_facts", "named_first", "owner_label",
           "shares_and_links"]
