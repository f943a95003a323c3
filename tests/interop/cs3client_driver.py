"""Drive CERN's ``cs3client`` for one action and print the outcome as JSON.

Runs in cs3client's own virtualenv (``scripts/setup-cs3client.sh``), never
in the project's: it imports nothing of cs3widgets. It reads one JSON
command from stdin (or from its first argument; stdin keeps the password
off the command line)::

    {"gateway": "127.0.0.1:19000", "user": "einstein", "password": "...",
     "action": "set_lock" | "get_lock" | "unlock" | "write" | "read",
     "path": "/home/einstein/x.txt", "lock_id": "...", "app_name": "...",
     "data": "text to write", "tus": false, "resource_file": false}

and prints one JSON object: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "<exception class>", "message": "..."}``. A
``write`` also reports, under ``"http"``, the HTTP requests cs3client made:
the URL, the header names it sent and the status it got back, and under
``"offered"`` the upload protocols the gateway offered it. They are
observed by wrapping ``requests.put`` (the call cs3client's file module
makes) and its gateway stub's ``InitiateFileUpload``; the requests
themselves go out unchanged.
"""

from __future__ import annotations

import base64
import configparser
import json
import logging
import sys
from typing import Any


def _client(cmd: dict[str, Any]) -> tuple[Any, tuple[str, str]]:
    from cs3client.auth import Auth
    from cs3client.cs3client import CS3Client

    config = configparser.ConfigParser()
    config["cs3client"] = {
        "host": cmd["gateway"],
        "auth_login_type": "basic",
        "auth_client_id": cmd["user"],
        "auth_client_secret": cmd["password"],
        "tus_enabled": "true" if cmd.get("tus") else "false",
        "ssl_enabled": "false",
        "grpc_timeout": "20",
        "http_timeout": "20",
        "lock_expiration": str(int(cmd.get("lock_expiration", 1800))),
    }
    log = logging.getLogger("cs3client-interop")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    client = CS3Client(config, "cs3client", log)
    return client, Auth(client).get_token()


def _observe_puts(seen: list[dict[str, Any]]) -> None:
    import requests

    real_put = requests.put

    def put(*args: Any, **kwargs: Any) -> Any:
        headers = kwargs.get("headers") or {}
        entry: dict[str, Any] = {
            "method": "PUT",
            "url": kwargs.get("url", args[0] if args else ""),
            # requests drops headers whose value is None: report what went out.
            "headers": sorted(k for k, v in headers.items() if v is not None),
        }
        seen.append(entry)
        res = real_put(*args, **kwargs)
        entry["status"] = res.status_code
        return res

    requests.put = put


def _observe_offers(client: Any, offered: dict[str, str]) -> None:
    """Record the upload protocols the gateway offers cs3client (name: endpoint)."""
    stub = client.file._gateway
    real = stub.InitiateFileUpload

    def initiate(*args: Any, **kwargs: Any) -> Any:
        res = real(*args, **kwargs)
        offered.update({p.protocol: p.upload_endpoint for p in res.protocols})
        return res

    stub.InitiateFileUpload = initiate


def run(cmd: dict[str, Any]) -> dict[str, Any]:
    from cs3client.cs3resource import Resource

    seen: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    _observe_puts(seen)
    out: dict[str, Any] = {"http": seen, "offered": offered}
    try:
        client, token = _client(cmd)
        _observe_offers(client, offered)
        res = Resource(abs_path=cmd["path"])
        if cmd.get("resource_file"):
            # cs3client 1.7.1's tus branch reads ``resource.file``, which its
            # Resource does not have: supplied here only to reach that branch.
            res.file = cmd["path"]
        action = cmd["action"]
        lock_id = cmd.get("lock_id") or None
        app_name = cmd.get("app_name") or None
        if action == "set_lock":
            client.file.set_lock(token, res, app_name=app_name, lock_id=lock_id)
            result: Any = None
        elif action == "get_lock":
            result = client.file.get_lock(token, res)
        elif action == "unlock":
            client.file.unlock(token, res, app_name=app_name, lock_id=lock_id)
            result = None
        elif action == "write":
            data = cmd.get("data", "").encode()
            client.file.write_file(
                token, res, data, len(data), app_name=app_name, lock_id=lock_id
            )
            result = None
        elif action == "read":
            body = b"".join(client.file.read_file(token, res, lock_id=lock_id))
            result = base64.b64encode(body).decode()
        else:
            raise ValueError(f"unknown action {action!r}")
    except Exception as exc:  # reported to the test, which decides
        out.update(ok=False, error=type(exc).__name__, message=str(exc))
        return out
    out.update(ok=True, result=result)
    return out


def main(argv: list[str]) -> int:
    cmd = json.loads(argv[0] if argv else sys.stdin.read())
    print(json.dumps(run(cmd), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
