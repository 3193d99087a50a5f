"""Users of the web app and API: their role, the States or regions an officer acts on, their tokens, their
sessions, and how they are reached by mail."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.contact import ContactChanged, MailPreference, check_address
from domain.errors import DomainError
from domain.facts import Fact
from domain.regions import region_of
from domain.sessions import OpenSession, SessionEnd, SessionEnded, SessionStarted, TokenNotHeld
from domain.values import Door, Value

# Fixed forever: user ids derive from it, so a name always finds the same aggregate.
USER_NAMESPACE = UUID("5f0c2b9e-3d1a-4c7b-9e8f-2a6d4b1c0e73")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Role(StrEnum):
    """What a user may do: officers act on their States, managers read and reassign, auditors read."""

    OFFICER = "officer"
    MANAGER = "manager"
    AUDITOR = "auditor"

    @property
    def with_article(self) -> str:
        return f"{'an' if self.value[0] in 'aeiou' else 'a'} {self.value}"


class BadUserName(DomainError):
    """A user name is a word of letters, digits, dots, dashes, underscores or @, up to 64 characters."""


class UserAlreadyExists(DomainError):
    """Each name belongs to one user."""


class UnknownUser(DomainError):
    """No user has this name."""


class ScopeOutsideRole(DomainError):
    """Managers and auditors read everything: States and regions are assigned to officers only."""


class OfficerWithoutScope(DomainError):
    """An officer acts on assigned States or regions, so needs at least one."""


class UnknownRegion(DomainError):
    """Officers are assigned regions of the UN M49 standard by name."""


class Scope(Value):
    """The States (ISO 3166 alpha-3 codes) and M49 regions an officer acts on."""

    states: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.states and not self.regions

    def covers(self, state: str) -> bool:
        """Whether `state` lies in this scope (a State named, or one of a region named)."""
        if state in self.states:
            return True
        region = region_of(state)
        return region is not None and region.value in self.regions


class IssuedToken(Value):
    """A token's public id and the hash of its secret (scrypt with the cost it was issued with)."""

    token_id: str
    salt: str
    digest: str
    n: int
    r: int
    p: int


def user_id(name: str) -> UUID:
    return uuid5(USER_NAMESPACE, f"user/{name.casefold()}")


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BadUserName(
            f"'{name}' is not a user name: use up to 64 letters, digits, dots, dashes, underscores or @."
        )
    return name


def check_scope(name: str, role: Role, scope: Scope) -> None:
    if role is not Role.OFFICER and not scope.empty:
        raise ScopeOutsideRole(
            f"{name} is {role.with_article}, who reads everything: only officers are assigned States "
            "or regions."
        )
    if role is Role.OFFICER and scope.empty:
        raise OfficerWithoutScope(f"The officer {name} needs at least one State or region to act on.")


class UserAdded(Fact, CanInitAggregate[UUID]):
    """A user was added with a role (and, for an officer, a scope)."""

    originator_topic: str
    name: str
    role: Role
    scope: Scope

    def apply(self, aggregate: Any) -> None:
        aggregate.name = self.name
        aggregate.role = self.role
        aggregate.scope = self.scope
        aggregate.tokens = {}
        aggregate.sessions = {}


class AccessChanged(Fact):
    """A user's role or scope changed (a manager reassigned them)."""

    role: Role
    scope: Scope
    previous_role: Role
    previous_scope: Scope

    def apply(self, aggregate: Any) -> None:
        aggregate.role = self.role
        aggregate.scope = self.scope


class TokenIssued(Fact):
    """A token was issued; only the hash of its secret is kept."""

    token: IssuedToken

    def apply(self, aggregate: Any) -> None:
        aggregate.tokens = {**aggregate.tokens, self.token.token_id: self.token}


class TokenRevoked(Fact):
    """A token no longer lets anyone in."""

    token_id: str

    def apply(self, aggregate: Any) -> None:
        aggregate.tokens = {k: v for k, v in aggregate.tokens.items() if k != self.token_id}


class User(BaseAggregate[UUID]):
    """A user, identified by name; every change of access is an event, so access is audited."""

    name: str
    role: Role
    scope: Scope
    tokens: dict[str, IssuedToken]
    sessions: dict[str, OpenSession]
    # Users added before addresses were kept have none until a ContactChanged gives them one.
    email: str | None = None
    mail: MailPreference = MailPreference.EACH

    def __init__(self) -> None:
        """State is set by the events' apply methods, on creation and replay."""

    @classmethod
    def add(
        cls,
        name: str,
        role: Role,
        scope: Scope,
        *,
        recorded_at: datetime,
        actor: str,
        door: Door | None = None,
    ) -> User:
        check_scope(check_name(name), role, scope)
        return cls._create(
            UserAdded,
            id=user_id(name),
            timestamp=recorded_at,
            actor=actor,
            door=door,
            effective_date=recorded_at.date(),
            name=name,
            role=role,
            scope=scope,
        )

    def assign(
        self, role: Role, scope: Scope, *, recorded_at: datetime, actor: str, door: Door | None = None
    ) -> None:
        """Change the role and scope; the same ones again record nothing."""
        check_scope(self.name, role, scope)
        if role is self.role and scope == self.scope:
            return
        self.trigger_event(
            AccessChanged,
            timestamp=recorded_at,
            actor=actor,
            door=door,
            effective_date=recorded_at.date(),
            role=role,
            scope=scope,
            previous_role=self.role,
            previous_scope=self.scope,
        )

    def issue(
        self, token: IssuedToken, *, recorded_at: datetime, actor: str, door: Door | None = None
    ) -> None:
        """Issue `token` in place of every earlier one: a user holds one token at a time."""
        self.revoke_all(recorded_at=recorded_at, actor=actor, door=door)
        self.trigger_event(
            TokenIssued,
            timestamp=recorded_at,
            actor=actor,
            door=door,
            effective_date=recorded_at.date(),
            token=token,
        )

    def revoke_all(self, *, recorded_at: datetime, actor: str, door: Door | None = None) -> int:
        """Revoke every token, and end every session: none outlives the token it was started with."""
        for session in sorted(self.sessions):
            self.end_session(
                session, SessionEnd.TOKEN_REVOKED, recorded_at=recorded_at, actor=actor, door=door
            )
        revoked = sorted(self.tokens)
        for token_id in revoked:
            self.trigger_event(
                TokenRevoked,
                timestamp=recorded_at,
                actor=actor,
                door=door,
                effective_date=recorded_at.date(),
                token_id=token_id,
            )
        return len(revoked)

    def start_session(
        self, session: str, token_id: str, *, recorded_at: datetime, door: Door | None = None
    ) -> None:
        """Start a session known by `session` (a hash of its secret); those past their lifetime end."""
        if token_id not in self.tokens:
            raise TokenNotHeld(f"{self.name}'s token {token_id} has been revoked; sign in with a new one.")
        for old in sorted(k for k, v in self.sessions.items() if not v.lasts(self.tokens, recorded_at)):
            self.end_session(old, SessionEnd.EXPIRED, recorded_at=recorded_at, actor=self.name, door=door)
        self.trigger_event(
            SessionStarted,
            timestamp=recorded_at,
            actor=self.name,
            door=door,
            effective_date=recorded_at.date(),
            session=session,
            token_id=token_id,
        )

    def end_session(
        self, session: str, reason: SessionEnd, *, recorded_at: datetime, actor: str, door: Door | None = None
    ) -> None:
        """End the session; one already ended records nothing."""
        if session in self.sessions:
            self.trigger_event(
                SessionEnded,
                timestamp=recorded_at,
                actor=actor,
                door=door,
                effective_date=recorded_at.date(),
                session=session,
                reason=reason,
            )

    def change_contact(
        self,
        email: str | None,
        mail: MailPreference,
        *,
        recorded_at: datetime,
        actor: str,
        door: Door | None = None,
    ) -> None:
        """Give the user an address (None: none) and a choice of mail; the same again records nothing."""
        address = check_address(email) if email is not None else None
        if address == self.email and mail is self.mail:
            return
        self.trigger_event(
            ContactChanged,
            timestamp=recorded_at,
            actor=actor,
            door=door,
            effective_date=recorded_at.date(),
            email=address,
            mail=mail,
            previous_email=self.email,
            previous_mail=self.mail,
        )
