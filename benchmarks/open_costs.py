"""What opening a widget costs when there are many grantees: gRPC calls, and latency.

Usage::

    python benchmarks/open_costs.py            # starts a revad with 200 more users

1. **Calls to open** the Browser and CS3App on a folder shared with 20 and
   with 200 users (each share by a different grantee; marie owns the
   first folder, richard the second), each on a fresh client (no name
   cached): gRPC calls by method, counted by the client.
2. **ShareDialog latency**: every gRPC call delayed by 20 ms (a client-side
   interceptor, as a far server would), a ShareDialog opened on a file with
   5 grantees and on one with 50, none of them seen by the client before
   (a fresh client each run; its login is not timed). Timed from the
   constructor to the dialog's rows shown with their names, i.e. until its
   runner has nothing left to do. Runs interleaved; medians; the goal is
   50 grantees <= 1.5x the time of 5.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from common import Timings, interleave, machine
from cs3.gateway.v1beta1 import gateway_api_pb2_grpc as gw_grpc

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.models import User
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig
from cs3widgets.devserver.users import extra_users
from cs3widgets.widgets import Browser, CS3App, ShareDialog

#: Grantees of the two folders (calls) and of the two files (latency).
CALL_COUNTS = (20, 200)
LATENCY_COUNTS = (5, 50)


class Latency(grpc.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    """Delay every unary call by ``seconds`` before it is sent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        time.sleep(self.seconds)
        return continuation(details, request)


def add_latency(client: CS3Client, seconds: float) -> None:
    """Route the client's calls through :class:`Latency` (stub and raw requests alike)."""
    conn = client.conn
    conn._channel = grpc.intercept_channel(conn._channel, Latency(seconds))
    conn.stub = gw_grpc.GatewayAPIStub(conn._channel)


def login(server: RevadServer, username: str) -> CS3Client:
    client = CS3Client(server.gateway, BasicAuth(username, DEMO_USERS[username].password),
                       deadline=120)
    client.conn.token()  # the login itself is not what is measured
    return client


def share_with(client: CS3Client, path: str, people: list[User]) -> None:
    for person in people:
        client.shares.create(path, person, "Viewer")


def calls_to_open(server: RevadServer, username: str, make: Callable[[CS3Client], Any]
                  ) -> Counter[str]:
    with login(server, username) as client:
        before = Counter(client.conn.calls)
        widget = make(client)
        if not widget.wait(300):
            raise SystemExit("the widget's work did not finish")
        widget.close()
        return Counter(client.conn.calls) - before


def dialog_open_time(server: RevadServer, path: str, latency: float) -> float:
    with login(server, "einstein") as client:
        add_latency(client, latency)
        start = time.perf_counter()
        dialog = ShareDialog(path, client=client)
        if not dialog.wait(300):
            raise SystemExit("the dialog's work did not finish")
        took = time.perf_counter() - start
        if dialog.banner.is_error:
            raise SystemExit(f"the dialog failed: {dialog.banner.message}")
        dialog.close()
        return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs; medians kept")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="cs3w-bench-costs-"))
    people = [User(u.username, u.display_name, opaque_id=u.opaque_id)
              for u in extra_users(max(CALL_COUNTS))]
    failed = False
    try:
        with RevadServer(SiteConfig(root=root, extra_users=len(people))) as server:
            people = [User(p.username, p.display_name, idp=server.site.http_url,
                           opaque_id=p.opaque_id) for p in people]
            print(f"machine: {machine()}")
            print("calls to open (fresh client; gRPC calls by method, the login not counted):")
            opened: dict[str, dict[int, Counter[str]]] = {"Browser": {}, "CS3App": {}}
            for owner, count in zip(("marie", "richard"), CALL_COUNTS, strict=True):
                with login(server, owner) as c:
                    folder = f"{c.identity.home()}/costs/shared"
                    c.files.mkdir(folder, parents=True)
                    c.transfers.upload(b"data", f"{folder}/a.txt")
                    share_with(c, folder, people[:count])
                opened["Browser"][count] = calls_to_open(
                    server, owner, lambda cl, f=folder: Browser(f.rsplit("/", 1)[0], client=cl))
                opened["CS3App"][count] = calls_to_open(
                    server, owner, lambda cl, f=folder: CS3App(f, client=cl))
            for name, by_count in opened.items():
                for count, calls in by_count.items():
                    print(f"  {name:8s} {count:4d} shares: {sum(calls.values()):3d} calls"
                          f"  {dict(sorted(calls.items()))}")
                same = len({tuple(sorted(c.items())) for c in by_count.values()}) == 1
                failed |= not same
                print(f"  {name}: {'the same' if same else 'NOT the same'} with "
                      f"{CALL_COUNTS[0]} and {CALL_COUNTS[1]} shares")

            latency = args.latency_ms / 1000
            with login(server, "einstein") as c:
                home = c.identity.home()
                files = {}
                start = 0
                for count in LATENCY_COUNTS:
                    files[count] = f"{home}/costs-latency-{count}.txt"
                    c.transfers.upload(b"data", files[count])
                    share_with(c, files[count], people[start:start + count])
                    start += count
            wall = Timings()
            runs = [lambda n=n: wall.add(str(n), dialog_open_time(server, files[n], latency))
                    for n in LATENCY_COUNTS]
            dialog_open_time(server, files[LATENCY_COUNTS[0]], latency)  # warm-up
            interleave(args.repeat, runs)
            few, many = (str(n) for n in LATENCY_COUNTS)
            print(f"ShareDialog open, {args.latency_ms:.0f} ms added per gRPC call, "
                  f"{args.repeat} interleaved runs, medians (fresh client, unseen grantees):")
            for n in LATENCY_COUNTS:
                runs_ms = " ".join(f"{x * 1000:.0f}" for x in wall.samples[str(n)])
                print(f"  {n:3d} grantees  {wall.median(str(n)) * 1000:7.1f} ms"
                      f"  (runs {runs_ms})")
            ratio = wall.ratio(many, few)
            met = ratio <= 1.5
            failed |= not met
            print(f"  {many} / {few} grantees: {ratio:.2f}x (per-run pairs, median "
                  f"{wall.paired(many, few):.2f}x); goal <= 1.5x: {'met' if met else 'NOT met'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
