"""A minimal OpenID Connect issuer for the bearer-exchange tests.

Reva's ``oidc`` auth manager discovers the issuer over HTTP, fetches its
JWKS and verifies RS256 tokens. This serves just that (discovery + JWKS) on
127.0.0.1 and mints tokens; it is an identity provider stand-in, not a CS3
server.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from cs3widgets.devserver.config import free_port


class OIDCIssuer:
    """Serves discovery and JWKS; :meth:`token` mints an access token."""

    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": "test-key", "use": "sig", "alg": "RS256"})
        documents = {
            "/.well-known/openid-configuration": {
                "issuer": self.issuer,
                "jwks_uri": f"{self.issuer}/jwks",
                "authorization_endpoint": f"{self.issuer}/auth",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "id_token_signing_alg_values_supported": ["RS256"],
            },
            "/jwks": {"keys": [jwk]},
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                doc = documents.get(self.path)
                body = json.dumps(doc).encode()
                self.send_response(200 if doc else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OIDCIssuer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def token(self, username: str, lifetime: int = 300) -> str:
        """An RS256 access token for ``username``."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": f"sub-{username}",
            "preferred_username": username,
            "aud": "cs3widgets",
            "iat": now,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": "test-key"})
