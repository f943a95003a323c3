"""The Browser's table: cost of its first page and of the next, by page size.

Usage::

    python benchmarks/table_page.py                      # page sizes 25,50,100,200
    python benchmarks/table_page.py --page-sizes 50 --repeat 5

No server: 100,000 entries are made in memory (what a listing answer gives
the table), shown with the My files view's columns. For each page size, in
the same run:

- ``first ms``: the first page of a fresh table (its row widgets made);
- ``next ms``: turning the page (the row widgets reused, no model made);
- ``models``: widget models the table holds after the first page;
- ``ratio``: first / the baseline, the former listing (one
  ``SelectMultiple`` given the page's rows as plain-text options).

Without a kernel no message is sent: a front end adds the drawing of each
widget on top (see the comment on ``DEFAULT_PAGE_SIZE`` in
cs3widgets/widgets/browser/listing.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from cs3widgets.client.models import Entry, EntryType
from cs3widgets.widgets.browser.listing import PagedListing
from cs3widgets.widgets.browser.my_files import FILES_COLUMNS, entry_cells

COUNT = 100_000


def entries(count: int) -> list[Entry]:
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    return [Entry(path=f"/home/big/f{i:06d}.dat", name=f"f{i:06d}.dat", type=EntryType.FILE,
                  size=i, mtime=when)
            for i in range(count)]


def baseline(items: list[Entry], page_size: int) -> float:
    """The former listing: one SelectMultiple, the page's rows as text options."""
    start = time.perf_counter()
    select = w.SelectMultiple(rows=15)
    select.options = [(" ".join(entry_cells(e)), e.path) for e in items[:page_size]]
    elapsed = time.perf_counter() - start
    select.close()
    return elapsed


def table(items: list[Entry], page_size: int) -> tuple[float, float, int]:
    """(first page s, next page s, models held) of a fresh table."""
    before = len(_instances)
    start = time.perf_counter()
    listing = PagedListing(page_size=page_size)
    listing.set_items(items, key=lambda e: e.path, cells=entry_cells, columns=FILES_COLUMNS)
    first = time.perf_counter() - start
    models = len(_instances) - before
    start = time.perf_counter()
    listing.show_page(1)
    turned = time.perf_counter() - start
    if len(_instances) - before != models:
        raise RuntimeError("turning the page made widget models")
    listing.close()
    return first, turned, models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page-sizes", default="25,50,100,200")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; best kept")
    args = parser.parse_args(argv)
    items = entries(COUNT)
    print(f"{'page':>5} {'select ms':>10} {'first ms':>9} {'ratio':>6} {'next ms':>8} "
          f"{'models':>7}")
    for page in [int(x) for x in args.page_sizes.split(",") if x.strip()]:
        base, runs = [], []
        for _ in range(args.repeat):  # interleaved
            base.append(baseline(items, page))
            runs.append(table(items, page))
        first = min(r[0] for r in runs)
        turned = min(r[1] for r in runs)
        print(f"{page:>5} {min(base) * 1000:>10.1f} {first * 1000:>9.1f} "
              f"{first / min(base):>6.1f} {turned * 1000:>8.1f} {runs[0][2]:>7}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
