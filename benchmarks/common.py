"""Shared pieces of the benchmarks: a server to run against, curl, medians, the machine."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cs3widgets.client import BasicAuth, CS3Client

MiB = 1024 * 1024


def machine() -> str:
    """One line describing this machine (CPUs, load, Python)."""
    load = os.getloadavg()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu or platform.machine()}), load {load[0]:.1f}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def add_server_args(parser: argparse.ArgumentParser) -> None:
    """--gateway/--user/--password (default: start a local revad)."""
    parser.add_argument("--gateway", help="CS3 gateway host:port (default: start a revad)")
    parser.add_argument("--user", default="einstein")
    parser.add_argument("--password", default=None, help="default: CS3_PASSWORD or the demo's")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs; medians kept")


@contextmanager
def server_client(args: argparse.Namespace) -> Iterator[tuple[CS3Client, str, object]]:
    """A logged-in client, the password, and the local RevadServer (or None)."""
    password = args.password or os.environ.get("CS3_PASSWORD")
    server = None
    root = None
    gateway = args.gateway
    try:
        if gateway is None:
            from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig

            root = Path(tempfile.mkdtemp(prefix="cs3w-bench-"))
            server = RevadServer(SiteConfig(root=root))
            server.start()
            gateway = server.gateway
            password = password or DEMO_USERS[args.user].password
        if not password:
            raise SystemExit("--password (or CS3_PASSWORD) is needed with --gateway")
        # A 100,000-entry ListContainer takes tens of seconds on a loaded machine.
        with CS3Client(gateway, BasicAuth(args.user, password), deadline=300) as client:
            yield client, password, server
    finally:
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


def write_headers(path: Path, headers: dict[str, str]) -> None:
    """curl's ``-H @file``: a 0600 file, so no token shows on a command line."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for k, v in headers.items():
            f.write(f"{k}: {v}\n")


def curl(args: list[str], header_file: Path) -> float:
    """Run curl with the headers from a file; return the wall time."""
    cmd = ["curl", "--silent", "--show-error", "--fail", "-H", f"@{header_file}", *args]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


class Timings:
    """Wall times per label over interleaved repeats; medians and ratios."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def add(self, label: str, seconds: float) -> None:
        self.samples.setdefault(label, []).append(seconds)

    def time(self, label: str, fn: Callable[[], object]) -> object:
        start = time.perf_counter()
        out = fn()
        self.add(label, time.perf_counter() - start)
        return out

    def median(self, label: str) -> float:
        return statistics.median(self.samples[label])

    def ratio(self, label: str, baseline: str) -> float:
        """``label``'s median time over ``baseline``'s (lower is better; 1.0 = as fast)."""
        return self.median(label) / self.median(baseline)

    def paired(self, label: str, baseline: str) -> float:
        """The median over repeats of ``label``'s time over ``baseline``'s in the same repeat."""
        return paired_ratio(self.samples[label], self.samples[baseline])


def paired_ratio(times: list[float], baselines: list[float]) -> float:
    """Median of ``times[i] / baselines[i]``: each run against its neighbour in time."""
    return statistics.median(t / b for t, b in zip(times, baselines, strict=True))


def interleave(repeat: int, runs: list[Callable[[], None]]) -> None:
    """Run every function ``repeat`` times, rotating which goes first."""
    for i in range(repeat):
        k = i % len(runs)
        for run in runs[k:] + runs[:k]:
            run()
