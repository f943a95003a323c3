"""cs3:// on a real Dask cluster: workers read with a minted credential, never the password."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import cloudpickle
import dask.dataframe as dd
import fsspec
import pytest
from distributed import Client, LocalCluster

from cs3widgets.client import CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer
from cs3widgets.fs import CS3FileSystem

PASSWORD = DEMO_USERS["einstein"].password
FILES = 4
ROWS = 250


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """Two worker processes, one thread each; closed (and reaped) after the module."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as lc,
        Client(lc) as dc,
    ):
        yield dc


def _main_tokens() -> set[bytes]:
    """The Reva tokens of every cs3 filesystem this process holds."""
    return {
        fs.client.conn.token().encode()
        for fs in CS3FileSystem._cache.values()
        if isinstance(fs, CS3FileSystem)
    }


def test_read_csv_on_two_worker_processes(
    cluster: Client, revad: RevadServer, einstein: CS3Client, unique: str
) -> None:
    base = f"/home/{unique}"
    einstein.files.mkdir(base)
    for f in range(FILES):
        rows = "".join(f"{f * ROWS + r},{f},{r * 0.5}\n" for r in range(ROWS))
        einstein.transfers.upload(("id,file,value\n" + rows).encode(), f"{base}/part{f}.csv")
    options = {"gateway": revad.gateway, "user": "einstein", "password": PASSWORD}

    ddf = dd.read_csv(f"cs3:/{base}/part*.csv", storage_options=options, blocksize=None)
    fs = fsspec.filesystem("cs3", **options)  # the instance dask built (fsspec's cache)
    tokens = _main_tokens()
    pickled_fs = pickle.dumps(fs)
    graph = cloudpickle.dumps(dict(ddf.__dask_graph__()))
    expr = cloudpickle.dumps(ddf.expr)
    df = ddf.compute()
    worker_auth = cluster.run(
        lambda: sorted(
            {type(f.client.auth).__name__ for f in __import__(
                "cs3widgets.fs.unpickling", fromlist=["x"]
            )._worker_filesystems.values()}
        )
    )

    assert ddf.npartitions == FILES
    assert len(df) == FILES * ROWS
    assert sorted(df["id"]) == list(range(FILES * ROWS))
    assert df.groupby("file")["value"].sum().to_dict() == {
        f: sum(r * 0.5 for r in range(ROWS)) for f in range(FILES)
    }
    assert tokens, "the main process logged in"
    for blob in (pickled_fs, graph, expr):
        assert PASSWORD.encode() not in blob
        for token in tokens:
            assert token not in blob
    # Both workers were given tasks and logged in with the minted credential.
    assert len(worker_auth) == 2
    assert all(kinds == ["AppPasswordAuth"] for kinds in worker_auth.values())
