"""Starts and stops a real revad process for tests and the demo."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import grpc
from cs3.gateway.v1beta1 import gateway_api_pb2 as gw_pb
from cs3.gateway.v1beta1 import gateway_api_pb2_grpc as gw_grpc
from cs3.rpc.v1beta1 import code_pb2

from .binary import revad_binary
from .config import SiteConfig, SitePorts, write_site
from .processes import stop_process_group
from .users import DEMO_USERS

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class RevadError(RuntimeError):
    """revad did not start, or died."""


class RevadServer:
    """One revad process serving one site generated from a :class:`SiteConfig`.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        site: SiteConfig | None = None,
        *,
        peers: list[SiteConfig] | None = None,
        binary: Path | None = None,
    ) -> None:
        if site is None:
            site = SiteConfig(root=Path(tempfile.mkdtemp(prefix="cs3w-revad-")))
        self.site = site
        self.peers = peers or []
        self.binary = binary
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file = site.root / "revad.log"

    @property
    def gateway(self) -> str:
        """The gRPC gateway address, ``127.0.0.1:PORT``."""
        return self.site.gateway

    def home_dir(self, username: str) -> Path:
        """Where the local driver keeps ``username``'s home on disk.

        Tests and the demo use it to lay down thousands of files at once,
        which would take minutes through the API.
        """
        return self.site.root / "data" / "home" / "data" / username

    def start(self, timeout: float = 60.0, *, attempts: int = 3) -> RevadServer:
        """Write the config, start revad and wait until Authenticate answers.

        Free ports are picked before revad binds them, so a parallel process
        can take one in between. A lone site then retries on fresh ports; a
        site with OCM peers cannot (the peers know its ports) and fails.
        """
        binary = self.binary or revad_binary()
        for attempt in range(attempts):
            config = write_site(self.site, self.peers)
            offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            with open(self.log_file, "ab") as log:
                self.process = subprocess.Popen(
                    [str(binary), "-c", str(config)],
                    cwd=self.site.root,
                    env=dict(os.environ),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                self.wait_ready(timeout)
                return self
            except RevadError:
                self.stop()
                lost_port = b"address already in use" in self.log_file.read_bytes()[offset:]
                if not lost_port or self.peers or attempt == attempts - 1:
                    raise
                self.site.ports = SitePorts()
            except BaseException:
                self.stop()
                raise
        return self

    def wait_ready(self, timeout: float) -> None:
        """Block until a demo user can log in through the gateway."""
        deadline = time.monotonic() + timeout
        user = next(iter(DEMO_USERS.values()))
        last = "no answer"
        with grpc.insecure_channel(self.gateway) as channel:
            stub = gw_grpc.GatewayAPIStub(channel)
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise RevadError(
                        f"revad exited with {self.process.returncode}: {self.log_tail()}"
                    )
                try:
                    res = stub.Authenticate(
                        gw_pb.AuthenticateRequest(
                            type="basic", client_id=user.username, client_secret=user.password
                        ),
                        timeout=2,
                    )
                    if res.status.code == code_pb2.CODE_OK:
                        return
                    last = res.status.message
                except grpc.RpcError as exc:
                    last = str(exc.code())
                time.sleep(0.2)
        raise RevadError(f"revad at {self.gateway} not ready after {timeout}s ({last})")

    def log_errors(self, lines: int = 20) -> str:
        """The last error lines revad logged, without colour codes."""
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        plain = (_ANSI.sub("", line) for line in text.splitlines())
        return "\n".join([line for line in plain if " ERR " in line][-lines:])

    def log_tail(self, lines: int = 30) -> str:
        """The last lines revad printed, for error messages."""
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM revad, and SIGKILL it if it has not exited after ``timeout``."""
        proc, self.process = self.process, None
        stop_process_group(proc, timeout)

    def restart(self, timeout: float = 60.0) -> None:
        """Stop and start again on the same ports and data (the config is rewritten)."""
        self.stop()
        self.start(timeout)

    def __enter__(self) -> RevadServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def ocm_pair(root: Path, *, attempts: int = 3) -> Iterator[tuple[RevadServer, RevadServer]]:
    """Two OCM-enabled sites under ``root`` that trust each other.

    Both configs exist (with their ports) before either site starts, since
    each names the other as a trusted provider. The second site is called
    "localhost": Reva's provider authorizer compares host names, not ports.
    A port taken by another process between pick and bind starts the pair
    again on fresh ports (a lone site retries by itself; a pair must move
    together, since each knows the other's ports).
    """
    for attempt in range(attempts):
        a = SiteConfig(root=root / "site-a", name="site-a", ocm=True)
        b = SiteConfig(root=root / "site-b", name="site-b", ocm=True, host="localhost")
        for site in (a, b):
            site.root.mkdir(parents=True, exist_ok=True)
        sa, sb = RevadServer(a, peers=[b]), RevadServer(b, peers=[a])
        try:
            sa.start()
            sb.start()
        except RevadError as exc:
            sa.stop()
            sb.stop()
            if "address already in use" not in str(exc) or attempt == attempts - 1:
                raise
            continue
        try:
            yield sa, sb
        finally:
            sb.stop()
            sa.stop()
        return
