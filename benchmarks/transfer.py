"""Upload/download throughput of cs3widgets' Transfers against curl, and RSS growth.

Usage::

    python benchmarks/transfer.py                 # 1 GiB, starts its own revad
    python benchmarks/transfer.py --size 256M
    python benchmarks/transfer.py --gateway host:19000 --user einstein --password relativity

For each direction the same data endpoint is driven by our code and by curl
with the same headers (endpoint and transfer token from InitiateFileUpload /
InitiateFileDownload). Uploads: ours uses tus (chunked PATCHes); curl sends
the whole body as one tus PATCH (``-T file -X PATCH``), the fastest a tus
client can be, and, for reference, one simple PUT. Downloads: one GET each.
The aim is ours/curl >= 0.9 and a peak RSS growth under 64 MiB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.client.transfers import DEFAULT_CHUNK_SIZE, Transfers
from cs3widgets.devserver.datagen import MiB, sha256_file, write_random

_UNITS = {"": 1, "K": 1024, "M": MiB, "G": 1024 * MiB, "T": 1024 * 1024 * MiB}


def parse_size(text: str) -> int:
    """'1G', '256M', '1GiB', '512MB', '1048576' -> bytes (binary units)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def vm_hwm() -> int:
    """Peak resident set size of this process so far, bytes (Linux VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False




def curl(args: list[str], header_file: Path) -> float:
    """Run curl with the headers from a 0600 file (no token on the command line)."""
    cmd = ["curl", "--silent", "--show-error", "--fail", "-H", f"@{header_file}", *args]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def write_headers(path: Path, headers: dict[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for k, v in headers.items():
            f.write(f"{k}: {v}\n")


def mbps(size: int, seconds: float) -> float:
    return size / seconds / 1e6


def run(client: CS3Client, size: int, workdir: Path, chunk_size: int, repeat: int) -> int:
    t = Transfers(client.conn, chunk_size=chunk_size)
    home = client.identity.home()
    src = workdir / "source.bin"
    print(f"writing {size / MiB:.0f} MiB of random data ...", flush=True)
    expected = write_random(src, size)
    headers_file = workdir / "headers"
    base = f"{home}/cs3w-bench-{os.getpid()}"
    t.files.mkdir(base, exist_ok=True)

    # Warm up: imports, connection pool, login (not measured).
    t.upload(b"warm-up", f"{base}/warm")
    t.read_bytes(f"{base}/warm")

    best: dict[str, float] = {}

    def record(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, float("inf")), seconds)

    hwm_reset = reset_hwm()
    rss_before = vm_hwm()
    rss_after = rss_before
    for i in range(repeat):
        # -- ours: upload (tus) and download -------------------------------
        dest = f"{base}/ours-{i}.bin"
        start = time.perf_counter()
        t.upload(src, dest)
        record("ours_up", time.perf_counter() - start)

        # -- curl: same endpoints, same headers ----------------------------
        cdest = f"{base}/curl-tus-{i}.bin"
        tus = t._initiate_upload(cdest, size)["tus"]
        write_headers(
            headers_file,
            t._headers(tus.token)
            | {
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        )
        record("curl_up_tus", curl(["-X", "PATCH", "-T", str(src), tus.upload_endpoint],
                                   headers_file))
        sdest = f"{base}/curl-simple-{i}.bin"
        simple = t._initiate_upload(sdest, size)["simple"]
        write_headers(headers_file, t._headers(simple.token) | {"Upload-Length": str(size)})
        record("curl_up_simple", curl(["-T", str(src), simple.upload_endpoint], headers_file))

        # Both download the same file, back to back after the uploads' dirty
        # pages reached the disk, and take turns going first, so that neither
        # page cache nor writeback favours one of them.
        os.sync()

        def ours_down(dest: str = dest, check: bool = i == 0) -> None:
            out = workdir / "ours.out"
            start = time.perf_counter()
            t.download(dest, out)
            record("ours_down", time.perf_counter() - start)
            if check and sha256_file(out) != expected:
                raise SystemExit("our download does not match the source")
            out.unlink()

        def curl_down(dest: str = dest, check: bool = i == 0) -> None:
            target = t.initiate_download(dest)
            write_headers(headers_file, t._headers(target.transfer_token))
            cout = workdir / "curl.out"
            record("curl_down", curl(["-o", str(cout), target.url], headers_file))
            if check and sha256_file(cout) != expected:
                raise SystemExit("curl's download does not match the source")
            cout.unlink()

        for run in (ours_down, curl_down) if i % 2 == 0 else (curl_down, ours_down):
            run()
            os.sync()
        rss_after = max(rss_after, vm_hwm())
        for p in (dest, cdest, sdest):
            t.files.delete(p)
    headers_file.unlink(missing_ok=True)
    for stale in (f"{base}/warm", base):
        t.files.delete(stale)

    print()
    print(f"size {size / MiB:.0f} MiB, tus chunk {chunk_size / MiB:.0f} MiB, best of {repeat}")
    print(f"upload   ours (tus)            {mbps(size, best['ours_up']):8.1f} MB/s")
    print(f"upload   curl (tus, 1 PATCH)   {mbps(size, best['curl_up_tus']):8.1f} MB/s")
    print(f"upload   curl (simple PUT)     {mbps(size, best['curl_up_simple']):8.1f} MB/s")
    print(f"download ours                  {mbps(size, best['ours_down']):8.1f} MB/s")
    print(f"download curl                  {mbps(size, best['curl_down']):8.1f} MB/s")
    up_ratio = best["curl_up_tus"] / best["ours_up"]
    up_ratio_simple = best["curl_up_simple"] / best["ours_up"]
    down_ratio = best["curl_down"] / best["ours_down"]
    growth = rss_after - rss_before
    print(f"ratio ours/curl: upload {up_ratio:.2f} (vs simple PUT {up_ratio_simple:.2f}), "
          f"download {down_ratio:.2f}")
    print(f"peak RSS growth during our transfers: {growth / MiB:.1f} MiB"
          f"{'' if hwm_reset else ' (VmHWM could not be reset; includes setup)'}")
    ok = min(up_ratio, down_ratio) >= 0.9 and growth < 64 * MiB
    print("aim (>= 0.9 of curl, RSS growth < 64 MiB):", "met" if ok else "NOT met")
    t.close()
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"),
                        help="bytes to transfer, e.g. 256M, 1G (default 1G)")
    parser.add_argument("--gateway", help="CS3 gateway host:port (default: start a revad)")
    parser.add_argument("--user", default="einstein")
    parser.add_argument("--password", default=None,
                        help="password (default: CS3_PASSWORD, or the demo user's)")
    parser.add_argument("--chunk-size", type=parse_size, default=DEFAULT_CHUNK_SIZE,
                        help="tus chunk size (default 16M)")
    parser.add_argument("--repeat", type=int, default=2, help="runs; the best is kept")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="local scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        gateway = args.gateway
        password = args.password or os.environ.get("CS3_PASSWORD")
        if gateway is None:
            from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig

            root = Path(tempfile.mkdtemp(prefix="cs3w-bench-"))
            stack.callback(shutil.rmtree, root, ignore_errors=True)
            server = RevadServer(SiteConfig(root=root))
            stack.enter_context(server)
            gateway = server.gateway
            password = password or DEMO_USERS[args.user].password
            print(f"started revad at {gateway}")
        if not password:
            parser.error("--password (or CS3_PASSWORD) is needed with --gateway")
        client = stack.enter_context(CS3Client(gateway, BasicAuth(args.user, password)))
        return run(client, args.size, workdir, args.chunk_size, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
