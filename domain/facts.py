"""The base of every stored event: the fact, who recorded it, when it happened and when it was recorded."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from pydantic import BaseModel, ConfigDict


class Fact(BaseModel, CanMutateAggregate[UUID]):
    """`timestamp` is the recorded time (given, never read from a clock); `effective_date` the world's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    actor: str
    effective_date: date
    source: str | None = None
