"""A self-signed CA and an nginx TLS terminator in front of revad's gRPC port.

Reva's gRPC server has no TLS option of its own; production sites put a
proxy in front of it. The tests do the same with Debian's nginx.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cs3widgets.devserver.config import free_port


@dataclass(frozen=True)
class TestPKI:
    """Paths of a throwaway CA and a server certificate it signed."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(directory: Path) -> TestPKI:
    """Create a CA, a server cert for 127.0.0.1/localhost and a client cert."""
    d = directory
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=cs3widgets test CA", cwd=d)
    (d / "san.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n"
    )
    for name in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", "-subj", f"/CN=cs3widgets test {name}", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-out", f"{name}.pem",
                 "-extfile", "san.ext", cwd=d)
    return TestPKI(d / "ca.pem", d / "server.pem", d / "server.key",
                   d / "client.pem", d / "client.key")


def nginx_binary() -> str:
    """Debian's nginx (installed by scripts/setup.sh)."""
    found = shutil.which("nginx")
    if not found and Path("/usr/sbin/nginx").exists():
        found = "/usr/sbin/nginx"
    if not found:
        raise FileNotFoundError("nginx is not installed: run scripts/setup.sh")
    return found


class NginxGrpcTLS:
    """nginx listening with TLS on a free port, proxying gRPC to ``upstream``."""

    def __init__(
        self, upstream: str, pki: TestPKI, directory: Path, *, require_client_cert: bool = False
    ) -> None:
        self.upstream = upstream
        self.pki = pki
        self.dir = directory
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.require_client_cert = require_client_cert
        self.process: subprocess.Popen[bytes] | None = None

    def _config(self) -> str:
        client_auth = (
            f"ssl_client_certificate {self.pki.ca_cert};\n        ssl_verify_client on;"
            if self.require_client_cert
            else ""
        )
        return f"""
worker_processes 1;
error_log {self.dir}/error.log warn;
pid {self.dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    server {{
        listen 127.0.0.1:{self.port} ssl http2;
        ssl_certificate {self.pki.server_cert};
        ssl_certificate_key {self.pki.server_key};
        {client_auth}
        location / {{
            grpc_pass grpc://{self.upstream};
        }}
    }}
}}
"""

    def start(self, timeout: float = 15.0) -> NginxGrpcTLS:
        """Start nginx in the foreground of its own process group and wait for the port."""
        conf = self.dir / "nginx.conf"
        conf.write_text(self._config())
        self.process = subprocess.Popen(
            [nginx_binary(), "-p", str(self.dir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "stderr.log", "wb"),  # noqa: SIM115 - lives with the process
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.dir / 'stderr.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        """Stop nginx (SIGQUIT, then SIGKILL)."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
