"""8 CSV files over 2 Dask worker processes against one pandas process, by file size.

Usage::

    python benchmarks/dask_read.py                     # 1 to 128 MB per file, 5 repeats
    python benchmarks/dask_read.py --sizes 1,8,32,64 --repeat 5

Both sides read the same 8 files through ``cs3://`` and compute the same
aggregate (a group-by sum). The baseline is one pandas process
(``pd.read_csv`` per file, then ``pd.concat``); Dask is
``dd.read_csv("cs3://.../*.csv")`` on a ``LocalCluster`` of 2 worker
processes with one thread each, started once before the runs (its start-up
is not counted). The workers authenticate with the application password the
pickled filesystem carries. Printed: median times and Dask/pandas (below 1.0
Dask is faster), and the smallest file size where Dask wins.
"""

from __future__ import annotations

import argparse
import sys
import time

import dask.dataframe as dd
import pandas as pd
from common import Timings, add_server_args, interleave, machine, server_client
from distributed import Client, LocalCluster
from fsspec_read import make_csv

from cs3widgets.client import CS3Client

FILES = 8


def run(client: CS3Client, password: str, sizes: list[int], repeat: int) -> int:
    home = client.identity.home()
    base = f"{home}/cs3w-bench-dask-{int(time.time())}"
    options = {"gateway": client.gateway, "user": client.auth.username_hint, "password": password}
    timings = Timings()
    print(f"machine: {machine()}")
    print(f"{FILES} files; {repeat} interleaved repeats, medians; 2 workers x 1 thread")
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as dc,
    ):
        winner = None
        for mb in sizes:
            folder = f"{base}/s{mb}"
            client.files.mkdir(folder, parents=True)
            data = make_csv(mb * 1000 * 1000)
            for i in range(FILES):
                client.transfers.upload(data, f"{folder}/part{i}.csv")
            urls = [f"cs3:/{folder}/part{i}.csv" for i in range(FILES)]

            def pandas_run(mb: int = mb, urls: list[str] = urls) -> None:
                def go() -> object:
                    df = pd.concat(pd.read_csv(u, storage_options=options) for u in urls)
                    return df.groupby("label")["y"].sum()

                timings.time(f"pandas {mb}", go)

            def dask_run(mb: int = mb, folder: str = folder) -> None:
                def go() -> object:
                    ddf = dd.read_csv(f"cs3:/{folder}/part*.csv", storage_options=options,
                                      blocksize=None)
                    return ddf.groupby("label")["y"].sum().compute()

                timings.time(f"dask {mb}", go)

            dask_run()  # warm-up: workers import, log in, build their clients
            timings.samples.pop(f"dask {mb}")
            interleave(repeat, [pandas_run, dask_run])
            ratio = timings.ratio(f"dask {mb}", f"pandas {mb}")
            if ratio < 1 and winner is None:
                winner = mb
            pandas_s, dask_s = timings.median(f"pandas {mb}"), timings.median(f"dask {mb}")
            print(f"{mb:4d} MB/file ({FILES * mb} MB): pandas {pandas_s:6.2f} s"
                  f"  dask {dask_s:6.2f} s  dask/pandas {ratio:5.2f}")
            client.files.delete(folder)
        _ = dc
    client.files.delete(base)
    if winner is None:
        print("Dask was not faster than one pandas process at any size tried")
    else:
        print(f"Dask is faster from {winner} MB per file on")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_args(parser)
    parser.add_argument("--sizes", default="1,8,32,64,128", help="MB per file, comma-separated")
    args = parser.parse_args(argv)
    with server_client(args) as (client, password, _server):
        return run(client, password, [int(s) for s in args.sizes.split(",")], args.repeat)


if __name__ == "__main__":
    sys.exit(main())
