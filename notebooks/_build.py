"""Writes the gallery notebooks from the cell sources below.

Run ``python notebooks/_build.py`` after editing; the notebooks are committed
as written here: a python3 kernelspec, no outputs, no widget state.
Every notebook takes its connection from the configuration (``CS3_GATEWAY``,
``CS3_USER``/``CS3_PASSWORD``, ``CS3_TOKEN_FILE`` or SWAN's token file, or
``c.CS3Config.*`` in a Jupyter config file), so it runs unchanged against
the local demo site and a real one.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

CONNECTION_NOTE = """\
**Connection.** The notebook connects from your configuration, never from
values typed into it: `CS3_GATEWAY` plus either `CS3_USER`/`CS3_PASSWORD`,
`CS3_TOKEN` or `CS3_TOKEN_FILE` (in SWAN the token file is found on its own).
With the local demo (`scripts/demo.sh`) all of this is already set."""

Cell = tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    """A markdown cell."""
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    """A code cell."""
    return ("code", text.strip("\n"))


QUICKSTART: list[Cell] = [
    md("""
# 01 · Quickstart: connect and browse

Browse your CS3 files (CERNBox, any ScienceMesh or Reva site) from a notebook.
"""),
    md(CONNECTION_NOTE),
    code("""
import cs3widgets

client = cs3widgets.connect()
me = client.whoami()
home = client.identity.home()
print(f"Connected to {client.gateway} as {me.username} ({me.display_name})")
print(f"Home folder: {home}")
"""),
    md("The service layer works without any widget, for scripts and pipelines:"),
    code("""
entries = client.files.list(home)
for entry in sorted(entries, key=lambda e: (not e.is_dir, e.name.lower())):
    kind = "folder" if entry.is_dir else f"{entry.size:,} bytes"
    print(f"{entry.name:<30} {kind}")
print(f"{len(entries)} entries in {home}")
"""),
    md("""
## The file browser

Click a folder's name to open it and a file's name to select it (tick the
boxes to select several), click a column header to sort (again to reverse),
use the breadcrumb to go back, and switch to *Shared with me*, *Public links*
or *Trash* at the top.
"""),
    code("""
from cs3widgets.widgets import Browser

browser = Browser(home, client=client)
browser
"""),
    md("""
The browser has a Python side too: `browser.path` is the folder shown (set it
to navigate) and `browser.selected` lists what you selected.
"""),
    code("""
browser.wait()  # the browser loads in the background; a script waits for it
print("Showing:", browser.path)
print("Rows:", [e.name for e in browser.entries][:10])
print("Selected:", browser.selected)
"""),
    md("## Your account"),
    code("""
from cs3widgets.widgets import AccountPanel

AccountPanel(client=client)
"""),
]

SHARING: list[Cell] = [
    md("""
# 02 · Sharing with a colleague

Share a folder with a colleague, then — logged in as that colleague — accept the
share and read the file.

The colleague is `CS3_PEER_USER` with password `CS3_PEER_PASSWORD`. With the
local demo they default to **marie** / **radioactivity** (the demo users are
einstein/relativity, marie/radioactivity, richard/superfluidity). On a real
site, set both to an account you may log in as, or skip part 2.
"""),
    md(CONNECTION_NOTE),
    code("""
import os

import cs3widgets

client = cs3widgets.connect()
me = client.whoami()
home = client.identity.home()
PEER_USER = os.environ.get("CS3_PEER_USER", "marie")
PEER_PASSWORD = os.environ.get("CS3_PEER_PASSWORD", "radioactivity")

folder = f"{home}/gallery-shared-results"
client.files.mkdir(folder, exist_ok=True)
client.transfers.upload(b"mass,error\\n125.10,0.14\\n", f"{folder}/results.csv")
print(f"{me.username} prepared {folder}")
"""),
    md("## 1 · Share it (as you)"),
    md("""
The dialog below searches users and groups as you type; pick one, choose a role
and click **Share**. The next cell does the same from Python, so that the
notebook also runs top to bottom on its own.
"""),
    code("""
from cs3widgets.widgets import ShareDialog

dialog = ShareDialog(folder, client=client)
dialog
"""),
    code("""
existing = [s for s in client.shares.list(folder) if s.grantee.name == PEER_USER]
share = existing[0] if existing else client.shares.create(folder, PEER_USER, "Viewer")
dialog.load()  # show the grantee in the dialog above
print(f"{folder} is shared with {share.grantee.label} as {share.role}")
"""),
    md("## 2 · Accept and read it (as your colleague)"),
    code("""
peer = cs3widgets.connect(user=PEER_USER, password=PEER_PASSWORD, auth="basic")
received = peer.shares.get_received(share.id)
print(f"{PEER_USER} sees the share from {received.share.owner}: {received.state}")
if received.state != "accepted":
    received = peer.shares.accept(share.id)
print(f"accepted; it appears at {received.path}")
"""),
    code("""
content = peer.transfers.read_bytes(f"{received.path}/results.csv").decode()
print(f"{PEER_USER} reads results.csv:")
print(content)
"""),
    md("Your colleague's browser, on the *Shared with me* view:"),
    code("""
from cs3widgets.widgets import Browser

peer_browser = Browser(client=peer)
peer_browser.view = "received"
peer_browser
"""),
]

KERNEL_ACCESS: list[Cell] = [
    md("""
# 03 · Your CS3 files from the kernel: `cs3://`

Once `cs3widgets` is installed, `cs3://` paths work wherever fsspec does:
pandas, xarray, dask, `fsspec.open`. `cs3://home/x.csv` is the CS3 path
`/home/x.csv`.
"""),
    md(CONNECTION_NOTE),
    code("""
import fsspec
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import cs3widgets

client = cs3widgets.connect()
home = client.identity.home()


def cs3_url(path: str) -> str:
    \"\"\"The cs3:// URL of a CS3 path.\"\"\"
    return "cs3://" + path.lstrip("/")


# The demo site has a measurements table; elsewhere, make a small one.
csv_path = f"{home}/Data/measurements.csv"
if not client.files.exists(csv_path):
    csv_path = f"{home}/cs3widgets-gallery/measurements.csv"
    client.files.mkdir(f"{home}/cs3widgets-gallery", exist_ok=True)
    i = np.arange(200)
    energy = 91.2 + 2.5 * np.sin(i / 7.0)
    sample = pd.DataFrame({
        "run": 1000 + i // 50,
        "time_s": i * 0.5,
        "energy_gev": energy.round(3),
        "counts": (1000 * np.exp(-((energy - 91.2) ** 2) / 8.0)).astype(int) + i % 13,
    })
    sample.to_csv(cs3_url(csv_path), index=False)
print("input:", cs3_url(csv_path))
"""),
    code("""
df = pd.read_csv(cs3_url(csv_path))
print(f"{len(df)} rows, columns: {', '.join(df.columns)}")
df.head()
"""),
    md("## A summary per run, written back next to the data"),
    code("""
summary = df.groupby("run").agg(
    rows=("counts", "size"), total_counts=("counts", "sum"), mean_energy=("energy_gev", "mean")
)
results = f"{home}/Results"
client.files.mkdir(results, exist_ok=True)
summary.to_csv(cs3_url(f"{results}/summary-by-run.csv"))
print(summary.to_string())
print("written:", cs3_url(f"{results}/summary-by-run.csv"))
"""),
    md("## A plot, saved to CS3 as well"),
    code("""
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(df["energy_gev"], df["counts"], s=8, c=df["run"], cmap="viridis")
ax.set_xlabel("energy [GeV]")
ax.set_ylabel("counts")
ax.set_title("Counts against energy")
fig.tight_layout()
with fsspec.open(cs3_url(f"{results}/counts-vs-energy.png"), "wb") as f:
    fig.savefig(f, format="png")
print("saved:", cs3_url(f"{results}/counts-vs-energy.png"))
plt.show()
"""),
    code("""
fs = fsspec.filesystem("cs3")
for name in sorted(fs.ls(results, detail=False)):
    print(name, fs.size(name), "bytes")
"""),
]

LINKS_AND_FEDERATION: list[Cell] = [
    md("""
# 04 · Public links and federated sharing

A **public link** lets anyone with the URL (and the password, if you set one)
open a file or folder, without an account. **Federated sharing** (OCM,
ScienceMesh) shares with a user at another site.
"""),
    md(CONNECTION_NOTE),
    code("""
import secrets

import cs3widgets
from cs3widgets.client import CS3Client
from cs3widgets.client.auth import PublicLinkAuth
from cs3widgets.client.errors import Unimplemented

client = cs3widgets.connect()
home = client.identity.home()
folder = f"{home}/gallery-poster"
client.files.mkdir(folder, exist_ok=True)
client.transfers.upload(b"Poster: the CS3 APIs in a notebook\\n", f"{folder}/poster.txt")
print("sharing", folder)
"""),
    md("""
## A password-protected public link

The password is kept in the variable `link_password`: give it to your reader
over another channel. It is never stored in the link, the widget or the
notebook.
"""),
    code("""
link_password = secrets.token_urlsafe(12)
link = client.links.create(folder, "Viewer", password=link_password, display_name="poster")
print(f"link created: role {link.role}, password protected: {link.password_protected}")
print("URL:", link.url or "(this site has no public link URL configured)")
"""),
    md("What the reader sees, anonymously, with the link and its password:"),
    code("""
with CS3Client(client.gateway, PublicLinkAuth(link.token, link_password)) as reader:
    names = [e.name for e in reader.files.list(reader.auth.root)]
    text = reader.transfers.read_bytes(f"{reader.auth.root}/poster.txt").decode()
print("the reader sees:", names)
print("poster.txt says:", text.strip())
"""),
    md("The share dialog lists the links of the folder (and creates, copies and deletes them):"),
    code("""
from cs3widgets.widgets import ShareDialog

ShareDialog(folder, client=client)
"""),
    md("""
## Federated sharing (OCM / ScienceMesh)

Sharing with someone at another site takes an invitation first:

1. you generate an invitation token here;
2. your colleague accepts it at their site (their site and yours must trust
   each other, e.g. both in the ScienceMesh);
3. they then appear among your *remote users*, and you can share with them
   from Python or from the share dialog's *Other sites* section.

Not every site runs the OCM services. The next cell finds out and says so.
"""),
    code("""
try:
    invite = client.ocm.generate_invite("cs3widgets gallery")
except Unimplemented as exc:
    ocm_enabled = False
    print("Federated sharing (OCM) is NOT enabled on this site:", exc.message)
    print("Public links and shares with local users still work.")
else:
    ocm_enabled = True
    print("Federated sharing (OCM) is enabled on this site.")
    print("An invitation was created (the token is in invite.token); "
          f"it expires {invite.expiration}.")
"""),
    code("""
if ocm_enabled:
    remote = client.ocm.remote_users()
    print(f"{len(remote)} remote user(s) accepted your invitations")
    if remote:
        ocm_share = client.ocm.share(folder, remote[0], "Viewer")
        print(f"shared {folder} with {remote[0].username}@{remote[0].idp}")
    else:
        print("Once a colleague accepts the invitation, share with: "
              "client.ocm.share(folder, client.ocm.remote_users()[0], 'Viewer')")
else:
    print("Skipped: no federated sharing on this site.")
"""),
]

DASHBOARD: list[Cell] = [
    md("""
# Measurements dashboard

Pick a CSV on your CS3 storage, choose where the result goes and who gets it,
and click **Analyse and share**. The browser beside the pickers shows your
results folder: select a file (or a folder) and click **Download** to save it
on your computer. Run it as an app with Voilà (`voila --template=cs3w
notebooks/dashboard.ipynb`, see the README for the download settings).
"""),
    code("""
import html
import io
import os

import ipywidgets as w
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import cs3widgets
from cs3widgets.client.errors import AlreadyExists, CS3Error
from cs3widgets.widgets import Browser, FileChooser

client = cs3widgets.connect()
home = client.identity.home()
me = client.whoami()
data_dir = f"{home}/Data" if client.files.exists(f"{home}/Data") else home
results_dir = f"{home}/Results"
client.files.mkdir(results_dir, exist_ok=True)
default_csv = "measurements.csv" if client.files.exists(f"{data_dir}/measurements.csv") else ""
"""),
    code("""
# Widths that follow the window: a phone (390 px) stacks the pickers above
# the browser, a desktop (1400 px) puts them side by side.
fit = dict(width="auto", max_width="100%", min_width="0")
input_chooser = FileChooser(data_dir, filename=default_csv, title="<b>Input CSV</b>",
                            filter_pattern="*.csv", select_default=bool(default_csv),
                            client=client, layout=w.Layout(**fit))
output_chooser = FileChooser(results_dir, title="<b>Save results in</b>", show_only_dirs=True,
                             select_default=True, client=client, layout=w.Layout(**fit))
colleague = w.Text(value=os.environ.get("CS3_PEER_USER", "marie"), description="Share with",
                   placeholder="user name (empty: do not share)",
                   layout=w.Layout(flex="1 1 14em", min_width="0"))
analyse_button = w.Button(description="Analyse and share", button_style="primary",
                          icon="bar-chart", layout=w.Layout(width="auto", flex="0 0 auto"))
status = w.HTML()
# Hidden until there is a plot: an empty Image shows as a broken image.
plot = w.Image(format="png", layout=w.Layout(max_width="100%", display="none"))
browser = Browser(results_dir, client=client, visible_rows=10,
                  layout=w.Layout(flex="2 1 26em", min_width="0"))
"""),
    code("""
def analyse(_button=None):
    \"\"\"Read the chosen CSV, summarise per run, save CSV + plot, share the summary.\"\"\"
    input_chooser.wait()  # the choosers list the server in the background
    output_chooser.wait()
    source = input_chooser.selected
    target = output_chooser.selected_path
    if not source or not target:
        status.value = "<span style='color:#b00'>Choose an input CSV and a folder first.</span>"
        return
    status.value = f"Analysing {html.escape(source)}…"
    try:
        df = pd.read_csv(io.BytesIO(client.transfers.read_bytes(source)))
        summary = df.groupby("run").agg(total_counts=("counts", "sum"),
                                        mean_energy=("energy_gev", "mean"))
        stem = source.rsplit("/", 1)[-1].removesuffix(".csv")
        summary_path = f"{target}/{stem}-summary.csv"
        plot_path = f"{target}/{stem}-counts.png"
        client.transfers.upload(summary.to_csv().encode(), summary_path)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.bar(summary.index.astype(str), summary["total_counts"])
        ax.set_xlabel("run")
        ax.set_ylabel("total counts")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        client.transfers.upload(buf.getvalue(), plot_path)
        plot.value = buf.getvalue()
        plot.layout.display = None
        shared = ""
        user = colleague.value.strip()
        if user:
            try:
                client.shares.create(summary_path, user, "Viewer")
            except AlreadyExists:
                pass
            shared = f" and shared it with {html.escape(user)}"
        status.value = (f"<span style='color:#070'>Saved {html.escape(summary_path)} and "
                        f"{html.escape(plot_path)}{shared}.</span>")
        if browser.path == target:
            browser.refresh()  # the new files, ready to download
    except (CS3Error, ValueError, KeyError) as exc:
        status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"


analyse_button.on_click(analyse)
pickers = w.VBox([
    input_chooser, output_chooser,
    w.HBox([colleague, analyse_button],
           layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%")),
    status, plot,
], layout=w.Layout(flex="1 1 20em", min_width="0", max_width="38em"))
w.VBox([
    w.HTML(f"<h3>Signed in as {html.escape(me.display_name or me.username)}</h3>"),
    w.Box([pickers, browser],
          layout=w.Layout(display="flex", flex_flow="row wrap", align_items="flex-start",
                          grid_gap="1em", width="100%")),
], layout=w.Layout(width="100%", min_width="0")).add_class("cs3w-dashboard")
"""),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "01-quickstart.ipynb": QUICKSTART,
    "02-sharing.ipynb": SHARING,
    "03-kernel-access.ipynb": KERNEL_ACCESS,
    "04-public-links-and-federation.ipynb": LINKS_AND_FEDERATION,
    "dashboard.ipynb": DASHBOARD,
}


def build(cells: list[Cell]) -> nbformat.NotebookNode:
    """A notebook of ``cells``: kernelspec set, no outputs, no widget state."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python"}}
    for i, (kind, source) in enumerate(cells):
        cell = (nbformat.v4.new_markdown_cell(source) if kind == "md"
                else nbformat.v4.new_code_cell(source))
        cell.id = f"cell-{i:02d}"  # stable ids: rebuilding changes nothing
        nb.cells.append(cell)
    return nb


def main() -> None:
    """Write every notebook next to this script."""
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
