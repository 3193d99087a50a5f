"""Users' tokens: a public id and a random secret, of which only a salted scrypt hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pydantic import BaseModel, ConfigDict

from domain.user import IssuedToken


class TokenCost(BaseModel):
    """scrypt's cost parameters; about 16 MiB and tens of milliseconds per check at the defaults."""

    model_config = ConfigDict(frozen=True)

    n: int = 2**14
    r: int = 8
    p: int = 1


def _digest(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def new_token(cost: TokenCost) -> tuple[IssuedToken, str]:
    """What is stored of a new token, and the token itself (`<id>.<secret>`), to be shown once."""
    token_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
    issued = IssuedToken(
        token_id=token_id,
        salt=salt.hex(),
        digest=_digest(secret, salt, cost.n, cost.r, cost.p).hex(),
        n=cost.n,
        r=cost.r,
        p=cost.p,
    )
    return issued, f"{token_id}.{secret}"


def matches(issued: IssuedToken, secret: str) -> bool:
    """Whether `secret` is the one `issued` was made from, with the cost it was issued with."""
    digest = _digest(secret, bytes.fromhex(issued.salt), issued.n, issued.r, issued.p)
    return hmac.compare_digest(digest, bytes.fromhex(issued.digest))


def stand_in(cost: TokenCost) -> IssuedToken:
    """A hash of the given cost that no secret matches: what a token whose id nobody holds is checked
    against, so that an unknown id takes as long to refuse as a wrong secret."""
    return IssuedToken(
        token_id="",
        salt=secrets.token_hex(16),
        digest=secrets.token_hex(32),
        n=cost.n,
        r=cost.r,
        p=cost.p,
    )
