"""The Users application: who may use the web app and API, with what role, scope and token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TypeVar, cast

from eventsourcing.application import AggregateNotFoundError

from activities.known_users import KnownUsers, UserRecord, record_of
from activities.participants import ParticipantDirectory, directory
from activities.recording import Clock, retrying, utc_now
from activities.store.recorders import ChainedApplication
from activities.tokens import TokenCost, matches, new_token, stand_in
from domain.contact import MailPreference
from domain.regions import parse_region
from domain.sessions import SessionEnd, session_key
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
from domain.values import Door

__all__ = ["UserRecord", "Users"]
# What an accepted secret's digest is compared with before any was accepted: the same length, so the
# comparison takes as long.
UNSEEN = bytes(32)
T = TypeVar("T")


def _parts(token: str) -> tuple[str, str] | None:
    """A presented token's id and secret; None for what is not shaped as a token."""
    token_id, dot, secret = token.strip().partition(".")
    if not dot or not token_id or not secret or len(token) > 200:
        return None
    return token_id, secret


def _quick(secret: str) -> bytes:
    """What an accepted token's secret is remembered by: a fast digest, compared in constant time."""
    return hashlib.sha256(secret.encode()).digest()


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
        self._known = KnownUsers(self.recorder, self.mapper)
        self._stand_in = stand_in(self.cost)
        # token id -> SHA-256 of a secret scrypt has accepted: the slow check runs once per token and process.
        self._accepted: dict[str, bytes] = {}
        # This process's changes of users go one at a time: twenty sign-ins of one user at once (bench.web)
        # met each other at the store's unique key more often than the retries allow, and were answered 503.
        # The retries remain for other processes.
        self._changing = threading.Lock()

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
        return self.participants.named(state).code

    def _get(self, name: str) -> User:
        try:
            return cast(User, self.repository.get(user_id(name)))
        except AggregateNotFoundError:
            raise UnknownUser(f"No user is named '{name}'.") from None

    def add(
        self, name: str, role: Role, scope: Scope, *, actor: str, door: Door | None = None
    ) -> tuple[UserRecord, str]:
        """Add a user and issue their first token; the token's secret is returned here and never again."""
        check_name(name)
        try:
            self.repository.get(user_id(name))
        except AggregateNotFoundError:
            pass
        else:
            raise UserAlreadyExists(f"A user named '{name}' already exists; see `palermo user list`.")
        now = self.clock()
        user = User.add(name, role, scope, recorded_at=now, actor=actor, door=door)
        token = self._new_token(user, now, actor, door)
        self.save(user)
        return record_of(user), token

    def _change(self, name: str, change: Callable[[User, datetime], T]) -> T:
        """Apply `change` to the user as stored and save what it records, again if another process
        saved the same user meanwhile."""
        # Two sign-ins of one user in this process take turns; two web servers changing one user at once meet
        # the store's unique key, and the later change is made again on the user as now stored.
        with self._changing:
            return retrying(lambda: self._change_once(name, change))

    def _change_once(self, name: str, change: Callable[[User, datetime], T]) -> T:
        user = self._get(name)
        result = change(user, self.clock())
        if user.pending_events:
            self.save(user)
        return result

    def issue_token(self, name: str, *, actor: str, door: Door | None = None) -> str:
        """A new token for the user, in place of their earlier one; their sessions end."""
        return self._change(name, lambda user, now: self._new_token(user, now, actor, door))

    def _new_token(self, user: User, now: datetime, actor: str, door: Door | None) -> str:
        issued, token = new_token(self.cost)
        user.issue(issued, recorded_at=now, actor=actor, door=door)
        return token

    def revoke(self, name: str, *, actor: str, door: Door | None = None) -> int:
        """Revoke the user's tokens and end their sessions; returns how many tokens were revoked."""
        return self._change(name, lambda user, now: user.revoke_all(recorded_at=now, actor=actor, door=door))

    def assign(
        self, name: str, scope: Scope, *, role: Role | None = None, actor: str, door: Door | None = None
    ) -> UserRecord:
        """Give the user a new scope (and role); the same again records nothing."""

        def reassign(user: User, now: datetime) -> UserRecord:
            user.assign(role or user.role, scope, recorded_at=now, actor=actor, door=door)
            return record_of(user)

        return self._change(name, reassign)

    def change_contact(
        self,
        name: str,
        *,
        email: str | None = None,
        mail: MailPreference | None = None,
        actor: str,
        door: Door | None = None,
    ) -> UserRecord:
        """Set the user's address (an empty one removes it) and choice of mail; what is not given stays."""

        def change(user: User, now: datetime) -> UserRecord:
            address = user.email if email is None else (email.strip() or None)
            user.change_contact(address, mail or user.mail, recorded_at=now, actor=actor, door=door)
            return record_of(user)

        return self._change(name, change)

    def start_session(self, name: str, token_id: str) -> str:
        """Start a session of the user signed in with `token_id` (on the web app's sign-in page); its secret,
        for the cookie alone."""
        secret = secrets.token_urlsafe(32)
        key = session_key(secret)
        self._change(
            name, lambda user, now: user.start_session(key, token_id, recorded_at=now, door=Door.WEB)
        )
        return secret

    def signed_in(self, secret: str) -> UserRecord | None:
        """The user whose session has this secret, while it lasts; None once it has ended."""
        return self._known.in_session(session_key(secret), self.clock())

    def end_session(self, secret: str) -> None:
        """Sign out: end the session with this secret, for every copy of its cookie."""
        key = session_key(secret)
        name = self._known.name_in_session(key)
        if name is not None:
            self._change(
                name,
                lambda user, now: user.end_session(
                    key, SessionEnd.SIGNED_OUT, recorded_at=now, actor=name, door=Door.WEB
                ),
            )

    def users(self) -> list[UserRecord]:
        return self._known.all()

    def user(self, name: str) -> UserRecord | None:
        return self._known.named(name)

    def accepted(self, token: str) -> UserRecord | None:
        """The user of a token this process accepted before and nobody has revoked since, without hashing it
        again; None for any other token (which `authenticate` then checks)."""
        parts = _parts(token)
        if parts is None:
            return None
        found = self._known.holding(parts[0])
        return found[0] if found is not None and self._remembered(*parts) else None

    def _remembered(self, token_id: str, secret: str) -> bool:
        """Whether this process accepted `secret` for `token_id` before."""
        return hmac.compare_digest(self._accepted.get(token_id, UNSEEN), _quick(secret))

    def authenticate(self, token: str) -> UserRecord | None:
        """The user a presented token belongs to, while it is not revoked; None for anything else.

        The hash is computed outside any lock, so a burst of bad tokens holds up no other request; a token
        whose id nobody holds is checked against a stand-in of the same cost, so the answer takes as long
        whether or not the id exists.
        """
        parts = _parts(token)
        if parts is None:
            return None
        token_id, secret = parts
        found = self._known.holding(token_id)
        if found is not None and self._remembered(token_id, secret):
            return found[0]
        matched = matches(found[1] if found is not None else self._stand_in, secret)
        if found is None or not matched:
            return None
        # One assignment to a dict: atomic, and two threads accepting the same token store the same value.
        self._accepted[token_id] = _quick(secret)
        return found[0]
