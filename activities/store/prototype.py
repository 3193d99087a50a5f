"""Stored events made in bulk from one validated event: each the same but for its id and some plain fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic
from pydantic import BaseModel

from activities.store.mapper import CLASS_VERSION, class_version_of


class Prototype:
    """Stored events that differ from one validated event only in their originator id and some fields of
    plain values (`changing`), encoded from the event's stored fields with those changed.

    A bulk import validates its first new event and stores the others like it: building and validating a
    model for each, then encoding it, was a third of the import's time. The changed values are given as
    the stored JSON holds them (an enum's value, a date's ISO 8601 text), and must be values validation
    keeps as they are (a validated row's are).
    """

    def __init__(
        self, mapper: Mapper[UUID], event: DomainEventProtocol[UUID], changing: Sequence[str]
    ) -> None:
        self._mapper = mapper
        self._topic = get_topic(type(event))
        self._version = event.originator_version
        self._fields: dict[str, Any] = cast(BaseModel, event).model_dump(
            mode="json", exclude={"originator_id", "originator_version"}
        )
        version = class_version_of(type(event))
        if version > 1:
            self._fields[CLASS_VERSION] = version
        unknown = set(changing) - set(self._fields)
        if unknown:
            raise ValueError(f"Not fields of the prototype: {sorted(unknown)}")
        self._changing = tuple(changing)

    def stored(self, originator_id: UUID, *values: Any) -> StoredEvent:
        """The stored event of `originator_id`, the prototype's `changing` fields given `values`, in order."""
        fields = self._fields.copy()
        fields.update(zip(self._changing, values, strict=True))
        state = self._mapper.transcoder.encode(fields)
        if self._mapper.compressor:
            state = self._mapper.compressor.compress(state)
        if self._mapper.cipher:
            state = self._mapper.cipher.encrypt(state)
        return StoredEvent(
            originator_id=originator_id, originator_version=self._version, topic=self._topic, state=state
        )
