"""Reading tokens: JWT expiry and the token-file formats SWAN writes."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt


def jwt_claims(token: str) -> dict:
    """The unverified claims of a JWT, or ``{}`` if it is not a JWT.

    The client cannot verify Reva's signature (the secret is the server's);
    it reads ``exp`` only to know when to refresh.
    """
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True)
class CachedToken:
    """A token and when it stops being valid (``None``: unknown, assume valid)."""

    value: str
    expires_at: float | None = None
    issued_at: float | None = None

    @classmethod
    def from_jwt(cls, token: str) -> CachedToken:
        """Wrap ``token``, reading ``exp``/``iat`` when it is a JWT."""
        claims = jwt_claims(token)
        exp = claims.get("exp")
        iat = claims.get("iat")
        return cls(
            token,
            float(exp) if isinstance(exp, (int, float)) else None,
            float(iat) if isinstance(iat, (int, float)) else None,
        )

    def fresh(self, now: float | None = None) -> bool:
        """True while the token is not within its refresh margin of expiry.

        The margin is a fifth of the lifetime, at most 60 s, so that short
        test tokens (seconds) and day-long production tokens both refresh
        early without churning.
        """
        if self.expires_at is None:
            return True
        now = time.time() if now is None else now
        lifetime = self.expires_at - (self.issued_at or now)
        margin = min(60.0, max(lifetime, 0.0) * 0.2)
        return now < self.expires_at - margin

    def __repr__(self) -> str:
        return f"CachedToken(<hidden>, expires_at={self.expires_at!r})"


def parse_token_file(text: str) -> str:
    """Extract the token from a token file.

    Accepts a raw token (JWT or opaque) and SWAN's ``oauth2:<token>:<endpoint>``
    format, where the endpoint may itself contain colons.
    """
    text = text.strip()
    if text.startswith("oauth2:"):
        token, _, _endpoint = text[len("oauth2:"):].partition(":")
        return token.strip()
    return text
