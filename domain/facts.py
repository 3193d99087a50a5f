"""The base of every stored event: the fact, who recorded it, when it happened and when it was recorded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, NotRequired, TypedDict
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from pydantic import BaseModel, ConfigDict

from domain.values import Door


class Recorded(TypedDict):
    """Who recorded a fact, when, from what source and through which door: the keyword arguments of every
    method that records one (`**recorded: Unpack[Recorded]`)."""

    recorded_at: datetime
    actor: str
    source: str | None
    door: NotRequired[Door | None]


class Stamp(Recorded):
    """`Recorded`, and the day the fact took effect."""

    effective_date: date


class Told(TypedDict):
    """What a command tells of itself: who, from what source, through which door, and the day it took effect
    (the time it is recorded at is the recorder's)."""

    effective_date: date
    actor: str
    source: str | None
    door: NotRequired[Door | None]


def stamp_of(told: Told, recorded_at: datetime) -> Stamp:
    """What a command told, recorded at `recorded_at`."""
    return Stamp(
        effective_date=told["effective_date"],
        recorded_at=recorded_at,
        actor=told["actor"],
        source=told["source"],
        door=told.get("door"),
    )


def copy_onto(aggregate: Any, event: BaseModel, *names: str) -> None:
    """Set the aggregate's attributes `names` to the event's fields of the same names (an event's `apply`)."""
    for name in names:
        setattr(aggregate, name, getattr(event, name))


def event_fields(recorded: Recorded, effective_date: date) -> dict[str, Any]:
    """The fields of a `Fact` that say who recorded it, when, from what source, through which door, and the
    day it took effect."""
    return {
        "timestamp": recorded["recorded_at"],
        "actor": recorded["actor"],
        "door": recorded.get("door"),
        "effective_date": effective_date,
        "source": recorded["source"],
    }


class Fact(BaseModel, CanMutateAggregate[UUID]):
    """`timestamp` is the recorded time (given, never read from a clock); `effective_date` the world's.

    Stored shapes are versioned as eventsourcing versions them: a class whose shape changed raises its
    `class_version`, and has a static `upcast_vN_vM(state) -> state` for each step, which the mapper runs
    on an older stored event before validating it (activities.store.upcast).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    class_version: ClassVar[int] = 1

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    actor: str
    effective_date: date
    source: str | None = None
    # The door it came through (domain.doors); facts recorded before doors were kept name none.
    door: Door | None = None
    # Demo data: made up to show the engine (usecases.demo), never a fact of the world. The report leaves
    # it out unless asked to include it, and then marks every figure that counts it. Facts recorded before
    # the mark existed carry none, and read as not demo.
    demo: bool = False
    # The day the fact was known, when that is before it was recorded: a fact recorded from a document was
    # known when the document was (the seed's facts of the report, on 4 March 2002). Figures "as known at" a
    # moment count it from then; facts recorded before this was kept carry none, and count from their
    # recording.
    known_on: date | None = None
