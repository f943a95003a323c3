"""The demo: a local revad with demo users and sample files, plus JupyterLab
(the gallery) and Voilà (the dashboard), all on 127.0.0.1.

The gallery notebooks live on CS3, as SWAN's live on CERNBox: they are
uploaded into the demo user's home (``Gallery/``) and JupyterLab opens and
saves them through the CS3 contents manager. Everything the demo writes
(revad's data, Jupyter's state, the kernels' working folder) is in a
temporary folder that is removed at the end; the repository is only read.

Run through ``scripts/demo.sh`` (which installs everything first) or
``python -m cs3widgets.devserver.demo``. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .binary import REPO_ROOT
from .config import SiteConfig, free_port
from .processes import stop_process_group
from .seed import GALLERY, seed_demo, seed_gallery
from .server import RevadServer
from .users import DEMO_USERS

NOTEBOOKS = REPO_ROOT / "notebooks"
#: Where the demo's public links point. A stand-in: the demo runs no web
#: front end that serves ``/s/<token>``; a real site sets its own
#: (``CS3_PUBLIC_LINK_URL``, see the README).
DEMO_PUBLIC_LINK_URL = "https://cernbox.example.org"
#: Jupyter data shipped with the package (the ``cs3w`` Voilà template); pip
#: installs the same into ``share/jupyter``, this path serves a checkout.
JUPYTER_DATA = Path(__file__).resolve().parent.parent / "jupyter_data"

#: A path inside a Browser download folder, with no ``..`` segment.
_DOWNLOADS = r"^((?!\.\.)[^/]+/)*cs3-downloads/((?!\.\.)[^/]+/)*(?!\.\.)[^/]+"

#: Voilà settings for dashboards with a Browser: the ``cs3w`` template
#: (Voilà's ``lab`` without CDN links), and the Browser's download folder
#: served at ``voila/files/`` next to Voilà's default (images), with notebooks
#: and scripts still refused outside it.
VOILA_ARGS = [
    "--template=cs3w",
    # One item per option (traitlets' form for lists): raw regular expressions.
    r"--VoilaConfiguration.file_allowlist=.*\.(png|jpg|gif|svg)",
    f"--VoilaConfiguration.file_allowlist={_DOWNLOADS}",
    r"--VoilaConfiguration.file_denylist=^(?!([^/]+/)*cs3-downloads/).*\.(ipynb|py)",
]


def voila_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the package's Jupyter data on ``JUPYTER_PATH`` (for the template)."""
    paths = [str(JUPYTER_DATA), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {**env, "JUPYTER_PATH": os.pathsep.join(paths)}


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            name = proc.args[0] if isinstance(proc.args, (list, tuple)) else proc.args
            raise RuntimeError(f"{name!s} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def _jupyter_env(server: RevadServer, work: Path, username: str,
                 public_link_url: str = DEMO_PUBLIC_LINK_URL) -> dict[str, str]:
    user = DEMO_USERS[username]
    env = dict(os.environ)
    env.update(
        {
            "CS3_GATEWAY": server.gateway,
            "CS3_USER": user.username,
            "CS3_PASSWORD": user.password,
            "CS3_PEER_USER": "marie",
            "CS3_PEER_PASSWORD": DEMO_USERS["marie"].password,
            "CS3_PUBLIC_LINK_URL": public_link_url,
            # Keep the demo's Jupyter state out of the user's own config.
            "JUPYTER_CONFIG_DIR": str(work / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(work / "jupyter-runtime"),
            "JUPYTER_DATA_DIR": str(work / "jupyter-data"),
            "IPYTHONDIR": str(work / "ipython"),
        }
    )
    return env


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        # Run in the log's (temporary) folder: nothing lands in the caller's cwd.
        return subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=log.parent,
        )


def main(argv: list[str] | None = None) -> int:
    """Start revad, seed it, serve the gallery and the dashboard until Ctrl-C."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--user", default="einstein", choices=sorted(DEMO_USERS))
    ap.add_argument("--lab-port", type=int, default=8888)
    ap.add_argument("--voila-port", type=int, default=8866)
    ap.add_argument("--no-lab", action="store_true", help="do not start JupyterLab")
    ap.add_argument("--no-voila", action="store_true", help="do not start Voilà")
    ap.add_argument("--check", action="store_true", help="start, check it answers, stop")
    ap.add_argument("--public-link-url", default=DEMO_PUBLIC_LINK_URL,
                    help="the public base URL links are shown under (<it>/s/<token>)")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="cs3w-demo-"))
    server = RevadServer(SiteConfig(root=work / "revad"))
    (work / "revad").mkdir()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        print("starting revad ...", flush=True)
        server.start()
        seed_demo(server)
        seed_gallery(server, NOTEBOOKS, username=args.user)
        env = _jupyter_env(server, work, args.user, args.public_link_url)
        kernels_dir = work / "kernels-cwd"  # the kernels' local working folder
        kernels_dir.mkdir()
        bindir = Path(sys.executable).parent
        urls: list[str] = []
        if not args.no_lab:
            port = args.lab_port if args.lab_port else free_port()
            lab = _start(
                [str(bindir / "jupyter"), "lab", "--no-browser", f"--port={port}",
                 "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
                 "--ServerApp.password=", f"--ServerApp.root_dir={kernels_dir}",
                 # Notebooks are opened and saved on CS3, in the user's home.
                 "--ServerApp.contents_manager_class="
                 "cs3widgets.contents.CS3ContentsManager",
                 f"--ServerApp.default_url=/lab/tree/{GALLERY.removeprefix('/home/')}",
                 # CI and containers run as root; Jupyter refuses that unless told.
                 f"--ServerApp.allow_root={os.geteuid() == 0}"],
                env, work / "jupyterlab.log",
            )
            procs.append(lab)
            _wait_http(f"http://127.0.0.1:{port}/lab", lab)
            urls.append(f"Gallery (JupyterLab): http://127.0.0.1:{port}/lab/tree/"
                        f"{GALLERY.removeprefix('/home/')}  (notebooks on CS3)")
        if not args.no_voila:
            port = args.voila_port if args.voila_port else free_port()
            # A copy: Voilà's kernel runs in the notebook's folder and writes
            # the Browser's downloads there, never into the repository.
            dashboard = work / "dashboard" / "dashboard.ipynb"
            dashboard.parent.mkdir()
            shutil.copyfile(NOTEBOOKS / "dashboard.ipynb", dashboard)
            voila = _start(
                [str(bindir / "voila"), "--no-browser", f"--port={port}",
                 "--Voila.ip=127.0.0.1", *VOILA_ARGS, str(dashboard)],
                voila_env(env), work / "voila.log",
            )
            procs.append(voila)
            _wait_http(f"http://127.0.0.1:{port}/", voila)
            urls.append(f"Dashboard (Voilà):     http://127.0.0.1:{port}/")
        print("\ncs3widgets demo is running")
        print(f"  CS3 gateway:           {server.gateway}")
        for url in urls:
            print(f"  {url}")
        print("  Logins: " + ", ".join(f"{u.username}/{u.password}" for u in DEMO_USERS.values()))
        print(f"  The notebooks are logged in as {args.user}. Logs: {work}")
        print(f"  Public links show as {args.public_link_url}/s/<token>"
              " (--public-link-url to change)")
        print("Press Ctrl-C to stop.", flush=True)
        if args.check:
            return 0
        while all(p.poll() is None for p in procs) and server.process is not None:
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...")
        return 0
    finally:
        for p in procs:
            stop_process_group(p)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
