"""cs3:// reads against curl on the same data endpoint: sequential, read_csv, random, cat_ranges.

Usage::

    python benchmarks/fsspec_read.py              # starts its own revad, 15 interleaved repeats
    python benchmarks/fsspec_read.py --csv-size 50 --repeat 15

Each line is the median time of ours over the median time of its baseline,
measured in the same run with the runs interleaved (lower is better, 1.00 is
as fast as the baseline), then each repeat's ratio and their median. Every
curl baseline is timed from its ``InitiateFileDownload`` on:

- ``open().read()`` of the whole file vs one curl GET (to ``/dev/null``);
- ``pandas.read_csv("cs3://...")`` vs curl to a local file + ``pandas.read_csv``;
- 100 random 64 KiB reads through ``fs.open`` + ``seek`` vs one curl process
  fetching the same 100 ranges over one kept-alive connection; bytes fetched
  over bytes asked, for this cache and for fsspec's ``readahead`` with the
  4 MiB block this filesystem used before;
- ``cat_ranges`` of the same 100 ranges vs the same curl, with its gRPC calls.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from common import (
    MiB,
    Timings,
    add_server_args,
    curl,
    interleave,
    machine,
    server_client,
    write_headers,
)
from fsspec.caching import caches

from cs3widgets.client import CS3Client
from cs3widgets.fs import CS3FileSystem

KiB = 1024
READ = 64 * KiB
RANGES = 100


def make_csv(size: int) -> bytes:
    """A CSV of about ``size`` bytes: an id, two floats and a short label per row."""
    rng = random.Random(13)
    rows = []
    n = 0
    i = 0
    while n < size:
        row = f"{i},{rng.random():.6f},{rng.random() * 1000:.3f},label{i % 97}\n"
        rows.append(row)
        n += len(row)
        i += 1
    return ("id,x,y,label\n" + "".join(rows)).encode()


def run(client: CS3Client, csv_size: int, repeat: int, workdir: Path) -> int:
    home = client.identity.home()
    base = f"{home}/cs3w-bench-read-{int(time.time())}"
    client.files.mkdir(base, exist_ok=True)
    data = make_csv(csv_size)
    path = f"{base}/data.csv"
    client.transfers.upload(data, path)
    size = len(data)
    url = f"cs3:/{path}"
    fs = CS3FileSystem(client=client, skip_instance_cache=True)
    t = client.transfers
    hdr = workdir / "headers"
    local = workdir / "data.csv"
    rng = random.Random(7)
    offsets = [rng.randrange(1, size - READ) for _ in range(RANGES)]
    ends = [o + READ for o in offsets]
    timings = Timings()
    fetched: dict[str, int] = {}
    calls: dict[str, dict[str, int]] = {}

    def curl_headers() -> str:
        target = t.initiate_download(path)
        write_headers(hdr, t._headers(target.transfer_token))
        return target.url

    # Every curl baseline is timed from its InitiateFileDownload on: curl
    # needs the URL that ours asks for too. (Until 2026-11-30 the code timed
    # curl alone, against what this comment said: 3.4 ms, median of 9
    # initiations, of a 50 ms GET.)
    def curl_get() -> None:
        start = time.perf_counter()
        endpoint = curl_headers()
        curl(["-o", "/dev/null", endpoint], hdr)
        timings.add("curl GET", time.perf_counter() - start)

    def ours_read() -> None:
        t.forget_download()

        def go() -> None:
            with fs.open(url, "rb") as f:
                assert len(f.read()) == size

        timings.time("open().read()", go)

    def curl_read_csv() -> None:
        start = time.perf_counter()
        endpoint = curl_headers()
        curl(["-o", str(local), endpoint], hdr)
        df = pd.read_csv(local)
        timings.add("curl + local read_csv", time.perf_counter() - start)
        assert len(df) > 0

    def ours_read_csv() -> None:
        t.forget_download()
        df = timings.time(
            "read_csv(cs3://)", lambda: pd.read_csv(url, storage_options={"client": client})
        )
        assert len(df) > 0  # type: ignore[arg-type]

    def curl_ranges() -> None:
        start = time.perf_counter()
        endpoint = curl_headers()
        args: list[str] = []
        for k, (o, e) in enumerate(zip(offsets, ends, strict=True)):
            if k:
                args += ["--next", "-H", f"@{hdr}"]
            args += ["-r", f"{o}-{e - 1}", "-o", "/dev/null", endpoint]
        curl(args, hdr)
        timings.add("curl 100 ranges", time.perf_counter() - start)

    def random_reads(label: str, **open_options: object) -> None:
        t.forget_download()
        before = t.http_bytes_received
        grpc_before = dict(client.conn.calls)

        def go() -> None:
            with fs.open(url, "rb", **open_options) as f:
                for o in offsets:
                    f.seek(o)
                    assert len(f.read(READ)) == READ

        timings.time(label, go)
        fetched[label] = t.http_bytes_received - before
        calls[label] = {k: v - grpc_before.get(k, 0) for k, v in client.conn.calls.items()
                        if v - grpc_before.get(k, 0)}

    def adaptive_read_csv() -> None:
        t.forget_download()

        def go() -> None:
            with fs.open(url, "rb", cache_type="adaptive") as f:
                assert len(pd.read_csv(f)) > 0

        timings.time("read_csv, fsspec adaptive", go)

    def ours_random() -> None:
        random_reads("random reads (default cache)")

    def old_random() -> None:
        random_reads("random reads (readahead, 4 MiB)", cache_type="readahead",
                     block_size=4 * MiB)

    def adaptive_random() -> None:
        random_reads("random reads (fsspec adaptive)", cache_type="adaptive")

    def ours_cat_ranges() -> None:
        t.forget_download()
        grpc_before = dict(client.conn.calls)
        before = t.http_bytes_received
        out = timings.time("cat_ranges 100", lambda: fs.cat_ranges([url] * RANGES, offsets, ends))
        assert all(len(b) == READ for b in out)  # type: ignore[union-attr]
        fetched["cat_ranges 100"] = t.http_bytes_received - before
        calls["cat_ranges 100"] = {k: v - grpc_before.get(k, 0)
                                   for k, v in client.conn.calls.items()
                                   if v - grpc_before.get(k, 0)}

    # Warm-up (not measured): page cache, connections, login.
    curl_get()
    ours_read()
    timings.samples.clear()
    # fsspec's own "adaptive" cache (background prefetch, fsspec >= 2026.x) for comparison.
    alternatives = [adaptive_read_csv, adaptive_random] if "adaptive" in caches else []
    interleave(repeat, [curl_get, ours_read, curl_read_csv, ours_read_csv, curl_ranges,
                        ours_random, old_random, ours_cat_ranges, *alternatives])
    client.files.delete(base)

    asked = RANGES * READ
    print(f"machine: {machine()}")
    print(f"file: {size / MiB:.1f} MiB CSV; {repeat} interleaved repeats, medians")
    rows = [
        ("open().read()", "curl GET", 1.2),
        ("read_csv(cs3://)", "curl + local read_csv", 1.2),
        ("random reads (default cache)", "curl 100 ranges", 1.5),
        ("read_csv, fsspec adaptive", "curl + local read_csv", None),
        ("random reads (readahead, 4 MiB)", "curl 100 ranges", None),
        ("random reads (fsspec adaptive)", "curl 100 ranges", None),
        ("cat_ranges 100", "curl 100 ranges", 1.5),
    ]
    met = True
    for label, base_label, goal in rows:
        if label not in timings.samples:
            continue
        ratio = timings.ratio(label, base_label)
        extra = ""
        if label in fetched:
            extra = f"  fetched {fetched[label] / asked:.2f}x asked"
        if label in calls:
            extra += f"  gRPC {calls[label]}"
        verdict = ""
        if goal is not None:
            verdict = f" (goal <= {goal:.1f}: {'met' if ratio <= goal else 'NOT met'})"
        if goal is not None and ratio > goal:
            met = False
        print(f"{label:34s} {timings.median(label) * 1000:8.1f} ms  vs {base_label:22s}"
              f" {timings.median(base_label) * 1000:8.1f} ms  ratio {ratio:5.2f}{verdict}{extra}")
        pairs = " ".join(f"{a / b:.2f}" for a, b in zip(
            timings.samples[label], timings.samples[base_label], strict=True))
        print(f"{'':34s} per repeat: {pairs}; their median {timings.paired(label, base_label):.2f}")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_args(parser)
    # Each run takes 50-500 ms, and on the shared 2-core machine one run of
    # the same code varied by 1.5x: with 5 repeats, open().read() came out at
    # 1.00-1.33x curl from run to run, with 15 at 1.03-1.04x.
    parser.set_defaults(repeat=15)
    parser.add_argument("--csv-size", default=50, type=int, help="CSV size in MB (default 50)")
    args = parser.parse_args(argv)
    with server_client(args) as (client, _password, _server), tempfile.TemporaryDirectory() as wd:
        return run(client, args.csv_size * 1000 * 1000, args.repeat, Path(wd))


if __name__ == "__main__":
    sys.exit(main())
