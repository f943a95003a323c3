"""A Jupyter front end whose notebooks live on CS3 (the contents manager under test)."""

from __future__ import annotations

import os
from pathlib import Path

from browser.servers import FrontendServer, isolated_jupyter_env

from cs3widgets.devserver import DEMO_USERS, RevadServer

#: CS3 settings of the developer's shell that must not leak into the server.
_CS3_ENV = ("CS3_GATEWAY", "CS3_AUTH", "CS3_USER", "CS3_PASSWORD", "CS3_TOKEN",
            "CS3_TOKEN_FILE", "CS3_HOME", "CS3_SWAN_TOKEN_FILE")


class CS3FrontendServer(FrontendServer):
    """``lab`` or ``notebook7`` serving ``root`` of ``username``'s CS3 storage."""

    def __init__(self, kind: str, revad: RevadServer, username: str, root: str, home: Path,
                 **traits: object) -> None:
        local = home / "local-root"  # the kernels' working folder; stays empty
        local.mkdir(parents=True, exist_ok=True)
        env = isolated_jupyter_env(home / "jupyter")
        for var in _CS3_ENV:
            env.pop(var, None)
        user = DEMO_USERS[username]
        env.update(CS3_GATEWAY=revad.gateway, CS3_USER=user.username, CS3_PASSWORD=user.password)
        # The server must import this checkout's cs3widgets.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH")) if p
        )
        super().__init__(kind, local, home, env)
        self.cs3_root = root
        self.traits = {"root_dir": root, **traits}

    def command(self) -> list[str]:
        """The front end's command, with the CS3 contents manager configured."""
        extra = ["--ServerApp.contents_manager_class=cs3widgets.contents.CS3ContentsManager"]
        extra += [f"--CS3ContentsManager.{k}={v}" for k, v in self.traits.items()]
        return [*super().command(), *extra]

    def api(self, path: str) -> str:
        """The contents API URL of ``path`` (relative to the CS3 root)."""
        return f"{self.base}/api/contents/{path}".rstrip("/")
