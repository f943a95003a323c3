"""The README's demo command starts revad, seeds it and serves Lab and Voilà."""

from __future__ import annotations

import re
import subprocess
import sys


def test_demo_starts_seeds_and_serves_both_front_ends() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cs3widgets.devserver.demo", "--check",
         "--lab-port", "0", "--voila-port", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"CS3 gateway:\s+127\.0\.0\.1:\d+", out)
    assert re.search(r"Gallery \(JupyterLab\): http://127\.0\.0\.1:\d+/lab", out)
    assert re.search(r"Dashboard \(Voilà\):\s+http://127\.0\.0\.1:\d+/", out)
    assert "einstein/relativity" in out and "marie/radioactivity" in out
