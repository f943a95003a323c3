"""Sample data for the demo and the notebook tests.

Creates, through the CS3 API, what a newcomer should see in the widgets:
folders, a CSV to analyse, a large folder, files shared between the demo
users (one accepted, one pending) and a public link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from cs3widgets.client import BasicAuth, CS3Client

from .server import RevadServer
from .users import DEMO_USERS

#: How many entries the demo's large folder holds.
LARGE_FOLDER_SIZE = 5000
#: Where the gallery notebooks go in the demo user's CS3 home.
GALLERY = "/home/Gallery"


@dataclass(frozen=True)
class SeededData:
    """Paths the notebooks and tests can rely on."""

    csv: str = "/home/Data/measurements.csv"
    large_folder: str = "/home/Data/many-files"
    shared_folder: str = "/home/Shared/with-marie"
    pending_from_marie: str = "/home/Radium notes"


def _client(server: RevadServer, username: str) -> CS3Client:
    user = DEMO_USERS[username]
    return CS3Client(server.gateway, BasicAuth(user.username, user.password))


def measurements_csv(rows: int = 200) -> bytes:
    """A small, plausible detector-measurement table."""
    lines = ["run,time_s,energy_gev,counts"]
    for i in range(rows):
        t = i * 0.5
        energy = 91.2 + 2.5 * math.sin(i / 7.0)
        counts = int(1000 * math.exp(-((energy - 91.2) ** 2) / 8.0)) + (i % 13)
        lines.append(f"{1000 + i // 50},{t:.1f},{energy:.3f},{counts}")
    return ("\n".join(lines) + "\n").encode()


def _large_folder_on_disk(server: RevadServer, username: str, relative: str, n: int) -> None:
    # Thousands of uploads through the API would take minutes; the local
    # driver keeps files as plain files, so lay them down directly.
    folder = server.home_dir(username) / relative.strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"event-{i:05d}.dat").write_bytes(b"")


def seed_demo(server: RevadServer, *, large_folder_size: int = LARGE_FOLDER_SIZE) -> SeededData:
    """Fill a fresh site with the demo data (call once per site)."""
    data = SeededData()
    with _client(server, "einstein") as einstein, _client(server, "marie") as marie:
        files = einstein.files
        for folder in ("/home/Data", "/home/Documents", "/home/Shared/with-marie", "/home/Results"):
            files.mkdir(folder, parents=True, exist_ok=True)
        einstein.transfers.upload(measurements_csv(), data.csv)
        einstein.transfers.upload(
            b"# Notes\n\nE = mc^2, to be double-checked.\n", "/home/Documents/notes.md"
        )
        einstein.transfers.upload(b"draft v1\n", "/home/Documents/paper.txt")
        # A second upload makes a version the info panel can restore.
        einstein.transfers.upload(b"draft v2\n", "/home/Documents/paper.txt")
        einstein.transfers.upload(
            b"Shared analysis plan.\n", f"{data.shared_folder}/plan.txt"
        )
        einstein.files.touch("/home/.hidden-settings")
        _large_folder_on_disk(server, "einstein", "Data/many-files", large_folder_size)

        einstein.shares.create(data.shared_folder, "marie", "Editor")
        for received in marie.shares.received():
            if received.state == "pending":
                marie.shares.accept(received.share.id)
        einstein.links.create("/home/Documents/notes.md", "Viewer")

        marie.files.mkdir(data.pending_from_marie, exist_ok=True)
        marie.transfers.upload(b"Ra: 226.03 u\n", f"{data.pending_from_marie}/radium.txt")
        marie.shares.create(data.pending_from_marie, "einstein", "Viewer")
    with _client(server, "richard") as richard:
        richard.files.mkdir("/home/Lectures", exist_ok=True)
        richard.transfers.upload(b"QED, lecture 1\n", "/home/Lectures/qed-1.txt")
    return data


def seed_gallery(
    server: RevadServer, notebooks: Path, *, username: str = "einstein", folder: str = GALLERY
) -> list[str]:
    """Upload the gallery notebooks (``*.ipynb`` of ``notebooks``) into ``folder`` on CS3.

    The demo's JupyterLab serves CS3 through the CS3 contents manager, so
    the notebooks are opened, run and saved there, as SWAN keeps them on
    CERNBox, and the repository's copies are never written. Returns the CS3
    paths.
    """
    with _client(server, username) as client:
        client.files.mkdir(folder, parents=True, exist_ok=True)
        paths = []
        for nb in sorted(notebooks.glob("*.ipynb")):
            target = f"{folder}/{nb.name}"
            client.transfers.upload(nb.read_bytes(), target)
            paths.append(target)
    return paths


__all__ = [
    "GALLERY",
    "LARGE_FOLDER_SIZE",
    "SeededData",
    "measurements_csv",
    "seed_demo",
    "seed_gallery",
]
