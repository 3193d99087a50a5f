"""An API request answered under the client's Idempotency-Key: what a retry with the key gets again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.errors import DomainError
from domain.facts import Fact
from domain.values import Door

# Fixed forever: a user's key always finds the same aggregate, on any web server.
REQUEST_KEY_NAMESPACE = UUID("0b8f7f1e-2c57-4e7e-8d0e-6a3f5c2d9b41")


class RequestKeyReused(DomainError):
    """An Idempotency-Key names one request; it was sent before with a different one."""


def request_key_id(user: str, key: str) -> UUID:
    """The aggregate id of `user`'s key: keys are the client's, so two users may choose the same."""
    return uuid5(REQUEST_KEY_NAMESPACE, f"request-key/{user.casefold()}/{key}")


def command_id_of_key(user: str, key: str) -> str:
    """The command id a keyed request sends: every retry, on whichever web server, sends the same."""
    return f"key/{request_key_id(user, key)}"


class RequestAnswered(Fact, CanInitAggregate[UUID]):
    """A request sent with an Idempotency-Key was answered, with this status and body."""

    originator_topic: str
    user: str
    key: str
    # What was asked (method, path and body, canonically): the same key must ask the same again.
    fingerprint: str
    status: int
    body: str

    def apply(self, aggregate: Any) -> None:
        aggregate.answer = self


class AnsweredRequest(BaseAggregate[UUID]):
    """One key of one user, and the answer its request got: recorded once, never changed."""

    answer: RequestAnswered

    def __init__(self) -> None:
        """State is set by the RequestAnswered event, on creation and replay."""

    @classmethod
    def answered(
        cls, *, user: str, key: str, fingerprint: str, status: int, body: str, at: datetime
    ) -> AnsweredRequest:
        return cls._create(
            RequestAnswered,
            id=request_key_id(user, key),
            timestamp=at,
            actor=user,
            door=Door.API,  # only the API takes an Idempotency-Key
            effective_date=at.date(),
            user=user,
            key=key,
            fingerprint=fingerprint,
            status=status,
            body=body,
        )

    def replay_for(self, fingerprint: str) -> RequestAnswered:
        """The first answer, for a retry that asks the same; RequestKeyReused for another request."""
        if fingerprint != self.answer.fingerprint:
            raise RequestKeyReused(
                f"The Idempotency-Key '{self.answer.key}' was sent before with a different request; "
                "a new request needs a new key."
            )
        return self.answer
