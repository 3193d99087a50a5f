"""Persistence of pydantic events with eventsourcing: a mapper with upcasting, a JSON transcoder, and the
application base that uses both."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast
from uuid import UUID

import pydantic_core
from eventsourcing.application import Application, ProcessingEvent, Repository
from eventsourcing.domain import BaseAggregate, DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    ProgrammingError,
    StoredEvent,
    Transcoder,
    Transcoding,
)
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel

# The stored field naming the shape's version; absent means version 1 (eventsourcing's convention).
CLASS_VERSION = "class_version"
# Stored in their own columns, not in the state.
_IDS = {"originator_id", "originator_version"}


def class_version_of(event_class: type[object]) -> int:
    return int(getattr(event_class, CLASS_VERSION, 1))


def upcast(event_class: type[object], stored: dict[str, Any]) -> dict[str, Any]:
    """The stored fields of an event in the current shape of `event_class`, upcast step by step.

    An event of version N is passed through the class's `upcast_vN_vN+1`, then the next, up to the
    class's `class_version`. An event from a newer version than the class knows is refused: reading it
    as the older shape would drop what it says.
    """
    fields = dict(stored)
    version = int(fields.pop(CLASS_VERSION, 1))
    current = class_version_of(event_class)
    if version > current:
        raise MapperDeserialisationError(
            f"{event_class.__name__} was stored as version {version}; this code reads up to {current}."
        )
    while version < current:
        fields = getattr(event_class, f"upcast_v{version}_v{version + 1}")(fields)
        version += 1
    return fields


class PydanticMapper(Mapper[UUID]):
    """Stores a pydantic event as its JSON fields, and validates it back into its class on read."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        event_class = type(domain_event)
        version = class_version_of(event_class)
        if isinstance(self.transcoder, JsonTranscoder):
            # Straight from the model to JSON bytes, the same bytes as the fields dumped then encoded at
            # half the cost (a bulk import encodes thousands of events in one transaction); a later
            # version's number goes last, where the dumped fields would take it.
            serializer = cast(type[BaseModel], event_class).__pydantic_serializer__
            state = serializer.to_json(domain_event, exclude=_IDS)
            if version > 1:
                state = _with_version(state, version)
        else:
            fields = cast(BaseModel, domain_event).model_dump(mode="json", exclude=_IDS)
            if version > 1:
                fields[CLASS_VERSION] = version
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
        # Upcasters see the ids too, as eventsourcing's own mapper gives them.
        fields["originator_id"] = stored_event.originator_id
        fields["originator_version"] = stored_event.originator_version
        event_class = cast(type[BaseModel], resolve_topic(stored_event.topic))
        return cast(DomainEventProtocol[UUID], event_class.model_validate(upcast(event_class, fields)))


def _with_version(state: bytes, version: int) -> bytes:
    """A JSON object's bytes with the class version added as its last member."""
    member = b'"%s":%d}' % (CLASS_VERSION.encode(), version)
    return b"{" + member if state == b"{}" else state[:-1] + b"," + member


class JsonTranscoder(Transcoder):
    """JSON bytes through pydantic-core; pydantic models do all type conversion."""

    def encode(self, obj: Any) -> bytes:
        return pydantic_core.to_json(obj)

    def decode(self, data: bytes) -> Any:
        return pydantic_core.from_json(data)

    def register(self, transcoding: Transcoding) -> None:
        raise ProgrammingError("Events are pydantic models; no transcodings are registered.")


def project(aggregate: Any, events: Iterable[DomainEventProtocol[UUID]]) -> Any:
    """eventsourcing's projector without its per-event check against a runtime protocol, which cost a
    tenth of a command's time (bench.append): our events are all eventsourcing events."""
    for event in events:
        aggregate = cast(Any, event).mutate(aggregate)
    return aggregate


class FastRepository(Repository[UUID]):
    """Reconstructs aggregates with `project`."""

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", project)
        return super().get(aggregate_id, version=version, **kwargs)


class PydanticApplication(Application[UUID]):
    """An eventsourcing application whose events are pydantic models, stored as JSON and upcast on read."""

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    def construct_transcoder(self) -> Transcoder:
        return JsonTranscoder()

    def construct_repository(self) -> Repository[UUID]:
        # No aggregate cache of eventsourcing's: Engagements keeps its own (see activities/case_cache.py).
        return FastRepository(event_store=self.events, snapshot_store=self.snapshots)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Application.save, collecting aggregates' events without its runtime-protocol checks."""
        if not all(isinstance(obj, BaseAggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in objs:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        processing.saved_kwargs.update(kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(processing.events)  # eventsourcing's deprecated hook, as its save calls it
        return recordings

    def save_stored(self, stored: Sequence[StoredEvent]) -> None:
        """Stores events already encoded (a bulk import's, made without their aggregates) in one transaction.
        No snapshot is taken and no hook is told, as `save` would: there is no aggregate, and none of ours
        listens."""
        self.recorder.insert_events(stored)
