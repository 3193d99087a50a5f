"""Reading the logs from their start: engagements folded into aggregates, every event projected afresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.domain import EventSourcingError

from activities.store.logs import EventLog
from domain.engagement import Engagement
from domain.facts import Fact
from projections.facts import project
from projections.runner import PAGE
from projections.store import FactStore

ENGAGEMENTS = "Engagements"


class UnreadableLog(Exception):
    """An event in a log cannot be decoded: nothing after it can be replayed."""


@dataclass
class Replayed:
    """The aggregates rebuilt, the engagements that could not be, and how many events were read."""

    aggregates: dict[UUID, Engagement] = field(default_factory=dict)
    broken: dict[UUID, str] = field(default_factory=dict)
    # Events read from the logs, and those of the replay's scope (every one, or one engagement's).
    events: int = 0
    replayed: int = 0


def first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _pages(log: EventLog, upto: int) -> Iterator[list[tuple[int, Fact]]]:
    position = 0
    while position < upto:
        try:
            read = log.read(position, PAGE)
        except (ValueError, EventSourcingError) as error:
            last = _last_readable(log, position)
            raise UnreadableLog(
                f"The {log.name} log cannot be read after position {last}: {first_line(error)}"
            ) from None
        notes = [(p, e) for p, e in read if p <= upto]
        if not notes:
            return
        yield notes
        position = notes[-1][0]


def _last_readable(log: EventLog, position: int) -> int:
    """The position after which the log stops decoding, found one event at a time."""
    while True:
        try:
            notes = log.read(position, 1)
        except (ValueError, EventSourcingError):
            return position
        if not notes:
            return position
        position = notes[0][0]


def rebuild(
    fresh: FactStore,
    logs: Sequence[EventLog],
    upto: dict[str, int],
    origin: UUID | None,
    progress: Callable[[int], None] | None,
) -> Replayed:
    """Fold the engagements' events into aggregates and project every log into `fresh`, in one read."""
    replayed = Replayed()
    for log in logs:
        if origin is not None and log.name != ENGAGEMENTS:
            continue
        expected = 0
        for page in _pages(log, upto.get(log.name, 0)):
            replayed.events += len(page)
            kept = [(p, e) for p, e in page if origin is None or e.originator_id == origin]
            replayed.replayed += len(kept)
            if log.name == ENGAGEMENTS:
                for _, event in kept:
                    _fold(replayed, event)
            if kept:
                fresh.apply(log.name, expected, [project(e, log.name, p) for p, e in kept])
                expected = kept[-1][0]
            if progress is not None:
                progress(len(page))
    return replayed


def _fold(replayed: Replayed, event: Fact) -> None:
    key = event.originator_id
    if key in replayed.broken:
        return
    try:
        aggregate = event.mutate(replayed.aggregates.get(key))
    except Exception as error:  # a gap or a stranger in the log: the case cannot be rebuilt
        replayed.broken[key] = f"version {event.originator_version} does not replay: {error}"
        replayed.aggregates.pop(key, None)
        return
    assert isinstance(aggregate, Engagement)
    replayed.aggregates[key] = aggregate
