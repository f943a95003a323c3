"""Large test files for the tests and benchmarks, written without holding them in memory."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

MiB = 1024 * 1024


def write_random(path: Path, size: int) -> str:
    """Write ``size`` random bytes to ``path`` in 1 MiB blocks; return the sha256."""
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            block = os.urandom(min(MiB, left))
            digest.update(block)
            f.write(block)
            left -= len(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(MiB):
            digest.update(block)
    return digest.hexdigest()
