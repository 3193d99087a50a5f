"""Sessions of the web app: started by signing in with a token; ended by signing out, by the token's
revocation, or by age."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.errors import DomainError
from domain.facts import Fact
from domain.values import Value

# A session started this long ago is over, whatever its cookie says.
SESSION_LIFETIME = timedelta(hours=8)


def session_key(secret: str) -> str:
    """What is stored of a session's secret: its SHA-256 (a random secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class SessionEnd(StrEnum):
    """Why a session ended."""

    SIGNED_OUT = "signed out"
    TOKEN_REVOKED = "token revoked"
    EXPIRED = "expired"


class TokenNotHeld(DomainError):
    """A session starts only with a token the user holds."""


class OpenSession(Value):
    """A session not yet ended: the token it was started with, and when."""

    token_id: str
    started_at: datetime

    def lasts(self, tokens: dict[str, Any], now: datetime) -> bool:
        """Whether the session still lets its user in at `now`."""
        return self.token_id in tokens and now - self.started_at < SESSION_LIFETIME


class SessionStarted(Fact):
    """The user signed in to the web app; the session is known by the SHA-256 of its cookie's secret."""

    session: str
    token_id: str

    def apply(self, aggregate: Any) -> None:
        opened = OpenSession(token_id=self.token_id, started_at=self.timestamp)
        aggregate.sessions = {**aggregate.sessions, self.session: opened}


class SessionEnded(Fact):
    """The session no longer lets anyone in, with any copy of its cookie, on any web server."""

    session: str
    reason: SessionEnd

    def apply(self, aggregate: Any) -> None:
        aggregate.sessions = {k: v for k, v in aggregate.sessions.items() if k != self.session}
