"""Audit replay: cases and report figures rebuilt from the raw events alone, compared with the live ones."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.domain import EventSourcingError
from pydantic import BaseModel, ConfigDict, Field

from activities.engagements import Engagements
from activities.store.logs import EventLog
from audit.differences import (
    Difference,
    Row,
    case_differences,
    figure_differences,
    row_differences,
    same,
    stage_of,
    state_label,
)
from audit.log_replay import ENGAGEMENTS, Replayed, UnreadableLog, first_line, rebuild
from domain.engagement import Engagement, engagement_id
from domain.errors import EngagementNotOpen
from projections.figures import Figures, figures, stages
from projections.generations import refresh
from projections.sqlite_store import SqliteFactStore
from projections.store import FactStore

# Every effective date there is: the read model's stage of a State with all its steps counted.
EVER = date.max
# A projector may move the live read model while it is read; reads are repeated until it holds still.
SETTLE_ATTEMPTS = 5


class ReplayedCase(BaseModel):
    """One engagement as the replay rebuilt it: its stage on the replay's date, and as its events left it."""

    model_config = ConfigDict(frozen=True)

    state: str
    state_name: str
    stage_on_date: str | None = Field(
        description="Its stage as of the replay's date; None before its request"
    )
    status: str
    completed_steps: list[str]
    events: int = Field(description="The engagement's events replayed")


class ReplayResult(BaseModel):
    """What a replay read and what it found."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    state: str | None
    engagements: int
    events: int = Field(description="Events replayed: every log's, or the one engagement's")
    read: int = Field(default=0, description="Events read from the logs to find them")
    positions: dict[str, int]
    differences: list[Difference]
    cases: list[ReplayedCase] = Field(default_factory=list)


@dataclass
class _Live:
    """The live read model as it stood at `positions`."""

    positions: dict[str, int]
    rows: list[Row]
    stages: dict[str, str]
    stages_ever: dict[str, str]
    figures: Figures | None


def events_to_read(logs: Sequence[EventLog], state: str | None = None) -> int:
    """How many events a replay reads (an upper bound), to size a progress bar."""
    return sum(log.last() for log in logs if state is None or log.name == ENGAGEMENTS)


def replay(
    engagements: Engagements,
    logs: Sequence[EventLog],
    live_store: FactStore,
    *,
    as_of: date,
    state: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Rebuild every engagement (or the State's) and the figures from the event logs alone, and compare.

    The cases are compared with the repository's, and their fact rows, stages and (for a whole replay)
    the report's figures as of `as_of` with the live read model, caught up first.
    """
    code = None if state is None else engagements.participants.get(state).code
    if code is not None and engagements.find(code) is None:
        raise EngagementNotOpen(f"{code} has no engagement to replay: no request was recorded for it.")
    origin = None if code is None else engagement_id(code)
    try:
        refresh(live_store, logs)
    except (ValueError, EventSourcingError) as error:
        raise UnreadableLog(
            f"The live read model cannot catch up with the logs: {first_line(error)}"
        ) from None
    live = _read_live(live_store, logs, as_of, whole=origin is None)
    with tempfile.TemporaryDirectory(prefix="palermo-replay-") as folder:
        fresh = SqliteFactStore(Path(folder) / "replayed.sqlite")
        try:
            rebuilt = rebuild(fresh, logs, live.positions, origin, progress)
            differences = _compare(engagements, live, fresh, rebuilt, as_of, origin)
            on_date = stages(fresh, as_of, None)
        finally:
            fresh.close()
    cases = [
        ReplayedCase(
            state=view.state,
            state_name=view.state_name,
            stage_on_date=on_date.get(view.state),
            status=view.status.value,
            completed_steps=[s.value for s in view.completed_steps],
            events=view.version,
        )
        for view in sorted((a.view() for a in rebuilt.aggregates.values()), key=lambda v: v.state)
    ]
    return ReplayResult(
        as_of=as_of,
        state=code,
        engagements=len(rebuilt.aggregates) + len(rebuilt.broken),
        events=rebuilt.replayed,
        read=rebuilt.events,
        positions=live.positions,
        differences=differences,
        cases=cases,
    )


def _read_live(store: FactStore, logs: Sequence[EventLog], as_of: date, *, whole: bool) -> _Live:
    live = None
    for _ in range(SETTLE_ATTEMPTS):
        positions = {log.name: store.position(log.name) for log in logs}
        live = _Live(
            positions=positions,
            rows=store.snapshot(positions),
            # Every case is replayed and compared, demo data's too.
            stages=stages(store, as_of, None, include_demo=True),
            stages_ever=stages(store, EVER, None, include_demo=True),
            figures=figures(store, as_of) if whole else None,
        )
        if {log.name: store.position(log.name) for log in logs} == positions:
            return live
        refresh(store, list(logs))
    assert live is not None
    return live


def _compare(
    engagements: Engagements,
    live: _Live,
    fresh: FactStore,
    rebuilt: Replayed,
    as_of: date,
    origin: UUID | None,
) -> list[Difference]:
    differences = [
        Difference(what=f"{state_label(key)} engagement", live="stored", replayed=why)
        for key, why in rebuilt.broken.items()
    ]
    cases = {key: aggregate.view() for key, aggregate in rebuilt.aggregates.items()}
    for key, case in sorted(cases.items(), key=lambda item: item[1].state):
        try:
            stored: Engagement = engagements.repository.get(key, version=case.version)
        except Exception as error:  # the repository's path to the events fails where the log's did not
            differences.append(Difference(what=f"{case.state} case", live=str(error), replayed="replayed"))
            continue
        differences += case_differences(stored.view(), case)
        differences += same(f"{case.state} stage", live.stages_ever.get(case.state), stage_of(case))
    in_scope = None if origin is None else {str(origin)}
    differences += row_differences(live.rows, fresh.snapshot(live.positions), in_scope)
    replayed_stages = stages(fresh, as_of, None, include_demo=True)
    for state in sorted(set(live.stages) | set(replayed_stages)):
        if origin is None or engagement_id(state) == origin:
            differences += same(
                f"{state} stage on {as_of}", live.stages.get(state), replayed_stages.get(state)
            )
    if live.figures is not None:
        differences += figure_differences(live.figures, figures(fresh, as_of))
    return differences
