"""Start and stop the Jupyter front ends the browser tests drive.

Each server runs from this virtualenv on a free port of 127.0.0.1, serves a
temporary root folder, and keeps every Jupyter config, data, runtime and
settings directory inside a temporary folder, so the tests neither read nor
write the developer's own Jupyter setup. Servers are stopped by PID (their
process group), never by name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from cs3widgets.devserver.config import free_port
from cs3widgets.devserver.demo import VOILA_ARGS, voila_env
from cs3widgets.devserver.processes import stop_process_group

#: The front ends, as the tests name them.
FRONTENDS = ("lab", "notebook7", "nbclassic", "voila")

BIN = Path(sys.executable).parent

#: No auth, no browser, no port hopping: the tests know the port they asked for.
_JUPYTER_SERVER_ARGS = [
    "--no-browser",
    "--ServerApp.ip=127.0.0.1",
    "--IdentityProvider.token=",
    "--ServerApp.password=",
    "--ServerApp.port_retries=0",
]
# CI containers often run as root; Jupyter refuses that without this flag.
if hasattr(os, "geteuid") and os.geteuid() == 0:
    _JUPYTER_SERVER_ARGS.append("--allow-root")


class FrontendError(RuntimeError):
    """A front end did not start."""


def isolated_jupyter_env(home: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose Jupyter directories all live under ``home``.

    The virtualenv's own ``share/jupyter`` and ``etc/jupyter`` (kernel spec,
    widgets extensions) are still found through ``sys.prefix``.
    """
    env = dict(os.environ if base is None else base)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "mpl",
    }
    for var, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # Lab and Notebook 7 otherwise ask, in a toast, whether to fetch news from
    # the internet; the answer "never" keeps screenshots clean and the page offline.
    notification = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return env


class FrontendServer:
    """One Jupyter front end (``lab``, ``notebook7``, ``nbclassic`` or ``voila``)."""

    def __init__(self, kind: str, root: Path, home: Path, env: dict[str, str]) -> None:
        if kind not in FRONTENDS:
            raise ValueError(f"unknown front end {kind!r}")
        self.kind = kind
        self.root = root
        self.home = home
        # Voilà as the demo runs it: the cs3w template, downloads served.
        self.env = voila_env(env) if kind == "voila" else env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file = home / f"{kind}.log"

    def command(self) -> list[str]:
        """The command line that starts this front end."""
        port = f"--port={self.port}"
        root = f"--ServerApp.root_dir={self.root}"
        if self.kind == "lab":
            return [str(BIN / "jupyter-lab"), port, root, *_JUPYTER_SERVER_ARGS,
                    "--LabApp.expose_app_in_browser=True"]
        if self.kind == "notebook7":
            return [str(BIN / "jupyter-notebook"), port, root, *_JUPYTER_SERVER_ARGS,
                    "--JupyterNotebookApp.expose_app_in_browser=True"]
        if self.kind == "nbclassic":
            return [str(BIN / "jupyter-nbclassic"), port, root, *_JUPYTER_SERVER_ARGS,
                    "--NotebookApp.show_banner=False"]
        # Voilà serves the folder; each notebook renders at /voila/render/<name>.
        return [str(BIN / "voila"), "--no-browser", port, "--Voila.ip=127.0.0.1",
                "--Voila.port_retries=0", *VOILA_ARGS, str(self.root)]

    def notebook_url(self, name: str) -> str:
        """The page that shows notebook ``name`` (relative to the root)."""
        if self.kind == "lab":
            return f"{self.base}/lab/tree/{name}?reset"
        if self.kind == "notebook7":
            return f"{self.base}/notebooks/{name}"
        if self.kind == "nbclassic":
            return f"{self.base}/nbclassic/notebooks/{name}"
        return f"{self.base}/voila/render/{name}"

    def _probe_url(self) -> str:
        return f"{self.base}/voila/tree" if self.kind == "voila" else f"{self.base}/api/status"

    def start(self, timeout: float = 90.0) -> FrontendServer:
        """Start the server and wait until it answers HTTP."""
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise FrontendError(
                    f"{self.kind} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self._probe_url(), timeout=2) as res:
                    if res.status == 200:
                        return
                    last = f"HTTP {res.status}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise FrontendError(f"{self.kind} not ready after {timeout}s ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed, for failure messages."""
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server's process group (it shuts its kernels down), then SIGKILL."""
        proc, self.process = self.process, None
        stop_process_group(proc, timeout)

    def __enter__(self) -> FrontendServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
