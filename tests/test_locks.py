"""Locks against the live revad: CS3 locks (our drivers implement them, as EOS does).

The metadata fallback for servers without locks is tested by forcing it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from cs3widgets.client import CS3Client
from cs3widgets.client.capabilities import LOCKS, capabilities
from cs3widgets.client.errors import FailedPrecondition, Locked, NotFound, Unimplemented
from cs3widgets.client.locks import KEY_PREFIX, locked_error
from cs3widgets.client.models import Lock


@pytest.fixture()
def target(einstein: CS3Client, unique: str) -> str:
    folder = f"{einstein.identity.home()}/{unique}"
    einstein.files.mkdir(folder)
    einstein.transfers.upload(b"shared notebook", f"{folder}/analysis.ipynb")
    return f"{folder}/analysis.ipynb"


def _lock_keys(client: CS3Client, path: str) -> dict[str, dict]:
    # Lock keys live on the resource, addressed by id (as the client does).
    md = client.files.get_metadata(path, resource_id=client.files.stat(path).id)
    return {k[len(KEY_PREFIX) :]: json.loads(v) for k, v in md.items() if k.startswith(KEY_PREFIX)}


def test_locked_error_carries_holder_and_expiry():
    when = datetime(2031, 5, 4, 12, 30, tzinfo=timezone.utc)
    err = locked_error(Lock(lock_id="abc", holder="einstein", expires=when), "/home/x")
    assert isinstance(err, Locked)
    assert err.holder == "einstein" and err.expires == when and err.path == "/home/x"
    assert "einstein" in str(err) and "2031-05-04 12:30:00" in str(err)
    assert "abc" not in str(err)  # the lock id is the holder's secret


def test_set_get_refresh_unlock(einstein: CS3Client, target: str):
    t0 = datetime.now(timezone.utc)
    lk = einstein.locks.set_lock(target, expires_in=60, app_name="pytest")
    assert einstein.locks.native is True
    assert lk.holder == "einstein" and not lk.via_metadata and lk.app_name == "pytest"
    assert t0 + timedelta(seconds=55) < lk.expires < t0 + timedelta(seconds=65)
    assert _lock_keys(einstein, target) == {}  # a CS3 lock, not metadata

    got = einstein.locks.get_lock(target)
    assert got is not None and got.lock_id == lk.lock_id and got.holder == "einstein"

    refreshed = einstein.locks.refresh_lock(target, lk.lock_id, expires_in=600)
    assert refreshed.expires > lk.expires + timedelta(seconds=500)
    assert einstein.locks.get_lock(target).expires == refreshed.expires

    einstein.locks.unlock(target, lk.lock_id)
    assert einstein.locks.get_lock(target) is None
    einstein.locks.unlock(target, lk.lock_id)  # releasing twice is harmless
    with pytest.raises(FailedPrecondition):
        einstein.locks.refresh_lock(target, lk.lock_id)


def test_metadata_fallback_for_servers_without_locks(
    login: Callable[..., CS3Client], target: str
):
    a, b = login("einstein"), login("einstein")
    for c in (a, b):
        # As decided on a server that answers "unimplemented".
        assert capabilities(c.conn).missing(LOCKS, Unimplemented("unknown service"))
    lk = a.locks.set_lock(target, expires_in=60, app_name="pytest")
    assert lk.via_metadata
    stored = _lock_keys(a, target)
    assert list(stored) == [lk.lock_id] and stored[lk.lock_id]["s"] == "held"
    with pytest.raises(Locked):
        b.locks.set_lock(target)
    assert list(_lock_keys(a, target)) == [lk.lock_id]  # the loser left nothing
    a.locks.unlock(target, lk.lock_id)
    assert _lock_keys(a, target) == {} and b.locks.get_lock(target) is None


def test_second_lock_same_user_is_refused_with_holder_and_expiry(
    login: Callable[..., CS3Client], target: str
):
    first, second = login("einstein"), login("einstein")
    lk = first.locks.set_lock(target, expires_in=120)
    for other in (second, first):  # another client, or the same one with a new id
        with pytest.raises(Locked) as err:
            other.locks.set_lock(target)
        assert err.value.holder == "einstein" and err.value.expires == lk.expires
    with pytest.raises(Locked):
        second.locks.refresh_lock(target, "not-the-id")
    with pytest.raises(Locked):
        second.locks.unlock(target, "not-the-id")
    assert first.locks.get_lock(target).lock_id == lk.lock_id  # the losers changed nothing
    # Re-locking with the holder's own id is a refresh, not a conflict.
    assert first.locks.set_lock(target, lock_id=lk.lock_id).lock_id == lk.lock_id
    first.locks.unlock(target, lk.lock_id)
    assert second.locks.set_lock(target).holder == "einstein"


def test_context_manager_releases_even_on_error(login: Callable[..., CS3Client], target: str):
    a, b = login("einstein"), login("einstein")
    with a.locks.lock(target, expires_in=60) as lk:
        assert a.locks.get_lock(target).lock_id == lk.lock_id
        with pytest.raises(Locked):
            b.locks.set_lock(target)
    assert a.locks.get_lock(target) is None
    with pytest.raises(RuntimeError), a.locks.lock(target):
        raise RuntimeError("boom")
    assert b.locks.get_lock(target) is None


def test_expired_lock_can_be_taken_over(login: Callable[..., CS3Client], target: str):
    a, b = login("einstein"), login("einstein")
    old = a.locks.set_lock(target, expires_in=0.5)
    time.sleep(0.7)
    assert b.locks.get_lock(target) is None
    new = b.locks.set_lock(target, expires_in=60)
    assert a.locks.get_lock(target).lock_id == new.lock_id
    with pytest.raises(Locked):
        a.locks.refresh_lock(target, old.lock_id)


def test_lock_on_missing_file_is_not_found(einstein: CS3Client, target: str):
    with pytest.raises(NotFound):
        einstein.locks.set_lock(target + ".missing")


def _race(clients: list[tuple[CS3Client, str]]) -> tuple[list[Lock], list[Locked]]:
    """Every client tries to lock its path at the same moment."""
    barrier = threading.Barrier(len(clients))
    wins: list[Lock] = []
    losses: list[Locked] = []
    errors: list[BaseException] = []

    def attempt(client: CS3Client, path: str) -> None:
        barrier.wait()
        try:
            wins.append(client.locks.set_lock(path, expires_in=60))
        except Locked as exc:
            losses.append(exc)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=c) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return wins, losses


def test_concurrent_attempts_same_user_exactly_one_wins(
    login: Callable[..., CS3Client], target: str
):
    clients = [login("einstein") for _ in range(4)]
    for c in clients:
        c.whoami()  # log in before the race, so the attempts really overlap
    for _ in range(8):
        wins, losses = _race([(c, target) for c in clients])
        assert len(wins) == 1, wins
        assert len(losses) == len(clients) - 1
        holder = clients[0].locks.get_lock(target)
        assert holder is not None and holder.lock_id == wins[0].lock_id
        owner = next(c for c in clients if c.locks.get_lock(target).lock_id == wins[0].lock_id)
        owner.locks.unlock(target, wins[0].lock_id)


def test_two_users_race_for_a_shared_file(
    einstein: CS3Client, marie: CS3Client, target: str
):
    # marie reaches einstein's file through an Editor share, so she may lock
    # it; by resource id both address the one file whichever path they use.
    share = einstein.shares.create(target, "marie", "Editor")
    try:
        theirs = marie.shares.accept(share.id).path
        assert theirs and theirs != target
        for c in (einstein, marie):
            c.whoami()  # log in before the race, so the attempts really overlap
        for _ in range(4):
            wins, losses = _race([(einstein, target), (marie, theirs)])
            assert len(wins) == 1 and len(losses) == 1, (wins, losses)
            # Both see the one lock, whichever path they use.
            assert einstein.locks.get_lock(target).lock_id == wins[0].lock_id
            assert marie.locks.get_lock(theirs).lock_id == wins[0].lock_id
            winner = einstein if wins[0].holder == "einstein" else marie
            assert wins[0].holder in ("einstein", "marie")
            assert losses[0].holder == wins[0].holder and losses[0].expires == wins[0].expires
            winner.locks.unlock(target if winner is einstein else theirs, wins[0].lock_id)
            assert einstein.locks.get_lock(target) is None

        # marie is told who holds einstein's lock, and until when.
        lk = einstein.locks.set_lock(target, expires_in=120)
        with pytest.raises(Locked) as err:
            marie.locks.set_lock(theirs)
        assert err.value.holder == "einstein" and err.value.expires == lk.expires
        assert "einstein" in str(err.value)
        seen = marie.locks.get_lock(theirs)
        assert seen is not None and seen.holder == "einstein" and seen.expires == lk.expires
        assert einstein.locks.get_lock(target).lock_id == lk.lock_id  # marie changed nothing
        einstein.locks.unlock(target, lk.lock_id)
    finally:
        einstein.shares.remove(share.id)
