"""What a pickled cs3 filesystem or client carries, and how long it works."""

from __future__ import annotations

import dataclasses
import pickle
import time
from pathlib import Path

import pytest

from cs3widgets.client import CS3Client, TokenFileAuth, Unauthenticated
from cs3widgets.client.delegation import AppPasswordAuth, CredentialExpired, recipe_for
from cs3widgets.devserver import DEMO_USERS, RevadServer
from cs3widgets.fs import CS3FileSystem

PASSWORD = DEMO_USERS["einstein"].password


@pytest.fixture()
def fs(revad: RevadServer) -> CS3FileSystem:
    return CS3FileSystem(
        gateway=revad.gateway, user="einstein", password=PASSWORD, skip_instance_cache=True
    )


def test_pickled_fs_reads_without_password_and_cannot_write(
    fs: CS3FileSystem, einstein: CS3Client, unique: str
) -> None:
    path = f"/home/{unique}.txt"
    einstein.transfers.upload(b"for the workers", path)
    token = fs.client.conn.token()

    blob = pickle.dumps(fs)
    worker = pickle.loads(blob)

    assert PASSWORD.encode() not in blob and token.encode() not in blob
    assert isinstance(worker.client.auth, AppPasswordAuth)
    assert worker.cat(path) == b"for the workers"
    assert worker.cat_file(path, start=4, end=7) == b"the"
    # Read-only by default: the server refuses the write, nothing changes.
    with pytest.raises(PermissionError, match="read-only credential"):
        worker.pipe_file(f"/home/{unique}-w.txt", b"x")
    assert not einstein.files.exists(f"/home/{unique}-w.txt")
    # One credential per filesystem: pickling again mints nothing new.
    assert pickle.loads(pickle.dumps(fs)) is worker


def test_write_access_is_asked_for(revad: RevadServer, einstein: CS3Client, unique: str) -> None:
    fs = CS3FileSystem(
        gateway=revad.gateway, user="einstein", password=PASSWORD, worker_access="write",
        skip_instance_cache=True,
    )
    worker = pickle.loads(pickle.dumps(fs))

    worker.pipe_file(f"/home/{unique}.txt", b"written by a worker")

    assert einstein.transfers.read_bytes(f"/home/{unique}.txt") == b"written by a worker"


def test_expired_worker_credential_is_a_clear_error(
    revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    path = f"/home/{unique}.txt"
    einstein.transfers.upload(b"short-lived", path)
    fs = CS3FileSystem(client=einstein, worker_lifetime=2, skip_instance_cache=True)
    recipe = recipe_for(einstein, access="read", lifetime=2)
    worker = pickle.loads(pickle.dumps(fs))
    assert worker.cat(path) == b"short-lived"

    time.sleep(max(0.0, recipe.expires_at - time.time()) + 1.5)  # type: ignore[operator]

    with pytest.raises(OSError) as caught:
        worker.cat(path)
    assert isinstance(caught.value.__cause__, CredentialExpired)
    assert "expired at" in str(caught.value) and "pickle the filesystem" in str(caught.value)
    # The server refuses it as well, even for a client that ignores the expiry.
    lax = dataclasses.replace(recipe, expires_at=None).client()
    try:
        with pytest.raises(Unauthenticated, match="refused this worker's application password"):
            lax.files.stat(path)
    finally:
        lax.close()


def test_pickled_client_carries_no_password(einstein: CS3Client, unique: str) -> None:
    einstein.transfers.upload(b"client copy", f"/home/{unique}.txt")
    token = einstein.conn.token()

    blob = pickle.dumps(einstein)
    copy = pickle.loads(blob)
    try:
        assert PASSWORD.encode() not in blob and token.encode() not in blob
        assert copy.transfers.read_bytes(f"/home/{unique}.txt") == b"client copy"
        assert repr(copy) == f"CS3Client(gateway={einstein.gateway!r}, auth=" \
            "AppPasswordAuth(username='einstein'))"
    finally:
        copy.close()


def test_token_file_clients_hand_over_the_path(
    revad: RevadServer, einstein: CS3Client, tmp_path: Path, unique: str
) -> None:
    einstein.transfers.upload(b"swan", f"/home/{unique}.txt")
    token = einstein.conn.token()
    token_file = tmp_path / "cernbox_oauth.token"
    token_file.write_text(f"oauth2:{token}:localhost")
    fs = CS3FileSystem(gateway=revad.gateway, token_file=str(token_file), skip_instance_cache=True)

    blob = pickle.dumps(fs)
    worker = pickle.loads(blob)

    assert token.encode() not in blob and str(token_file).encode() in blob
    assert isinstance(worker.client.auth, TokenFileAuth)
    assert worker.cat(f"/home/{unique}.txt") == b"swan"
    assert einstein.conn.calls["GenerateAppPassword"] == 0
