"""The RequestKeys application: answers to keyed API requests, in the event store for every web server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from activities.recording import Clock, utc_now
from activities.store.recorders import ChainedApplication
from domain.request_key import AnsweredRequest, RequestAnswered, request_key_id


class RequestKeys(ChainedApplication):
    """Records the first answer to each user's key; a retry, here or on another server, reads it back."""

    name = "RequestKeys"

    def __init__(self, env: Mapping[str, str] | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.clock = clock

    def answered(self, user: str, key: str, fingerprint: str) -> RequestAnswered | None:
        """The answer this key got, or None if it is new; RequestKeyReused if it asked something else."""
        try:
            request = cast(AnsweredRequest, self.repository.get(request_key_id(user, key)))
        except AggregateNotFoundError:
            return None
        return request.replay_for(fingerprint)

    def remember(self, user: str, key: str, fingerprint: str, status: int, body: str) -> RequestAnswered:
        """Keep the answer; if another server kept one first for the same key, that one is the answer."""
        request = AnsweredRequest.answered(
            user=user, key=key, fingerprint=fingerprint, status=status, body=body, at=self.clock()
        )
        try:
            self.save(request)
        except IntegrityError:
            found = self.answered(user, key, fingerprint)
            assert found is not None
            return found
        return request.answer
