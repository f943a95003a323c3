"""The Browser's table drawn by JupyterLab in Chromium: first page and next page.

Usage (needs the browser-test setup: JupyterLab and /usr/bin/chromium)::

    python benchmarks/table_render_lab.py                  # page sizes 25,50,100,200
    python benchmarks/table_render_lab.py --page-sizes 50

One JupyterLab server; per page size one notebook that builds 100,000
entries in memory (no CS3 server: what is timed is the table), then shows
them. Timed from the cell's run to the last row of the page drawn with the
right name:

- ``first ms``: a fresh table shows its first page (its row widgets made,
  sent and drawn);
- ``next ms``: a click on Next until the page's last row shows its new name
  (the row widgets reused: only changed texts travel);
- ``ratio``: first / the baseline, the former listing (one ``SelectMultiple``
  of the page's rows as text options) timed the same way in the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser.pages import _LAB_KERNEL_IDLE, launch_chromium
from browser.servers import FrontendServer, isolated_jupyter_env

SETUP = (
    "import sys\n"
    f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
    "import ipywidgets as w\n"
    "from table_page import entries\n"
    "from cs3widgets.widgets.browser.my_files import FILES_COLUMNS, entry_cells\n"
    "from cs3widgets.widgets.browser.listing import PagedListing\n"
    "items = entries(100_000)\n"
    "print('READY', len(items))"
)


def table_cell(n: int) -> str:
    return (f"listing = PagedListing(page_size={n})\n"
            "listing.set_items(items, key=lambda e: e.path, cells=entry_cells,"
            " columns=FILES_COLUMNS)\nlisting")


def select_cell(n: int) -> str:
    return (f"select = w.SelectMultiple(rows=15, options=[(' '.join(entry_cells(e)), e.path)"
            f" for e in items[:{n}]])\nselect")


def notebook(path: Path, cell: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(cell)]
    nbformat.write(nb, path)


def shown(page: object, selector: str, text: str) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "([sel, want]) => { const e = document.querySelector(sel);"
        " return !!e && e.textContent.trim().includes(want); }",
        arg=[selector, text], polling=10)


def timed_run(chromium: object, lab: FrontendServer, name: str, selector: str,
              text: str) -> tuple[object, float]:
    page = chromium.new_page(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
    page.set_default_timeout(180_000)
    page.goto(lab.notebook_url(name), wait_until="domcontentloaded")
    page.wait_for_function(_LAB_KERNEL_IDLE, polling=200)
    run_next = "() => window.jupyterapp.commands.execute('notebook:run-cell-and-select-next')"
    page.evaluate(run_next)
    page.get_by_text("READY 100000").wait_for()
    page.wait_for_function(_LAB_KERNEL_IDLE, polling=100)
    start = time.perf_counter()
    page.evaluate(run_next)
    shown(page, selector, text)
    return page, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page-sizes", default="25,50,100,200")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.page_sizes.split(",") if x.strip()]
    base = Path(tempfile.mkdtemp(prefix="cs3w-table-bench-"))
    root = base / "root"
    root.mkdir()
    for n in sizes:
        notebook(root / f"table{n}.ipynb", table_cell(n))
        notebook(root / f"select{n}.ipynb", select_cell(n))
    env = isolated_jupyter_env(base / "home")
    print(f"{'page':>5} {'select ms':>10} {'first ms':>9} {'ratio':>6} {'next ms':>8}")
    with FrontendServer("lab", root, base / "home", env) as lab, sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            for n in sizes:
                last = f"f{n - 1:06d}.dat"
                page, select = timed_run(chromium, lab, f"select{n}.ipynb",
                                         f"select option:nth-child({n})", last)
                page.close()  # type: ignore[attr-defined]
                row = f".cs3w-table .cs3w-name.cs3w-row-{n - 1}"
                page, first = timed_run(chromium, lab, f"table{n}.ipynb", row, last)
                start = time.perf_counter()
                page.locator("button", has_text="Next").click()  # type: ignore[attr-defined]
                shown(page, row, f"f{2 * n - 1:06d}.dat")
                turned = time.perf_counter() - start
                page.close()  # type: ignore[attr-defined]
                print(f"{n:>5} {select * 1000:>10.0f} {first * 1000:>9.0f} "
                      f"{first / select:>6.1f} {turned * 1000:>8.0f}", flush=True)
        finally:
            chromium.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
