"""Finds (and if need be builds) the pinned revad binary."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build-revad.sh"


def cache_dir() -> Path:
    """Where revad builds and virtualenvs are cached, outside the repository."""
    return Path(os.environ.get("CS3W_CACHE", Path.home() / ".cache" / "cs3widgets"))


#: The Reva lines the project builds and tests (``scripts/build-revad.sh``).
LINES = ("v3", "v1.29", "v3.12")


def reva_line() -> str:
    """The Reva line to run: ``$CS3W_REVA_LINE``, else v3 (the line CERNBox runs)."""
    line = os.environ.get("CS3W_REVA_LINE") or LINES[0]
    if line not in LINES:
        raise ValueError(f"CS3W_REVA_LINE must be one of {', '.join(LINES)}, not {line!r}")
    return line


def revad_binary() -> Path:
    """Return the revad binary: ``$CS3W_REVAD``, else the cached build of :func:`reva_line`.

    Builds it through ``scripts/build-revad.sh`` when it is missing, which is
    a no-op when the cache already holds that build.
    """
    explicit = os.environ.get("CS3W_REVAD")
    if explicit:
        return Path(explicit)
    line = reva_line()
    if BUILD_SCRIPT.exists():
        out = subprocess.run(
            ["bash", str(BUILD_SCRIPT), line], check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()
        if out:
            return Path(out[-1])
    linked = cache_dir() / f"revad-{line}"
    if linked.exists():
        return linked
    raise FileNotFoundError(
        "revad is not built: run scripts/build-revad.sh or set CS3W_REVAD"
    )
