"""What a download to the user's computer costs the kernel, against a plain download.

Usage::

    python benchmarks/browser_download.py              # 256 MiB, starts its own revad
    python benchmarks/browser_download.py --size 64

Baseline: ``client.transfers.download(path, local_file)``, one GET into a
file. Measured in the same run, interleaved: the Browser's preparation of
the same file for the user's computer (``BrowserDownloads.prepare``: the
same GET into the download folder) and of its folder as a zip (the same
bytes through ``zipfile``, stored). Printed: medians and their ratio to the
baseline, and the Python heap's peak (tracemalloc) during each. The aim is
a ratio near 1.0 for the file, a small overhead for the zip, and a peak of
a few MiB whatever the size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from common import Timings, add_server_args, interleave, machine, server_client

from cs3widgets.devserver.datagen import MiB, write_random
from cs3widgets.widgets.browser.downloads import BrowserDownloads


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    add_server_args(ap)
    ap.add_argument("--size", type=int, default=256, help="MiB")
    args = ap.parse_args(argv)
    size = args.size * MiB
    print(machine())
    with server_client(args) as (client, _password, _server), \
            tempfile.TemporaryDirectory() as tmp:
        folder = f"{client.identity.home()}/bench-browser-download"
        client.files.mkdir(folder, exist_ok=True)
        local = Path(tmp) / "source.bin"
        write_random(local, size)
        client.transfers.upload(str(local), f"{folder}/data.bin")
        local.unlink()
        entry = client.files.stat(f"{folder}/data.bin")
        tree = client.files.stat(folder)
        downloads = BrowserDownloads(folder=str(Path(tmp) / "served"), url="/files/")
        timings = Timings()
        peaks: dict[str, int] = {}

        def measured(label: str, fn: Callable[[], object]) -> None:
            tracemalloc.start()
            try:
                timings.time(label, fn)
                peaks[label] = max(peaks.get(label, 0), tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
            downloads.discard()
            for f in Path(tmp).glob("plain-*"):
                f.unlink()

        runs = [
            lambda: measured("plain download", lambda: client.transfers.download(
                entry.path, str(Path(tmp) / f"plain-{os.getpid()}"))),
            lambda: measured("browser download (file)", lambda: downloads.prepare(client, entry)),
            lambda: measured("browser download (folder zip)",
                             lambda: downloads.prepare(client, tree)),
        ]
        interleave(args.repeat, runs)
        client.files.delete(folder)
    base = "plain download"
    print(f"{args.size} MiB, {args.repeat} interleaved runs, medians:")
    for label in ("plain download", "browser download (file)", "browser download (folder zip)"):
        med = timings.median(label)
        print(f"  {label:<32} {med:6.2f} s  {args.size / med:7.1f} MiB/s  "
              f"x{timings.ratio(label, base):.2f} of plain  "
              f"heap peak {peaks[label] / MiB:.1f} MiB")
    ok = all(p < 16 * MiB for p in peaks.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
