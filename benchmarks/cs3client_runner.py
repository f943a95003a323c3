"""Time one transfer with CERN's ``cs3client`` (PyPI), for benchmarks/transfer.py.

Runs in a virtualenv of its own, because cs3client pins a newer ``cs3apis``
than the test server's. ``scripts/setup-cs3client.sh`` builds it (cached,
cs3client pinned, the same one the interop tests use) and prints its python::

    py=$(scripts/setup-cs3client.sh | tail -n 1)
    CS3_PASSWORD=... "$py" benchmarks/cs3client_runner.py \\
        GATEWAY USER download /home/x.bin /tmp/out.bin

Prints the seconds the transfer took (login excluded). The password comes
from the environment, never from the command line.
"""

from __future__ import annotations

import configparser
import logging
import os
import sys
import time


def main(argv: list[str]) -> int:
    gateway, user, op, remote, local = argv
    from cs3client.auth import Auth
    from cs3client.cs3client import CS3Client
    from cs3client.cs3resource import Resource

    config = configparser.ConfigParser()
    config["cs3client"] = {
        "host": gateway,
        "auth_login_type": "basic",
        "auth_client_id": user,
        "auth_client_secret": os.environ["CS3_PASSWORD"],
        "chunk_size": str(4 * 1024 * 1024),  # its default
        "http_timeout": "600",
        "grpc_timeout": "60",
        "ssl_enabled": "false",
    }
    log = logging.getLogger("cs3client-bench")
    log.addHandler(logging.NullHandler())
    client = CS3Client(config, "cs3client", log)
    token = Auth(client).get_token()
    resource = Resource(abs_path=remote)
    start = time.perf_counter()
    if op == "download":
        with open(local, "wb") as out:
            for chunk in client.file.read_file(token, resource):
                out.write(chunk)
    elif op == "upload":
        size = os.path.getsize(local)
        with open(local, "rb") as src:
            client.file.write_file(token, resource, src, size)
    else:
        raise SystemExit(f"unknown operation {op!r}")
    print(f"{time.perf_counter() - start:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
