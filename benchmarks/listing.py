"""Listing big folders: client CPU and wall time against one raw ListContainer call.

Usage::

    python benchmarks/listing.py                   # 1k, 10k and 30k entries, 5 repeats
    python benchmarks/listing.py --offline 100000  # also 100k, from an answer made offline

Needs a local revad (it starts one): the entries are created directly on the
server's disk, as tests/test_widgets_big_folder.py does. For each size, with
the runs interleaved, medians of:

- ``raw``: one ``ListContainer`` through the connection (the gRPC call and its
  protobuf parse, nothing else): the baseline;
- ``compact``: ``files.list_compact`` + ``arrange`` (sorted by name, folders
  first) + the first page of 200 :class:`Entry` models: what a browser shows;
- ``compact sorted by size``: the same, sorted by size, descending;
- ``full models``: ``files.list`` (an Entry per entry, as before);
- ``fs.ls``: fsspec's detailed listing;
- ``Browser (new)``: ``Browser(path)`` until its first page is shown (the
  listing, the share and link markers, the first page's row widgets made);
- ``Browser (navigate)``: an open Browser sent to the folder (its row
  widgets reused): what every folder after the first costs.

Ratios are against ``raw`` (medians over medians; ``pairs``: the median of
each repeat's ratio, which the server's drift over a run moves less); the
goals are compact and Browser CPU <= 3x and wall <= 1.1x. Also printed:
gRPC calls and HTTP requests per action of the cs3:// filesystem.

**The gateway's cap.** Reva's gateway refuses a storage provider's answer of
more than 10,240,000 bytes (``pkg/rgrpc/todo/pool/option.go``; CERNBox has
the same cap) and implements no ``ListContainerStream``: one folder of more
than ~34,000 local entries cannot be listed through it, so 30,000 is the
largest size measured against the server. ``--offline N`` measures the
client side alone at N entries: an answer of N entries is made from a real
one (each entry a copy of a real entry, renamed), serialized, and the runs
start from its bytes (``raw`` = the protobuf parse).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from common import Timings, add_server_args, interleave, machine, server_client
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from cs3widgets.client import CS3Client
from cs3widgets.client.files.listing import CompactListing
from cs3widgets.fs import CS3FileSystem
from cs3widgets.widgets import Browser

#: 30,000: the largest size the gateway answers (see the module's docstring).
SIZES = (1_000, 10_000, 30_000)
#: Bytes of one storage provider's answer Reva's gateway accepts at most.
GATEWAY_CAP = 10_240_000
LABELS = ("raw", "compact", "compact sorted by size", "full models", "fs.ls",
          "Browser (new)", "Browser (navigate)")


def fill(data_root: Path, user: str, name: str, count: int) -> None:
    folder = data_root / "data" / "home" / "data" / user / name
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"f{i:06d}.dat").write_bytes(b"x" * (i % 7))


def measure(cpu: Timings, wall: Timings, label: str, fn: Callable[[], object]) -> None:
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    cpu.add(label, time.process_time() - c0)
    wall.add(label, time.perf_counter() - w0)


def open_browser(path: str, client: CS3Client) -> None:
    b = Browser(path, client=client, threaded=False)  # returns with the first page shown
    if b.banner.is_error or not b.listing.page_items():
        raise RuntimeError(f"the Browser showed nothing: {b.banner.message}")
    b.close()


def report(cpu: Timings, wall: Timings, labels: tuple[str, ...], *, walls: bool = True
           ) -> list[str]:
    lines = []
    for label in labels:
        c, w = cpu.median(label) * 1000, wall.median(label) * 1000
        lines.append(
            f"  {label:24s} cpu {c:8.1f} ms ({cpu.ratio(label, 'raw'):5.2f}x)"
            + (f"  wall {w:8.1f} ms ({wall.ratio(label, 'raw'):5.2f}x;"
               f" pairs {wall.paired(label, 'raw'):5.2f}x)" if walls else "")
        )
    for label in ("compact", "Browser (new)", "Browser (navigate)"):
        if label not in labels:
            continue
        if not walls:
            ok = cpu.ratio(label, "raw") <= 3.0
            lines.append(f"  {label}: goal cpu <= 3x the parse: {'met' if ok else 'NOT met'}")
            continue
        ok_cpu = cpu.ratio(label, "raw") <= 3.0
        ok_wall = wall.ratio(label, "raw") <= 1.1
        # The server's time varies by more than the client adds; what the client
        # adds to the wall time is at most its extra CPU.
        added = (cpu.median(label) - cpu.median("raw")) / wall.median("raw")
        lines.append(f"  {label}: client CPU added over raw: {added * 100:.1f}% of raw wall time;"
                     f" goals (cpu <= 3x raw, wall <= 1.1x raw): "
                     f"cpu {'met' if ok_cpu else 'NOT met'}, "
                     f"wall {'met' if ok_wall else 'NOT met'} (measured), "
                     f"{'met' if 1 + added <= 1.1 else 'NOT met'} (CPU-attributable)")
    return lines


def run_size(client: CS3Client, path: str, away: str, repeat: int) -> list[str]:
    fs = CS3FileSystem(client=client, skip_instance_cache=True)
    cpu, wall = Timings(), Timings()
    browser = Browser(away, client=client, threaded=False)

    def raw() -> None:
        req = sp_pb.ListContainerRequest(ref=sp_res.Reference(path=path), page_size=1000)
        measure(cpu, wall, "raw", lambda: client.conn.call("ListContainer", req, path=path))

    def compact() -> None:
        measure(cpu, wall, "compact",
                lambda: client.files.list_compact(path).arrange().page(0, 200))

    def compact_size() -> None:
        measure(cpu, wall, "compact sorted by size", lambda: client.files.list_compact(
            path).arrange(sort_by="size", descending=True).page(0, 200))

    def full() -> None:
        measure(cpu, wall, "full models", lambda: client.files.list(path))

    def ls() -> None:
        measure(cpu, wall, "fs.ls", lambda: fs.ls(path, detail=True))

    def new_browser() -> None:
        measure(cpu, wall, "Browser (new)", lambda: open_browser(path, client))

    def moved() -> None:
        browser.path = away  # untimed: the timed part is the way in
        measure(cpu, wall, "Browser (navigate)", lambda: setattr(browser, "path", path))
        if browser.path != path or browser.banner.is_error:
            raise RuntimeError(f"the Browser did not show {path}: {browser.banner.message}")

    if repeat > 1:
        raw()  # warm-up
        cpu.samples.clear()
        wall.samples.clear()
    interleave(repeat, [raw, compact, compact_size, full, ls, new_browser, moved])
    browser.close()
    return report(cpu, wall, LABELS)


def offline(client: CS3Client, path: str, count: int, repeat: int) -> list[str]:
    """Client-side costs at ``count`` entries, from an answer made offline (no gateway cap)."""
    req = sp_pb.ListContainerRequest(ref=sp_res.Reference(path=path), page_size=1000)
    real = client.conn.call("ListContainer", req, path=path)
    res = sp_pb.ListContainerResponse(status=real.status)
    template = next(i for i in real.infos if i.type == sp_res.RESOURCE_TYPE_FILE)
    for i in range(count):
        info = res.infos.add()
        info.CopyFrom(template)
        info.name = f"f{i:06d}.dat"
        info.path = f"{path}/big/{info.name}"
        info.size = i % 7
    data = res.SerializeToString()
    parse = sp_pb.ListContainerResponse.FromString
    cpu, wall = Timings(), Timings()
    real_compact = client.files.list_compact

    def raw() -> None:
        measure(cpu, wall, "raw", lambda: parse(data))

    def compact() -> None:
        measure(cpu, wall, "compact", lambda: CompactListing(
            path, parse(data).infos).arrange().page(0, 200))

    def full() -> None:
        from cs3widgets.client.convert import entry_from_info
        measure(cpu, wall, "full models", lambda: [entry_from_info(i) for i in parse(data).infos])

    def answered(p: str, **_k: object) -> CompactListing:
        # The Browser as it is, its listing of the big folder answered with the bytes above.
        if p == f"{path}/big":
            return CompactListing(p, parse(data).infos)
        return real_compact(p)

    browser = Browser(path, client=client, threaded=False)

    def new_browser() -> None:
        client.files.list_compact = answered  # type: ignore[method-assign]
        try:
            measure(cpu, wall, "Browser (new)", lambda: open_browser(f"{path}/big", client))
        finally:
            client.files.list_compact = real_compact  # type: ignore[method-assign]

    def moved() -> None:
        browser.path = path  # untimed: the timed part is the way in
        client.files.list_compact = answered  # type: ignore[method-assign]
        try:
            measure(cpu, wall, "Browser (navigate)",
                    lambda: setattr(browser, "path", f"{path}/big"))
        finally:
            client.files.list_compact = real_compact  # type: ignore[method-assign]
        if browser.banner.is_error or len(browser.listing.items) != count:
            raise RuntimeError(f"the Browser did not show the answer: {browser.banner.message}")

    interleave(repeat, [raw, compact, full, new_browser, moved])
    browser.close()
    cap = "over" if len(data) > GATEWAY_CAP else "under"
    lines = [f"  (answer made offline: {len(data):,} bytes, {cap} the gateway's cap of "
             f"{GATEWAY_CAP:,}; raw = its protobuf parse; the Browser's share and link calls go "
             "to the server, so only CPU is compared)"]
    return lines + report(cpu, wall, ("raw", "compact", "full models", "Browser (new)",
                                      "Browser (navigate)"), walls=False)


def calls_per_action(client: CS3Client, base: str, folder: str) -> list[str]:
    fs = CS3FileSystem(client=client, skip_instance_cache=True)
    t = client.transfers
    t.upload(b"a,b\n" + b"1,2\n" * 100_000, f"{base}/calls.csv")
    t.forget_download()
    actions: list[tuple[str, Callable[[], object]]] = [
        ("fs.info", lambda: fs.info(f"{base}/calls.csv")),
        (f"fs.ls ({folder.rsplit('/n', 1)[-1]}-entry folder)", lambda: fs.ls(folder)),
        ("fs.cat (whole file)", lambda: fs.cat(f"{base}/calls.csv")),
        ("fs.open + read 4 x 1 KiB at random", lambda: _four_reads(fs, f"{base}/calls.csv")),
        ("fs.cat_ranges 100 ranges", lambda: fs.cat_ranges(
            [f"{base}/calls.csv"] * 100, list(range(0, 100_000, 1000)),
            list(range(500, 100_500, 1000)))),
        ("pickle.dumps(fs) (first time)", lambda: __import__("pickle").dumps(fs)),
    ]
    out = []
    for label, fn in actions:
        grpc_before = dict(client.conn.calls)
        http_before = dict(t.http_calls)
        fn()
        grpc = {k: v - grpc_before.get(k, 0) for k, v in client.conn.calls.items()
                if v - grpc_before.get(k, 0)}
        http = {k: v - http_before.get(k, 0) for k, v in t.http_calls.items()
                if v - http_before.get(k, 0)}
        out.append(f"  {label:38s} gRPC {grpc}  HTTP {http}")
    return out


def _four_reads(fs: CS3FileSystem, path: str) -> None:
    with fs.open(path, "rb") as f:
        for off in (90_000, 10_000, 50_000, 30_000):
            f.seek(off)
            f.read(1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_args(parser)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--big-repeat", type=int, default=None,
                        help="repeats for folders of 50,000 entries or more (default: --repeat)")
    parser.add_argument("--offline", type=int, default=0, metavar="N",
                        help="also measure the client side at N entries from an answer made "
                             "offline (over the gateway's cap)")
    args = parser.parse_args(argv)
    if args.gateway:
        parser.error("this benchmark starts its own revad (it writes entries on its disk)")
    with server_client(args) as (client, _password, server):
        # Short paths: an entry of the answer carries its path, and the gateway caps the
        # answer at 10,240,000 bytes (~300 bytes an entry here: 30,000 fit).
        base_name = "lb"
        home = client.identity.home()
        client.files.mkdir(f"{home}/{base_name}")
        client.files.mkdir(f"{home}/{base_name}/empty")
        print(f"machine: {machine()}")
        print(f"{args.repeat} interleaved repeats, medians; ratios against one raw ListContainer")
        sizes = [int(s) for s in args.sizes.split(",")]
        for n in sizes:
            fill(server.site.root, args.user, f"{base_name}/n{n}", n)  # type: ignore[attr-defined]
            repeat = (args.big_repeat or args.repeat) if n >= 50_000 else args.repeat
            print(f"{n} entries ({repeat} repeats):")
            for line in run_size(client, f"{home}/{base_name}/n{n}",
                                 f"{home}/{base_name}/empty", repeat):
                print(line)
        if args.offline:
            print(f"{args.offline} entries, offline ({args.repeat} repeats):")
            for line in offline(client, f"{home}/{base_name}/n{sizes[0]}", args.offline,
                                args.repeat):
                print(line)
        print("calls per action:")
        for line in calls_per_action(client, f"{home}/{base_name}",
                                     f"{home}/{base_name}/n{sizes[0]}"):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
