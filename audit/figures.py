"""A bundle's figures against its events: every cited event is there, and the figures follow from them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from pydantic import BaseModel, ConfigDict, ValidationError

from activities.store.chain import RawEvent, originator_text
from activities.store.mapper import JsonTranscoder, PydanticMapper
from domain.facts import Fact
from projections.facts import Projected, project
from projections.figures import Figures, figures
from projections.sqlite_store import SqliteFactStore
from projections.store import StoredFact

BATCH = 1_000


class FiguresFile(BaseModel):
    """figures.json: the figures as of a date and, for each figure, the fact rows it counts."""

    model_config = ConfigDict(frozen=True)

    figures: Figures
    lineage: dict[str, list[StoredFact]]


class Citations:
    """Every event the lineage cites, ticked off as the bundle's events stream past."""

    def __init__(self, document: FiguresFile) -> None:
        self.waiting: dict[tuple[str, int], list[tuple[str, StoredFact]]] = {}
        for name, rows in document.lineage.items():
            for row in rows:
                self.waiting.setdefault((row.application, row.position), []).append((name, row))
        self.problems: list[str] = []

    def see(self, application: str, event: RawEvent) -> None:
        for name, row in self.waiting.pop((application, event.position), []):
            kind = event.topic.rpartition(":")[2].rpartition(".")[2]
            seen = (originator_text(event.originator_id), event.originator_version, kind)
            cited = (originator_text(row.origin), row.version, row.event_type)
            if seen != cited:
                self.problems.append(
                    f"{name} cites {application} position {event.position} as {cited}, "
                    f"but the bundle holds {seen} there"
                )

    def unseen(self) -> list[str]:
        return [
            f"{name} cites {application} position {position}, which the bundle does not hold"
            for (application, position), rows in sorted(self.waiting.items())
            for name, _ in rows
        ]


class Replayed:
    """The bundle's events projected into a throwaway read model, to recompute the figures."""

    def __init__(self, folder: Path) -> None:
        self.store = SqliteFactStore(folder / "replayed.sqlite")
        self.mapper = PydanticMapper(transcoder=JsonTranscoder())
        self.pending: dict[str, list[Projected]] = {}

    def add(self, application: str, event: RawEvent) -> None:
        stored = StoredEvent(
            originator_id=UUID(event.originator_id), originator_version=event.originator_version,
            topic=event.topic, state=event.state,
        )  # fmt: skip
        fact = cast(Fact, self.mapper.to_domain_event(stored))
        batch = self.pending.setdefault(application, [])
        batch.append(project(fact, application, event.position))
        if len(batch) >= BATCH:
            self._flush(application)

    def _flush(self, application: str) -> None:
        batch = self.pending.pop(application, [])
        if batch:
            self.store.apply(application, self.store.position(application), batch)

    def figures(self, claimed: Figures) -> Figures:
        for application in list(self.pending):
            self._flush(application)
        return figures(self.store, claimed.as_of, claimed.known_at, claimed.year, claimed.include_demo)


@contextmanager
def replayed() -> Iterator[Replayed]:
    with tempfile.TemporaryDirectory() as folder:
        replay = Replayed(Path(folder))
        try:
            yield replay
        finally:
            replay.store.close()


def read_figures(data: bytes) -> FiguresFile:
    try:
        return FiguresFile.model_validate_json(data)
    except ValidationError as error:
        raise ValueError(f"figures.json is unreadable: {error.errors()[0]['msg']}") from None


def differences(claimed: Figures, recomputed: Figures) -> list[str]:
    """The figures whose claimed value is not what the events give."""
    ours: dict[str, Any] = claimed.model_dump(mode="json")
    theirs: dict[str, Any] = recomputed.model_dump(mode="json")
    return [f"{name}: the bundle says {ours[name]}, its events give {theirs[name]}"
            for name in ours if ours[name] != theirs.get(name)]  # fmt: skip
