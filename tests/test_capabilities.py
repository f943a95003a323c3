"""Optional features are learnt from answers that mean "not implemented", and only those."""

from __future__ import annotations

import pytest
from cs3.rpc.v1beta1 import code_pb2
from profiles import revad  # noqa: F401  (both server profiles)

from cs3widgets.client import CS3Client
from cs3widgets.client import capabilities as caps_module
from cs3widgets.client.capabilities import (
    LOCKS,
    QUIRKS,
    RECHECK_AFTER,
    TOUCH,
    Capabilities,
    capabilities,
)
from cs3widgets.client.errors import ServerError, Unavailable, Unimplemented


class Clock:
    """A monotonic clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(caps_module.time, "monotonic", c)
    return c


def internal(message: str) -> ServerError:
    return ServerError(message, code=code_pb2.CODE_INTERNAL)


def test_unimplemented_switches_a_feature_off_for_good(clock: Clock) -> None:
    caps = Capabilities()
    assert caps.known(LOCKS) is None and caps.worth_trying(LOCKS)
    assert caps.missing(LOCKS, Unimplemented("unknown service"))
    clock.now += 10 * RECHECK_AFTER
    assert caps.known(LOCKS) is False and not caps.worth_trying(LOCKS)


def test_reva_wrapping_unimplemented_in_internal_is_asked_again_later(clock: Clock) -> None:
    caps = Capabilities()
    # What Reva's storage provider answers for a driver without locks, and
    # also for a driver that failed once: off for a while, then tried again.
    assert caps.missing(LOCKS, internal('error getting lock: path:"/home/a"'))
    assert caps.known(LOCKS) is False
    clock.now += RECHECK_AFTER - 1
    assert caps.known(LOCKS) is False
    clock.now += 2
    assert caps.known(LOCKS) is None and caps.worth_trying(LOCKS)


def test_other_errors_say_nothing_about_a_feature(clock: Clock) -> None:
    caps = Capabilities()
    assert not caps.missing(LOCKS, internal("storage provider crashed"))
    assert not caps.missing(TOUCH, internal('error getting lock: path:"/home/a"'))  # another's
    assert not caps.missing(LOCKS, Unavailable("cannot reach the CS3 gateway at x"))
    assert not caps.missing(LOCKS, ValueError("not a server answer"))
    assert caps.known(LOCKS) is None and caps.known(TOUCH) is None


def test_a_feature_seen_working_is_never_switched_off(clock: Clock) -> None:
    caps = Capabilities()
    caps.found(LOCKS)
    assert not caps.missing(LOCKS, Unimplemented("now?"))
    assert caps.known(LOCKS) is True


def test_every_quirk_names_its_source() -> None:
    for quirk in QUIRKS:
        assert "reva" in quirk.source.lower() and quirk.feature


def test_lock_support_survives_a_transient_error_on_first_use(
    einstein: CS3Client, unique: str, profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"{einstein.identity.home()}/{unique}.txt"
    einstein.transfers.upload(b"x", path)
    real_call = einstein.conn.call
    failures = [internal("transport is closing")]

    def flaky(method: str, req: object, **kw: object) -> object:
        if method == "GetLock" and failures:
            raise failures.pop()
        return real_call(method, req, **kw)

    monkeypatch.setattr(einstein.conn, "call", flaky)
    with pytest.raises(ServerError):
        einstein.locks.get_lock(path)  # a failure is raised, not taken for "no locks"
    assert einstein.locks.native is None
    lock = einstein.locks.set_lock(path)
    assert einstein.locks.get_lock(path) == lock
    # The eos profile has CS3 locks; Reva's own local driver has not.
    assert einstein.locks.native is (profile == "eos")
    einstein.locks.unlock(path, lock.lock_id)
    assert einstein.locks.get_lock(path) is None


def test_a_feature_switched_off_by_a_doubtful_answer_is_tried_again(
    einstein: CS3Client, unique: str, clock: Clock
) -> None:
    home = einstein.identity.home()
    einstein.files.touch(f"{home}/{unique}-1")
    assert einstein.conn.calls["TouchFile"] == 1
    # Reva's localfs (under both profiles) has no TouchFile: the storage
    # provider answers INTERNAL, and the client wrote an empty file instead.
    native = capabilities(einstein.conn).known(TOUCH)
    assert native is not None
    einstein.files.touch(f"{home}/{unique}-2")
    assert einstein.conn.calls["TouchFile"] == (2 if native else 1)
    clock.now += RECHECK_AFTER + 1
    einstein.files.touch(f"{home}/{unique}-3")
    assert einstein.conn.calls["TouchFile"] == (3 if native else 2)
    for n in (1, 2, 3):
        entry = einstein.files.stat(f"{home}/{unique}-{n}")
        assert entry.size == 0 and not entry.is_dir
