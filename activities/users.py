"""The Users application: who may use the web app and API, with what role, scope and token."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict

from activities.participants import ParticipantDirectory, directory
from activities.recording import Clock, utc_now
from activities.store.recorders import ChainedApplication
from activities.tokens import TokenCost, matches, new_token
from domain.facts import Fact
from domain.regions import parse_region, region_of
from domain.user import (
    Role,
    Scope,
    UnknownRegion,
    UnknownUser,
    User,
    UserAlreadyExists,
    check_name,
    user_id,
)

PAGE = 1000


class UserRecord(BaseModel):
    """A user as the web app sees them: name, role, scope and the id of their token, if any."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    scope: Scope
    token_ids: tuple[str, ...]
    changed_at: datetime

    def covers(self, state: str) -> bool:
        """Whether `state` lies in this user's scope (a State assigned, or one of a region assigned)."""
        if state in self.scope.states:
            return True
        region = region_of(state)
        return region is not None and region.value in self.scope.regions


def _record(user: User) -> UserRecord:
    return UserRecord(
        name=user.name,
        role=user.role,
        scope=user.scope,
        token_ids=tuple(sorted(user.tokens)),
        changed_at=user.modified_on,
    )


class Users(ChainedApplication):
    """Adds users, changes their access, issues and revokes tokens; checks a presented token."""

    name = "Users"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        participants: ParticipantDirectory | None = None,
        clock: Clock = utc_now,
        cost: TokenCost | None = None,
    ) -> None:
        super().__init__(env)
        self.participants = participants or directory()
        self.clock = clock
        self.cost = cost or TokenCost()
        self._lock = threading.Lock()
        self._known: dict[UUID, User] = {}
        self._position = 0
        # token id -> SHA-256 of a secret scrypt has accepted: the slow check runs once per token and process.
        self._accepted: dict[str, bytes] = {}

    def scope(self, states: Iterable[str] = (), regions: Iterable[str] = ()) -> Scope:
        """A scope from codes or names of States and names of regions, each checked and spelled as stored."""
        codes = [self._participant(s) for s in states]
        named = []
        for region in regions:
            try:
                named.append(parse_region(region).value)
            except ValueError as error:
                raise UnknownRegion(str(error)) from None
        return Scope(states=tuple(dict.fromkeys(codes)), regions=tuple(dict.fromkeys(named)))

    def _participant(self, state: str) -> str:
        found = self.participants.find(state)
        return found.code if found is not None else self.participants.get(state).code

    def _get(self, name: str) -> User:
        try:
            return cast(User, self.repository.get(user_id(name)))
        except AggregateNotFoundError:
            raise UnknownUser(f"No user is named '{name}'.") from None

    def add(self, name: str, role: Role, scope: Scope, *, actor: str) -> tuple[UserRecord, str]:
        """Add a user and issue their first token; the token's secret is returned here and never again."""
        check_name(name)
        try:
            self.repository.get(user_id(name))
        except AggregateNotFoundError:
            pass
        else:
            raise UserAlreadyExists(f"A user named '{name}' already exists; see `palermo user list`.")
        now = self.clock()
        user = User.add(name, role, scope, recorded_at=now, actor=actor)
        token = self._new_token(user, now, actor)
        self.save(user)
        return _record(user), token

    def issue_token(self, name: str, *, actor: str) -> str:
        """A new token for the user, in place of their earlier one."""
        user = self._get(name)
        token = self._new_token(user, self.clock(), actor)
        self.save(user)
        return token

    def _new_token(self, user: User, now: datetime, actor: str) -> str:
        issued, token = new_token(self.cost)
        user.issue(issued, recorded_at=now, actor=actor)
        return token

    def revoke(self, name: str, *, actor: str) -> int:
        """Revoke the user's tokens; returns how many were revoked."""
        user = self._get(name)
        count = user.revoke_all(recorded_at=self.clock(), actor=actor)
        if count:
            self.save(user)
        return count

    def assign(self, name: str, scope: Scope, *, role: Role | None = None, actor: str) -> UserRecord:
        """Give the user a new scope (and role); the same again records nothing."""
        user = self._get(name)
        user.assign(role or user.role, scope, recorded_at=self.clock(), actor=actor)
        if user.pending_events:
            self.save(user)
        return _record(user)

    def _catch_up(self) -> None:
        """Fold what the log gained since the last look into the users in memory (one query if nothing)."""
        while True:
            notes = self.recorder.select_notifications(
                start=self._position, limit=PAGE, inclusive_of_start=False
            )
            for note in notes:
                event = cast(Fact, self.mapper.to_domain_event(note))
                known = self._known.get(event.originator_id)
                self._known[event.originator_id] = cast(User, event.mutate(known))
                self._position = note.id
            if len(notes) < PAGE:
                return

    def users(self) -> list[UserRecord]:
        with self._lock:
            self._catch_up()
            return sorted((_record(u) for u in self._known.values()), key=lambda r: r.name.casefold())

    def user(self, name: str) -> UserRecord | None:
        with self._lock:
            self._catch_up()
            found = self._known.get(user_id(name))
            return _record(found) if found is not None else None

    def authenticate(self, token: str) -> UserRecord | None:
        """The user a presented token belongs to, while it is not revoked; None for anything else."""
        token_id, dot, secret = token.strip().partition(".")
        if not dot or not token_id or not secret or len(token) > 200:
            return None
        with self._lock:
            self._catch_up()
            owner = next((u for u in self._known.values() if token_id in u.tokens), None)
            if owner is None:
                return None
            quick = hashlib.sha256(secret.encode()).digest()
            if not hmac.compare_digest(self._accepted.get(token_id, b""), quick):
                if not matches(owner.tokens[token_id], secret):
                    return None
                self._accepted[token_id] = quick
            return _record(owner)
