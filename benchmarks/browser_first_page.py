"""Time from ``Browser(path)`` to its first page, against one raw ListContainer call.

Usage::

    python benchmarks/browser_first_page.py                  # 1k, 10k, 100k entries
    python benchmarks/browser_first_page.py --sizes 1000,10000 --repeat 5
    python benchmarks/browser_first_page.py --sizes 100000 --page-sizes 50,200

It starts its own revad and writes the folders straight onto its disk
(making 100,000 files through the API would take minutes). For each size,
in the same run:

- ``raw``: one ``ListContainer`` gRPC call for the folder, answer parsed
  into protobuf messages and nothing else (the floor any client pays);
- ``browser``: ``Browser(path)`` built inside a running asyncio loop (as
  ipykernel runs it) until its first page is shown: listing, share and link
  markers, entry models, sorting, the first page's table rows (their
  widgets made on the first page, one set per ``--page-sizes`` value);
- ``ratio`` = browser / raw (best of ``--repeat`` each, the two interleaved);
- ``ctor``: how long the constructor itself took (it returns at once);
- ``blocked``: the longest time the event loop did not answer while the
  browser loaded, after the constructor returned (a 1 ms ticker measures
  it), i.e. how long the kernel could not run another cell or widget
  handler. The constructor builds the widgets on the loop (no server call):
  that time is ``ctor``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.files import PAGE_SIZE
from cs3widgets.widgets import Browser
from cs3widgets.widgets.browser.listing import DEFAULT_PAGE_SIZE


def raw_list(client: CS3Client, path: str) -> float:
    """Seconds for one ListContainer call (the answer parsed, nothing built)."""
    # The request Files.list sends (Reva v1.29 answers the whole folder at once).
    req = sp_pb.ListContainerRequest(ref=sp_res.Reference(path=path), page_size=PAGE_SIZE)
    start = time.perf_counter()
    res = client.conn.call("ListContainer", req, path=path)
    elapsed = time.perf_counter() - start
    assert res.infos is not None
    return elapsed


async def _first_page(client: CS3Client, path: str, count: int,
                      page_size: int) -> tuple[float, float, float]:
    gaps = [0.0]
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last - 0.001)
            last = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    b = Browser(path, client=client, page_size=page_size)
    ctor = time.perf_counter() - start
    await asyncio.sleep(0.003)  # the ticker records the constructor's gap first ...
    gaps[:] = [0.0]  # ... which is ``ctor``, not counted again
    while b.runner.pending or not b.listing.page_items():
        await asyncio.sleep(0.001)
    elapsed = time.perf_counter() - start
    done.set()
    await tick
    if len(b.listing.items) != count or b.banner.is_error:
        raise RuntimeError(f"the browser showed {len(b.listing.items)} of {count}: "
                           f"{b.banner.message}")
    b.close()
    return elapsed, ctor, max(gaps)


def first_page(client: CS3Client, path: str, count: int,
               page_size: int = DEFAULT_PAGE_SIZE) -> tuple[float, float, float]:
    """(seconds to the first page, constructor seconds, longest loop block)."""
    return asyncio.run(_first_page(client, path, count, page_size))


def fill(home_on_disk: Path, name: str, count: int) -> str:
    folder = home_on_disk / name
    folder.mkdir()
    for i in range(count):
        (folder / f"f{i:06d}.dat").touch()
    return f"/home/{name}"


def run(client: CS3Client, home_on_disk: Path, sizes: list[int], repeat: int,
        page_sizes: list[int]) -> int:
    client.files.list("/home")  # log in, and the home exists on disk
    print(f"{'entries':>8} {'page':>5} {'raw s':>8} {'browser s':>10} {'ratio':>6} "
          f"{'ctor ms':>8} {'blocked ms':>11}")
    for count in sizes:
        path = fill(home_on_disk, f"bench-{count}", count)
        raws: list[float] = []
        runs: dict[int, list[tuple[float, float, float]]] = {p: [] for p in page_sizes}
        for _ in range(repeat):  # interleaved: all see the same server caches
            raws.append(raw_list(client, path))
            for page in page_sizes:
                runs[page].append(first_page(client, path, count, page))
        raw = min(raws)
        for page, timed in runs.items():
            best = min(r[0] for r in timed)
            ctor = max(r[1] for r in timed)
            blocked = max(r[2] for r in timed)
            print(f"{count:>8} {page:>5} {raw:>8.3f} {best:>10.3f} {best / raw:>6.2f} "
                  f"{ctor * 1000:>8.1f} {blocked * 1000:>11.1f}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated folder sizes (default 1000,10000,100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; best kept")
    parser.add_argument("--page-sizes", default=str(DEFAULT_PAGE_SIZE),
                        help=f"comma-separated table page sizes (default {DEFAULT_PAGE_SIZE})")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    page_sizes = [int(x) for x in args.page_sizes.split(",") if x.strip()]

    from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig

    with ExitStack() as stack:
        root = Path(tempfile.mkdtemp(prefix="cs3w-bench-"))
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        server = RevadServer(SiteConfig(root=root))
        stack.enter_context(server)
        user = DEMO_USERS["einstein"]
        print(f"started revad at {server.gateway}")
        client = stack.enter_context(
            CS3Client(server.gateway, BasicAuth(user.username, user.password), deadline=300)
        )
        home_on_disk = root / "data" / "home" / "data" / user.username
        return run(client, home_on_disk, sizes, args.repeat, page_sizes)


if __name__ == "__main__":
    sys.exit(main())
