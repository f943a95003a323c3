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


def revad_binary() -> Path:
    """Return the revad binary: ``$CS3W_REVAD``, else the cached pinned build.

    Builds it through ``scripts/build-revad.sh`` when it is missing, which is
    a no-op when the cache already holds the pinned version.
    """
    explicit = os.environ.get("CS3W_REVAD")
    if explicit:
        return Path(explicit)
    if BUILD_SCRIPT.exists():
        out = subprocess.run(
            ["bash", str(BUILD_SCRIPT)], check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()
        if out:
            return Path(out[-1])
    linked = cache_dir() / "revad"
    if linked.exists():
        return linked
    raise FileNotFoundError(
        "revad is not built: run scripts/build-revad.sh or set CS3W_REVAD"
    )
