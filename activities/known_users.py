"""The users as the Users log last showed them, in memory, indexed by token id and session, caught up on
every read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from pydantic import BaseModel, ConfigDict

from domain.asked import LastLook
from domain.contact import MailPreference
from domain.facts import Fact
from domain.user import IssuedToken, Role, Scope, User, user_id

PAGE = 1000


class UserRecord(BaseModel):
    """A user as the web app sees them: name, role, scope, the id of their token, if any, and how they are
    reached by mail."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    scope: Scope
    token_ids: tuple[str, ...]
    changed_at: datetime
    email: str | None = None
    mail: MailPreference = MailPreference.EACH

    def covers(self, state: str) -> bool:
        """Whether `state` lies in this user's scope (a State assigned, or one of a region assigned)."""
        return self.scope.covers(state)


def record_of(user: User) -> UserRecord:
    return UserRecord(
        name=user.name,
        role=user.role,
        scope=user.scope,
        token_ids=tuple(sorted(user.tokens)),
        changed_at=user.modified_on,
        email=user.email,
        mail=user.mail,
    )


class KnownUsers:
    """Folds what the log gained since the last look into the users in memory (one query if nothing).

    The lock is held only to fold and to copy an answer out: never while a token's hash is computed.
    """

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self._recorder = recorder
        self._mapper = mapper
        self._lock = threading.Lock()
        self._users: dict[UUID, User] = {}
        self._by_token: dict[str, UUID] = {}
        self._by_session: dict[str, UUID] = {}
        self._position = 0
        self._last_look = LastLook()

    def _catch_up(self) -> None:
        while True:
            notes = self._recorder.select_notifications(
                start=self._position, limit=PAGE, inclusive_of_start=False
            )
            for note in notes:
                event = cast(Fact, self._mapper.to_domain_event(note))
                known = self._users.get(event.originator_id)
                # Copied before the event changes the user in place.
                tokens = set(known.tokens) if known is not None else set()
                sessions = set(known.sessions) if known is not None else set()
                user = cast(User, event.mutate(known))
                self._users[event.originator_id] = user
                _reindex(self._by_token, tokens, user.tokens, event.originator_id)
                _reindex(self._by_session, sessions, user.sessions, event.originator_id)
                self._position = note.id
            if len(notes) < PAGE:
                return

    def _up_to_date(self) -> None:
        """Caught up, unless a look since the question now answered was asked (domain.asked) read the log to
        its end; the caller holds the lock."""
        self._last_look.look(self._catch_up, time.monotonic)

    def all(self) -> list[UserRecord]:
        with self._lock:
            self._up_to_date()
            return sorted((record_of(u) for u in self._users.values()), key=lambda r: r.name.casefold())

    def named(self, name: str) -> UserRecord | None:
        with self._lock:
            self._up_to_date()
            found = self._users.get(user_id(name))
            return record_of(found) if found is not None else None

    def holding(self, token_id: str) -> tuple[UserRecord, IssuedToken] | None:
        """The user who holds the token with this id, and what is stored of it; None if nobody does."""
        with self._lock:
            self._up_to_date()
            owner = self._users.get(self._by_token.get(token_id, _NOBODY))
            if owner is None:
                return None
            return record_of(owner), owner.tokens[token_id]

    def in_session(self, session: str, now: datetime) -> UserRecord | None:
        """The user whose open session `session` is, while it lasts; None for an ended or unknown one."""
        with self._lock:
            self._up_to_date()
            owner = self._users.get(self._by_session.get(session, _NOBODY))
            if owner is None or not owner.sessions[session].lasts(owner.tokens, now):
                return None
            return record_of(owner)

    def name_in_session(self, session: str) -> str | None:
        with self._lock:
            self._up_to_date()
            owner = self._users.get(self._by_session.get(session, _NOBODY))
            return owner.name if owner is not None else None


def _reindex(index: dict[str, UUID], before: set[str], after: Iterable[str], owner: UUID) -> None:
    now = set(after)
    for key in before - now:
        index.pop(key, None)
    for key in now - before:
        index[key] = owner


# Looked up in place of a token id nobody holds: no user has the nil UUID.
_NOBODY = UUID(int=0)
