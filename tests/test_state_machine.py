"""Stateful property test: two clients, random writes, no byte ever lost.

A hypothesis ``RuleBasedStateMachine`` drives two clients of the same user
against the real server with uploads, overwrites with and without the etag,
mkdir, move, rename, delete, restore, lock and unlock. A model holds the
expected tree (path -> content, folders); after every step the server's
tree must equal it. Whatever is refused must change nothing, and whatever
is accepted must be exactly what the model predicts: so no byte that was
not deliberately deleted is ever lost. The model counts the writes of each
file and remembers which count each client last read, so a save with a
stale etag that is accepted fails the test. Runs on both server profiles
(tests/profiles.py): on ``eos`` the server refuses what EOS refuses, on
``upstream`` the client protects the user. Bounded in examples, steps and
time; hypothesis prints the failing sequence and its seed.
"""

from __future__ import annotations

import os
import random
import time
import uuid

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from profiles import revad  # noqa: F401  (both profiles)

from cs3widgets.client import AlreadyExists, BasicAuth, CS3Client, NotFound
from cs3widgets.client.errors import Conflict, CS3Error, Locked
from cs3widgets.client.models import Lock
from cs3widgets.devserver import DEMO_USERS

NAMES = st.sampled_from(["a", "b", "c", "d"])
DIRS = st.sampled_from(["", "x", "y"])
FOLDERS = st.sampled_from(["x", "y", "a", "x/d"])
BODIES = st.binary(min_size=0, max_size=64)
CLIENTS = st.sampled_from([0, 1])
#: Wall-clock budget for the whole test (CI stays fast).
BUDGET_S = 45.0


class TwoClients(RuleBasedStateMachine):
    """The model: files {relative path: bytes}, folders {relative path}."""

    server = None  # set by the test

    @initialize()
    def setup(self) -> None:
        user = DEMO_USERS["einstein"]
        self.clients = [
            CS3Client(self.server.gateway, BasicAuth(user.username, user.password))
            for _ in range(2)
        ]
        self.root = f"{self.clients[0].identity.home()}/sm-{uuid.uuid4().hex[:8]}"
        self.clients[0].files.mkdir(self.root)
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {""}
        self.etags: dict[tuple[int, str], str] = {}  # what each client last read
        self.writes: dict[str, int] = {}  # path -> how many writes it has had
        self.seen: dict[tuple[int, str], int] = {}  # the write count each client read
        self.locks: dict[str, tuple[int, Lock]] = {}  # path -> (client, lock)
        self.trash: list[tuple[str, bytes]] = []  # deleted files (restorable)

    def teardown(self) -> None:
        for c in getattr(self, "clients", []):
            c.close()

    def abs(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def held_lock(self, who: int, rel: str) -> Lock | None:
        held = self.locks.get(rel)
        return held[1] if held and held[0] == who else None

    def lock_id(self, who: int, rel: str) -> str | None:
        held = self.held_lock(who, rel)
        return held.lock_id if held else None

    def wrote(self, rel: str, body: bytes) -> None:
        self.files[rel] = body
        self.writes[rel] = self.writes.get(rel, 0) + 1

    def locked_for(self, who: int, rel: str) -> bool:
        held = self.locks.get(rel)
        return held is not None and held[0] != who

    # -- rules ----------------------------------------------------------------
    @rule(who=CLIENTS, d=DIRS, name=NAMES, body=BODIES)
    def upload_new(self, who: int, d: str, name: str, body: bytes) -> None:
        rel = f"{d}/{name}".strip("/")
        c = self.clients[who]
        try:
            c.transfers.upload(body, self.abs(rel), overwrite=False)
        except Locked:
            assert rel in self.locks  # the lock refuses it before the check
            return
        except AlreadyExists:
            assert rel in self.files or rel in self.dirs
            return
        except NotFound:
            assert d not in self.dirs
            return
        assert rel not in self.files and rel not in self.dirs and d in self.dirs
        self.wrote(rel, body)

    @rule(who=CLIENTS, name=NAMES, body=BODIES)
    def read(self, who: int, name: str, body: bytes) -> None:
        rel = name
        if rel in self.files:
            entry = self.clients[who].files.stat(self.abs(rel))
            self.etags[(who, rel)] = entry.etag
            self.seen[(who, rel)] = self.writes[rel]

    @rule(who=CLIENTS, name=NAMES, body=BODIES)
    def save_with_etag(self, who: int, name: str, body: bytes) -> None:
        rel = name
        etag = self.etags.get((who, rel))
        if etag is None:
            return
        c = self.clients[who]
        stale = rel not in self.files or self.seen.get((who, rel)) != self.writes.get(rel)
        try:
            entry = c.transfers.upload(
                body, self.abs(rel), if_match=etag, lock=self.held_lock(who, rel)
            )
        except Conflict:
            assert stale, "a save with the current etag was refused"
            return  # changed since it was read: refused, nothing changed
        except (Locked, AlreadyExists):
            assert self.locked_for(who, rel) or rel in self.dirs
            return
        assert not stale, "a save with a stale etag was accepted"
        assert not self.locked_for(who, rel)
        self.wrote(rel, body)
        self.etags[(who, rel)] = entry.etag
        self.seen[(who, rel)] = self.writes[rel]

    @rule(who=CLIENTS, name=NAMES, body=BODIES)
    def overwrite(self, who: int, name: str, body: bytes) -> None:
        rel = name
        try:
            self.clients[who].transfers.upload(body, self.abs(rel), lock=self.held_lock(who, rel))
        except Locked:
            assert self.locked_for(who, rel)
            return
        except AlreadyExists:
            assert rel in self.dirs  # never replaces a folder
            return
        assert not self.locked_for(who, rel) and rel not in self.dirs
        self.wrote(rel, body)

    @rule(who=CLIENTS, rel=FOLDERS)
    def mkdir(self, who: int, rel: str) -> None:
        try:
            self.clients[who].files.mkdir(self.abs(rel))
        except (AlreadyExists, NotFound):
            assert rel in self.files or rel in self.dirs or "x" not in self.dirs
            return
        assert rel not in self.files and rel not in self.dirs
        self.dirs.add(rel)

    @rule(who=CLIENTS, src=NAMES, dst=NAMES, overwrite=st.booleans())
    def move(self, who: int, src: str, dst: str, overwrite: bool) -> None:
        if src == dst or src in self.dirs or dst in self.dirs:
            return  # files only: folder moves are covered by the tests
        try:
            self.clients[who].files.move(
                self.abs(src), self.abs(dst), overwrite=overwrite, lock_id=self.lock_id(who, src)
            )
        except NotFound:
            assert src not in self.files
            return
        except AlreadyExists:
            assert dst in self.files and not overwrite
            return
        except Locked:
            assert self.locked_for(who, src) or (overwrite and dst in self.locks)
            return
        assert src in self.files and not self.locked_for(who, src)
        if dst in self.files:
            # overwrite: the old one went to the trash
            self.trash.append((dst, self.files.pop(dst)))
            self.locks.pop(dst, None)
        self.files[dst] = self.files.pop(src)
        self.writes[dst] = self.writes.get(dst, 0) + 1
        # The holder released its lock for the move (EOS refuses to move a
        # locked file, its holder included).
        self.locks.pop(src, None)

    @rule(who=CLIENTS, name=NAMES)
    def delete(self, who: int, name: str) -> None:
        if name in self.dirs:
            return
        try:
            self.clients[who].files.delete(self.abs(name), lock_id=self.lock_id(who, name))
        except NotFound:
            assert name not in self.files
            return
        except Locked:
            assert self.locked_for(who, name)
            return
        assert not self.locked_for(who, name)
        self.trash.append((name, self.files.pop(name)))
        self.locks.pop(name, None)

    @rule(who=CLIENTS)
    def restore(self, who: int) -> None:
        c = self.clients[who]
        mine = [i for i in c.files.recycle_list() if i.original_path.startswith(self.root + "/")]
        if not mine:
            return
        item = mine[0]
        rel = item.original_path[len(self.root) + 1 :]
        try:
            c.files.recycle_restore(item.key)
        except CS3Error:
            assert rel in self.files or rel in self.dirs  # target taken: refused
            return
        assert rel not in self.files and rel not in self.dirs
        # The restored bytes must be ones deleted from that path, not others.
        restored = c.transfers.read_bytes(self.abs(rel))
        assert (rel, restored) in self.trash
        self.trash.remove((rel, restored))
        self.wrote(rel, restored)

    @rule(who=CLIENTS, name=NAMES)
    def lock(self, who: int, name: str) -> None:
        if name not in self.files:
            return
        try:
            lk = self.clients[who].locks.set_lock(self.abs(name), expires_in=300)
        except Locked:
            assert name in self.locks
            return
        assert name not in self.locks
        self.locks[name] = (who, lk)

    @rule(name=NAMES)
    def unlock(self, name: str) -> None:
        held = self.locks.pop(name, None)
        if held is not None:
            self.clients[held[0]].locks.unlock(self.abs(name), held[1].lock_id)

    # -- invariant ------------------------------------------------------------
    @invariant()
    def server_tree_is_the_model(self) -> None:
        if not hasattr(self, "clients"):
            return
        c = self.clients[0]
        seen_files: dict[str, bytes] = {}
        seen_dirs: set[str] = {""}
        for dirpath, dirs, files in c.files.walk(self.root):
            rel_dir = dirpath[len(self.root) + 1 :]
            for d in dirs:
                seen_dirs.add(f"{rel_dir}/{d.name}".strip("/"))
            for f in files:
                rel = f"{rel_dir}/{f.name}".strip("/")
                seen_files[rel] = c.transfers.read_bytes(self.abs(rel))
        assert seen_dirs == self.dirs
        assert seen_files == self.files


def test_no_byte_is_ever_lost(revad) -> None:  # noqa: F811
    TwoClients.server = revad
    chosen = int(os.environ.get("CS3W_STATE_SEED", random.randrange(2**32)))
    started = time.monotonic()
    try:
        run_state_machine_as_test(
            seed(chosen)(TwoClients),
            settings=settings(
                max_examples=int(os.environ.get("CS3W_STATE_EXAMPLES", "30")),
                stateful_step_count=30,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                print_blob=True,
            ),
        )
    except BaseException:
        print(f"state machine failed; reproduce with CS3W_STATE_SEED={chosen}")
        raise
    assert time.monotonic() - started < 2 * BUDGET_S
