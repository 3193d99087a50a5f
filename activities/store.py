"""Persistence of pydantic events with eventsourcing: a mapper and a JSON transcoder."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import pydantic_core
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, ProgrammingError, StoredEvent, Transcoder, Transcoding
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel


class PydanticMapper(Mapper[UUID]):
    """Stores a pydantic event as its JSON fields, and validates it back into its class on read."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = cast(BaseModel, domain_event).model_dump(
            mode="json", exclude={"originator_id", "originator_version"}
        )
        state = self.transcoder.encode(fields)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        fields: dict[str, Any] = self.transcoder.decode(state)
        fields["originator_id"] = stored_event.originator_id
        fields["originator_version"] = stored_event.originator_version
        event_class = cast(type[BaseModel], resolve_topic(stored_event.topic))
        return cast(DomainEventProtocol[UUID], event_class.model_validate(fields))


class JsonTranscoder(Transcoder):
    """JSON bytes through pydantic-core; pydantic models do all type conversion."""

    def encode(self, obj: Any) -> bytes:
        return pydantic_core.to_json(obj)

    def decode(self, data: bytes) -> Any:
        return pydantic_core.from_json(data)

    def register(self, transcoding: Transcoding) -> None:
        raise ProgrammingError("Events are pydantic models; no transcodings are registered.")
